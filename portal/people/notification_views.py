"""The signed-in person's mail settings: per kind of message, immediately, in a daily digest, or not at all."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from committees.db import db
from committees.errors import DomainError
from committees.models.notifications import DeliveryMode, NotificationKind
from committees.services.notify import delivery_mode, set_preference
from portal.forms import apply_domain_error
from portal.loaders import ensure, user
from portal.people import bp

# Invitations, updates and cancellations of meetings go out whatever the setting (see notify()).
ALWAYS_SENT = (NotificationKind.MEETINGS,)


class NotificationsForm(FlaskForm):
    """One radio group per NotificationKind, named by the kind's value; any other field is ignored."""

    submit = SubmitField(_l("Save mail settings"))

    @classmethod
    def build(cls, person, **kwargs) -> NotificationsForm:
        fields = {kind.value: RadioField(_l(kind.title), validators=[InputRequired()],
                                         choices=[SelectChoice(m.value, _l(m.title)) for m in DeliveryMode])
                  for kind in NotificationKind}
        form_class = type("BoundNotificationsForm", (cls,), fields)
        form = form_class(**kwargs)
        if not form.is_submitted():
            for kind in NotificationKind:
                form[kind.value].data = delivery_mode(person, kind).value
        return form

    def kinds(self):
        return [(kind, self[kind.value]) for kind in NotificationKind]


def _render(form: NotificationsForm, status: int = 200):
    return render_template("people/notifications.html", form=form, always_sent=ALWAYS_SENT), status


@bp.route("/profile/notifications")
@login_required
def notifications():
    ensure("profile.edit")
    return _render(NotificationsForm.build(user()))


@bp.route("/profile/notifications", methods=["POST"])
@login_required
def update_notifications():
    ensure("profile.edit")
    me = user()
    form = NotificationsForm.build(me)
    if not form.validate_on_submit():
        return _render(form, status=400)
    try:
        for kind, field in form.kinds():
            set_preference(me, kind, field.data)
        db.session.flush()
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        return _render(form, status=error.status)
    db.session.commit()
    flash(_("Your mail settings are saved."), "success")
    return redirect(url_for("people.notifications"))
