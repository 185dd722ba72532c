"""Demo meetings: every committee has held meetings, upcoming ones with agendas and RSVPs, and an open poll;
loading is idempotent, seeded, quick, and leaves no demo mail in the outbox."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from committees.db import db, utcnow
from committees.demo import load_demo
from committees.demo.meetings import MeetingLoader, plan_meetings, uid_for
from committees.models import Committee, Meeting, OutboxMessage
from committees.models.meetings import AgendaItemStatus, Invitation, MeetingState, PollAnswer, PollSlot
from committees.models.notifications import DigestEntry
from committees.services import meetings as svc
from tests.queries import count_queries

PASSWORD = "demo-password-for-tests"


def all_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def committees() -> list[Committee]:
    return list(db.session.scalars(select(Committee).order_by(Committee.slug)))


def meetings_of(committee: Committee, state: MeetingState) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.committee_id == committee.id,
                                                         Meeting.state == state).order_by(Meeting.starts_at)))


def accepted(meeting: Meeting):
    return [i for i in meeting.items if i.status == AgendaItemStatus.ACCEPTED]


def test_demo_meetings_every_committee_has_held_meetings_with_agendas_and_attendance(demo):
    now = utcnow()
    assert demo.created["meetings"] == 6 * len(committees())
    for committee in committees():
        # Held meetings whose minutes have been approved since are minuted (committees/demo/minutes.py).
        held = meetings_of(committee, MeetingState.HELD) + meetings_of(committee, MeetingState.MINUTED)
        assert len(held) >= 2, committee.slug
        for meeting in held:
            assert meeting.ends_at < now and meeting.agenda_published_at < meeting.starts_at
            assert 3 <= len(accepted(meeting)) <= 6
            assert meeting.attendance_recorded_at is not None
            present = [i for i in meeting.invitations if i.attended]
            assert present and len(present) < len(meeting.invitations)
            assert {i.person_id for i in meeting.invitations} == {p.id for p in svc.invitees(committee)}
        assert any(svc.quorum(m).reached for m in held), committee.slug


def test_demo_meetings_upcoming_are_scheduled_with_published_agendas_and_rsvps(demo):
    now = utcnow()
    needs = set()
    for committee in committees():
        upcoming = [m for m in meetings_of(committee, MeetingState.SCHEDULED) if m.starts_at > now]
        assert len(upcoming) >= 1, committee.slug
        for meeting in upcoming:
            assert meeting.agenda_published_at is not None and meeting.agenda_changed_at is None
            assert 3 <= len(accepted(meeting)) <= 6
            assert [i.position for i in accepted(meeting)] == sorted(i.position for i in accepted(meeting))
            invited = {i.person_id for i in meeting.invitations}
            assert invited == {p.id for p in svc.invitees(committee)}
            answered = [i for i in meeting.invitations if i.response is not None]
            assert 0 < len(answered) < len(invited)
            assert not any(i.attended for i in meeting.invitations)
            needs |= {i.interpretation for i in answered if i.interpretation}
        assert any(m.online_url.startswith("https://") for m in upcoming)  # a hybrid meeting
    assert len(needs) >= 2  # organisers see a real summary of interpretation needs


def test_demo_meetings_each_committee_has_one_open_poll_with_answers(demo):
    for committee in committees():
        polls = meetings_of(committee, MeetingState.POLL)
        assert len(polls) == 1, committee.slug
        poll = polls[0]
        assert svc.poll_is_open(poll) and poll.starts_at is None
        assert 2 <= len(poll.slots) <= 10
        tally = svc.poll_tally(poll)
        assert tally.people and tally.best is not None
        invited = {p.id for p in svc.invitees(committee)}
        assert {p.id for p in tally.people} <= invited


def test_demo_meetings_leave_no_mail_in_the_outbox(app):
    earlier = OutboxMessage(to_address="someone@example.org", subject="Earlier", body_text="Not demo mail")
    db.session.add(earlier)
    db.session.commit()
    load_demo(password=PASSWORD)
    db.session.commit()
    # Scheduling, agendas and polls queued mail while loading; none of it is left to send.
    assert db.session.scalars(select(OutboxMessage.id)).all() == [earlier.id]
    assert db.session.scalar(select(func.count()).select_from(DigestEntry)) == 0


def test_demo_meetings_second_run_adds_nothing(demo):
    before = all_counts()
    summary = load_demo(password=PASSWORD)
    db.session.commit()
    assert summary.created["meetings"] == 0 and all_counts() == before
    # Nor does a run on a later day: demo meetings are known by their UIDs, not their dates.
    later = MeetingLoader(committees(), today=utcnow().date() + timedelta(days=9)).run()
    db.session.commit()
    assert later.created == 0 and all_counts() == before


def test_demo_meetings_complete_a_partial_load(demo):
    committee = committees()[0]
    poll = meetings_of(committee, MeetingState.POLL)[0]
    db.session.delete(poll)
    db.session.commit()
    summary = load_demo(password=PASSWORD)
    db.session.commit()
    assert summary.created["meetings"] == 1
    again = meetings_of(committee, MeetingState.POLL)[0]
    assert again.uid == uid_for(committee.slug, "poll") and again.slots


def test_demo_meetings_plan_is_deterministic():
    today = utcnow().date()
    assert plan_meetings("health-wellbeing", today) == plan_meetings("health-wellbeing", today)
    assert plan_meetings("health-wellbeing", today) != plan_meetings("education-learning", today)
    for spec in plan_meetings("health-wellbeing", today):
        assert 3 <= len(spec.items) <= 6 or spec.kind == "poll"


def _delete_minutes():
    """SQLite does not enforce ON DELETE CASCADE here: the minutes would outlive their meetings."""
    from sqlalchemy import delete

    from committees.models import ActionItem, Decision, Minutes, MinutesComment, MinutesRevision, MinutesSection
    from committees.models.actions import ActionUpdate

    for model in (ActionUpdate, ActionItem, Decision, MinutesComment, MinutesRevision, MinutesSection, Minutes):
        db.session.execute(delete(model))


def _snapshot():
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.uid)).all()
    return [(m.uid, m.title, m.state, m.starts_at, [(i.title, i.minutes_allotted) for i in m.items],
             sorted((i.person.email, i.response, i.attended, i.interpretation) for i in m.invitations),
             sorted((a.person.email, a.answer) for s in m.slots for a in s.answers))
            for m in meetings]


def test_demo_meetings_reload_the_same_on_the_same_day(demo):
    first = _snapshot()
    _delete_minutes()
    for meeting in db.session.scalars(select(Meeting)):
        db.session.delete(meeting)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    summary = load_demo(password=PASSWORD)
    db.session.commit()
    assert summary.created["meetings"] == len(first)
    assert _snapshot() == first


def test_demo_meetings_load_with_few_statements(demo):
    for meeting in db.session.scalars(select(Meeting)):
        db.session.delete(meeting)
    db.session.commit()
    with count_queries() as statements:
        created = MeetingLoader(committees()).run().created
        db.session.commit()
    assert created == 36
    per_meeting = len(statements) / created
    # ~130 today (each RSVP and poll answer goes through its service); held meetings' invitations are bulk.
    assert per_meeting < 200, per_meeting


def test_demo_meetings_write_audit_entries(demo):
    from committees.models import AuditEntry

    actions = set(db.session.scalars(select(AuditEntry.action).distinct()))
    assert {"meeting.create", "meeting.schedule", "agenda.add", "agenda.publish", "meeting.rsvp",
            "meeting.open_poll", "meeting.poll_answer", "meeting.demo_history"} <= actions
    assert db.session.scalar(select(func.count()).select_from(PollAnswer)) > 0
    assert db.session.scalar(select(func.count()).select_from(PollSlot)) >= 2 * len(committees())
