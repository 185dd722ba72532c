"""Sign-in, sign-out, invitation acceptance and password reset."""
from __future__ import annotations

import hashlib
import hmac
import time
from datetime import timedelta

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from committees.db import db
from committees.errors import DomainError
from committees.models import Person, TokenPurpose
from committees.services import people, two_factor
from portal.auth import bp
from portal.auth.forms import ForgotPasswordForm, LoginForm, LogoutForm, SetPasswordForm, TwoFactorForm
from portal.extensions import limiter
from portal.forms import apply_domain_error
from portal.net import client_address
from portal.urls import safe_next


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_login_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"], key_func=_account_key,
               deduct_when=_login_failed)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        person = people.authenticate(form.email.data, form.password.data)
        if person is None:
            g.login_failed = True
            db.session.commit()  # keep the audit record of the failure
            form.password.errors.append(_("The email or password is not right."))
        elif two_factor.is_enabled(person):
            db.session.commit()  # a rehashed password
            _begin_second_step(person, remember=form.remember.data)
            return redirect(url_for("auth.verify_two_factor", next=request.args.get("next")))
        else:
            _complete_sign_in(person, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


def _complete_sign_in(person: Person, *, remember: bool) -> None:
    """A new session for a fully authenticated person: nothing of the old cookie survives (no fixation)."""
    session.clear()
    people.sign_in(person, remember=remember, ip=client_address(), user_agent=request.user_agent.string)
    db.session.commit()
    login_user(person, remember=remember)
    session.permanent = True
    if person.language in current_app.config["LANGUAGES"]:
        session["lang"] = person.language


# -- the second step: half signed in until a code is accepted -------------------------------------------------
# The password was right, but no login session exists yet: the (signed) cookie holds only who is expected, since
# when, and a keyed fingerprint of the password hash. Every other page sees the public; the state ends after a
# few minutes, when the password changes, when the account is deactivated or its two-step sign-in is reset.

PENDING = "two_factor_pending"
PENDING_SECONDS = 5 * 60


def _fingerprint(person: Person) -> str:
    """Changes with the password hash; keyed, so the readable cookie says nothing about the hash."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"two-factor-pending:{person.id}:{person.password_hash or ''}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _begin_second_step(person: Person, *, remember: bool) -> None:
    session.clear()
    session[PENDING] = {"person": person.id, "at": int(time.time()), "remember": bool(remember),
                        "check": _fingerprint(person)}


def _pending_person() -> Person | None:
    """The person halfway through signing in, or None (and the state is dropped) when it expired or changed."""
    state = session.get(PENDING)
    if not isinstance(state, dict):
        return None
    person_id, started = state.get("person"), state.get("at")
    fresh = isinstance(started, int) and 0 <= time.time() - started <= PENDING_SECONDS
    person = db.session.get(Person, person_id) if fresh and isinstance(person_id, int) else None
    check = state.get("check")
    if (person is None or not person.active or not isinstance(check, str)
            or not hmac.compare_digest(check, _fingerprint(person)) or not two_factor.is_enabled(person)):
        session.pop(PENDING, None)
        return None
    return person


def _second_step_key() -> str:
    state = session.get(PENDING)
    return f"two-factor:{state.get('person') if isinstance(state, dict) else None}"


def _second_step_failed(response) -> bool:
    return bool(g.get("two_factor_failed"))


@bp.route("/login/verify", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_second_step_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"], key_func=_second_step_key,
               deduct_when=_second_step_failed)
def verify_two_factor():
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(safe_next(next_url))
    had_state = PENDING in session
    person = _pending_person()
    if person is None:
        if had_state:
            flash(_("Please sign in again: the second step took too long, or the account changed meanwhile."),
                  "info")
        return redirect(url_for("auth.login", next=next_url))
    form = TwoFactorForm()
    if not form.validate_on_submit():
        return render_template("auth/two_factor.html", form=form), (400 if form.is_submitted() else 200)
    remember = bool(session[PENDING].get("remember"))
    method = two_factor.check_second_factor(person, form.code.data, key=current_app.config["SECRET_KEY"])
    if method is None:
        g.two_factor_failed = True
        db.session.commit()  # the audit record and nothing else
        form.code.data = form.code.raw_data = None  # a code is not echoed back into the page
        form.code.errors.append(_("That code is not right, or it was already used. Try the next code."))
        return render_template("auth/two_factor.html", form=form), 400
    _complete_sign_in(person, remember=remember)
    if method == "recovery":
        left = two_factor.unused_recovery_codes(person)
        flash(ngettext("You used a recovery code; %(num)d is left. Make new ones on your profile if you need to.",
                       "You used a recovery code; %(num)d are left. Make new ones on your profile if you need to.",
                       left), "warning")
    return redirect(safe_next(next_url))


@bp.route("/logout", methods=["POST"])
def logout():
    form = LogoutForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        people.sign_out(current_user._get_current_object(), current_user.get_id())
        db.session.commit()
        session.clear()
        logout_user()  # after clearing: it leaves the instruction to delete the remember cookie
        flash(_("You have signed out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["TOKEN_LIMIT_PER_ADDRESS"], methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        people.request_password_reset(form.email.data, timedelta(hours=current_app.config["RESET_HOURS"]))
        db.session.commit()
        flash(_("If an account uses that address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


def _set_password(purpose: TokenPurpose, token: str, template: str):
    valid = people.peek_token(token, purpose) is not None
    form = SetPasswordForm()
    if valid and form.validate_on_submit():
        try:
            person = people.set_password_with_token(token, purpose, form.password.data)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error, default_field="password")
        else:
            db.session.commit()
            flash(_("Your password is set. You can sign in now."), "success")
            return redirect(url_for("auth.login", email=person.email))
    return render_template(template, form=form, valid=valid), (200 if valid else 404)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["TOKEN_LIMIT_PER_ADDRESS"], methods=["POST"])
def accept_invitation(token: str):
    return _set_password(TokenPurpose.INVITATION, token, "auth/invitation.html")


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["TOKEN_LIMIT_PER_ADDRESS"], methods=["POST"])
def reset_password(token: str):
    return _set_password(TokenPurpose.RESET, token, "auth/reset.html")
