"""Action items: ownership rules, status transitions with history, version conflicts, daily reminders."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from committees.db import db
from committees.errors import Conflict, ValidationFailed
from committees.models import ActionReminder, ActionStatus, OutboxMessage
from committees.services import actions


def _mails(kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind))


def _item(world, **values):
    values.setdefault("owner_person_id", world.representative.id)
    return actions.create_action(world.cochair, world.committee, title="Draft the letter", **values)


def test_owner_must_belong_to_the_committee(world):
    with pytest.raises(ValidationFailed):
        actions.create_action(world.cochair, world.committee, title="X", owner_person_id=world.other_rep.id)
    with pytest.raises(ValidationFailed):
        actions.create_action(world.cochair, world.committee, title="X", owner_organisation_id=world.outsider_org.id)
    with pytest.raises(ValidationFailed):
        actions.create_action(world.cochair, world.committee, title="X")
    item = _item(world, owner_organisation_id=world.ngo.id)
    assert item.status == ActionStatus.OPEN and _mails("action_assigned") == 1


def test_coordinators_may_own_items_of_any_committee_admins_may_not(world):
    item = actions.create_action(world.cochair, world.committee, title="Ask the ministry",
                                 owner_person_id=world.coordinator.id)
    assert item.owner_person_id == world.coordinator.id
    with pytest.raises(ValidationFailed):
        actions.create_action(world.cochair, world.committee, title="X", owner_person_id=world.admin.id)


ALLOWED = {("open", "in_progress"), ("blocked", "in_progress"), ("open", "blocked"), ("in_progress", "blocked"),
           ("open", "done"), ("in_progress", "done"), ("blocked", "done"), ("open", "cancelled"),
           ("in_progress", "cancelled"), ("blocked", "cancelled"), ("done", "open"), ("cancelled", "open")}


@pytest.mark.parametrize("old", [s.value for s in ActionStatus])
@pytest.mark.parametrize("new", [s.value for s in ActionStatus])
def test_status_moves(world, old, new):
    item = _item(world)
    item.status = ActionStatus(old)
    db.session.flush()
    if old == new:
        update = actions.post_update(world.representative, item, "Still on it", new)
        assert update.new_status is None and item.status == ActionStatus(old)
    elif (old, new) in ALLOWED:
        update = actions.post_update(world.representative, item, "Reason given", new)
        assert item.status == ActionStatus(new) and update.old_status == ActionStatus(old)
        assert (item.closed_at is not None) == (new in ("done", "cancelled"))
    else:
        with pytest.raises(Conflict):
            actions.post_update(world.representative, item, "Nope", new)
        assert item.status == ActionStatus(old)


def test_cancel_needs_a_reason_and_history_is_kept(world):
    item = _item(world)
    with pytest.raises(ValidationFailed):
        actions.post_update(world.cochair, item, "", "cancelled")
    with pytest.raises(ValidationFailed):
        actions.post_update(world.cochair, item, "  ")
    actions.post_update(world.representative, item, "Started", "in_progress")
    actions.post_update(world.representative, item, "Sent", "done")
    assert [(u.author_id, u.new_status) for u in item.updates] == [
        (world.representative.id, ActionStatus.IN_PROGRESS), (world.representative.id, ActionStatus.DONE)]


def test_update_with_a_stale_version_is_refused(world):
    item = _item(world)
    loaded = item.version
    actions.update_action(world.cochair, item, {"title": "Draft the letter to the ministry"}, expected_version=loaded)
    with pytest.raises(Conflict) as exc:
        actions.update_action(world.coordinator, item, {"title": "Other"}, expected_version=loaded)
    assert exc.value.code == "edit_conflict" and item.title == "Draft the letter to the ministry"


def test_reminders_are_sent_once_a_day(world):
    monday = date(2027, 3, 1)
    assert monday.weekday() == 0
    _item(world, due_on=monday + timedelta(days=2))  # due soon
    _item(world, due_on=monday - timedelta(days=5))  # overdue
    _item(world, due_on=monday + timedelta(days=10))  # not yet
    done = _item(world, due_on=monday - timedelta(days=1))
    actions.post_update(world.representative, done, "Finished", "done")
    first = actions.send_action_reminders(monday)
    assert _mails("action_reminder") == 2
    assert _mails("action_weekly_summary") == 2  # the two co-chairs
    assert first == 4
    assert actions.send_action_reminders(monday) == 0
    assert actions.send_action_reminders(monday + timedelta(days=1)) == 2  # Tuesday: no summary
    kinds = db.session.scalars(select(ActionReminder.kind).where(ActionReminder.sent_on == monday)).all()
    assert sorted(kinds)[:2] == ["due_soon", "overdue"]


def test_an_action_set_directly_at_a_meeting_is_linked_to_it_and_must_be_the_committees(world):
    from committees.services import meetings as meeting_svc

    meeting = meeting_svc.create_meeting(world.cochair, world.committee, title="M", format="in_person",
                                         venue="Hall")
    item = actions.create_action(world.cochair, world.committee, meeting=meeting, title="Book a room",
                                 owner_person_id=world.representative.id)
    assert item.meeting_id == meeting.id and item.decision_id is None
    other = meeting_svc.create_meeting(world.coordinator, world.other_committee, title="O", format="in_person",
                                       venue="Hall")
    with pytest.raises(ValidationFailed) as error:
        actions.create_action(world.cochair, world.committee, meeting=other, title="X",
                              owner_person_id=world.representative.id)
    assert error.value.code == "wrong_committee"
