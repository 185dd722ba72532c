"""Demo minutes, decisions and action items: approved and published minutes for older meetings, circulated ones
for each committee's latest, action items in every status (some overdue, some due this week) with their updates,
the demo logins' own items; written through the services, idempotent, with few statements and no mail."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from committees import action_lists
from committees import decisions as register
from committees.db import db, utcnow
from committees.demo import load_demo
from committees.demo.content import DEMO_ACCOUNTS
from committees.demo.meetings import PAST, uid_for
from committees.demo.minutes import MinutesLoader
from committees.models import (
    ActionItem,
    AuditEntry,
    Committee,
    CommitteeRole,
    Meeting,
    MeetingState,
    Membership,
    MembershipStatus,
    Minutes,
    OutboxMessage,
    Person,
)
from committees.models.actions import OPEN_ACTION_STATES, ActionStatus
from committees.models.minutes import ApprovedHow, Decision, MinutesState
from committees.services import actions as action_svc
from committees.services import minutes as minutes_svc
from tests.queries import count_queries
from committees.services import notify as notify_module

PASSWORD = "demo-password-for-tests"


def today():
    return utcnow().astimezone(ZoneInfo("Europe/Athens")).date()


def all_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def committees() -> list[Committee]:
    return list(db.session.scalars(select(Committee).order_by(Committee.slug)))


def minutes_by_key(committee: Committee) -> dict[str, Minutes]:
    uids = {uid_for(committee.slug, f"past-{n}"): f"past-{n}" for n in range(1, PAST + 1)}
    rows = db.session.scalars(select(Minutes).join(Meeting, Meeting.id == Minutes.meeting_id)
                              .where(Meeting.uid.in_(uids)))
    return {uids[m.meeting.uid]: m for m in rows}


def items() -> list[ActionItem]:
    return list(db.session.scalars(select(ActionItem)))


def test_demo_minutes_summary_counts(demo):
    assert demo.created["minutes"] == PAST * len(committees()) == demo.totals["minutes"]
    assert demo.created["decisions"] == demo.totals["decisions"] >= demo.created["minutes"]
    assert demo.created["action_items"] == demo.totals["action_items"] >= demo.created["decisions"]
    assert "minutes" in demo.describe() and "action items" in demo.describe()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "demo.load")).one()
    assert entry.details["minutes"] == demo.created["minutes"]


def test_demo_minutes_latest_meeting_circulated_older_ones_approved(demo):
    now = utcnow()
    how = set()
    for committee in committees():
        by_key = minutes_by_key(committee)
        assert set(by_key) == {f"past-{n}" for n in range(1, PAST + 1)}, committee.slug
        latest = by_key["past-1"]
        assert latest.state == MinutesState.CIRCULATED and latest.comments_deadline > now
        assert latest.circulated_at < now and latest.meeting.state == MeetingState.HELD
        assert len(latest.comments) >= 2
        members = {r.person_id for r in db.session.scalars(select(CommitteeRole).where(
            CommitteeRole.committee_id == committee.id))}
        for comment in latest.comments:
            assert comment.person_id in members and latest.circulated_at < comment.created_at < now
        for n in range(2, PAST + 1):
            older = by_key[f"past-{n}"]
            expected = MinutesState.PUBLISHED if committee.is_public else MinutesState.APPROVED
            assert older.state == expected, (committee.slug, n)
            assert older.meeting.state == MeetingState.MINUTED
            assert older.circulated_at < older.approved_at < now and not older.comments
            assert older.comments_deadline < older.approved_at
            if committee.is_public:
                assert older.approved_at < older.published_at < now
            else:
                assert older.published_at is None
            if older.approved_how == ApprovedHow.MEETING:
                later = older.approved_at_meeting
                assert later.committee_id == committee.id and later.starts_at > older.meeting.starts_at
            else:
                assert older.approved_at_meeting_id is None
            how.add(older.approved_how)
            assert [r.number for r in older.revisions] == [1, 2]  # circulated, approved
    assert how == set(ApprovedHow)
    # Published only where approved: nothing skipped approval.
    assert db.session.scalar(select(func.count()).select_from(Minutes).where(
        Minutes.published_at.is_not(None), Minutes.approved_at.is_(None))) == 0


def test_demo_minutes_have_a_discussion_per_item_and_decisions(demo):
    for minutes in db.session.scalars(select(Minutes)):
        items_by_id = {i.id: i for i in minutes.meeting.items}
        agenda_sections = [s for s in minutes.sections if s.agenda_item_id]
        assert [s.title for s in agenda_sections] == [i.title for i in minutes.meeting.items]
        assert all(s.discussion.strip() and s.discussion_html for s in agenda_sections)
        assert "attended" in agenda_sections[0].discussion
        assert 1 <= len(minutes.decisions) <= 2
        for decision in minutes.decisions:
            assert decision.section.agenda_item_id in items_by_id and decision.section.minutes_id == minutes.id
            assert decision.text.startswith("The committee")
    numbers = db.session.execute(select(Decision.committee_id, Decision.number)).all()
    assert len(numbers) == len(set(numbers))


def test_demo_action_items_in_every_status_some_overdue_some_due_this_week(demo):
    day = today()
    rows = items()
    statuses = {status: sum(1 for i in rows if i.status == status) for status in ActionStatus}
    assert all(count > 0 for count in statuses.values()), statuses
    overdue = [i for i in rows if i.is_overdue(day)]
    this_week = [i for i in rows if i.status in OPEN_ACTION_STATES and day <= i.due_on <= day + timedelta(days=7)]
    assert len(overdue) >= 3 and len(this_week) >= 3
    assert len({i.committee_id for i in overdue}) >= 3 and len({i.committee_id for i in this_week}) >= 3
    assert len({i.owner_organisation_id for i in rows if i.owner_organisation_id}) >= 10
    assert any(i.owner_person_id and not i.owner_organisation_id for i in rows)
    assert any(i.owner_organisation_id and not i.owner_person_id for i in rows)


def test_demo_action_items_come_from_decisions_with_consistent_updates(demo):
    now = utcnow()
    coordinators = set(db.session.scalars(select(Person.id).where(Person.email == DEMO_ACCOUNTS["coordinator"][1])))
    for item in items():
        decision = db.session.get(Decision, item.decision_id)
        assert decision.committee_id == item.committee_id and item.meeting_id == decision.meeting_id
        meeting = db.session.get(Meeting, item.meeting_id)
        if item.owner_organisation_id:
            assert db.session.scalar(select(Membership.status).where(
                Membership.committee_id == item.committee_id,
                Membership.organisation_id == item.owner_organisation_id)) == MembershipStatus.ACTIVE
        if item.owner_person_id and item.owner_person_id not in coordinators:
            person = db.session.get(Person, item.owner_person_id)
            has_role = any(r.committee_id == item.committee_id for r in person.committee_roles)
            assert has_role, (item.title, person.email)
        moves = [u.new_status for u in item.updates if u.new_status is not None]
        assert (moves[-1] if moves else ActionStatus.OPEN) == item.status
        for update in item.updates:
            assert meeting.starts_at < update.created_at < now
        assert (item.closed_at is not None) == (item.status in (ActionStatus.DONE, ActionStatus.CANCELLED))
        if item.status == ActionStatus.CANCELLED:
            assert item.updates[-1].note


def test_demo_logins_have_action_items_of_their_own(demo):
    day = today()
    emails = {key: email for key, (_label, email, *_rest) in DEMO_ACCOUNTS.items()}
    for key in ("cochair", "cochair_city", "rep", "secretary", "coordinator"):
        person = db.session.scalars(select(Person).where(Person.email == emails[key])).one()
        counts = action_lists.counts_for(person.id, person.organisation_id, day)
        assert counts["person_open"] >= 1, key
        page = action_lists.list_actions_for_person(person.id, action_lists.STATUS_OPEN, day)
        assert page.items, key
    cochair = db.session.scalars(select(Person).where(Person.email == emails["cochair"])).one()
    assert action_lists.counts_for(cochair.id, None, day)["person_overdue"] >= 1
    rep = db.session.scalars(select(Person).where(Person.email == emails["rep"])).one()
    mine = action_lists.list_actions_for_person(rep.id, action_lists.STATUS_ALL, day, per_page=50).items
    assert any(i.status == ActionStatus.DONE for i in mine)
    assert any(i.status in OPEN_ACTION_STATES and day <= i.due_on <= day + timedelta(days=7) for i in mine)


def test_demo_decisions_register_shows_the_public_only_published_decisions(demo):
    public = next(c for c in committees() if c.is_public)
    private = next(c for c in committees() if not c.is_public)
    rows, pager = register.page_decisions(None, public, register.DecisionFilter(), 1, 100)
    assert rows and all(r.minutes_state == MinutesState.PUBLISHED for r in rows)
    assert register.page_decisions(None, private, register.DecisionFilter(), 1, 100)[1].total == 0
    coordinator = db.session.scalars(select(Person).where(Person.email == DEMO_ACCOUNTS["coordinator"][1])).one()
    everything = register.page_decisions(coordinator, public, register.DecisionFilter(), 1, 100)[1]
    assert everything.total > pager.total  # the circulated minutes' decisions too


def test_demo_minutes_are_audited_and_leave_no_mail(demo):
    actions = set(db.session.scalars(select(AuditEntry.action).distinct()))
    assert {"minutes.create", "minutes.save", "minutes.circulate", "minutes.approve", "minutes.publish",
            "minutes.comment", "decision.add", "action.create", "action.progress"} <= actions
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    # The services notify people again once the demo is written.
    assert minutes_svc.notify is notify_module.notify and action_svc.notify is notify_module.notify


def test_demo_minutes_second_run_adds_nothing(demo):
    before = all_counts()
    summary = load_demo(password=PASSWORD)
    db.session.commit()
    assert summary.created["minutes"] == summary.created["action_items"] == 0 and all_counts() == before
    later = MinutesLoader(committees(), {}, today=today() + timedelta(days=9)).run()
    db.session.commit()
    assert later.minutes == 0 and all_counts() == before
    skipped = load_demo(password=PASSWORD, if_empty=True)
    assert skipped.skipped and all_counts() == before


def test_demo_minutes_complete_a_partial_load_with_few_statements(demo):
    committee = committees()[0]
    latest = minutes_by_key(committee)["past-1"]
    meeting_id = latest.meeting_id
    for item in db.session.scalars(select(ActionItem).where(ActionItem.meeting_id == meeting_id)):
        db.session.delete(item)
    for decision in list(latest.decisions):
        db.session.delete(decision)
    db.session.delete(latest)
    db.session.commit()
    people = {p.email: p for p in db.session.scalars(select(Person))}
    with count_queries() as statements:
        made = MinutesLoader(committees(), people).run()
        db.session.commit()
    assert made.minutes == 1 and made.decisions >= 1
    again = db.session.scalars(select(Minutes).where(Minutes.meeting_id == meeting_id)).one()
    assert again.state == MinutesState.CIRCULATED and again.comments
    assert len(statements) < 400, len(statements)  # ~200 today: one meeting's minutes, decisions and actions
