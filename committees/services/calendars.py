"""Committee rhythms (proposing next dates), personal calendar-feed tokens, reminders and digests."""
from __future__ import annotations

import calendar as cal
import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from committees import audit
from committees.db import db, utcnow
from committees.errors import ValidationFailed
from committees.i18n import N_
from committees.models import Committee, CommitteeRole, Person
from committees.models.meetings import Invitation, Meeting, MeetingRhythm, MeetingState, RsvpResponse
from committees.models.notifications import CalendarFeedToken, DigestEntry
from committees.services import mail
from committees.services.agendas import schedule_times
from committees.services.notify import notify


# -- rhythms -----------------------------------------------------------------------------------

def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    """The nth (1-4, or -1 = last) given weekday of a month."""
    days = [d for d in cal.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    if nth == -1:
        return days[-1]
    return days[nth - 1] if 1 <= nth <= len(days) else None


def set_rhythm(actor: Person, committee: Committee, *, weekday: int, week_of_month: int, start_time: time,
               duration_minutes: int, every_months: int = 1, starts_on: date | None = None,
               timezone: str = "Europe/Athens") -> MeetingRhythm:
    if not 0 <= weekday <= 6:
        raise ValidationFailed(N_("Choose a day of the week."), field="weekday", code="invalid_choice")
    if week_of_month not in (1, 2, 3, 4, -1):
        raise ValidationFailed(N_("Choose which week of the month."), field="week_of_month", code="invalid_choice")
    if not 15 <= duration_minutes <= 600:
        raise ValidationFailed(N_("Between 15 and 600 minutes."), field="duration_minutes", code="out_of_range")
    if not 1 <= every_months <= 12:
        raise ValidationFailed(N_("Between 1 and 12 months."), field="every_months", code="out_of_range")
    rhythm = db.session.scalars(select(MeetingRhythm).where(MeetingRhythm.committee_id == committee.id)).first()
    if rhythm is None:
        rhythm = MeetingRhythm(committee_id=committee.id)
        db.session.add(rhythm)
    rhythm.weekday, rhythm.week_of_month, rhythm.start_time = weekday, week_of_month, start_time
    rhythm.duration_minutes, rhythm.every_months, rhythm.timezone = duration_minutes, every_months, timezone
    rhythm.starts_on = starts_on or date.today()
    db.session.flush()
    audit.record(actor, "committee.rhythm", committee, "Set the meeting rhythm", weekday=weekday,
                 week_of_month=week_of_month, start=start_time.isoformat(), duration=duration_minutes)
    return rhythm


def next_dates(rhythm: MeetingRhythm, count: int = 3, after: datetime | None = None) -> list[tuple[datetime, datetime]]:
    """The next `count` (start, end) pairs in UTC following the rhythm, after `after` (default now)."""
    after = after or utcnow()
    tz = ZoneInfo(rhythm.timezone)
    year, month = rhythm.starts_on.year, rhythm.starts_on.month
    result = []
    for _ in range(count * 12 * rhythm.every_months + 24):
        day = nth_weekday(year, month, rhythm.weekday, rhythm.week_of_month)
        if day is not None and day >= rhythm.starts_on:
            start = datetime.combine(day, rhythm.start_time, tzinfo=tz).astimezone(ZoneInfo("UTC"))
            if start > after:
                result.append((start, start + timedelta(minutes=rhythm.duration_minutes)))
                if len(result) == count:
                    break
        month += rhythm.every_months
        while month > 12:
            month -= 12
            year += 1
    return result


# -- personal calendar feed --------------------------------------------------------------------

def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def reset_feed_token(person: Person) -> str:
    """A new secret for the person's subscription URL; the old URL stops working."""
    raw = secrets.token_urlsafe(24)
    row = db.session.scalars(select(CalendarFeedToken).where(CalendarFeedToken.person_id == person.id)).first()
    if row is None:
        row = CalendarFeedToken(person_id=person.id)
        db.session.add(row)
    row.token_hash = _hash(raw)
    row.created_at = utcnow()
    db.session.flush()
    audit.record(person, "calendar.token_reset", person, "New calendar feed address")
    return raw


def person_for_feed(raw: str) -> Person | None:
    if not raw or len(raw) > 100:
        return None
    row = db.session.scalars(select(CalendarFeedToken).where(CalendarFeedToken.token_hash == _hash(raw))).first()
    if row is None:
        return None
    person = db.session.get(Person, row.person_id)
    return person if person is not None and person.active else None


def meetings_for_person(person: Person, since: datetime | None = None) -> list[Meeting]:
    committee_ids = set(db.session.scalars(select(CommitteeRole.committee_id).where(
        CommitteeRole.person_id == person.id)))
    if not committee_ids:
        return []
    since = since or utcnow() - timedelta(days=90)
    return list(db.session.scalars(
        select(Meeting).where(Meeting.committee_id.in_(committee_ids), Meeting.deleted_at.is_(None),
                              Meeting.state.in_([MeetingState.SCHEDULED, MeetingState.HELD, MeetingState.MINUTED,
                                                 MeetingState.CANCELLED]),
                              Meeting.starts_at >= since)
        .options(selectinload(Meeting.committee)).order_by(Meeting.starts_at)))


# -- reminders and digests (run by cron through the CLI) ---------------------------------------

def send_reminders(now: datetime | None = None, hours_before: int = 48) -> int:
    """Remind invited people (not those who declined) of meetings starting within `hours_before`.
    Idempotent: each invitation is reminded once (Invitation.reminded_at)."""
    now = now or utcnow()
    stmt = (select(Invitation).join(Meeting)
            .where(Meeting.state == MeetingState.SCHEDULED, Meeting.deleted_at.is_(None), Meeting.starts_at > now,
                   Meeting.starts_at <= now + timedelta(hours=hours_before), Invitation.reminded_at.is_(None))
            .order_by(Invitation.id))
    if db.engine.dialect.name == "postgresql":  # several servers may run the cron job at once
        stmt = stmt.with_for_update(skip_locked=True, of=Invitation)
    rows = list(db.session.scalars(stmt))
    count = 0
    for invitation in rows:
        invitation.reminded_at = now
        if invitation.response == RsvpResponse.NOT_ATTENDING:
            continue
        meeting = invitation.meeting
        notify(invitation.person, "meetings", "meeting_reminder", meeting=meeting, committee=meeting.committee,
               items=schedule_times(meeting) if meeting.agenda_published_at else [])
        count += 1
    return count


def send_digests(now: datetime | None = None) -> int:
    """One message per person gathering their held notifications; returns how many were sent."""
    now = now or utcnow()
    entries = list(db.session.scalars(select(DigestEntry).where(DigestEntry.sent_at.is_(None))
                                      .order_by(DigestEntry.person_id, DigestEntry.created_at)))
    by_person: dict[int, list[DigestEntry]] = {}
    for entry in entries:
        by_person.setdefault(entry.person_id, []).append(entry)
    sent = 0
    for person_id, items in by_person.items():
        person = db.session.get(Person, person_id)
        for entry in items:
            entry.sent_at = now
        if person is None or not person.active:
            continue
        mail.queue_mail(person, "digest", entries=items)
        sent += 1
    return sent
