"""Finding and reporting proposals: visibility as the policy, filters, sorting, pages, constant queries, the public
list, the pipeline report on a known data set, comments and the timeline."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from committees import policy
from committees.db import db, utcnow
from committees.errors import Forbidden, ValidationFailed
from committees.models import (
    CosponsorStatus,
    Proposal,
    ProposalCosponsor,
    ProposalEvent,
    ProposalState,
)
from committees.proposal_lists import (
    ProposalFilter,
    YearFigures,
    all_proposals,
    event_title,
    page_proposals,
    page_public_proposals,
    pending_invitations,
    pipeline_report,
    timeline,
    years_with_proposals,
)
from committees.services import actions
from committees.services import proposals as svc
from tests import factories as f
from tests.conftest import ROLES
from tests.domain.test_proposals import _decision, colleague, coming_meeting, file_proposal, proposal_in
from tests.queries import count_queries

UTC = timezone.utc


def _ids(page) -> list[int]:
    return [p.id for p in (page.items if hasattr(page, "items") else page)]


def _raw(world, org: str, state: str, committee="committee", *, submitted: bool = True, title: str = "P",
         invite: str | None = None, at: datetime | None = None) -> Proposal:
    at = at or utcnow()
    committee = getattr(world, committee) if isinstance(committee, str) else committee
    p = Proposal(committee=committee, organisation=getattr(world, org), title=title,
                 state=ProposalState(state), submitted_at=at if submitted else None, created_at=at,
                 state_changed_at=at)
    if invite:
        p.cosponsors.append(ProposalCosponsor(organisation=getattr(world, invite), status=CosponsorStatus.INVITED))
    db.session.add(p)
    db.session.commit()
    return p


# -- visibility ----------------------------------------------------------------------------------------------------

def test_the_lists_show_exactly_what_the_policy_allows(world):
    made = []
    for state in ProposalState:
        for org, committee, invite in (("ngo", "committee", None), ("municipal", "committee", "ngo"),
                                       ("outsider_org", "other_committee", None)):
            made.append(_raw(world, org, state.value, committee, title=f"{state.value} {org}", invite=invite))
        made.append(_raw(world, "ngo", state.value, submitted=False, title=f"{state.value} never submitted"))
    dormant = f.make_committee("Dormant", slug="dormant", public=True, active=False)
    made += [_raw(world, "ngo", s, dormant, title=f"dormant {s}") for s in ("forwarded", "adopted", "submitted")]
    assert not policy.can(None, "proposal.view", made[-1])
    for role in ROLES:
        user = world.person(role)
        listed = set(_ids(all_proposals(user, ProposalFilter())))
        expected = {p.id for p in made if policy.can(user, "proposal.view", p)}
        assert listed == expected, role


def test_drafts_are_invisible_to_other_organisations_and_coordinators(world):
    draft = file_proposal(world)
    muni_rep = colleague(world, "municipal", "muni.rep@example.org")
    for user in (world.coordinator, world.admin, world.cochair_municipal, world.secretary, muni_rep, world.observer,
                 None):
        assert draft.id not in _ids(all_proposals(user, ProposalFilter())), user
        assert not policy.can(user, "proposal.view", draft)
    for user in (world.representative, world.alternate, world.cochair):  # the NGO's people
        assert _ids(all_proposals(user, ProposalFilter())) == [draft.id]
    with pytest.raises(Forbidden):
        timeline(world.coordinator, draft)
    svc.invite_cosponsor(world.representative, draft, world.municipal)
    db.session.commit()
    assert _ids(all_proposals(muni_rep, ProposalFilter())) == [draft.id]
    assert _ids(pending_invitations(muni_rep)) == [draft.id] and pending_invitations(world.secretary) != []
    assert pending_invitations(world.representative) == [] and pending_invitations(None) == []


def test_public_list_holds_forwarded_proposals_of_public_committees_with_outcome(world):
    shown = [_raw(world, "ngo", s) for s in ("forwarded", "adopted", "not_adopted", "implemented")]
    for state in ("draft", "submitted", "endorsed", "declined", "withdrawn"):
        _raw(world, "ngo", state)
    _raw(world, "outsider_org", "adopted", "other_committee")  # a private committee
    page = page_public_proposals(ProposalFilter(sort="oldest"))
    assert _ids(page) == [p.id for p in shown] and page.total == 4
    assert [p.state.value for p in page.items] == ["forwarded", "adopted", "not_adopted", "implemented"]


# -- filters, order, pages -----------------------------------------------------------------------------------------

def test_filters_sorts_and_pages(world):
    t0 = datetime(2024, 6, 1, 10, tzinfo=UTC)
    a = _raw(world, "ngo", "submitted", title="Beta housing", at=t0)
    b = _raw(world, "municipal", "adopted", title="alpha schools", at=t0 + timedelta(days=200))  # 2024-12-18
    c = _raw(world, "ngo", "on_agenda", title="Gamma 100% health_care", at=datetime(2024, 12, 31, 23, 30, tzinfo=UTC))
    d = _raw(world, "outsider_org", "forwarded", "other_committee", title="Delta", at=t0 + timedelta(days=400))
    b.support_count, c.support_count = 5, 2
    c.cosponsors.append(ProposalCosponsor(organisation=world.municipal, status=CosponsorStatus.ACCEPTED))
    db.session.commit()
    coord = world.coordinator

    def ids(**kw):
        return _ids(all_proposals(coord, ProposalFilter(**kw)))

    assert ids() == [d.id, c.id, b.id, a.id]
    assert ids(sort="oldest") == [a.id, b.id, c.id, d.id]
    assert ids(sort="title") == [b.id, a.id, d.id, c.id]
    assert ids(sort="supports") == [b.id, c.id, d.id, a.id]
    assert ids(sort="state") == [a.id, c.id, d.id, b.id]
    assert ids(committee_id=world.committee.id) == [c.id, b.id, a.id]
    assert ids(state="in_committee") == [c.id, a.id]
    assert ids(state="adopted") == [b.id] and ids(state="forwarded") == [d.id]
    assert ids(organisation_id=world.municipal.id) == [c.id, b.id]  # filed or co-sponsored
    assert ids(year=2024) == [c.id, b.id, a.id] and ids(year=2025) == [d.id]
    athens = all_proposals(coord, ProposalFilter(year=2025), zone=ZoneInfo("Europe/Athens"))
    assert _ids(athens) == [d.id, c.id]  # 31 Dec 23:30 UTC is New Year in Athens
    assert ids(q="100%") == [c.id] and ids(q="_") == [c.id] and ids(q="ALPHA") == [b.id] and ids(q="%") == [c.id]
    assert years_with_proposals(coord) == [2025, 2024]
    assert years_with_proposals(coord, world.committee.id, ZoneInfo("Europe/Athens")) == [2025, 2024]
    assert years_with_proposals(coord, world.committee.id) == [2024]  # the same proposals in UTC
    assert years_with_proposals(coord, world.committee.id, timezone(timedelta(hours=1))) == [2025, 2024]
    assert years_with_proposals(coord, world.committee.id, timezone(timedelta(hours=-5))) == [2024]
    page = page_proposals(coord, ProposalFilter(), page=2, per_page=3)
    assert _ids(page) == [a.id] and page.total == 4 and page.pages == 2 and page.has_prev and not page.has_next
    assert _ids(page_proposals(coord, ProposalFilter(), page=9, per_page=3)) == []


@pytest.mark.parametrize("bad", [dict(state="nonsense"), dict(sort="id; drop table"), dict(state="DRAFT")])
def test_bad_filters_are_refused(bad):
    with pytest.raises(ValidationFailed):
        ProposalFilter(**bad)


def test_bad_year_and_long_query_are_refused(world):
    with pytest.raises(ValidationFailed):
        all_proposals(world.coordinator, ProposalFilter(year=0))
    with pytest.raises(ValidationFailed):
        all_proposals(world.coordinator, ProposalFilter(q="x" * 500))


def test_a_page_costs_the_same_queries_whatever_its_rows(world):
    irc = f.make_org("IRC")
    f.make_membership(world.committee, irc)

    def queries(n: int) -> int:
        for i in range(n):
            p = _raw(world, "ngo", "submitted", title=f"Q{i}")
            p.cosponsors.append(ProposalCosponsor(organisation=irc, status=CosponsorStatus.ACCEPTED))
        db.session.commit()
        db.session.expire_all()
        user = db.session.get(type(world.cochair), world.cochair.id)
        with count_queries() as statements:
            page = page_proposals(user, ProposalFilter(), per_page=50)
            for p in page.items:
                _ = (p.committee.name, p.organisation.name, [c.organisation.name for c in p.cosponsors])
        return len(statements)

    few = queries(2)
    assert queries(20) == few and few <= 7


# -- the pipeline report -------------------------------------------------------------------------------------------

def _history(world, org: str, committee: str, steps: list[tuple[str, str]]) -> Proposal:
    """A proposal with its timeline: (state, ISO UTC time) per step; the first is the draft."""
    times = [(ProposalState(s), datetime.fromisoformat(t).replace(tzinfo=UTC)) for s, t in steps]
    submitted = next((t for s, t in times if s == ProposalState.SUBMITTED), None)
    p = Proposal(committee=getattr(world, committee), organisation=getattr(world, org), title="P",
                 state=times[-1][0], submitted_at=submitted, created_at=times[0][1], state_changed_at=times[-1][1])
    previous = None
    for state, at in times:
        p.events.append(ProposalEvent(kind="created" if previous is None else "step", from_state=previous,
                                      to_state=state, created_at=at))
        previous = state
    p.events.append(ProposalEvent(kind="cosponsor_invited", created_at=times[-1][1]))  # no state: ignored
    db.session.add(p)
    db.session.commit()
    return p


@pytest.fixture
def known(world):
    _history(world, "ngo", "committee", [  # P1
        ("draft", "2024-01-01"), ("submitted", "2024-01-03"), ("under_review", "2024-01-08"),
        ("on_agenda", "2024-01-18"), ("endorsed", "2024-02-01"), ("forwarded", "2024-02-11"),
        ("adopted", "2024-05-11")])
    _history(world, "municipal", "committee", [  # P2: returned once; forwarded on New Year's Eve (UTC)
        ("draft", "2024-03-01"), ("submitted", "2024-03-02"), ("under_review", "2024-03-04"),
        ("returned", "2024-03-05"), ("submitted", "2024-03-15"), ("under_review", "2024-03-16"),
        ("on_agenda", "2024-03-26"), ("endorsed", "2024-04-01"), ("forwarded", "2024-12-31T23:00:00"),
        ("not_adopted", "2025-02-01")])
    _history(world, "ngo", "committee", [("draft", "2025-01-10"), ("submitted", "2025-01-11")])  # P3
    _history(world, "ngo", "committee", [("draft", "2025-01-10")])  # P4: a draft, not counted
    _history(world, "outsider_org", "other_committee", [  # P5
        ("draft", "2025-02-01"), ("submitted", "2025-02-02"), ("under_review", "2025-02-05"),
        ("on_agenda", "2025-02-10"), ("endorsed", "2025-02-20"), ("forwarded", "2025-03-01"),
        ("adopted_in_part", "2025-04-01")])
    return world


def test_pipeline_report_figures(known):
    w = known
    report = pipeline_report(w.coordinator)
    S = ProposalState
    assert report.counts == {w.committee.id: {S.ADOPTED: 1, S.NOT_ADOPTED: 1, S.SUBMITTED: 1},
                             w.other_committee.id: {S.ADOPTED_IN_PART: 1}}
    assert report.totals == {S.ADOPTED: 1, S.NOT_ADOPTED: 1, S.SUBMITTED: 1, S.ADOPTED_IN_PART: 1}
    assert report.median_days == {
        S.DRAFT: 1.0,  # 2, 1, 1, 1 (P4 never submitted)
        S.SUBMITTED: 2.5,  # 5, 2, 1, 3
        S.UNDER_REVIEW: 7.5,  # 10, 1, 10, 5
        S.RETURNED: 10.0,
        S.ON_AGENDA: 10.0,  # 14, 6, 10
        S.ENDORSED: 10.0,  # 10, 274 days less an hour, 9
        S.FORWARDED: 31.0,  # 90, 31 days and an hour, 31
    }
    assert report.median_days_by_committee[w.committee.id][S.SUBMITTED] == 2.0  # 5, 2, 1
    assert report.median_days_by_committee[w.other_committee.id] == {
        S.DRAFT: 1.0, S.SUBMITTED: 3.0, S.UNDER_REVIEW: 5.0, S.ON_AGENDA: 10.0, S.ENDORSED: 9.0, S.FORWARDED: 31.0}
    assert report.years == [YearFigures(2025, forwarded=1, adopted=0, adopted_in_part=1, not_adopted=1),
                            YearFigures(2024, forwarded=2, adopted=1)]
    assert [c.id for c in report.committees] == [w.committee.id, w.other_committee.id]
    assert report.states[:3] == [S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW] and S.WITHDRAWN not in report.states
    athens = pipeline_report(w.coordinator, zone=ZoneInfo("Europe/Athens"))
    assert athens.years == [YearFigures(2025, forwarded=2, adopted_in_part=1, not_adopted=1),
                            YearFigures(2024, forwarded=1, adopted=1)]


def test_pipeline_report_scope(known):
    w = known
    mine = pipeline_report(w.cochair)
    assert set(mine.counts) == {w.committee.id} and [c.id for c in mine.committees] == [w.committee.id]
    assert mine.years == [YearFigures(2025, not_adopted=1), YearFigures(2024, forwarded=2, adopted=1)]
    assert pipeline_report(w.coordinator, committee_id=w.other_committee.id).totals == {
        ProposalState.ADOPTED_IN_PART: 1}
    with pytest.raises(Forbidden):
        pipeline_report(w.cochair, committee_id=w.other_committee.id)
    for user in (w.representative, w.secretary, w.observer, None):
        with pytest.raises(Forbidden):
            pipeline_report(user)


def test_pipeline_report_queries_are_constant(known):
    with count_queries() as statements:
        pipeline_report(known.coordinator)
    assert len(statements) <= 4


# -- the timeline --------------------------------------------------------------------------------------------------

def test_the_timeline_tells_the_whole_story(world):
    proposal = proposal_in(world, "under_review")
    svc.update_proposal(world.representative, proposal, {"timeframe": "Ten months"}, note="Shorter")
    svc.transition_proposal(world.cochair, proposal, "put_on_agenda", meeting=coming_meeting(world))
    svc.add_comment(world.secretary, proposal, "Hidden remark")
    shown = svc.add_comment(world.cochair_municipal, proposal, "Good idea")
    svc.hide_comment(world.cochair, proposal.comments[0], "Personal data")
    decision = _decision(world)
    svc.transition_proposal(world.cochair, proposal, "endorse", decision=decision)
    item = actions.create_action(world.cochair, world.committee, decision=decision, title="Find a room",
                                 owner_organisation_id=world.ngo.id)
    db.session.commit()
    assert item.proposal_id == proposal.id

    def story(user):
        out = []
        for e in timeline(user, proposal):
            if e.kind == "event":
                out.append(e.obj.kind)
            elif e.kind == "comment":
                out.append(("comment", e.obj.comment.body, e.obj.hidden))
            elif e.kind == "version":
                out.append(("version", e.obj.number))
            else:
                out.append((e.kind, e.obj.id))
        return out

    full = story(world.cochair)
    assert full == ["created", "submit", ("version", 1), "start_review", ("version", 2), "put_on_agenda",
                    ("comment", "Hidden remark", True), ("comment", "Good idea", False), ("decision", decision.id),
                    "endorse", ("action", item.id)]
    titles = [event_title(e.obj) for e in timeline(world.cochair, proposal) if e.kind == "event"]
    assert titles == ["Drafted", "Submitted", "Under review", "On the agenda", "Endorsed by the committee"]
    reader = story(world.representative)
    assert ("comment", "Hidden remark", True) not in reader and ("comment", "Good idea", False) in reader
    assert ("comment", "Hidden remark", True) in story(world.secretary)
    assert ("decision", decision.id) in story(world.observer) and ("action", item.id) in story(world.observer)
    with pytest.raises(Forbidden):
        timeline(None, proposal)
    assert shown.id
    with count_queries() as statements:
        timeline(world.cochair, proposal)
    assert len(statements) <= 14


def test_the_public_timeline_of_a_forwarded_proposal_leaves_out_members_only_parts(world):
    proposal = proposal_in(world, "forwarded")
    decision = _decision(world)  # circulated minutes: members only
    decision.proposal_id = proposal.id
    item = actions.create_action(world.cochair, world.committee, title="Follow up", owner_organisation_id=world.ngo.id)
    item.proposal_id = proposal.id
    svc.add_comment(world.secretary, proposal, "Members' remark")
    db.session.commit()
    assert {e.kind for e in timeline(None, proposal)} == {"event", "version"}
    assert {e.kind for e in timeline(world.non_member, proposal)} == {"event", "version"}
    assert {e.kind for e in timeline(world.observer, proposal)} == {"event", "version", "comment", "decision",
                                                                    "action"}
