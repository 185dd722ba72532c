"""Rhythms, personal feed tokens, reminders (idempotent) and daily digests."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from committees.db import db, utcnow
from committees.models import DigestEntry, MeetingFormat, OutboxMessage, RsvpResponse
from committees.services import calendars, meetings
from committees.services.notify import set_preference


def test_nth_weekday_and_rhythm_next_dates(world):
    assert calendars.nth_weekday(2027, 3, 1, 2) == date(2027, 3, 9)   # second Tuesday of March 2027
    assert calendars.nth_weekday(2027, 3, 1, -1) == date(2027, 3, 30)
    rhythm = calendars.set_rhythm(world.cochair, world.committee, weekday=1, week_of_month=2,
                                  start_time=time(10, 0), duration_minutes=120, starts_on=date(2027, 1, 1))
    dates = calendars.next_dates(rhythm, 3, after=datetime(2027, 3, 1, tzinfo=timezone.utc))
    assert [d[0] for d in dates] == [
        datetime(2027, 3, 9, 8, 0, tzinfo=timezone.utc),   # 10:00 in Athens, winter (UTC+2)
        datetime(2027, 4, 13, 7, 0, tzinfo=timezone.utc),  # 10:00 in Athens, summer (UTC+3)
        datetime(2027, 5, 11, 7, 0, tzinfo=timezone.utc),
    ]
    assert all(end - start == timedelta(hours=2) for start, end in dates)


def test_feed_token_reset_invalidates_the_old_one(world):
    first = calendars.reset_feed_token(world.representative)
    assert calendars.person_for_feed(first).id == world.representative.id
    second = calendars.reset_feed_token(world.representative)
    assert calendars.person_for_feed(first) is None
    assert calendars.person_for_feed(second).id == world.representative.id
    assert calendars.person_for_feed("nonsense") is None


def _meeting_in(world, hours: int):
    start = utcnow() + timedelta(hours=hours)
    meeting = meetings.create_meeting(world.cochair, world.committee, title="Soon", venue="Hall",
                                      format=MeetingFormat.IN_PERSON.value, starts_at=start,
                                      ends_at=start + timedelta(hours=2))
    meetings.schedule_meeting(world.cochair, meeting)
    return meeting


def _count(kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind))


def test_reminders_once_per_invitation_and_not_to_those_who_declined(world):
    meeting = _meeting_in(world, 30)
    _meeting_in(world, 24 * 5)  # too far ahead
    meetings.rsvp(world.alternate, meeting, RsvpResponse.NOT_ATTENDING)
    assert calendars.send_reminders() == 5
    assert calendars.send_reminders() == 0  # idempotent: the hourly cron job may run again
    assert _count("meeting_reminder") == 5


def test_digest_collects_messages_for_people_who_chose_it(world):
    set_preference(world.representative, "agendas", "digest")
    set_preference(world.alternate, "agendas", "off")
    meeting = _meeting_in(world, 24 * 3)
    from committees.services import agendas

    agendas.add_item(world.cochair, meeting, title="Welcome")
    agendas.publish_agenda(world.cochair, meeting)
    assert _count("agenda_published") == 4  # six invited, one digest, one off
    assert db.session.scalar(select(func.count()).select_from(DigestEntry)) == 1
    assert calendars.send_digests() == 1
    assert calendars.send_digests() == 0
    digest = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest")).one()
    assert digest.to_address == world.representative.email and "June" not in digest.subject
