"""Minutes: pre-filled from the agenda, every transition, optimistic locking, revisions and diffs,
decisions and comments."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from committees.db import db, utcnow
from committees.errors import Conflict, ValidationFailed
from committees.models import AuditEntry, MeetingFormat, MeetingState, MinutesState, OutboxMessage
from committees.services import agendas, meetings
from committees.services import minutes as svc
from committees.workflow import MINUTES_TRANSITIONS


def _held(world, title="June meeting"):
    start = (datetime.now() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = meetings.create_meeting(world.cochair, world.committee, title=title, venue="Hall",
                                      format=MeetingFormat.IN_PERSON.value, starts_at=start,
                                      ends_at=start + timedelta(hours=2))
    meetings.schedule_meeting(world.cochair, meeting)
    agendas.add_item(world.cochair, meeting, title="Welcome")
    agendas.add_item(world.cochair, meeting, title="Legal aid report")
    declined = agendas.suggest_item(world.representative, meeting, title="Declined idea")
    agendas.decide_suggestion(world.cochair, declined, accept=False, reason="Later")
    meetings.transition_meeting(world.cochair, meeting, "mark_held")
    db.session.flush()
    return meeting


def _mails(kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind))


def _circulated(world):
    minutes = svc.create_minutes(world.secretary, _held(world))
    svc.transition_minutes(world.cochair, minutes, "circulate", comments_deadline=utcnow() + timedelta(days=7))
    return minutes


def test_minutes_are_prefilled_from_accepted_items_plus_aob(world):
    meeting = _held(world)
    minutes = svc.create_minutes(world.secretary, meeting)
    assert [s.title for s in minutes.sections] == ["Welcome", "Legal aid report", "Any other business"]
    assert minutes.sections[-1].agenda_item_id is None and minutes.state == MinutesState.DRAFT
    with pytest.raises(Conflict) as exc:
        svc.create_minutes(world.secretary, meeting)
    assert exc.value.code == "minutes_exist"


def test_minutes_need_a_held_meeting(world):
    meeting = meetings.create_meeting(world.cochair, world.committee, title="Future")
    with pytest.raises(Conflict):
        svc.create_minutes(world.cochair, meeting)


ALLOWED = {("circulate", "draft"), ("reopen", "circulated"), ("approve", "circulated"), ("publish", "approved")}


@pytest.mark.parametrize("name", sorted(MINUTES_TRANSITIONS))
@pytest.mark.parametrize("state", [s.value for s in MinutesState])
def test_every_transition_from_every_state(world, name, state):
    minutes = svc.create_minutes(world.secretary, _held(world))
    later = meetings.create_meeting(world.cochair, world.committee, title="July meeting")
    minutes.state = MinutesState(state)
    db.session.flush()
    kwargs = {"comments_deadline": utcnow() + timedelta(days=3), "approved_how": "meeting",
              "approved_at_meeting": later}
    if (name, state) in ALLOWED:
        svc.transition_minutes(world.cochair, minutes, name, **kwargs)
        assert minutes.state == MINUTES_TRANSITIONS[name].target
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == f"minutes.{name}")) == 1
    else:
        with pytest.raises(Conflict):
            svc.transition_minutes(world.cochair, minutes, name, **kwargs)
        assert minutes.state == MinutesState(state)


def test_circulation_notifies_members_and_needs_a_deadline(world):
    minutes = svc.create_minutes(world.secretary, _held(world))
    with pytest.raises(ValidationFailed):
        svc.transition_minutes(world.cochair, minutes, "circulate")
    count = svc.transition_minutes(world.cochair, minutes, "circulate", comments_deadline=utcnow() + timedelta(days=7))
    assert count > 0 and _mails("minutes_circulated") == count
    assert minutes.current_revision == 1


def test_approval_records_how(world):
    minutes = _circulated(world)
    with pytest.raises(ValidationFailed):
        svc.transition_minutes(world.cochair, minutes, "approve", approved_how="unknown")
    with pytest.raises(ValidationFailed):  # by a meeting, but which?
        svc.transition_minutes(world.cochair, minutes, "approve", approved_how="meeting")
    svc.transition_minutes(world.cochair, minutes, "approve", approved_how="cochairs")
    assert minutes.state == MinutesState.APPROVED and minutes.approved_at is not None
    assert minutes.approved_how.value == "cochairs" and minutes.meeting.state == MeetingState.MINUTED
    assert _mails("minutes_approved") > 0
    svc.transition_minutes(world.cochair, minutes, "publish")
    assert minutes.published_at is not None


def test_version_conflict_keeps_both_texts_and_overwrites_nothing(world):
    minutes = svc.create_minutes(world.secretary, _held(world))
    section = minutes.sections[0]
    loaded = minutes.version
    svc.save_minutes(world.secretary, minutes, {section.id: "Alice's text"}, loaded)
    assert minutes.version == loaded + 1
    with pytest.raises(Conflict) as exc:
        svc.save_minutes(world.cochair, minutes, {str(section.id): "Bob's text"}, loaded)
    assert exc.value.code == "edit_conflict"
    assert exc.value.theirs[section.id] == "Alice's text" and exc.value.yours[section.id] == "Bob's text"
    assert section.discussion == "Alice's text"
    svc.save_minutes(world.cochair, minutes, {section.id: "Merged **text**"}, minutes.version)
    assert "<strong>text</strong>" in section.discussion_html


def test_unknown_sections_are_refused(world):
    minutes = svc.create_minutes(world.secretary, _held(world))
    with pytest.raises(ValidationFailed):
        svc.save_minutes(world.secretary, minutes, {999999: "x"}, minutes.version)


def test_corrections_of_approved_minutes_create_revisions_and_diffs(world):
    minutes = svc.create_minutes(world.secretary, _held(world))
    section = minutes.sections[1]
    svc.save_minutes(world.secretary, minutes, {section.id: "Line one\nLine <two>\nLine three"}, minutes.version)
    svc.transition_minutes(world.cochair, minutes, "circulate", comments_deadline=utcnow() + timedelta(days=7))
    svc.transition_minutes(world.cochair, minutes, "approve", approved_how="cochairs")
    with pytest.raises(Conflict):
        svc.save_minutes(world.secretary, minutes, {section.id: "sneaky"}, minutes.version)
    with pytest.raises(ValidationFailed):
        svc.correct_approved(world.secretary, minutes, {section.id: "x"}, reason=" ")
    revision = svc.correct_approved(world.secretary, minutes, {section.id: "Line one\nLine 2\nLine three"},
                                    reason="Typo in line two")
    assert [r.number for r in minutes.revisions] == [1, 2, 3] and revision.reason == "Typo in line two"
    diff = svc.diff_revisions(svc.revision(minutes, 2), revision)
    changed = [d for d in diff if d["changed"]]
    assert [d["title"] for d in changed] == ["Legal aid report"]
    rows = [r for r in changed[0]["rows"] if r[0] != "equal"]
    assert rows == [("replace", "Line &lt;two&gt;", "Line 2")]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "minutes.correct")) == 1


def test_decisions_are_numbered_and_fixed_after_approval(world):
    minutes = svc.create_minutes(world.secretary, _held(world))
    first = svc.add_decision(world.secretary, minutes, "Fund interpretation", section=minutes.sections[0])
    second = svc.add_decision(world.secretary, minutes, "Write to the ministry")
    assert first.number.endswith("-1") and second.number.endswith("-2")
    with pytest.raises(ValidationFailed):
        svc.add_decision(world.secretary, minutes, "  ")
    svc.remove_decision(world.secretary, second)
    assert svc.add_decision(world.secretary, minutes, "Again").number.endswith("-2")
    svc.transition_minutes(world.cochair, minutes, "circulate", comments_deadline=utcnow() + timedelta(days=1))
    svc.transition_minutes(world.cochair, minutes, "approve", approved_how="cochairs")
    with pytest.raises(Conflict):
        svc.remove_decision(world.secretary, first)
    with pytest.raises(Conflict):
        svc.add_decision(world.secretary, minutes, "Too late")


def test_comments_only_while_circulated_and_before_the_deadline(world):
    minutes = svc.create_minutes(world.secretary, _held(world))
    with pytest.raises(Conflict):
        svc.comment(world.representative, minutes, "Early")
    svc.transition_minutes(world.cochair, minutes, "circulate", comments_deadline=utcnow() + timedelta(days=2))
    row = svc.comment(world.representative, minutes, "Please add our figures", section=minutes.sections[1])
    assert row.section_id == minutes.sections[1].id
    with pytest.raises(ValidationFailed):
        svc.comment(world.representative, minutes, "   ")
    with pytest.raises(Conflict) as exc:
        svc.comment(world.representative, minutes, "Late", now=utcnow() + timedelta(days=3))
    assert exc.value.code == "deadline_passed"
