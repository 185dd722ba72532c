"""Forms for action items: creating and editing (owners limited to the committee), progress updates, list filters."""
from __future__ import annotations

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from wtforms import (DateField, HiddenField, SelectChoice, SelectField, StringField, SubmitField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, Optional

from committees import action_lists
from committees import lookup
from committees.db import db
from committees.models import CommitteeRole, GlobalRole, Membership, MembershipStatus, Organisation, Person
from committees.models.actions import OPEN_ACTION_STATES, ActionItem, ActionPriority, ActionStatus
from committees.models.meetings import Meeting, MeetingState
from committees.workflow import ACTION_TRANSITIONS, available, transition_to

NOTE_MAX = 10_000
MEETING_CHOICES = 50


def _id_or_none(value):
    return int(value) if value not in (None, "", "None") else None


def enum_choices(members) -> list[SelectChoice]:
    return [SelectChoice(member.value, _l(member.title)) for member in members]


def owner_choices(committee_id: int) -> tuple[list, list]:
    """People of the committee (a role in it, or staff of a member organisation), the coordinators, and its member
    organisations, as (id, label) rows: two queries whatever their number."""
    member_orgs = select(Membership.organisation_id).where(Membership.committee_id == committee_id,
                                                           Membership.status == MembershipStatus.ACTIVE)
    with_role = select(CommitteeRole.person_id).where(CommitteeRole.committee_id == committee_id)
    people = db.session.execute(
        select(Person.id, Person.full_name, Organisation.short_name, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Person.active.is_(True), or_(Person.id.in_(with_role), Person.organisation_id.in_(member_orgs),
                                            Person.global_role == GlobalRole.COORDINATOR))
        .order_by(Person.full_name, Person.id)).all()
    orgs = db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(member_orgs))
                              .order_by(Organisation.name, Organisation.id)).all()
    person_rows = [(r.id, lookup.person_label(r.full_name, r.short_name, r.name)) for r in people]
    return person_rows, [(r.id, r.name) for r in orgs]


class ActionFields(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the action a title.")),
                                                 Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)], render_kw={"rows": 5},
                                description=_l("Markdown is allowed."))
    owner_person_id = SelectField(
        _l("Owner (person)"), coerce=_id_or_none, validate_choice=False,
        description=_l("A person, an organisation or both: from this committee (or a coordinator)."))
    owner_organisation_id = SelectField(_l("Owner (organisation)"), coerce=_id_or_none, validate_choice=False)
    due_on = DateField(_l("Due date"), validators=[Optional()])
    priority = SelectField(_l("Priority"), choices=enum_choices(ActionPriority), default=ActionPriority.NORMAL.value)

    def fill_choices(self, committee_id: int):
        people, orgs = owner_choices(committee_id)
        self.owner_person_id.choices = [SelectChoice("", _l("No particular person"))] + [
            SelectChoice(i, label) for i, label in people]
        self.owner_organisation_id.choices = [SelectChoice("", _l("No organisation"))] + [
            SelectChoice(i, label) for i, label in orgs]
        return self

    def values(self) -> dict:
        return {"title": self.title.data, "description": self.description.data or "",
                "owner_person_id": self.owner_person_id.data,
                "owner_organisation_id": self.owner_organisation_id.data,
                "due_on": self.due_on.data, "priority": self.priority.data}


class NewActionForm(ActionFields):
    meeting_id = SelectField(_l("Set at a meeting"), coerce=_id_or_none, default="",
                             description=_l("Optional: the item is then listed with that meeting's minutes."))
    status = SelectField(_l("Status"), choices=enum_choices(OPEN_ACTION_STATES), default=ActionStatus.OPEN.value)
    submit = SubmitField(_l("Create the action item"))

    def fill_choices(self, committee_id: int):
        super().fill_choices(committee_id)
        rows = db.session.execute(
            select(Meeting.id, Meeting.title, Meeting.starts_at)
            .where(Meeting.committee_id == committee_id, Meeting.deleted_at.is_(None),
                   Meeting.state.in_((MeetingState.SCHEDULED, MeetingState.HELD, MeetingState.MINUTED)))
            .order_by(Meeting.starts_at.desc().nulls_last(), Meeting.id.desc()).limit(MEETING_CHOICES)).all()
        self.meeting_id.choices = [SelectChoice("", _l("No meeting"))] + [
            SelectChoice(r.id, f"{r.title} ({format_date(r.starts_at)})" if r.starts_at else r.title) for r in rows]
        return self


