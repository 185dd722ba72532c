"""Forms for agendas and documents: items (added, edited with a version, suggested), decisions, copying, uploads."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import literal_column, select, union_all
from wtforms import HiddenField, IntegerField, SelectField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from committees.db import db
from committees.models import CommitteeRole, Membership, MembershipStatus, Organisation, Person
from committees.models.meetings import Meeting, MeetingState
from portal.loaders import request_memo


def _id_or_none(value):
    return int(value) if value not in (None, "", "None") else None


PEOPLE, ORGANISATIONS = 1, 2


def presenter_choices(committee_id: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(id, name) of the active people with a role in the committee, by name, and of its active member
    organisations, by name: one statement (UNION ALL), kept for the request (the add and suggest forms share it)."""
    memo = request_memo("agenda_presenter_choices")
    if committee_id not in memo:
        people = (select(literal_column(str(PEOPLE)).label("kind"), Person.id.label("id"),
                         Person.full_name.label("name"))
                  .join(CommitteeRole, CommitteeRole.person_id == Person.id)
                  .where(CommitteeRole.committee_id == committee_id, Person.active.is_(True)).distinct())
        orgs = (select(literal_column(str(ORGANISATIONS)).label("kind"), Organisation.id.label("id"),
                       Organisation.name.label("name"))
                .join(Membership, Membership.organisation_id == Organisation.id)
                .where(Membership.committee_id == committee_id, Membership.status == MembershipStatus.ACTIVE))
        both = union_all(people, orgs)
        rows = db.session.execute(both.order_by(both.selected_columns.kind, both.selected_columns.name)).all()
        memo[committee_id] = ([(r.id, r.name) for r in rows if r.kind == PEOPLE],
                              [(r.id, r.name) for r in rows if r.kind == ORGANISATIONS])
    return memo[committee_id]


class ItemFields(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)], render_kw={"rows": 3},
                                description=_l("Markdown is allowed."))
    minutes_allotted = IntegerField(_l("Minutes"), default=10, validators=[DataRequired(), NumberRange(1, 480)])
    presenter_id = SelectField(_l("Presenter"), coerce=_id_or_none, validate_choice=False)
    presenter_organisation_id = SelectField(_l("Presenting organisation"), coerce=_id_or_none,
                                            validate_choice=False)

    def fill_choices(self, meeting: Meeting) -> "ItemFields":
        """People with a role in the committee and its member organisations (one query per request)."""
        people, orgs = presenter_choices(meeting.committee_id)
        self.presenter_id.choices = [SelectChoice("", _l("Nobody in particular"))] + [
            SelectChoice(row_id, name) for row_id, name in people]
        self.presenter_organisation_id.choices = [SelectChoice("", _l("No organisation"))] + [
            SelectChoice(row_id, name) for row_id, name in orgs]
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
