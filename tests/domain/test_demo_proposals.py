"""Demo proposals: every state of the workflow, each with a consistent history (steps allowed by the transition
table, in order, dated in the past), co-sponsors, supports, comments (one hidden), versions, the City's department,
deadlines (some overdue) and replies, proposals on the agendas of coming meetings, decisions in the demo minutes
linked both ways, implementation tracked with action items, the demo logins' own proposals; written through the
services without mail; idempotent."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from committees import policy
from committees.db import as_utc, db, utcnow
from committees.demo import load_demo
from committees.demo.content import DEMO_ACCOUNTS
from committees.demo.meetings import TOPICS
from committees.demo.proposals import steps_to
from committees.demo.proposals_content import HISTORY, TOPIC_PROPOSALS
from committees.models import (
    ActionItem,
    AgendaItem,
    AuditEntry,
    Committee,
    CosponsorStatus,
    Meeting,
    MeetingState,
    OutboxMessage,
    Person,
    Proposal,
    ProposalComment,
    ProposalCosponsor,
    ProposalEvent,
    ProposalState,
    ProposalSupport,
    ProposalVersion,
)
from committees.models.minutes import Decision
from committees.proposal_lists import ProposalFilter, page_public_proposals, pending_invitations, pipeline_report
from committees.services import actions as action_svc
from committees.services import notify as notify_module
from committees.services import proposals as proposal_svc
from committees.workflow import PROPOSAL_TRANSITIONS

PASSWORD = "demo-password-for-tests"
PS = ProposalState


def login(key: str) -> Person:
    return db.session.scalars(select(Person).where(Person.email == DEMO_ACCOUNTS[key][1])).one()


def proposals() -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).order_by(Proposal.id)))


def all_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_the_content_covers_every_topic_and_state():
    assert {t for topics in TOPICS.values() for t in topics} == set(TOPIC_PROPOSALS)
    assert {PS(h.state) for h in HISTORY} == set(PS)  # the older ones alone reach every state
    for state in PS:
        steps = [s for s in steps_to(state.value, returned=True) if s != "edit"]
        current = PS.DRAFT
        for name in steps:
            assert current in PROPOSAL_TRANSITIONS[name].sources, (state, name)
            current = PROPOSAL_TRANSITIONS[name].target
        assert current == state


def test_demo_proposals_in_every_state_with_a_consistent_history(demo):
    rows = proposals()
    assert demo.created["proposals"] == len(rows) == demo.totals["proposals"] >= 50
    assert {p.state for p in rows} == set(PS)
    now = utcnow()
    for p in rows:
        steps = [e for e in sorted(p.events, key=lambda e: (e.created_at, e.id)) if e.to_state is not None]
        assert steps[0].kind == "created" and steps[0].to_state == PS.DRAFT, p.title
        for before, step in zip(steps, steps[1:]):
            transition = PROPOSAL_TRANSITIONS[step.kind]
            assert step.from_state == before.to_state and step.from_state in transition.sources, (p.title, step.kind)
            assert step.to_state == transition.target and step.actor_id is not None
            assert bool(step.reason) == transition.needs_reason or not transition.needs_reason
        assert steps[-1].to_state == p.state and as_utc(p.state_changed_at) == as_utc(steps[-1].created_at)
        assert all(as_utc(e.created_at) < now for e in p.events) and as_utc(p.created_at) < now
        assert (p.submitted_at is None) == (p.state == PS.DRAFT)
        if p.submitted_at is not None:
            assert p.versions and p.versions[0].number == 1
        assert p.body_html and p.summary and p.language == "en"


def test_demo_proposals_have_co_sponsors_supports_comments_and_versions(demo):
    assert db.session.scalar(select(func.count()).where(ProposalCosponsor.status == CosponsorStatus.ACCEPTED)) >= 10
    assert db.session.scalar(select(func.count()).where(ProposalCosponsor.status == CosponsorStatus.DECLINED)) >= 1
    assert db.session.scalar(select(func.count()).select_from(ProposalSupport)) >= 50
    assert all(p.support_count == len(p.supports) for p in proposals())
    comments = list(db.session.scalars(select(ProposalComment)))
    hidden = [c for c in comments if c.hidden]
    assert len(comments) >= 20 and len(hidden) == 1 and hidden[0].hidden_reason and hidden[0].hidden_by_id
    assert db.session.scalar(select(func.max(ProposalVersion.number))) >= 2
    for p in proposals():
        for c in p.comments:
            assert policy.can(c.person, "proposal.comment", p) or p.state == PS.WITHDRAWN


def test_demo_forwarded_proposals_with_departments_deadlines_and_replies(demo):
    today = utcnow().astimezone(ZoneInfo("Europe/Athens")).date()
    rows = proposals()
    forwarded = [p for p in rows if p.forwarded_at is not None]
    assert all(p.city_department and p.response_deadline for p in forwarded)
    waiting = [p for p in rows if p.state == PS.FORWARDED]
    overdue = [p for p in waiting if p.is_past_deadline(today)]
    assert len(overdue) >= 2 and len(waiting) > len(overdue)
    answered = [p for p in rows if p.state in (PS.ADOPTED, PS.ADOPTED_IN_PART, PS.NOT_ADOPTED, PS.IN_IMPLEMENTATION,
                                               PS.IMPLEMENTED)]
    assert answered and all(p.city_reply and p.city_reply_html and p.city_responded_at for p in answered)
    assert all(p.state_reason for p in rows if p.state in (PS.NOT_ADOPTED, PS.DECLINED, PS.WITHDRAWN, PS.RETURNED))


def test_demo_proposals_link_to_meetings_decisions_and_action_items(demo):
    now = utcnow()
    on_agenda = [p for p in proposals() if p.state == PS.ON_AGENDA]
    assert on_agenda
    for p in on_agenda:  # an item of a coming meeting's agenda, on the proposal's topic where there is one
        item = db.session.scalars(select(AgendaItem).where(AgendaItem.proposal_id == p.id)).one()
        assert item.meeting.state == MeetingState.SCHEDULED and as_utc(item.meeting.starts_at) > now
        assert item.meeting.committee_id == p.committee_id
    linked = list(db.session.scalars(select(Decision).where(Decision.proposal_id.is_not(None))))
    assert len(linked) >= 6
    for decision in linked:
        proposal = db.session.get(Proposal, decision.proposal_id)
        assert decision.committee_id == proposal.committee_id
        step = db.session.scalars(select(ProposalEvent).where(ProposalEvent.decision_id == decision.id)).one()
        assert step.kind in ("endorse", "decline") and step.proposal_id == proposal.id
        agenda = db.session.scalars(select(ProposalEvent).where(ProposalEvent.proposal_id == proposal.id,
                                                                ProposalEvent.kind == "put_on_agenda")).one()
        item = db.session.get(AgendaItem, agenda.agenda_item_id)
        assert item.meeting_id == decision.meeting_id and item.proposal_id == proposal.id
        assert TOPIC_PROPOSALS[item.title].title == proposal.title  # the topic's own proposal
        assert as_utc(agenda.created_at) < as_utc(decision.meeting.starts_at) < as_utc(step.created_at)
    implementing = [p for p in proposals() if p.state in (PS.IN_IMPLEMENTATION, PS.IMPLEMENTED)]
    tracked = list(db.session.scalars(select(ActionItem).where(ActionItem.proposal_id.is_not(None))))
    assert tracked and {a.proposal_id for a in tracked} <= {p.id for p in implementing}
    for item in tracked:
        assert item.decision_id is not None and db.session.get(Decision, item.decision_id).proposal_id == \
            item.proposal_id
        proposal = db.session.get(Proposal, item.proposal_id)
        assert (item.status.value == "done") == (proposal.state == PS.IMPLEMENTED)
        held = as_utc(db.session.get(Meeting, item.meeting_id).starts_at)
        assert item.updates and all(held < as_utc(u.created_at) < now for u in item.updates)


def test_demo_logins_take_part(demo):
    rep, cochair, coordinator = login("rep"), login("cochair"), login("coordinator")
    own = [p for p in proposals() if p.organisation_id == rep.organisation_id]
    assert len(own) >= 4 and len({p.state for p in own}) >= 4
    assert any(p.state == PS.DRAFT for p in own) and any(p.state == PS.RETURNED for p in own)
    assert [p.title for p in pending_invitations(rep)] == ["Know-your-rights videos in community languages"]
    actors = set(db.session.scalars(select(ProposalEvent.actor_id).distinct()))
    assert {rep.id, cochair.id, coordinator.id} <= actors


def test_demo_proposals_fill_the_lists_and_the_report(demo):
    coordinator, rep = login("coordinator"), login("rep")
    public = page_public_proposals(ProposalFilter(), per_page=100)
    assert public.total >= 5 and all(p.committee.is_public and p.submitted_at for p in public.items)
    drafts = [p for p in proposals() if p.state == PS.DRAFT]
    for draft in drafts:
        assert not policy.can(coordinator, "proposal.view", draft)
    assert any(policy.can(rep, "proposal.view", d) for d in drafts)
    report = pipeline_report(coordinator, zone=ZoneInfo("Europe/Athens"))
    assert len(report.years) >= 2 and sum(y.forwarded for y in report.years) >= 15
    assert sum(y.adopted + y.adopted_in_part for y in report.years) >= 5
    assert {PS.SUBMITTED, PS.UNDER_REVIEW, PS.ON_AGENDA, PS.FORWARDED} <= set(report.median_days)
    assert len(report.counts) == db.session.scalar(select(func.count()).select_from(Committee))


def test_demo_proposals_are_audited_and_leave_no_mail(demo):
    actions = set(db.session.scalars(select(AuditEntry.action).distinct()))
    assert {"proposal.create", "proposal.submit", "proposal.put_on_agenda", "proposal.endorse", "proposal.forward",
            "proposal.adopt", "proposal.support", "proposal.comment", "proposal.hide_comment"} <= actions
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert proposal_svc.notify is notify_module.notify and action_svc.notify is notify_module.notify
    assert proposal_svc.stakeholders.__name__ == "stakeholders"


def test_demo_proposals_second_run_adds_nothing_and_a_partial_load_is_completed(demo):
    before = all_counts()
    again = load_demo(password=PASSWORD)
    db.session.commit()
    assert again.created["proposals"] == 0 and all_counts() == before
    title = "Dental care for children in accommodation"
    gone = db.session.scalars(select(Proposal).where(Proposal.title == title)).one()
    db.session.delete(gone)
    db.session.commit()
    completed = load_demo(password=PASSWORD)
    db.session.commit()
    assert completed.created["proposals"] == 1
    back = db.session.scalars(select(Proposal).where(Proposal.title == title)).one()
    assert back.state == PS.SUBMITTED and back.committee.slug == "health-wellbeing"


def test_demo_meetings_still_reload_the_same_with_proposals_on_their_agendas(demo):
    """The proposals take existing agenda items of coming meetings: the meetings' agendas stay as planned."""
    items = db.session.scalars(select(AgendaItem).join(Meeting, Meeting.id == AgendaItem.meeting_id)
                               .where(Meeting.state == MeetingState.SCHEDULED, AgendaItem.proposal_id.is_not(None)))
    titles = [i.title for i in items]
    assert titles and all(t in {t for topics in TOPICS.values() for t in topics} | {
        "Proposal to the City: next steps", "Updates from the members", "Working group reports"} for t in titles)
