"""Two-step sign-in on the profile (set up with a QR code, confirm, recovery codes, replace, turn off) and
coordinators' reset of somebody else's. The sign-in step itself is in portal/auth/views.py."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from committees.db import db
from committees.errors import DomainError
from committees.models import Person
from committees.services import two_factor
from portal.extensions import limiter
from portal.forms import apply_domain_error
from portal.loaders import ensure, load_or_404, user
from portal.people import bp
from portal.people.two_factor_forms import (
    ConfirmTwoFactorForm,
    DisableTwoFactorForm,
    RegenerateCodesForm,
    ReplaceTwoFactorForm,
    StartTwoFactorForm,
)

FORMS = {"start": StartTwoFactorForm, "confirm": ConfirmTwoFactorForm, "replace": ReplaceTwoFactorForm,
         "codes": RegenerateCodesForm, "disable": DisableTwoFactorForm}


def _key() -> str:
    return current_app.config["SECRET_KEY"]


def _required_roles() -> tuple[str, ...]:
    return tuple(current_app.config.get("TWO_FACTOR_REQUIRED_ROLES") or ())


@bp.app_template_global("two_factor_status")
def two_factor_status(person: Person) -> dict:
    """What the profile and the account pages show about a person's two-step sign-in."""
    settings = two_factor.get_settings(person)
    return {
        "enabled": bool(settings and settings.enabled),
        "pending": bool(settings and settings.pending_sealed),
        "configured": settings is not None,
        "since": settings.enabled_at if settings else None,
        "codes_left": two_factor.unused_recovery_codes(person) if settings and settings.enabled else 0,
        "required": two_factor.is_required(person, _required_roles()),
    }


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data: URI (allowed by the CSP's img-src; no script, no style, no request)."""
    import segno  # loaded for the set-up page only (memory per worker, start-up)

    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _render(status: int = 200, **kept):
    me = user()
    forms = {name: kept.get(name) or cls(formdata=None, prefix=name) for name, cls in FORMS.items()}
    secret = two_factor.pending_secret(me, key=_key())
    qr = None
    if secret:
        qr = qr_data_uri(two_factor.provisioning_uri(me, secret, current_app.config["PORTAL_NAME"]))
    return render_template("people/two_factor.html", status=two_factor_status(me), tf_forms=forms, qr=qr,
                           secret=_grouped(secret) if secret else None), status


def _show_codes(codes: list[str]):
    """Recovery codes appear in this one answer only (never in the session or a later page)."""
    return render_template("people/two_factor_codes.html", codes=codes)


def _refused(name: str, form, error: DomainError):
    db.session.rollback()
    if error.code == "reauth_failed":
        g.two_factor_change_failed = True
        two_factor.record_failed_reauthentication(user(), name)
        db.session.commit()
    if "code" in form:  # a code is not echoed back into the page
        form.code.data = form.code.raw_data = None
    apply_domain_error(form, error, default_field="password" if "password" in form else None)
    return _render(status=error.status, **{name: form})


def _change_failed(response) -> bool:
    return bool(g.get("two_factor_change_failed"))


def _change_key() -> str:
    return f"two-factor-change:{getattr(current_user, 'id', None)}"


def _throttled(view):
    """Wrong passwords or codes before a change count like failed sign-ins (per person)."""
    return limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_change_key,
                         deduct_when=_change_failed)(view)


@bp.route("/profile/two-factor", endpoint="two_factor")
@login_required
def two_factor_page():
    ensure("profile.edit")
    return _render()


@bp.route("/profile/two-factor/start", methods=["POST"])
@login_required
@_throttled
def start_two_factor():
    ensure("profile.edit")
    me = user()
    name = "replace" if two_factor.is_enabled(me) else "start"
    form = FORMS[name](prefix=name)
    if not form.validate_on_submit():
        return _render(status=400, **{name: form})
    try:
        two_factor.start_setup(me, key=_key(), password=form.password.data,
                               code=form.code.data if "code" in form else None)
    except DomainError as error:
        return _refused(name, form, error)
    db.session.commit()
    return redirect(url_for("people.two_factor") + "#two-factor-setup")


@bp.route("/profile/two-factor/confirm", methods=["POST"])
@login_required
def confirm_two_factor():
    ensure("profile.edit")
    form = ConfirmTwoFactorForm(prefix="confirm")
    if not form.validate_on_submit():
        return _render(status=400, confirm=form)
    try:
        codes = two_factor.confirm_setup(user(), form.code.data, key=_key(), keep_session=current_user.get_id())
    except DomainError as error:
        return _refused("confirm", form, error)
    db.session.commit()
    if codes:
        flash(_("Two-step sign-in is on. Your other sessions have been signed out."), "success")
        return _show_codes(codes)
    flash(_("Your new authenticator is in use; the old one no longer works."), "success")
    return redirect(url_for("people.two_factor"))


@bp.route("/profile/two-factor/cancel", methods=["POST"])
@login_required
def cancel_two_factor_setup():
    ensure("profile.edit")
    two_factor.cancel_setup(user())
    db.session.commit()
    flash(_("The set-up is cancelled."), "info")
    return redirect(url_for("people.two_factor"))


@bp.route("/profile/two-factor/recovery-codes", methods=["POST"])
@login_required
@_throttled
def regenerate_recovery_codes():
    ensure("profile.edit")
    form = RegenerateCodesForm(prefix="codes")
    if not form.validate_on_submit():
        return _render(status=400, codes=form)
    try:
        codes = two_factor.regenerate_recovery_codes(user(), key=_key(), password=form.password.data,
                                                     code=form.code.data)
    except DomainError as error:
        return _refused("codes", form, error)
    db.session.commit()
    flash(_("New recovery codes made; the old ones no longer work."), "success")
    return _show_codes(codes)


@bp.route("/profile/two-factor/disable", methods=["POST"])
@login_required
@_throttled
def disable_two_factor():
    ensure("profile.edit")
    form = DisableTwoFactorForm(prefix="disable")
    if not form.validate_on_submit():
        return _render(status=400, disable=form)
    try:
        two_factor.disable(user(), key=_key(), required_roles=_required_roles(), password=form.password.data,
                           code=form.code.data, keep_session=current_user.get_id())
    except DomainError as error:
        return _refused("disable", form, error)
    db.session.commit()
    flash(_("Two-step sign-in is off."), "info")
    return redirect(url_for("people.two_factor"))


@bp.route("/people/<int:person_id>/two-factor/reset", methods=["POST"])
@login_required
def reset_two_factor(person_id: int):
    person = load_or_404(Person, person_id)
    ensure("person.edit", person)
    try:
        two_factor.reset(user(), person)
    except DomainError as error:
        db.session.rollback()
        from portal.admin.people_views import _render_person

        return _render_person(person, error=error, status=error.status)
    db.session.commit()
    flash(_("Two-step sign-in of %(name)s is reset; they can sign in with their password and set it up again.",
            name=person.full_name), "success")
    return redirect(url_for("admin.edit_person", person_id=person.id))
