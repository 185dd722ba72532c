"""Search shows exactly what the policy lets each reader see: the SQL twins in committees/visibility.py agree with
`policy.can` for every role, and a search finds, per kind, exactly the things the policy allows (drafts of other
organisations, draft minutes, suggestions and non-public committees never leak)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from committees import policy, visibility
from committees.db import db, utcnow
from committees.models import (
    ActionItem,
    AgendaItem,
    AgendaItemStatus,
    Committee,
    CommitteeRoleKind,
    CosponsorStatus,
    GlobalRole,
    Meeting,
    MeetingState,
    Proposal,
    ProposalCosponsor,
    ProposalState,
    SearchKind,
)
from committees.models.minutes import MinutesState
from committees.policy import person_of
from committees.search import search
from tests import factories as f
from tests.conftest import ROLES
from tests.domain.test_decisions import _minutes

WORD = "zebra"
K = SearchKind


def _users(world) -> dict:
    """Every role, plus people whose rights differ in other ways (an accepted co-sponsor's organisation, someone
    with a role in the other committee, deactivated accounts that keep their roles)."""
    gone = f.make_person("gone@example.org", role=GlobalRole.COORDINATOR, name="Gone Coordinator")
    gone.active = False
    lapsed = f.make_person("lapsed@example.org", org=world.ngo, name="Lapsed Chair")
    f.give_role(lapsed, world.committee, CommitteeRoleKind.COCHAIR)
    lapsed.active = False
    db.session.commit()
    users = {role: world.person(role) for role in ROLES}
    users |= {"other_rep": world.other_rep, "alternate": world.alternate, "inactive coordinator": gone,
              "inactive co-chair": lapsed}
    for person in users.values():
        if person is not None:
            db.session.refresh(person)
            policy.forget_roles(person)
    return users


def _add(obj):
    db.session.add(obj)
    return obj


def _meeting(committee, state: MeetingState, title: str, deleted: bool = False) -> Meeting:
    start = datetime(2025, 3, 10, 9, tzinfo=timezone.utc)
    meeting = Meeting(committee=committee, uid=f"{title}-{committee.id}-{state.value}@test", title=title, state=state,
                      starts_at=start, ends_at=start + timedelta(hours=2),
                      deleted_at=utcnow() if deleted else None)
    db.session.add(meeting)
    return meeting


def _committees(world):
    closed = f.make_committee("Closed public committee", slug="closed", public=True, active=False)
    f.give_role(world.observer, closed, CommitteeRoleKind.SECRETARY)
    f.give_role(world.non_member, closed, CommitteeRoleKind.OBSERVER)
    f.give_role(world.secretary, world.other_committee, CommitteeRoleKind.REPRESENTATIVE)
    return (world.committee, world.other_committee, closed)


# -- the SQL twins ---------------------------------------------------------------------------------------------

def test_meeting_and_agenda_item_twins_agree_with_the_policy(world):
    committees = _committees(world)
    meetings, items = [], []
    for committee in committees:
        for state in MeetingState:
            for deleted in (False, True):
                meeting = _meeting(committee, state, f"m{len(meetings)}", deleted)
                meetings.append(meeting)
                items += [_add(AgendaItem(meeting=meeting, title=f"{WORD} {status.value}", status=status,
                                          suggested_by=world.representative)) for status in AgendaItemStatus]
    db.session.commit()
    seen = set()
    for name, user in _users(world).items():
        got = set(db.session.scalars(select(Meeting.id).join(Committee, Committee.id == Meeting.committee_id)
                                     .where(visibility.visible_meetings(user))))
        assert got == {m.id for m in meetings if policy.can(user, "meeting.view", m)}, name
        got_items = set(db.session.scalars(
            select(AgendaItem.id).join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .join(Committee, Committee.id == Meeting.committee_id).where(visibility.visible_agenda_items(user))))
        assert got_items == {i.id for i in items if _item_visible(user, i)}, name
        seen.add(frozenset(got_items))
    assert len(seen) >= 6


def _item_visible(user, item: AgendaItem) -> bool:
    """The agenda rule: accepted items with their meeting; suggestions for the agenda's editors and their author."""
    if not policy.can(user, "meeting.view", item.meeting):
        return False
    person = person_of(user)
    return (item.status == AgendaItemStatus.ACCEPTED or policy.can(user, "agenda.edit", item.meeting)
            or (person is not None and item.suggested_by_id == person.id))


def test_action_item_twin_agrees_with_the_policy(world):
    committees = _committees(world)
    items = []
    for committee in committees:
        for owner_person, owner_org in ((world.non_member, None), (None, world.outsider_org), (None, world.ngo),
                                        (world.representative, None), (None, None)):
            items.append(ActionItem(committee=committee, title=f"{WORD} action", owner_person=owner_person,
                                    owner_organisation=owner_org))
    db.session.add_all(items)
    db.session.commit()
    for name, user in _users(world).items():
        got = set(db.session.scalars(select(ActionItem.id).where(visibility.visible_action_items(user))))
        assert got == {i.id for i in items if policy.can(user, "action.view", i)}, name


# -- the search, kind by kind ----------------------------------------------------------------------------------

def _every_hit(user, query: str = WORD) -> set[tuple[SearchKind, int]]:
    found, page = set(), 1
    while True:
        results = search(user, query, page=page, per_page=50)
        found |= {(h.kind, h.object_id) for h in results.hits}
        if not results.has_next:
            return found
        page += 1


