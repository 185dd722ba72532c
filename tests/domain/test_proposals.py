"""Proposals: every step of PROPOSAL_TRANSITIONS for every role (driven from the table), reasons, notifications,
co-sponsors, supports, versions, comments, documents, the agenda and decision links, and the City's deadline."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from committees import policy
from committees.db import db, utcnow
from committees.errors import Conflict, Forbidden, ValidationFailed
from committees.models import (
    AgendaItem,
    AuditEntry,
    CommitteeRoleKind,
    CosponsorStatus,
    Document,
    GlobalRole,
    Meeting,
    MeetingFormat,
    MeetingState,
    Minutes,
    MinutesState,
    OutboxMessage,
    Proposal,
    ProposalEvent,
    ProposalReminder,
    ProposalState,
    ProposalSupport,
)
from committees.models.minutes import Decision
from committees.services import meetings
from committees.services import proposals as svc
from committees.services.notify import set_preference
from committees.workflow import PROPOSAL_TRANSITIONS, available
from tests import factories as f
from tests.factories import PROPOSAL_PATHS as PATHS
from tests.factories import STEP_ACTOR
from tests.conftest import ROLES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FULL = dict(title="A legal aid desk at the town hall", summary="Weekly free legal advice for asylum seekers.",
            body="# The plan\n\nA desk **every Tuesday**.\n\n<script>alert(1)</script>",
            target_group="Asylum seekers and recognised refugees", expected_impact="Fewer missed appointments.",
            budget_eur="12 500,50", timeframe="12 months from September")

# Who may take steps on a proposal of the NGO, by the table's policy action (roles of tests.conftest.ROLES).
MAY = {"proposal.author": {"representative"}, "proposal.review": {"cochair", "coordinator", "admin"},
       "proposal.forward": {"coordinator", "admin"}}


def mails(kind: str) -> list[str]:
    return sorted(db.session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == kind)))


def coming_meeting(world, days: int = 10) -> Meeting:
    start = utcnow().replace(microsecond=0) + timedelta(days=days)
    meeting = meetings.create_meeting(world.cochair, world.committee, title="Monthly meeting", venue="City Hall",
                                      format=MeetingFormat.IN_PERSON.value, starts_at=start,
                                      ends_at=start + timedelta(hours=2))
    db.session.commit()
    return meeting


def step_kwargs(name: str, world, **extra) -> dict:
    kwargs: dict = {}
    if PROPOSAL_TRANSITIONS[name].needs_reason:
        kwargs["reason"] = f"Reason for {name}"
    if name == "put_on_agenda":
        kwargs["meeting"] = extra.get("meeting") or coming_meeting(world)
    elif name == "forward":
        kwargs.update(department="Directorate of Social Solidarity", response_deadline=date.today() + timedelta(30))
    elif name in svc.CITY_RESPONSES:
        kwargs["reply"] = "The Mayor's office answers: **yes**."
    return kwargs


def file_proposal(world, **values) -> Proposal:
    proposal = svc.create_proposal(world.representative, world.committee, **{**FULL, **values})
    db.session.commit()
    return proposal


def advance(world, proposal: Proposal, steps: list[str], **extra) -> Proposal:
    for name in steps:
        svc.transition_proposal(getattr(world, STEP_ACTOR[name]), proposal, name, **step_kwargs(name, world, **extra))
    db.session.commit()
    return proposal


def proposal_in(world, state: str, **values) -> Proposal:
    return advance(world, file_proposal(world, **values), PATHS[state])


def colleague(world, org, email: str, committee=None) -> object:
    """Another representative (of the municipal body, say) in the committee."""
    org = getattr(world, org) if isinstance(org, str) else org
    person = f.make_person(email, org=org, name=email.split("@")[0].title())
    f.give_role(person, committee or world.committee, CommitteeRoleKind.REPRESENTATIVE)
    return person


# -- the transition table, role by role ----------------------------------------------------------------------------

CASES = [(t.name, source.value) for t in PROPOSAL_TRANSITIONS.values() for source in sorted(t.sources)]


def test_the_paths_reach_their_states_and_cover_every_state(world):
    assert set(PATHS) == {s.value for s in ProposalState}
    for state in ("withdrawn", "implemented", "returned"):
        assert proposal_in(world, state).state == ProposalState(state)


@pytest.mark.parametrize("name,source", CASES, ids=[f"{n}-from-{s}" for n, s in CASES])
def test_every_step_by_every_role(world, name, source):
    transition = PROPOSAL_TRANSITIONS[name]
    proposal = proposal_in(world, source)
    meeting = coming_meeting(world, days=20) if name == "put_on_agenda" else None
    allowed = MAY[transition.action]

    def audited() -> int:
        return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == f"proposal.{name}", AuditEntry.target_id == proposal.id))

    before = audited()
    for role in ROLES:
        actor = world.person(role)
        kwargs = step_kwargs(name, world, meeting=meeting)
        if role not in allowed:
            with pytest.raises(Forbidden):
                svc.transition_proposal(actor, proposal, name, **kwargs)
            assert proposal.state == ProposalState(source), role
            continue
        event = svc.transition_proposal(actor, proposal, name, **kwargs)
        assert proposal.state == transition.target and event.to_state == transition.target
        assert event.from_state == ProposalState(source) and event.actor_id == actor.id and event.kind == name
        assert event.reason == kwargs.get("reason", "")
        assert audited() == before + 1
        db.session.rollback()  # back to `source` for the next role
        assert proposal.state == ProposalState(source)


@pytest.mark.parametrize("state", [s.value for s in ProposalState])
def test_steps_not_in_the_table_are_refused_for_everyone(world, state):
    proposal = proposal_in(world, state)
    possible = {t.name for t in available(PROPOSAL_TRANSITIONS, proposal.state)}
    for name in set(PROPOSAL_TRANSITIONS) - possible:
        for role in ROLES:
            with pytest.raises((Conflict, Forbidden)):
                svc.transition_proposal(world.person(role), proposal, name, **step_kwargs(name, world))
            assert proposal.state == ProposalState(state)
    with pytest.raises(Conflict):
        svc.transition_proposal(world.admin, proposal, "approve")


def test_allowed_transitions_follow_table_and_policy(world):
    proposal = proposal_in(world, "under_review")
    assert {t.name for t in svc.allowed_transitions(world.representative, proposal)} == {"withdraw"}
    assert {t.name for t in svc.allowed_transitions(world.cochair, proposal)} == {"return_for_revision",
                                                                                  "put_on_agenda"}
    assert svc.allowed_transitions(world.observer, proposal) == []
    assert svc.allowed_transitions(None, proposal) == []


@pytest.mark.parametrize("name", [t.name for t in PROPOSAL_TRANSITIONS.values() if t.needs_reason])
def test_reasons_are_required(world, name):
    assert name in {"return_for_revision", "decline", "not_adopt", "withdraw"}
    source = sorted(PROPOSAL_TRANSITIONS[name].sources)[-1].value
    proposal = proposal_in(world, source)
    actor = getattr(world, STEP_ACTOR[name])
    kwargs = step_kwargs(name, world)
    for blank in ("", "   \n"):
        with pytest.raises(ValidationFailed) as caught:
            svc.transition_proposal(actor, proposal, name, **{**kwargs, "reason": blank})
        assert caught.value.code == "reason_required" and caught.value.field == "reason"
    assert proposal.state == ProposalState(source)
    svc.transition_proposal(actor, proposal, name, **{**kwargs, "reason": "  It is late.  "})
    assert proposal.state_reason == "It is late." and proposal.events[-1].reason == "It is late."


def test_the_table_needs_reasons_exactly_for_returning_declining_withdrawing_and_not_adopted():
    assert {t.name for t in PROPOSAL_TRANSITIONS.values() if t.needs_reason} == {
        "return_for_revision", "decline", "withdraw", "not_adopt"}
    assert PROPOSAL_TRANSITIONS["withdraw"].sources == {ProposalState(s) for s in (
        "draft", "submitted", "under_review", "returned", "on_agenda")}


# -- notifications -------------------------------------------------------------------------------------------------

def test_every_step_mails_authors_cosponsors_and_cochairs_but_not_the_actor(world):
    muni_rep = colleague(world, "municipal", "muni.rep@example.org")
    proposal = file_proposal(world)
    svc.invite_cosponsor(world.representative, proposal, world.municipal)
    svc.respond_cosponsor(muni_rep, proposal, accept=True)
    db.session.commit()
    assert mails("proposal_transition") == []
    svc.transition_proposal(world.representative, proposal, "submit")
    assert mails("proposal_transition") == sorted(["alt@example.org", "chair@example.org", "chair.m@example.org",
                                                   "muni.rep@example.org"])
    db.session.query(OutboxMessage).delete()
    set_preference(world.alternate, "proposals", "off")
    svc.transition_proposal(world.cochair, proposal, "start_review")
    assert mails("proposal_transition") == sorted(["rep@example.org", "chair.m@example.org", "muni.rep@example.org"])
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "rep@example.org")).one()
    assert "Under review" in message.subject and proposal.title in message.subject
    assert "Chris Chair" in message.body_text and world.ngo.name in message.body_text
    assert "/committees/access-legal" in message.body_text


def test_mail_tells_the_reason_the_department_and_the_reply(world):
    proposal = proposal_in(world, "endorsed")
    db.session.query(OutboxMessage).delete()
    svc.transition_proposal(world.coordinator, proposal, "forward", department="Directorate of Social Solidarity",
                            response_deadline=date(2099, 3, 1))
    body = db.session.scalars(select(OutboxMessage.body_text).where(
        OutboxMessage.to_address == "rep@example.org")).one()
    assert "Directorate of Social Solidarity" in body and "2099-03-01" in body
    db.session.query(OutboxMessage).delete()
    svc.transition_proposal(world.coordinator, proposal, "not_adopt", reason="No budget this year",
                            reply="We cannot fund it in 2099.")
    body = db.session.scalars(select(OutboxMessage.body_text).where(
        OutboxMessage.to_address == "rep@example.org")).one()
    assert "No budget this year" in body and "We cannot fund it in 2099." in body


# -- filing, submission, editing and versions --------------------------------------------------------------------

def test_filing_renders_markdown_and_parses_the_budget(world):
    proposal = file_proposal(world)
    assert proposal.state == ProposalState.DRAFT and proposal.organisation_id == world.ngo.id
    assert proposal.budget_eur == Decimal("12500.50") and "<strong>every Tuesday</strong>" in proposal.body_html
    assert "<script>" not in proposal.body_html
    assert [e.kind for e in proposal.events] == ["created"] and proposal.submitted_at is None
    assert proposal.versions == []
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).budget_eur == Decimal("12500.50")


@pytest.mark.parametrize("value,expected", [("", None), (None, None), ("0", Decimal("0.00")),
                                            (1500, Decimal("1500.00")), ("12,500.5", Decimal("12500.50")),
                                            ("€ 3 000", Decimal("3000.00"))])
def test_budget_values(value, expected):
    assert svc.parse_budget(value) == expected


@pytest.mark.parametrize("value", ["abc", "-5", "NaN", "Infinity", "1e20", True])
def test_bad_budgets_are_refused(value):
    with pytest.raises(ValidationFailed) as caught:
        svc.parse_budget(value)
    assert caught.value.field == "budget_eur"


def test_filing_needs_a_representative_of_a_member_organisation(world):
    for person in (world.cochair, world.secretary, world.observer, world.coordinator, world.other_rep):
        with pytest.raises(Forbidden):
            svc.create_proposal(person, world.committee, title="X")
    with pytest.raises(ValidationFailed) as caught:
        svc.create_proposal(world.representative, world.committee, title="  ")
    assert caught.value.field == "title"
    with pytest.raises(ValidationFailed) as caught:
        svc.create_proposal(world.representative, world.committee, title="X", summary="s" * 501)
    assert caught.value.field == "summary" and caught.value.code == "too_long"


def test_submitting_needs_every_part_but_the_budget(world):
    proposal = svc.create_proposal(world.representative, world.committee, title="Short draft")
    with pytest.raises(ValidationFailed) as caught:
        svc.transition_proposal(world.representative, proposal, "submit")
    assert caught.value.code == "incomplete" and caught.value.field == "summary"
    svc.update_proposal(world.representative, proposal, {k: v for k, v in FULL.items() if k != "budget_eur"})
    svc.transition_proposal(world.representative, proposal, "submit")
    assert proposal.state == ProposalState.SUBMITTED and proposal.submitted_at is not None
    assert [v.number for v in proposal.versions] == [1]


def test_edits_after_submission_are_versions_and_compare(world):
    proposal = file_proposal(world)
    assert svc.update_proposal(world.representative, proposal, {"timeframe": "Six months"}) == ["timeframe"]
    assert proposal.versions == []  # a draft is not versioned
    advance(world, proposal, ["submit", "start_review"])
    first = proposal.submitted_at
    changed = svc.update_proposal(world.alternate, proposal, {"body": "# The plan\n\nA desk every **Monday**.",
                                                               "budget_eur": "9000", "title": FULL["title"]},
                                  note="Cheaper")
    assert changed == ["body", "budget_eur"] and [v.number for v in proposal.versions] == [1, 2]
    assert proposal.versions[1].note == "Cheaper" and proposal.versions[1].author_id == world.alternate.id
    assert svc.update_proposal(world.representative, proposal, {"budget_eur": "9 000,00"}) == []
    svc.transition_proposal(world.cochair, proposal, "return_for_revision", reason="Say where the desk is")
    svc.update_proposal(world.representative, proposal, {"summary": "Weekly advice <b>at the town hall</b>."})
    svc.transition_proposal(world.representative, proposal, "submit")
    assert proposal.submitted_at == first and proposal.current_version == 3
    diff = {d["title"]: d for d in svc.compare_versions(proposal, 1, 3)}
    assert not diff["Title"]["changed"] and diff["Full text"]["changed"] and diff["Summary"]["changed"]
    assert ("replace", "A desk <strong>every Tuesday</strong>.".replace("<strong>", "**").replace("</strong>", "**"),
            "A desk every **Monday**.") in diff["Full text"]["rows"]
    assert any("&lt;b&gt;at the town hall&lt;/b&gt;" in row[2] for row in diff["Summary"]["rows"])
    assert diff["Estimated budget (EUR)"]["rows"] == [("replace", "12500.50", "9000.00")]
    with pytest.raises(ValidationFailed):
        svc.compare_versions(proposal, 1, 9)


def test_editing_is_for_authors_while_editable_and_detects_stale_versions(world):
    proposal = proposal_in(world, "submitted")
    for person in (world.cochair, world.coordinator, world.secretary):
        with pytest.raises(Forbidden):
            svc.update_proposal(person, proposal, {"timeframe": "Never"})
    stale = proposal.version
    svc.update_proposal(world.representative, proposal, {"timeframe": "Eight months"})
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        svc.update_proposal(world.alternate, proposal, {"timeframe": "Nine months"}, expected_version=stale)
    assert caught.value.code == "edit_conflict" and proposal.timeframe == "Eight months"
    advance(world, proposal, ["start_review", "put_on_agenda"])
    with pytest.raises(Forbidden):
        svc.update_proposal(world.representative, proposal, {"timeframe": "Ten months"})


# -- co-sponsors ---------------------------------------------------------------------------------------------------

def test_cosponsors_are_invited_and_accept_or_decline(world):
    muni_rep = colleague(world, "municipal", "muni.rep@example.org")
    irc = f.make_org("International Rescue Committee", short_name="IRC")
    f.make_membership(world.committee, irc)
    irc_rep = colleague(world, irc, "irc.rep@example.org")
    proposal = file_proposal(world)
    assert not policy.can(muni_rep, "proposal.view", proposal)
    svc.invite_cosponsor(world.representative, proposal, world.municipal)
    svc.invite_cosponsor(world.alternate, proposal, irc)
    db.session.commit()
    assert mails("proposal_cosponsor_invited") == ["irc.rep@example.org", "muni.rep@example.org"]
    assert policy.can(muni_rep, "proposal.view", proposal) and policy.can(muni_rep, "proposal.cosponsor", proposal)
    assert not policy.can(world.secretary, "proposal.cosponsor", proposal)  # municipal staff, not a representative
    with pytest.raises(Conflict):
        svc.invite_cosponsor(world.representative, proposal, world.municipal)
    with pytest.raises(ValidationFailed) as caught:
        svc.invite_cosponsor(world.representative, proposal, world.outsider_org)
    assert caught.value.code == "not_member"
    with pytest.raises(ValidationFailed):
        svc.invite_cosponsor(world.representative, proposal, world.ngo)
    with pytest.raises(Forbidden):
        svc.invite_cosponsor(world.cochair, proposal, world.municipal)
    with pytest.raises(Forbidden):
        svc.respond_cosponsor(world.representative, proposal, accept=True)

    svc.respond_cosponsor(muni_rep, proposal, accept=True)
    svc.respond_cosponsor(irc_rep, proposal, accept=False)
    assert mails("proposal_cosponsor_answered") == ["alt@example.org", "alt@example.org", "rep@example.org",
                                                    "rep@example.org"]
    statuses = {c.organisation_id: c.status for c in proposal.cosponsors}
    assert statuses == {world.municipal.id: CosponsorStatus.ACCEPTED, irc.id: CosponsorStatus.DECLINED}
    assert [c.organisation_id for c in proposal.accepted_cosponsors] == [world.municipal.id]
    assert not policy.can(irc_rep, "proposal.view", proposal)  # declined: the draft is private again
    with pytest.raises(Forbidden):
        svc.respond_cosponsor(muni_rep, proposal, accept=False)  # answered already
    assert [e.kind for e in proposal.events] == ["created", "cosponsor_invited", "cosponsor_invited",
                                                 "cosponsor_accepted", "cosponsor_declined"]
    svc.invite_cosponsor(world.representative, proposal, irc)  # asked again after declining
    assert {c.organisation_id: c.status for c in proposal.cosponsors}[irc.id] == CosponsorStatus.INVITED
    svc.remove_cosponsor(world.representative, proposal, irc)
    assert [c.organisation_id for c in proposal.cosponsors] == [world.municipal.id]
    with pytest.raises(ValidationFailed):
        svc.remove_cosponsor(world.representative, proposal, irc)


# -- supports ------------------------------------------------------------------------------------------------------

def test_support_once_per_organisation_and_withdrawable(world):
    muni_rep = colleague(world, "municipal", "muni.rep@example.org")
    muni_rep2 = colleague(world, "municipal", "muni.rep2@example.org")
    proposal = proposal_in(world, "submitted")
    updated = proposal.updated_at
    edit_version = proposal.version
    for person in (world.representative, world.alternate, world.secretary, world.observer, world.coordinator):
        with pytest.raises(Forbidden):
            svc.support(person, proposal)
    svc.support(muni_rep, proposal)
    db.session.commit()
    assert proposal.support_count == 1 and proposal.version == edit_version and proposal.updated_at == updated
    with pytest.raises(Conflict) as caught:
        svc.support(muni_rep2, proposal)
    assert caught.value.code == "already_supported"
    from committees.proposal_lists import supporting_organisations

    assert supporting_organisations(proposal) == [world.municipal]
    svc.withdraw_support(muni_rep2, proposal)  # the organisation's support, withdrawn by a colleague
    db.session.commit()
    assert proposal.support_count == 0 and supporting_organisations(proposal) == []
    with pytest.raises(Conflict):
        svc.withdraw_support(muni_rep, proposal)
    svc.support(muni_rep2, proposal)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).support_count == 1
    advance(world, proposal, ["start_review", "put_on_agenda", "endorse"])
    with pytest.raises(Forbidden):
        svc.withdraw_support(muni_rep2, proposal)


def test_a_concurrent_second_support_is_a_conflict_not_a_crash(world):
    muni_rep = colleague(world, "municipal", "muni.rep@example.org")
    proposal = proposal_in(world, "submitted")
    assert proposal.supports == []  # loaded: the other request's row is not seen
    db.session.execute(insert(ProposalSupport).values(proposal_id=proposal.id, organisation_id=world.municipal.id,
                                                      created_at=utcnow()))
    with pytest.raises(Conflict):
        svc.support(muni_rep, proposal)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ProposalSupport)) == 1


def test_accepting_to_cosponsor_replaces_the_support(world):
    muni_rep = colleague(world, "municipal", "muni.rep@example.org")
    proposal = proposal_in(world, "submitted")
    svc.support(muni_rep, proposal)
    svc.invite_cosponsor(world.representative, proposal, world.municipal)
    svc.respond_cosponsor(muni_rep, proposal, accept=True)
    db.session.commit()
    assert proposal.support_count == 0 and proposal.supports == []
    assert not policy.can(muni_rep, "proposal.support", proposal)


# -- comments ------------------------------------------------------------------------------------------------------

def test_hidden_comments_are_seen_by_their_author_marked_hidden(world):
    from committees.proposal_lists import visible_comments

    proposal = proposal_in(world, "under_review")
    mine = svc.add_comment(world.secretary, proposal, "See **article 5** <script>x</script>")
    other = svc.add_comment(world.representative, proposal, "Thank you.")
    assert "<strong>article 5</strong>" in mine.body_html and "<script>" not in mine.body_html
    for person in (world.observer, world.non_member, None):
        with pytest.raises(Forbidden):
            svc.add_comment(person, proposal, "Hello")
    with pytest.raises(ValidationFailed):
        svc.add_comment(world.secretary, proposal, "  ")
    with pytest.raises(Forbidden):
        svc.hide_comment(world.representative, mine, "Off topic")
    with pytest.raises(ValidationFailed):
        svc.hide_comment(world.cochair, mine, " ")
    svc.hide_comment(world.cochair, mine, "Off topic")
    db.session.commit()
    with pytest.raises(Conflict):
        svc.hide_comment(world.cochair_municipal, mine, "Again")

    def seen(user):
        return [(c.comment.id, c.hidden) for c in visible_comments(user, proposal)]

    assert seen(world.secretary) == [(mine.id, True), (other.id, False)]  # the author, marked hidden
    assert seen(world.cochair) == [(mine.id, True), (other.id, False)]  # a moderator
    assert seen(world.representative) == [(other.id, False)]
    assert seen(world.observer) == [(other.id, False)]
    assert mine.hidden_reason == "Off topic" and mine.hidden_by_id == world.cochair.id
    svc.unhide_comment(world.coordinator, mine)
    assert seen(world.representative) == [(mine.id, False), (other.id, False)]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action.in_(("proposal.hide_comment", "proposal.unhide_comment")))) == 2


# -- documents, the agenda, decisions, the City --------------------------------------------------------------------

def test_documents_follow_the_meeting_documents_rules(world):
    proposal = file_proposal(world)
    document = svc.attach_document(world.representative, proposal, "../../plan.exe.pdf", PDF, max_bytes=10_000)
    assert document.proposal_id == proposal.id and document.meeting_id is None
    assert document.filename == "plan.exe.pdf" and document.content_type == "application/pdf"
    with pytest.raises(ValidationFailed) as caught:
        svc.attach_document(world.representative, proposal, "x.html", b"<html></html>", max_bytes=10_000)
    assert caught.value.code == "file_type"
    with pytest.raises(ValidationFailed):
        svc.attach_document(world.representative, proposal, "big.pdf", PDF, max_bytes=10)
    with pytest.raises(Forbidden):
        svc.attach_document(world.cochair, proposal, "plan.pdf", PDF, max_bytes=10_000)
    assert svc.proposal_documents(proposal) == [document]
    svc.remove_document(world.alternate, proposal, document)
    assert svc.proposal_documents(proposal) == []


def test_putting_on_the_agenda_links_an_item_of_a_coming_meeting(world):
    proposal = proposal_in(world, "under_review")
    meeting = coming_meeting(world)
    db.session.query(OutboxMessage).delete()
    event = svc.transition_proposal(world.cochair, proposal, "put_on_agenda", meeting=meeting)
    item = db.session.get(AgendaItem, event.agenda_item_id)
    assert item.meeting_id == meeting.id and item.proposal_id == proposal.id and item.title == proposal.title
    message = db.session.scalars(select(OutboxMessage.body_text).where(
        OutboxMessage.kind == "proposal_transition", OutboxMessage.to_address == "rep@example.org")).one()
    assert "Monthly meeting" in message
    svc.transition_proposal(world.cochair, proposal, "take_off_agenda")
    assert item.proposal_id is None and proposal.state == ProposalState.UNDER_REVIEW
    svc.transition_proposal(world.cochair, proposal, "put_on_agenda", agenda_item=item)
    assert item.proposal_id == proposal.id and proposal.state == ProposalState.ON_AGENDA


def test_the_agenda_item_must_be_of_a_coming_meeting_of_the_committee(world):
    proposal = proposal_in(world, "under_review")
    other = proposal_in(world, "under_review", title="Another one")
    with pytest.raises(ValidationFailed) as caught:
        svc.transition_proposal(world.cochair, proposal, "put_on_agenda")
    assert caught.value.code == "agenda_item_required"
    elsewhere = meetings.create_meeting(world.coordinator, world.other_committee, title="Health", venue="Hall",
                                        format="in_person", starts_at=utcnow() + timedelta(days=3),
                                        ends_at=utcnow() + timedelta(days=3, hours=1))
    with pytest.raises(ValidationFailed) as caught:
        svc.transition_proposal(world.cochair, proposal, "put_on_agenda", meeting=elsewhere)
    assert caught.value.code == "wrong_committee"
    held = coming_meeting(world)
    held.state = MeetingState.HELD
    with pytest.raises(ValidationFailed) as caught:
        svc.transition_proposal(world.cochair, proposal, "put_on_agenda", meeting=held)
    assert caught.value.code == "meeting_not_coming"
    meeting = coming_meeting(world, days=30)
    event = svc.transition_proposal(world.cochair, other, "put_on_agenda", meeting=meeting)
    with pytest.raises(ValidationFailed) as caught:
        svc.transition_proposal(world.cochair, proposal, "put_on_agenda",
                                agenda_item=db.session.get(AgendaItem, event.agenda_item_id))
    assert caught.value.code == "item_taken" and proposal.state == ProposalState.UNDER_REVIEW


def _decision(world, committee=None, text="The committee endorses the proposal.") -> Decision:
    committee = committee or world.committee
    meeting = Meeting(committee=committee, uid=f"d-{text[:5]}-{committee.id}@test", title="Held",
                      state=MeetingState.HELD, starts_at=utcnow() - timedelta(days=1))
    minutes = Minutes(meeting=meeting, committee_id=committee.id, state=MinutesState.CIRCULATED)
    decision = Decision(committee_id=committee.id, meeting=meeting, minutes=minutes, number="2025/05-1", text=text)
    db.session.add(decision)
    db.session.commit()
    return decision


def test_the_decision_in_the_minutes_links_back(world):
    proposal = proposal_in(world, "on_agenda")
    foreign = _decision(world, world.other_committee)
    with pytest.raises(ValidationFailed) as caught:
        svc.transition_proposal(world.cochair, proposal, "endorse", decision=foreign)
    assert caught.value.code == "wrong_committee"
    decision = _decision(world)
    event = svc.transition_proposal(world.cochair, proposal, "endorse", decision=decision)
    assert decision.proposal_id == proposal.id and event.decision_id == decision.id
    assert proposal.decided_at is not None


def test_forwarding_names_the_department_and_a_deadline(world):
    proposal = proposal_in(world, "endorsed")
    with pytest.raises(ValidationFailed) as caught:
        svc.transition_proposal(world.coordinator, proposal, "forward", department=" ",
                                response_deadline=date.today() + timedelta(days=9))
    assert caught.value.field == "department"
    for deadline in (None, date.today() - timedelta(days=1), "2099-01-01"):
        with pytest.raises(ValidationFailed) as caught:
            svc.transition_proposal(world.coordinator, proposal, "forward", department="Housing",
                                    response_deadline=deadline)
        assert caught.value.field == "response_deadline"
    event = svc.transition_proposal(world.coordinator, proposal, "forward", department="  Directorate of  Housing ",
                                    response_deadline=date.today())
    assert proposal.city_department == "Directorate of Housing" and event.department == "Directorate of Housing"
    assert proposal.response_deadline == date.today() and proposal.forwarded_at is not None


def test_the_citys_reply_is_recorded_with_its_document(world):
    proposal = proposal_in(world, "forwarded")
    with pytest.raises(ValidationFailed) as caught:
        svc.transition_proposal(world.coordinator, proposal, "adopt_in_part", reply="  ")
    assert caught.value.field == "reply"
    event = svc.transition_proposal(world.coordinator, proposal, "adopt_in_part", reply="Adopted: *the desk*.",
                                    reply_document=("Reply from the Mayor.pdf", PDF), max_bytes=10_000)
    document = db.session.get(Document, event.document_id)
    assert document.proposal_id == proposal.id and document.filename == "Reply from the Mayor.pdf"
    assert proposal.city_reply == "Adopted: *the desk*." and "<em>the desk</em>" in proposal.city_reply_html
    assert proposal.state == ProposalState.ADOPTED_IN_PART and proposal.city_responded_at is not None


def test_withdrawing_a_draft_keeps_it_private(world):
    proposal = proposal_in(world, "withdrawn")
    assert mails("proposal_transition") == ["alt@example.org"]  # not the co-chairs: they never saw it
    assert proposal.submitted_at is None and proposal.state_reason == "Reason for withdraw"
    assert not policy.can(world.coordinator, "proposal.view", proposal)
    assert policy.can(world.alternate, "proposal.view", proposal)


# -- the City's deadline ---------------------------------------------------------------------------------------------

def test_coordinators_are_reminded_once_a_day_then_weekly(world, app):
    second = f.make_person("coord2@example.org", role=GlobalRole.COORDINATOR, name="Second Coordinator")
    proposal = proposal_in(world, "endorsed")
    past = utcnow() - timedelta(days=40)
    svc.transition_proposal(world.coordinator, proposal, "forward", department="Housing",
                            response_deadline=past.date() + timedelta(days=30), now=past)
    on_time = proposal_in(world, "forwarded", title="Not late yet")
    db.session.commit()
    today = date.today()
    assert proposal.is_past_deadline(today) and not on_time.is_past_deadline(today)
    assert svc.send_proposal_reminders(today) == 2
    assert mails("proposal_response_overdue") == ["coord2@example.org", "coord@example.org"]
    body = db.session.scalars(select(OutboxMessage.body_text).where(
        OutboxMessage.kind == "proposal_response_overdue")).first()
    assert "10 days ago" in body and "Housing" in body
    assert svc.send_proposal_reminders(today) == 0  # idempotent per day
    assert svc.send_proposal_reminders(today + timedelta(days=1)) == 0
    assert svc.send_proposal_reminders(today + timedelta(days=7)) == 2
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ProposalReminder)) == 4
    second.active = False
    svc.transition_proposal(world.coordinator, proposal, "adopt", reply="Yes.")
    assert svc.send_proposal_reminders(today + timedelta(days=30)) == 0


def test_the_reminders_command_sends_them(world, app):
    proposal = proposal_in(world, "endorsed")
    past = utcnow() - timedelta(days=5)
    svc.transition_proposal(world.coordinator, proposal, "forward", department="Housing",
                            response_deadline=past.date() + timedelta(days=1), now=past)
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "send"])
    assert first.exit_code == 0 and "Queued 1 reminders of the City's overdue responses" in first.output
    second = runner.invoke(args=["reminders", "send"])
    assert "Queued 0 reminders of the City's overdue responses" in second.output


def test_events_record_who_when_and_why(world):
    proposal = proposal_in(world, "returned")
    rows = db.session.scalars(select(ProposalEvent).where(ProposalEvent.proposal_id == proposal.id)
                              .order_by(ProposalEvent.id)).all()
    assert [(e.kind, e.from_state and e.from_state.value, e.to_state.value) for e in rows] == [
        ("created", None, "draft"), ("submit", "draft", "submitted"), ("start_review", "submitted", "under_review"),
        ("return_for_revision", "under_review", "returned")]
    assert [e.actor_id for e in rows] == [world.representative.id, world.representative.id, world.cochair.id,
                                          world.cochair.id]
    assert rows[-1].reason == "Reason for return_for_revision"
    assert all(e.created_at.utcoffset() == timedelta(0) for e in rows)
    assert isinstance(rows[0].created_at, datetime)
