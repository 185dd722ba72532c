"""The signed-in person's profile (details, password, sessions) and people's pages."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from committees import policy
from committees.db import db
from committees.errors import DomainError
from committees.models import Person
from committees.services import people
from portal.extensions import limiter
from portal.forms import apply_domain_error
from portal.loaders import ensure, load_or_404, user
from portal.people import bp
from portal.people.forms import ChangePasswordForm, ProfileForm


def _sessions_of(person: Person):
    cfg = current_app.config
    return people.list_active_sessions(
        person,
        idle=timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"]),
        remember_for=cfg["REMEMBER_COOKIE_DURATION"],
        current_raw=current_user.get_id(),
    )


def _render_profile(profile_form=None, password_form=None, status: int = 200):
    me = user()
    profile_form = profile_form or ProfileForm(formdata=None, person=me)
    password_form = password_form or ChangePasswordForm(formdata=None)
    return render_template("people/profile.html", form=profile_form, password_form=password_form,
                           sessions=_sessions_of(me)), status


@bp.route("/profile")
@login_required
def profile():
    ensure("profile.edit")
    return _render_profile()


@bp.route("/profile", methods=["POST"])
@login_required
def update_profile():
    ensure("profile.edit")
    me = user()
    form = ProfileForm(person=me)
    if not form.validate_on_submit():
        return _render_profile(profile_form=form, status=400)
    try:
        people.update_person(me, me, {name: form[name].data for name in people.PROFILE_FIELDS})
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        return _render_profile(profile_form=form, status=error.status)
    db.session.commit()
    session["lang"] = me.language
    flash(_("Your profile is saved."), "success")
    return redirect(url_for("people.profile"))


def _password_change_failed(response) -> bool:
    return bool(g.get("password_change_failed"))


def _password_change_key() -> str:
    return f"password-change:{getattr(current_user, 'id', None)}"


@bp.route("/profile/password", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_password_change_key,
               deduct_when=_password_change_failed)
def change_password():
    ensure("profile.edit")
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _render_profile(password_form=form, status=400)
    try:
        people.change_password(user(), form.current_password.data, form.password.data,
                               keep_session=current_user.get_id())
    except DomainError as error:
        db.session.rollback()
        g.password_change_failed = error.code == "password_wrong"
        apply_domain_error(form, error, default_field="password")
        return _render_profile(password_form=form, status=error.status)
    db.session.commit()
    flash(_("Your password is changed. Your other sessions have been signed out."), "success")
    return redirect(url_for("people.profile"))


@bp.route("/profile/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    ensure("profile.edit")
    count = people.end_other_sessions(user(), current_user.get_id())
    db.session.commit()
    flash(_("Signed out of %(count)s other session(s).", count=count), "success")
    return redirect(url_for("people.profile"))


@bp.route("/people/<int:person_id>")
@login_required
def show_person(person_id: int):
    person = load_or_404(Person, person_id)
    ensure("person.view", person)
    roles = [r for r in people.roles_of(person) if policy.can(user(), "committee.view", r.committee)]
    return render_template("people/person.html", person=person, roles=roles)
