"""Home, /healthz and the language switcher."""
from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from committees import queries
from committees.db import db
from portal.main import bp
from portal.urls import safe_next


@bp.route("/")
def home():
    user = current_user._get_current_object()
    cards = queries.list_committee_cards(user)
    mine = queries.committees_of(user) if current_user.is_authenticated else []
    return render_template("main/home.html", cards=cards, mine=mine)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="degraded", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/language", methods=["POST"])
def set_language():
    """Remember a language choice in the session (a signed-in person's profile choice wins)."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.language != lang:
            from committees.services import people

            people.update_person(current_user._get_current_object(), current_user._get_current_object(),
                                 {"language": lang})
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))
