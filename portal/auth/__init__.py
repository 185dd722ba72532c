"""Signing in and out, invitations and password resets; the Flask-Login glue."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask, current_app, g, redirect, request, session, url_for
from sqlalchemy.exc import SQLAlchemyError

from committees.db import db
from flask_login import AnonymousUserMixin, current_user

from committees.services import sessions, two_factor
from portal.extensions import login_manager

bp = Blueprint("auth", __name__)


class Anonymous(AnonymousUserMixin):
    id = None
    language = None
    timezone = None
    is_coordinator = False
    is_admin = False


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.after_request(_touch_after_request)
    app.before_request(_require_two_factor)
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    app.config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=app.config["REMEMBER_COOKIE_DURATION_DAYS"]))
    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])


@login_manager.user_loader
def load_user(key: str):
    cfg = current_app.config
    person = sessions.load_session(
        key,
        idle=timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"]),
        remember_for=cfg["REMEMBER_COOKIE_DURATION"],
    )
    if person is None:
        session.pop("_user_id", None)
    elif person.__dict__.get("_touch_session_id"):
        g.touch_login_session = person.__dict__["_touch_session_id"]
    return person


# What a person whose role requires two-step sign-in may reach before setting it up.
SETUP_ENDPOINTS = {
    "auth.logout", "people.two_factor", "people.start_two_factor", "people.confirm_two_factor",
    "people.cancel_two_factor_setup", "main.healthz", "main.set_language", "static", "bootstrap.static",
}


def two_factor_missing(person) -> bool:
    """Whether `person`'s global role requires two-step sign-in (TWO_FACTOR_REQUIRED_ROLES) and they have not
    set it up: the pages send them to the set-up, the API refuses them (portal/api/auth.py)."""
    roles = current_app.config.get("TWO_FACTOR_REQUIRED_ROLES") or ()
    if not roles or not getattr(person, "is_authenticated", False):
        return False
    return two_factor.is_required(person, roles) and not two_factor.is_enabled(person)


def _require_two_factor():
    """Send a signed-in person whose global role requires two-step sign-in (TWO_FACTOR_REQUIRED_ROLES)
    and who has not set it up to the set-up page, whatever they asked for. The API answers for itself (JSON)."""
    if request.endpoint in SETUP_ENDPOINTS or (request.blueprint or "").startswith("api"):
        return None
    if not current_app.config.get("TWO_FACTOR_REQUIRED_ROLES") or not current_user.is_authenticated:
        return None
    if not two_factor_missing(current_user._get_current_object()):
        return None
    return redirect(url_for("people.two_factor"))


def _touch_after_request(response):
    """Store the session's activity after the request. Views commit their own work before this;
    anything they left uncommitted was not meant to be kept, so it is rolled back first."""
    session_id = g.pop("touch_login_session", None)
    if session_id:
        try:
            db.session.rollback()
            sessions.touch_session(session_id)
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
    return response


from portal.auth import views  # noqa: E402,F401