def _proposals(world, committees) -> list[Proposal]:
    made = []
    at = datetime(2025, 2, 1, tzinfo=timezone.utc)
    for committee in committees:
        for state in ProposalState:
            for org, invite in ((world.ngo, None), (world.municipal, world.ngo), (world.outsider_org, None)):
                p = Proposal(committee=committee, organisation=org, title=f"{WORD} {state.value}", state=state,
                             submitted_at=at, created_at=at, state_changed_at=at)
                if invite is not None:
                    p.cosponsors.append(ProposalCosponsor(organisation=invite, status=CosponsorStatus.INVITED))
                made.append(p)
        made.append(Proposal(committee=committee, organisation=world.municipal, title=f"{WORD} never submitted",
                             state=ProposalState.DRAFT, created_at=at, state_changed_at=at))
    db.session.add_all(made)
    return made


def test_search_finds_exactly_what_the_policy_shows_for_every_role(world):
    committees = _committees(world)
    chairs = {world.committee.id: world.cochair, world.other_committee.id: world.coordinator}
    chairs[committees[2].id] = world.coordinator
    minutes = [_minutes(c, chairs[c.id], state.value, texts=(f"{WORD} decision",), title=f"{WORD} meeting")
               for c in committees for state in MinutesState]
    deleted = _minutes(world.committee, world.cochair, "published", texts=(f"{WORD} gone",), title=f"{WORD} gone")
    deleted.meeting.deleted_at = utcnow()
    proposals = _proposals(world, committees)
    meetings = [_meeting(c, state, f"agenda {c.id} {state.value}") for c in committees for state in MeetingState]
    items = [_add(AgendaItem(meeting=m, title=f"{WORD} item", status=status, suggested_by=world.alternate))
             for m in meetings for status in AgendaItemStatus]
    actions = [ActionItem(committee=c, title=f"{WORD} action", owner_person=person, owner_organisation=org)
               for c in committees for person, org in ((world.non_member, None), (None, world.outsider_org),
                                                       (None, None))]
    orgs = [f.make_org(f"{WORD.title()} Foundation"), f.make_org(f"{WORD.title()} Closed Trust", active=False)]
    people = [f.make_person(name=f"Zara {WORD.title()}"), f.make_person(name=f"Zed {WORD.title()}", active=False),
              f.make_person(name=f"Zoe {WORD.title()}", anonymised_at=utcnow())]
    db.session.add_all(items + actions)
    db.session.commit()
    decisions = [(d, m) for m in minutes + [deleted] for d in m.decisions]
    seen = set()
    for name, user in _users(world).items():
        expected = {(K.PROPOSAL, p.id) for p in proposals if policy.can(user, "proposal.view", p)}
        expected |= {(K.MINUTES, m.id) for m in minutes if policy.can(user, "minutes.view", m)}
        expected |= {(K.DECISION, d.id) for d, m in decisions
                     if m is not deleted and policy.can(user, "minutes.view", m)}
        expected |= {(K.AGENDA_ITEM, i.id) for i in items if _item_visible(user, i)}
        expected |= {(K.ACTION_ITEM, a.id) for a in actions if policy.can(user, "action.view", a)}
        expected |= {(K.ORGANISATION, o.id) for o in orgs if policy.can(user, "organisation.view", o)
                     and (o.active or policy.can(user, "organisation.view_inactive"))}
        expected |= {(K.PERSON, p.id) for p in people if policy.can(user, "person.view", p)
                     and ((p.active and p.anonymised_at is None) or policy.can(user, "person.manage"))}
        found = _every_hit(user)
        assert found == expected, (name, sorted(found - expected), sorted(expected - found))
        seen.add(frozenset(found))
    assert len(seen) >= 8  # the readers really see different things
    public = _every_hit(None)
    assert {kind for kind, _ in public} == {K.PROPOSAL, K.MINUTES, K.DECISION, K.AGENDA_ITEM}
    assert all(db.session.get(Proposal, i).state in {ProposalState.FORWARDED, ProposalState.ADOPTED,
                                                     ProposalState.ADOPTED_IN_PART, ProposalState.NOT_ADOPTED,
                                                     ProposalState.IN_IMPLEMENTATION, ProposalState.IMPLEMENTED}
               for kind, i in public if kind == K.PROPOSAL)
    assert (K.MINUTES, deleted.id) not in _every_hit(world.coordinator)  # a deleted meeting's minutes


@pytest.mark.parametrize("role", ["coordinator", "cochair", "representative", "observer"])
def test_drafts_of_other_organisations_and_draft_minutes_never_show(world, role):
    draft = Proposal(committee=world.committee, organisation=world.municipal, title="Secret okapi plan",
                     state=ProposalState.DRAFT, state_changed_at=utcnow())
    db.session.add(draft)
    minutes = _minutes(world.committee, world.cochair, "draft", texts=("okapi decision",), title="Okapi meeting")
    db.session.commit()
    user = getattr(world, role)
    found = _every_hit(user, "okapi")
    assert (K.PROPOSAL, draft.id) not in found  # drafts are the author organisation's only
    assert ((K.MINUTES, minutes.id) in found) == (role == "cochair" or role == "coordinator")
    assert ((K.DECISION, minutes.decisions[0].id) in found) == (role in ("cochair", "coordinator"))


def test_private_committees_never_show_to_outsiders(world):
    private = _minutes(world.other_committee, world.coordinator, "published", texts=("tapir decision",),
                       title="Tapir meeting")
    db.session.add(ActionItem(committee=world.other_committee, title="tapir action"))
    db.session.commit()
    assert _every_hit(None, "tapir") == set()
    assert _every_hit(world.representative, "tapir") == set()
    assert {kind for kind, _ in _every_hit(world.other_rep, "tapir")} == {K.MINUTES, K.DECISION, K.ACTION_ITEM}
    assert (K.MINUTES, private.id) in _every_hit(world.coordinator, "tapir")
