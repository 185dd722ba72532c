"""Forms for agendas and documents: items (added, edited with a version, suggested), decisions, copying, uploads."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import HiddenField, IntegerField, SelectField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from committees.db import db
from committees.models import CommitteeRole, Membership, MembershipStatus, Organisation, Person
from committees.models.meetings import Meeting, MeetingState


def _id_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class ItemFields(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)], render_kw={"rows": 3},
                                description=_l("Markdown is allowed."))
    minutes_allotted = IntegerField(_l("Minutes"), default=10, validators=[DataRequired(), NumberRange(1, 480)])
    presenter_id = SelectField(_l("Presenter"), coerce=_id_or_none, validate_choice=False)
    presenter_organisation_id = SelectField(_l("Presenting organisation"), coerce=_id_or_none,
                                            validate_choice=False)

    def fill_choices(self, meeting: Meeting) -> "ItemFields":
        """People with a role in the committee and its member organisations (two queries)."""
        people = db.session.execute(
            select(Person.id, Person.full_name).join(CommitteeRole, CommitteeRole.person_id == Person.id)
            .where(CommitteeRole.committee_id == meeting.committee_id, Person.active.is_(True))
            .distinct().order_by(Person.full_name)).all()
        orgs = db.session.execute(
            select(Organisation.id, Organisation.name).join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.committee_id == meeting.committee_id, Membership.status == MembershipStatus.ACTIVE)
            .order_by(Organisation.name)).all()
        self.presenter_id.choices = [SelectChoice("", _l("Nobody in particular"))] + [
            SelectChoice(row.id, row.full_name) for row in people]
        self.presenter_organisation_id.choices = [SelectChoice("", _l("No organisation"))] + [
            SelectChoice(row.id, row.name) for row in orgs]
        return self

    def values(self) -> dict:
        return {"title": self.title.data, "description": self.description.data or "",
                "minutes_allotted": self.minutes_allotted.data, "presenter_id": self.presenter_id.data,
                "presenter_organisation_id": self.presenter_organisation_id.data}


class ItemForm(ItemFields):
    submit = SubmitField(_l("Add the item"))


class EditItemForm(ItemFields):
    version = HiddenField()
    submit = SubmitField(_l("Save the item"))


class SuggestForm(ItemFields):
    submit = SubmitField(_l("Suggest the item"))


class DecideForm(FlaskForm):
    reason = TextAreaField(_l("Reason for declining"), validators=[Length(max=2000)], render_kw={"rows": 2},
                           description=_l("Needed to decline; the person who suggested the item reads it."))


class CopyForm(FlaskForm):
    source_id = SelectField(_l("Earlier meeting"), coerce=_id_or_none, validate_choice=False,
                            validators=[DataRequired()])
    submit = SubmitField(_l("Copy its agenda"))

    def fill_choices(self, meeting: Meeting) -> "CopyForm":
        rows = db.session.execute(
            select(Meeting.id, Meeting.title, Meeting.starts_at)
            .where(Meeting.committee_id == meeting.committee_id, Meeting.id != meeting.id,
                   Meeting.deleted_at.is_(None), Meeting.state != MeetingState.CANCELLED)
            .order_by(Meeting.starts_at.desc().nulls_last(), Meeting.id.desc()).limit(50)).all()
        self.source_id.choices = [SelectChoice(row.id, _meeting_label(row)) for row in rows]
        return self


def _meeting_label(row) -> str:
    from flask_babel import format_date

    return f"{row.title} ({format_date(row.starts_at)})" if row.starts_at else row.title


class DocumentForm(FlaskForm):
    file = FileField(_l("File"), description=_l("PDF, DOCX, XLSX, ODT, ODS, PNG or JPEG."))
    agenda_item_id = SelectField(_l("Attach to"), coerce=_id_or_none, validate_choice=False, validators=[Optional()])
    submit = SubmitField(_l("Upload"))

    def fill_choices(self, items) -> "DocumentForm":
        self.agenda_item_id.choices = [SelectChoice("", _l("The meeting as a whole"))] + [
            SelectChoice(item.id, item.title) for item in items]
        return self
