"""Sign-in, sign-out, invitation acceptance and password reset."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from committees.db import db
from committees.errors import DomainError
from committees.models import TokenPurpose
from committees.services import people
from portal.auth import bp
from portal.auth.forms import ForgotPasswordForm, LoginForm, LogoutForm, SetPasswordForm
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
        else:
            session.clear()
            people.sign_in(person, remember=form.remember.data, ip=client_address(),
                           user_agent=request.user_agent.string)
            db.session.commit()
            login_user(person, remember=form.remember.data)
            session.permanent = True
            if person.language in current_app.config["LANGUAGES"]:
                session["lang"] = person.language
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


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
