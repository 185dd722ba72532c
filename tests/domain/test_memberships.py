"""Memberships and committee roles: the services, the rules around them, and the roster reads (no HTTP)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from committees import policy, queries
from committees.db import db
from committees.errors import Conflict, ValidationFailed
from committees.models import (
    AuditEntry,
    CommitteeRole,
    CommitteeRoleKind,
    Membership,
    MembershipStatus,
    OrganisationType,
)
from committees.services import bodies
from tests.queries import count_queries
from tests import factories as f

REP = CommitteeRoleKind.REPRESENTATIVE


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# -- memberships -------------------------------------------------------------------------------

def test_add_member_makes_an_active_membership_and_audits(world):
    membership = bodies.add_member(world.coordinator, world.committee, world.outsider_org, note=" welcome ",
                                   today=date(2025, 3, 1))
    db.session.commit()
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.joined_on == date(2025, 3, 1)
    assert membership.note == "welcome"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "membership.add")).one()
    assert entry.committee_id == world.committee.id and entry.actor_id == world.coordinator.id


def test_add_member_refuses_an_active_member(world):
    with pytest.raises(Conflict) as caught:
        bodies.add_member(world.coordinator, world.committee, world.ngo)
    assert caught.value.code == "already_member" and caught.value.field == "organisation_id"


def test_add_member_refuses_an_inactive_organisation(world):
    org = f.make_org("Closed NGO", active=False)
    with pytest.raises(ValidationFailed) as caught:
        bodies.add_member(world.coordinator, world.committee, org)
    assert caught.value.code == "inactive_organisation"


def test_request_then_approve_membership(world):
    membership = bodies.request_membership(world.non_member, world.committee, note="We work on asylum law.")
    assert membership.status == MembershipStatus.REQUESTED
    assert membership.requested_by_id == world.non_member.id
    bodies.decide_membership(world.cochair, membership, True, today=date(2025, 4, 2))
    assert membership.status == MembershipStatus.ACTIVE and membership.joined_on == date(2025, 4, 2)
    assert actions()[-2:] == ["membership.request", "membership.approved"]


def test_request_then_decline_and_no_second_decision(world):
    membership = bodies.request_membership(world.non_member, world.committee)
    bodies.decide_membership(world.cochair, membership, False)
    assert membership.status == MembershipStatus.DECLINED
    with pytest.raises(Conflict):
        bodies.decide_membership(world.cochair, membership, True)


def test_request_membership_refused_when_already_member_or_pending(world):
    with pytest.raises(Conflict):
        bodies.request_membership(world.representative, world.committee)
    bodies.request_membership(world.non_member, world.committee)
    with pytest.raises(Conflict):
        bodies.request_membership(world.non_member, world.committee)


@pytest.mark.parametrize("start, target, allowed", [
    (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED, True),
    (MembershipStatus.ACTIVE, MembershipStatus.LEFT, True),
    (MembershipStatus.SUSPENDED, MembershipStatus.ACTIVE, True),
    (MembershipStatus.SUSPENDED, MembershipStatus.LEFT, True),
    (MembershipStatus.LEFT, MembershipStatus.ACTIVE, True),
    (MembershipStatus.LEFT, MembershipStatus.SUSPENDED, False),
    (MembershipStatus.REQUESTED, MembershipStatus.ACTIVE, False),
    (MembershipStatus.DECLINED, MembershipStatus.ACTIVE, False),
    (MembershipStatus.ACTIVE, MembershipStatus.REQUESTED, False),
])
def test_membership_status_moves(world, start, target, allowed):
    membership = f.make_membership(world.committee, f.make_org(), status=start)
    if allowed:
        bodies.set_membership_status(world.cochair, membership, target)
        assert membership.status == target
    else:
        with pytest.raises(Conflict):
            bodies.set_membership_status(world.cochair, membership, target)


def test_ending_a_membership_ends_its_representatives(world):
    membership = bodies.get_membership(world.committee, world.ngo)
    bodies.set_membership_status(world.coordinator, membership, MembershipStatus.LEFT, today=date(2025, 5, 5))
    db.session.commit()
    assert membership.left_on == date(2025, 5, 5)
    assert db.session.scalars(select(CommitteeRole).where(CommitteeRole.membership_id == membership.id)).all() == []
    assert "membership.status" in actions()


# -- roles -------------------------------------------------------------------------------------

def test_one_primary_representative_per_organisation(world):
    newcomer = f.make_person(org=world.ngo, name="Nora New")
    bodies.assign_role(world.cochair, world.committee, newcomer, REP, is_primary=True)
    db.session.commit()
    primaries = db.session.scalars(select(CommitteeRole).where(
        CommitteeRole.committee_id == world.committee.id, CommitteeRole.role == REP,
        CommitteeRole.is_primary.is_(True))).all()
    assert [r.person_id for r in primaries] == [newcomer.id]
    assert actions()[-1] == "role.assign"


def test_making_an_alternate_primary_demotes_the_old_primary(world):
    bodies.assign_role(world.cochair, world.committee, world.alternate, REP, is_primary=True)
    db.session.commit()
    roster = queries.get_roster(world.committee)
    row = next(r for r in roster.members if r.membership.organisation_id == world.ngo.id)
    assert [r.person.full_name for r in row.primary] == ["Alex Alternate"]
    assert [r.person.full_name for r in row.alternates] == ["Rita Rep"]


def test_representative_must_be_of_an_active_member(world):
    with pytest.raises(ValidationFailed) as caught:
        bodies.assign_role(world.cochair, world.committee, world.non_member, REP)
    assert caught.value.code == "not_member"
    suspended = bodies.get_membership(world.committee, world.municipal)
    bodies.set_membership_status(world.cochair, suspended, MembershipStatus.SUSPENDED)
    with pytest.raises(ValidationFailed):
        bodies.assign_role(world.cochair, world.committee, world.secretary, REP)


def test_deactivated_person_gets_no_role(world):
    gone = f.make_person(org=world.ngo, active=False)
    with pytest.raises(ValidationFailed) as caught:
        bodies.assign_role(world.coordinator, world.committee, gone, CommitteeRoleKind.OBSERVER)
    assert caught.value.code == "inactive_person"


def test_same_role_twice_is_a_conflict(world):
    with pytest.raises(Conflict) as caught:
        bodies.assign_role(world.coordinator, world.committee, world.observer, CommitteeRoleKind.OBSERVER)
    assert caught.value.field == "person_id"


def test_remove_role_audits_and_forgets_cached_roles(world):
    role = db.session.scalars(select(CommitteeRole).where(CommitteeRole.person_id == world.observer.id)).one()
    assert policy.committee_roles(world.observer, world.committee) == {CommitteeRoleKind.OBSERVER}
    bodies.remove_role(world.cochair, role)
    db.session.commit()
    assert policy.committee_roles(world.observer, world.committee) == set()
    assert actions()[-1] == "role.remove"


def test_reserved_slug_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        bodies.create_committee(world.coordinator, name="New", slug="new")
    assert caught.value.field == "slug"


def test_roster_export_is_audited(world):
    bodies.record_roster_export(world.secretary, world.committee, 7)
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "committee.export_roster")).one()
    assert entry.details == {"rows": 7} and entry.committee_id == world.committee.id


# -- rules -------------------------------------------------------------------------------------

def test_request_rule_only_for_organisations_not_in_the_committee(world):
    assert policy.can(world.non_member, "membership.request", world.committee)
    assert not policy.can(world.representative, "membership.request", world.committee)
    assert not policy.can(None, "membership.request", world.committee)
    assert not policy.can(world.coordinator, "membership.request", world.committee)  # no organisation
    membership = bodies.get_membership(world.committee, world.ngo)
    bodies.set_membership_status(world.coordinator, membership, MembershipStatus.LEFT)
    db.session.commit()
    db.session.expire_all()
    assert policy.can(world.representative, "membership.request", world.committee)


@pytest.mark.parametrize("role, rename, edit, manage, appoint, export", [
    ("public", False, False, False, False, False),
    ("non_member", False, False, False, False, False),
    ("observer", False, False, False, False, False),
    ("representative", False, False, False, False, False),
    ("secretary", False, False, False, False, True),
    ("cochair", False, True, True, False, True),
    ("coordinator", True, True, True, True, True),
])
def test_committee_rules_by_role(world, role, rename, edit, manage, appoint, export):
    person = world.person(role)
    assert policy.can(person, "committee.rename", world.committee) is rename
    assert policy.can(person, "committee.edit", world.committee) is edit
    assert policy.can(person, "membership.manage", world.committee) is manage
    assert policy.can(person, "committee.appoint", world.committee) is appoint
    assert policy.can(person, "committee.export_roster", world.committee) is export


def test_cochairs_remove_roles_but_not_cochairs(world):
    roles = {r.role: r for r in db.session.scalars(select(CommitteeRole).where(
        CommitteeRole.committee_id == world.committee.id))}
    assert policy.can(world.cochair, "role.remove", roles[CommitteeRoleKind.OBSERVER])
    assert not policy.can(world.cochair, "role.remove", roles[CommitteeRoleKind.COCHAIR])
    assert policy.can(world.coordinator, "role.remove", roles[CommitteeRoleKind.COCHAIR])
    assert not policy.can(world.secretary, "role.remove", roles[CommitteeRoleKind.OBSERVER])
    other = db.session.scalars(select(CommitteeRole).where(CommitteeRole.person_id == world.other_rep.id)).one()
    assert not policy.can(world.cochair, "role.remove", other)  # a co-chair of another committee


# -- reads -------------------------------------------------------------------------------------

def _chair(org_type: OrganisationType):
    return f.make_person(org=f.make_org(type=org_type))


@pytest.mark.parametrize("types, problem", [
    ((OrganisationType.MUNICIPAL, OrganisationType.NGO), False),
    ((OrganisationType.INTERNATIONAL, OrganisationType.MUNICIPAL), False),
    ((OrganisationType.NGO, OrganisationType.NGO), True),
    ((OrganisationType.MUNICIPAL, OrganisationType.MUNICIPAL), True),
    ((OrganisationType.MUNICIPAL, OrganisationType.ACADEMIC), True),
    ((OrganisationType.MUNICIPAL,), True),
    ((OrganisationType.MUNICIPAL, OrganisationType.NGO, OrganisationType.NGO), True),
    ((), True),
])
def test_cochair_balance(app, types, problem):
    assert queries.cochair_balance_problem([_chair(t) for t in types]) is problem


def test_roster_sorts_members_into_views(world):
    f.make_membership(world.committee, world.outsider_org, status=MembershipStatus.REQUESTED)
    left = f.make_membership(world.committee, f.make_org("Zeta Former"), status=MembershipStatus.LEFT)
    current = queries.get_roster(world.committee, with_requests=True)
    assert [r.membership.organisation.name for r in current.members] == [
        "Athens Social Services Directorate", "Solidarity Now Athens"]
    assert [r.membership.organisation.name for r in current.requests] == ["Unrelated Academic Institute"]
    assert [r.person.full_name for r in current.cochairs] == ["Chris Chair", "Maria Municipal"]
    assert [r.person.full_name for r in current.observers] == ["Olga Observer"]
    former = queries.get_roster(world.committee, view="former")
    assert [r.membership.id for r in former.members] == [left.id] and former.requests == []
    page = queries.get_roster(world.committee, per_page=1, page=2)
    assert page.total == 2 and [r.membership.organisation.name for r in page.members] == ["Solidarity Now Athens"]
    past_the_end = queries.get_roster(world.committee, per_page=1, page=5)  # no rows to carry the count
    assert past_the_end.total == 2 and past_the_end.members == []


def test_roster_query_count_does_not_grow_with_members(world):
    def count_roster() -> int:
        db.session.expire_all()
        with count_queries() as statements:
            roster = queries.get_roster(world.committee, with_requests=True)
            for row in roster.members + roster.requests:
                for role in row.representatives:
                    policy.can(world.cochair, "person.view_contact", role.person)
                    assert role.person.organisation is not None  # what the page shows, already loaded
        return len(statements)

    before = count_roster()
    for n in range(6):
        org = f.make_org(f"Growth {n}")
        f.make_membership(world.committee, org)
        f.give_role(f.make_person(org=org), world.committee, REP, primary=True)
        f.make_membership(world.committee, f.make_org(f"Asking {n}"), status=MembershipStatus.REQUESTED)
    assert db.session.scalar(select(Membership.id).where(Membership.status == MembershipStatus.REQUESTED))
    assert count_roster() == before
