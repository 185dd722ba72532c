"""Personal data on the web: download one's own data (or, for coordinators, a person's) as JSON, and
anonymise a person who leaves (coordinators; a confirmation form)."""
from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from committees.db import db, utcnow
from committees.errors import DomainError
from committees.models import Person
from committees.services import personal_data
from portal.forms import apply_domain_error
from portal.loaders import ensure, load_or_404, user
from portal.people import bp


class AnonymiseForm(FlaskForm):
    confirm_email = StringField(_l("Type their email address to confirm"), validators=[Length(max=254)])
    reason = TextAreaField(_l("Reason (kept in the audit log)"), validators=[Length(max=500)])
    submit = SubmitField(_l("Anonymise this person"))


def _json_download(person: Person) -> Response:
    data = personal_data.export_person_data(user(), person)
    db.session.commit()
    # Markup characters escaped (as JSON allows): the file stays inert even if a browser ever rendered it.
    body = (json.dumps(data, ensure_ascii=False, indent=2)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    filename = f"personal-data-{person.id}-{utcnow():%Y%m%d}.json"
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })


@bp.route("/profile/data")
@login_required
def export_my_data():
    me = user()
    ensure("person.export_data", me)
    return _json_download(me)


@bp.route("/people/<int:person_id>/data")
@login_required
def export_person_data(person_id: int):
    person = load_or_404(Person, person_id)
    ensure("person.export_data", person)
    return _json_download(person)


def _render_anonymise(person: Person, form: AnonymiseForm, status: int = 200):
    return render_template("admin/people_anonymise.html", person=person, form=form,
                           placeholder=personal_data.placeholder_name(person)), status


@bp.route("/people/<int:person_id>/anonymise", methods=["GET", "POST"])
@login_required
def anonymise_person(person_id: int):
    person = load_or_404(Person, person_id)
    ensure("person.anonymise", person)
    form = AnonymiseForm()
    if not form.validate_on_submit():
        return _render_anonymise(person, form, 400 if form.is_submitted() else 200)
    try:
        personal_data.anonymise_person(user(), person, confirm_email=form.confirm_email.data,
                                       reason=form.reason.data)
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        return _render_anonymise(person, form, error.status)
    db.session.commit()
    flash(_("The person is anonymised: their records now show “%(name)s”.", name=person.full_name), "success")
    return redirect(url_for("admin.edit_person", person_id=person.id))
