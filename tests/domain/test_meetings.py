"""Meetings in the domain: transitions, the time poll's tally, invitations with .ics, RSVPs, attendance, quorum."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar
from sqlalchemy import select

from committees.db import db, utcnow
from committees.errors import Conflict, Forbidden, ValidationFailed
from committees.models import (
    Invitation,
    MeetingFormat,
    MeetingState,
    OutboxMessage,
    PollAnswerKind,
    RsvpResponse,
)
from committees.services import meetings as svc
from committees.workflow import MEETING_TRANSITIONS

YES, MAYBE, NO = PollAnswerKind.YES, PollAnswerKind.MAYBE, PollAnswerKind.NO


def _future(days: int, hour: int = 10) -> datetime:
    base = datetime.now().replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days)


def _meeting(world, **kw):
    values = dict(title="Monthly meeting", format=MeetingFormat.IN_PERSON.value, venue="City Hall, room 3")
    values.update(kw)
    return svc.create_meeting(world.cochair, world.committee, **values)


def _ics(message: OutboxMessage) -> Calendar:
    assert message.attachment_name == "meeting.ics"
    return Calendar.from_ical(message.attachment)


def test_meeting_transition_table_sources():
    assert MEETING_TRANSITIONS["schedule"].sources == {MeetingState.DRAFT, MeetingState.POLL}
    assert MEETING_TRANSITIONS["cancel"].needs_reason
    assert MeetingState.HELD not in MEETING_TRANSITIONS["cancel"].sources


def test_schedule_invites_every_member_with_an_ics(world):
    meeting = _meeting(world, starts_at=_future(7), ends_at=_future(7, 12))
    invited = svc.schedule_meeting(world.cochair, meeting)
    db.session.commit()
    people = {p.email for p in svc.invitees(world.committee)}
    assert {"chair@example.org", "chair.m@example.org", "secretary@example.org", "rep@example.org",
            "alt@example.org", "observer@example.org"} == people
    assert invited == len(people)
    mails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "meeting_invitation")))
    assert {m.to_address for m in mails} == people
    cal = _ics(mails[0])
    assert cal["method"] == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["uid"]) == meeting.uid
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstart") == meeting.starts_at
    assert meeting.state == MeetingState.SCHEDULED


def test_reschedule_sends_update_with_same_uid_and_higher_sequence(world):
    meeting = _meeting(world, starts_at=_future(7), ends_at=_future(7, 12))
    svc.schedule_meeting(world.cochair, meeting)
    svc.rsvp(world.representative, meeting, RsvpResponse.ATTENDING)
    svc.reschedule_meeting(world.cochair, meeting, _future(8), _future(8, 12), reason="Room unavailable")
    db.session.commit()
    updates = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "meeting_rescheduled")))
    assert len(updates) == 6
    event = _ics(updates[0]).walk("VEVENT")[0]
    assert str(event["uid"]) == meeting.uid and int(event["sequence"]) == 1
    answer = db.session.scalars(select(Invitation).where(Invitation.person_id == world.representative.id)).one()
    assert answer.response is None  # a new time asks for a new answer


def test_cancel_needs_a_reason_and_sends_method_cancel(world):
    meeting = _meeting(world, starts_at=_future(7), ends_at=_future(7, 12))
    svc.schedule_meeting(world.cochair, meeting)
    with pytest.raises(ValidationFailed):
        svc.cancel_meeting(world.cochair, meeting, "  ")
    svc.cancel_meeting(world.cochair, meeting, "Strike of public transport")
    db.session.commit()
    cancels = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "meeting_cancelled")))
    assert len(cancels) == 6
    cal = _ics(cancels[0])
    assert cal["method"] == "CANCEL"
    event = cal.walk("VEVENT")[0]
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 1
    with pytest.raises(Conflict):
        svc.transition_meeting(world.cochair, meeting, "schedule")


def test_cannot_mark_a_draft_held_or_skip_steps(world):
    meeting = _meeting(world)
    for name in ("mark_held", "mark_minuted", "reschedule"):
        with pytest.raises(Conflict):
            svc.transition_meeting(world.cochair, meeting, name)


def test_time_poll_tally_picks_slot_covering_most_organisations(world):
    meeting = _meeting(world)
    slots = svc.open_poll(world.cochair, meeting, [(_future(5), _future(5, 12)), (_future(6), _future(6, 12)),
                                                   (_future(7), _future(7, 12))])
    a, b, c = (s.id for s in slots)
    svc.answer_poll(world.representative, meeting, {a: YES, b: NO, c: YES})      # NGO
    svc.answer_poll(world.alternate, meeting, {a: YES, b: YES, c: NO})           # NGO again
    svc.answer_poll(world.cochair_municipal, meeting, {a: NO, b: MAYBE, c: YES})  # municipal
    tally = svc.poll_tally(meeting)
    by_slot = {t.slot.id: t for t in tally.slots}
    assert (by_slot[a].yes, by_slot[a].maybe, by_slot[a].no) == (2, 0, 1)
    assert by_slot[c].organisations == {world.ngo.id, world.municipal.id}
    assert tally.best.slot.id == c  # two organisations, even though slot a has as many yes answers
    assert tally.by_organisation[world.ngo.id][b] == YES
    svc.answer_poll(world.representative, meeting, {c: NO})  # answers can change while open
    svc.answer_poll(world.alternate, meeting, {c: NO})
    assert svc.poll_tally(meeting).best.slot.id == b
    svc.pick_slot(world.cochair, meeting, b)
    assert meeting.state == MeetingState.SCHEDULED and meeting.starts_at == by_slot[b].slot.starts_at
    with pytest.raises(Conflict):
        svc.answer_poll(world.representative, meeting, {a: YES})


def test_poll_needs_two_to_ten_slots_and_invited_people(world):
    meeting = _meeting(world)
    with pytest.raises(ValidationFailed):
        svc.open_poll(world.cochair, meeting, [(_future(5), _future(5, 12))])
    svc.open_poll(world.cochair, meeting, [(_future(5), _future(5, 12)), (_future(6), _future(6, 12))])
    with pytest.raises(Forbidden):
        svc.answer_poll(world.non_member, meeting, {meeting.slots[0].id: YES})


def test_rsvp_and_interpretation(world):
    meeting = _meeting(world, starts_at=_future(7), ends_at=_future(7, 12))
    svc.schedule_meeting(world.cochair, meeting)
    invitation = svc.rsvp(world.representative, meeting, RsvpResponse.ATTENDING, interpretation="ar")
    assert invitation.interpretation == "ar"
    svc.rsvp(world.representative, meeting, RsvpResponse.MAYBE)
    rows = db.session.scalars(select(Invitation).where(Invitation.person_id == world.representative.id)).all()
    assert len(rows) == 1 and rows[0].response == RsvpResponse.MAYBE
    with pytest.raises(Forbidden):
        svc.rsvp(world.non_member, meeting, RsvpResponse.ATTENDING)


def test_attendance_and_quorum(world):
    meeting = _meeting(world, starts_at=_future(-1), ends_at=_future(-1, 12))
    meeting.state = MeetingState.SCHEDULED  # scheduled in the past (a held meeting being recorded)
    svc.record_attendance(world.secretary, meeting, {world.representative.id})
    q = svc.quorum(meeting)
    assert meeting.state == MeetingState.HELD
    assert q.members == {world.ngo.id, world.municipal.id} and q.required == 2 and not q.reached
    svc.record_attendance(world.secretary, meeting, {world.representative.id, world.secretary.id})
    assert svc.quorum(meeting).reached
    with pytest.raises(ValidationFailed):
        svc.record_attendance(world.secretary, meeting, {world.non_member.id})


def test_meeting_across_daylight_saving_change_keeps_wall_clock_time(world):
    # Europe/Athens leaves summer time on the last Sunday of October 2027 (31 Oct).
    before = svc.create_meeting(world.cochair, world.committee, title="Before", venue="Hall",
                                starts_at=datetime(2027, 10, 28, 10, 0), ends_at=datetime(2027, 10, 28, 12, 0))
    after = svc.create_meeting(world.cochair, world.committee, title="After", venue="Hall",
                               starts_at=datetime(2027, 11, 4, 10, 0), ends_at=datetime(2027, 11, 4, 12, 0))
    assert before.starts_at == datetime(2027, 10, 28, 7, 0, tzinfo=timezone.utc)  # UTC+3
    assert after.starts_at == datetime(2027, 11, 4, 8, 0, tzinfo=timezone.utc)    # UTC+2
    from committees import ics

    cal = Calendar.from_ical(ics.calendar([before, after]))
    assert len(cal.walk("VTIMEZONE")) == 1
    starts = [e.decoded("dtstart") for e in cal.walk("VEVENT")]
    assert [s.hour for s in starts] == [10, 10]
    assert [s.utcoffset() for s in starts] == [timedelta(hours=3), timedelta(hours=2)]


def test_mail_is_not_queued_when_the_transaction_rolls_back(world):
    meeting = _meeting(world, starts_at=_future(7), ends_at=_future(7, 12))
    db.session.commit()
    svc.schedule_meeting(world.cochair, meeting)
    db.session.rollback()
    assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.kind == "meeting_invitation")) is None
    assert utcnow()  # keep import used


def test_invitation_email_carries_the_ics_attachment(app, world):
    from email import message_from_bytes

    from portal.mailer import build_message

    meeting = _meeting(world, starts_at=_future(7), ends_at=_future(7, 12))
    svc.schedule_meeting(world.cochair, meeting)
    row = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "meeting_invitation")).first()
    parsed = message_from_bytes(bytes(build_message(row)))
    parts = [p for p in parsed.walk() if p.get_filename() == "meeting.ics"]
    assert len(parts) == 1 and parts[0].get_content_type() == "text/calendar"
    assert parts[0].get_param("method") == "REQUEST"
    assert Calendar.from_ical(parts[0].get_payload(decode=True))["method"] == "REQUEST"


def test_a_committee_may_set_its_own_quorum(world):
    from committees.services import bodies

    meeting = _meeting(world, starts_at=_future(-1), ends_at=_future(-1, 12))
    meeting.state = MeetingState.SCHEDULED
    svc.record_attendance(world.secretary, meeting, {world.representative.id})
    assert not svc.quorum(meeting).reached
    bodies.update_committee(world.coordinator, world.committee, {"quorum_organisations": "1"})
    assert svc.quorum(meeting).reached and svc.quorum(meeting).required == 1
    with pytest.raises(ValidationFailed):
        bodies.update_committee(world.coordinator, world.committee, {"quorum_organisations": "0"})
    bodies.update_committee(world.coordinator, world.committee, {"quorum_organisations": ""})
    assert world.committee.quorum_organisations is None
