"""The cron commands: `reminders send` (hourly, idempotent) and `mail digest` (daily)."""
from __future__ import annotations

from datetime import timedelta

from committees.db import utcnow
from committees.models import MeetingFormat
from committees.services import meetings
from committees.services.notify import set_preference
from committees.db import db


def test_reminders_send_is_idempotent(app, world):
    start = utcnow() + timedelta(hours=20)
    meeting = meetings.create_meeting(world.cochair, world.committee, title="Soon", venue="Hall",
                                      format=MeetingFormat.IN_PERSON.value, starts_at=start,
                                      ends_at=start + timedelta(hours=2))
    meetings.schedule_meeting(world.cochair, meeting)
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "send"])
    assert first.exit_code == 0 and "Queued 6 reminders." in first.output
    second = runner.invoke(args=["reminders", "send"])
    assert "Queued 0 reminders." in second.output


def test_mail_digest(app, world):
    set_preference(world.representative, "meetings", "digest")
    start = utcnow() + timedelta(days=3)
    meeting = meetings.create_meeting(world.cochair, world.committee, title="Later", venue="Hall",
                                      format=MeetingFormat.IN_PERSON.value)
    meetings.open_poll(world.cochair, meeting, [(start, start + timedelta(hours=1)),
                                                (start + timedelta(days=1), start + timedelta(days=1, hours=1))])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "digest"])
    assert result.exit_code == 0 and "Queued 1 digests." in result.output
