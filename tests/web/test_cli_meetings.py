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


def _digest_waiting(world) -> None:
    """The representative takes meeting news as a digest, and a time poll gives them one to receive."""
    set_preference(world.representative, "meetings", "digest")
    start = utcnow() + timedelta(days=3)
    meeting = meetings.create_meeting(world.cochair, world.committee, title="Later", venue="Hall",
                                      format=MeetingFormat.IN_PERSON.value)
    meetings.open_poll(world.cochair, meeting, [(start, start + timedelta(hours=1)),
                                                (start + timedelta(days=1), start + timedelta(days=1, hours=1))])


def test_mail_digest(app, world):
    _digest_waiting(world)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "digest"])
    assert result.exit_code == 0 and "Queued 1 digests." in result.output


def test_job_lock_keys_are_stable_and_distinct():
    from committees.jobs import lock_key

    assert lock_key("mail digest") == lock_key("mail digest") != lock_key("reminders send")
    assert -2**63 <= lock_key("reminders send") < 2**63


def test_cron_jobs_leave_the_work_to_another_server_holding_the_lock(app, world):
    """Scaling out: while another server's run holds a job's advisory lock (PostgreSQL), `mail digest` and the
    action/proposal part of `reminders send` do nothing; once it is released, they do the work, once."""
    import pytest
    from sqlalchemy import text

    from committees.jobs import lock_key
    from committees.models.actions import ActionReminder
    from committees.services import actions

    if db.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; on SQLite (one server) the lock is always granted")
    _digest_waiting(world)
    actions.create_action(world.cochair, world.committee, title="Ask the City",
                          owner_person_id=world.representative.id, due_on=utcnow().date())
    db.session.commit()
    runner = app.test_cli_runner()
    with db.engine.connect() as other_server:
        with other_server.begin():
            for job in ("mail digest", "reminders send"):
                assert other_server.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": lock_key(job)})
            digest = runner.invoke(args=["mail", "digest"])
            assert digest.exit_code == 0 and "Another server is sending the digests" in digest.output
            reminders = runner.invoke(args=["reminders", "send"])
            assert reminders.exit_code == 0 and "left to it" in reminders.output
            assert db.session.query(ActionReminder).count() == 0
    digest = runner.invoke(args=["mail", "digest"])
    assert "Queued 1 digests." in digest.output
    reminders = runner.invoke(args=["reminders", "send"])
    assert "Queued 1 action item reminders." in reminders.output
    assert db.session.query(ActionReminder).count() == 1