class EditActionForm(ActionFields):
    version = HiddenField()
    submit = SubmitField(_l("Save the action item"))


class UpdateForm(FlaskForm):
    """A progress note and, optionally, a step from ACTION_TRANSITIONS available in the item's state."""

    note = TextAreaField(_l("Progress note"), validators=[Length(max=NOTE_MAX)], render_kw={"rows": 3})
    new_status = SelectField(_l("New status"), default="")
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)], render_kw={"rows": 2},
                           description=_l("Needed when cancelling the action."))
    submit = SubmitField(_l("Post the update"))

    def fill_choices(self, item: ActionItem):
        self._state = item.status
        keep = _l("Keep the status (%(status)s)", status=_l(item.status.title))
        self.new_status.choices = [SelectChoice("", keep)] + [
            SelectChoice(t.target.value, _l(t.title)) for t in available(ACTION_TRANSITIONS, item.status)]
        return self

    def transition(self):
        """The chosen step from the item's state (None: keep the status)."""
        target = self.new_status.data
        return transition_to(ACTION_TRANSITIONS, self._state, ActionStatus(target)) if target else None


STATUS_FILTER_CHOICES = [
    SelectChoice(action_lists.STATUS_OPEN, _l("Not finished (open, in progress or blocked)")),
    SelectChoice(action_lists.STATUS_OVERDUE, _l("Overdue")),
    SelectChoice(action_lists.STATUS_ALL, _l("All")),
    *enum_choices(ActionStatus),
]
SORT_CHOICES = [SelectChoice("due", _l("Due date")), SelectChoice("priority", _l("Priority (high first)")),
                SelectChoice("status", _l("Status")), SelectChoice("updated", _l("Last updated"))]


class ListFilterForm(FlaskForm):
    """The filters of a committee's list, read from the query string (GET, no CSRF: reading changes nothing).
    Values outside the choices, or dates that are not dates, make the form invalid (the page answers 400)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=STATUS_FILTER_CHOICES, default=action_lists.STATUS_OPEN)
    organisation = SelectField(_l("Owner organisation"), coerce=_id_or_none, default="")
    priority = SelectField(_l("Priority"), choices=[SelectChoice("", _l("Any priority")),
                                                    *enum_choices(ActionPriority)], default="")
    due_after = DateField(_l("Due on or after"), validators=[Optional()])
    due_before = DateField(_l("Due on or before"), validators=[Optional()])
    q = StringField(_l("Title contains"), validators=[Optional(), Length(max=200)])
    sort = SelectField(_l("Sort by"), choices=SORT_CHOICES, default="due")

    def fill_choices(self, committee_id: int):
        """Member organisations and any organisation owning one of the committee's items (one query)."""
        member_orgs = select(Membership.organisation_id).where(Membership.committee_id == committee_id)
        owners = select(ActionItem.owner_organisation_id).where(ActionItem.committee_id == committee_id)
        rows = db.session.execute(select(Organisation.id, Organisation.name).where(
            or_(Organisation.id.in_(member_orgs), Organisation.id.in_(owners))).order_by(Organisation.name)).all()
        self.organisation.choices = [SelectChoice("", _l("Any organisation"))] + [
            SelectChoice(r.id, r.name) for r in rows]
        return self

    def wanted(self) -> action_lists.ActionFilter:
        return action_lists.ActionFilter(
            status=self.status.data, organisation_id=self.organisation.data,
            priority=ActionPriority(self.priority.data) if self.priority.data else None,
            due_after=self.due_after.data, due_before=self.due_before.data, q=self.q.data or "",
            sort=self.sort.data)
