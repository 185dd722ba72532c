"""SQL twins of the policy's view rules that have no list of their own yet: meetings, agenda items, action items,
organisations and people. Each is a condition for a WHERE clause, to be used with the tables it names joined by
the caller; tests/domain/test_visibility.py checks each against `policy.can` for every role.

(Minutes and decisions: committees.decisions.visible_minutes; proposals: committees.proposal_lists.visible_proposals.)
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import and_, false, or_, true
from sqlalchemy.sql.elements import ColumnElement

from committees.models import (
    ActionItem,
    AgendaItem,
    AgendaItemStatus,
    Committee,
    CommitteeRoleKind,
    Meeting,
    MeetingState,
    Organisation,
    Person,
)
from committees.policy import VISIBLE_MEETING_STATES, is_coordinator, person_of

EDITOR_ROLES = frozenset({CommitteeRoleKind.COCHAIR, CommitteeRoleKind.SECRETARY})
SHOWN_STATES = sorted(MeetingState(s) for s in VISIBLE_MEETING_STATES)
MEMBER_STATES = sorted([*SHOWN_STATES, MeetingState.POLL])


def _committee_ids(person: Person) -> tuple[list[int], list[int]]:
    """The committees the person has a role in, and those they edit (co-chair or secretary)."""
    members, editors = set(), set()
    for role in person.committee_roles:
        members.add(role.committee_id)
        if role.role in EDITOR_ROLES:
            editors.add(role.committee_id)
    return sorted(members), sorted(editors)


def visible_meetings(user: Any) -> ColumnElement[bool]:
    """`meeting.view` over Meeting and Committee (the meeting's committee): deleted meetings for coordinators only;
    every state for the committee's co-chairs and secretaries; time polls and the shown states for its members; the
    shown states of an active public committee for everyone."""
    if is_coordinator(user):
        return true()
    public = and_(Meeting.state.in_(SHOWN_STATES), Committee.active.is_(True), Committee.is_public.is_(True))
    person = person_of(user)
    if person is None:
        return and_(Meeting.deleted_at.is_(None), public)
    members, editors = _committee_ids(person)
    return and_(Meeting.deleted_at.is_(None), or_(
        Meeting.committee_id.in_(editors),
        and_(Meeting.state.in_(MEMBER_STATES), Meeting.committee_id.in_(members)),
        public))


def visible_agenda_items(user: Any) -> ColumnElement[bool]:
    """Over AgendaItem, Meeting and Committee: the accepted items of meetings the user may see; suggested and
    declined items only for those who edit the agenda (`agenda.edit`) and for whoever suggested them."""
    if is_coordinator(user):
        return true()
    accepted = AgendaItem.status == AgendaItemStatus.ACCEPTED
    person = person_of(user)
    if person is None:
        return and_(visible_meetings(user), accepted)
    _members, editors = _committee_ids(person)
    return and_(visible_meetings(user), or_(accepted, Meeting.committee_id.in_(editors),
                                            AgendaItem.suggested_by_id == person.id))


def visible_action_items(user: Any) -> ColumnElement[bool]:
    """`action.view` over ActionItem: coordinators all; anyone with a role in the item's committee; the owner
    person and the owner organisation's people."""
    if is_coordinator(user):
        return true()
    person = person_of(user)
    if person is None:
        return false()
    members, _editors = _committee_ids(person)
    clauses = [ActionItem.committee_id.in_(members), ActionItem.owner_person_id == person.id]
    if person.organisation_id is not None:
        clauses.append(ActionItem.owner_organisation_id == person.organisation_id)
    return or_(*clauses)


def visible_organisations(user: Any) -> ColumnElement[bool]:
    """`organisation.view` over Organisation, as the directory shows them: signed-in people see active
    organisations, coordinators every one."""
    if is_coordinator(user):
        return true()
    if person_of(user) is None:
        return false()
    return Organisation.active.is_(True)


def visible_people(user: Any) -> ColumnElement[bool]:
    """`person.view` over Person, for finding people: signed-in people find active, not anonymised accounts;
    coordinators (who manage accounts) every one."""
    if is_coordinator(user):
        return true()
    if person_of(user) is None:
        return false()
    return and_(Person.active.is_(True), Person.anonymised_at.is_(None))


__all__ = ["visible_action_items", "visible_agenda_items", "visible_meetings", "visible_organisations",
           "visible_people"]
