"""Agenda items: ordering, planned times, suggestions, publishing and re-publishing, templates."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from committees.db import db
from committees.errors import Conflict, ValidationFailed
from committees.models import AgendaItemStatus, MeetingFormat, OutboxMessage
from committees.services import agendas, meetings


def _scheduled(world):
    start = (datetime.now() + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = meetings.create_meeting(world.cochair, world.committee, title="June meeting", venue="Hall",
                                      format=MeetingFormat.IN_PERSON.value, starts_at=start,
                                      ends_at=start + timedelta(hours=2))
    meetings.schedule_meeting(world.cochair, meeting)
    return meeting


def _mails(kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind))


def test_items_keep_order_and_planned_clock_times(world):
    meeting = _scheduled(world)
    a = agendas.add_item(world.cochair, meeting, title="Welcome", minutes_allotted=10)
    b = agendas.add_item(world.secretary, meeting, title="Legal aid report", minutes_allotted=30,
                         presenter_id=world.representative.id)
    c = agendas.add_item(world.cochair, meeting, title="Any other business", minutes_allotted=15)
    agendas.move_item(world.cochair, c, -1)
    assert [i.title for i, _ in agendas.schedule_times(meeting)] == ["Welcome", "Any other business",
                                                                      "Legal aid report"]
    times = [t for _, t in agendas.schedule_times(meeting)]
    assert times[1] - times[0] == timedelta(minutes=10) and times[2] - times[1] == timedelta(minutes=15)
    agendas.move_item(world.cochair, a, -1)  # already first: nothing happens
    assert a.position == 1 and b.position == 3


def test_validation_of_items(world):
    meeting = _scheduled(world)
    with pytest.raises(ValidationFailed):
        agendas.add_item(world.cochair, meeting, title="  ")
    with pytest.raises(ValidationFailed):
        agendas.add_item(world.cochair, meeting, title="Long", minutes_allotted=0)
    with pytest.raises(ValidationFailed):
        agendas.add_item(world.cochair, meeting, title="Who?", presenter_id=999999)


def test_suggestions_wait_for_a_decision_and_decline_needs_a_reason(world):
    meeting = _scheduled(world)
    item = agendas.suggest_item(world.representative, meeting, title="Interpretation budget")
    assert item.status == AgendaItemStatus.SUGGESTED and item.presenter_id == world.representative.id
    assert agendas.schedule_times(meeting) == []
    with pytest.raises(ValidationFailed):
        agendas.decide_suggestion(world.cochair, item, accept=False)
    agendas.decide_suggestion(world.cochair, item, accept=False, reason="Covered by the next meeting")
    assert item.status == AgendaItemStatus.DECLINED
    with pytest.raises(Conflict):
        agendas.decide_suggestion(world.cochair, item, accept=True)
    assert _mails("agenda_suggestion_decided") == 1


def test_publishing_notifies_and_later_changes_are_marked_and_notified_again(world):
    meeting = _scheduled(world)
    with pytest.raises(ValidationFailed):
        agendas.publish_agenda(world.cochair, meeting)
    item = agendas.add_item(world.cochair, meeting, title="Welcome")
    assert agendas.publish_agenda(world.cochair, meeting) == 6
    assert not item.changed_after_publish and meeting.agenda_changed_at is None
    agendas.update_item(world.cochair, item, {"title": "Welcome and introductions"})
    assert item.changed_after_publish and meeting.agenda_changed_at is not None
    agendas.publish_agenda(world.cochair, meeting)
    assert _mails("agenda_published") == 12
    republished = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "agenda_published")
                                      .order_by(OutboxMessage.id.desc())).first()
    assert "Welcome and introductions" in republished.body_text


def test_stale_version_is_refused(world):
    meeting = _scheduled(world)
    item = agendas.add_item(world.cochair, meeting, title="Welcome")
    db.session.commit()
    with pytest.raises(Conflict):
        agendas.update_item(world.cochair, item, {"title": "Mine"}, expected_version=item.version - 1)


def test_reuse_a_previous_agenda_as_template(world):
    previous = _scheduled(world)
    agendas.add_item(world.cochair, previous, title="Welcome")
    agendas.add_item(world.cochair, previous, title="Round table")
    agendas.suggest_item(world.representative, previous, title="Pending idea")
    new = meetings.create_meeting(world.cochair, world.committee, title="Next", venue="Hall")
    assert agendas.copy_agenda(world.cochair, previous, new) == 2
    assert [i.title for i in new.items] == ["Welcome", "Round table"]
    other = meetings.create_meeting(world.cochair, world.other_committee, title="Other", venue="Hall")
    with pytest.raises(ValidationFailed):
        agendas.copy_agenda(world.cochair, previous, other)


def test_closed_meetings_keep_their_agenda(world):
    meeting = _scheduled(world)
    meetings.cancel_meeting(world.cochair, meeting, "No quorum expected")
    with pytest.raises(Conflict):
        agendas.add_item(world.cochair, meeting, title="Too late")
