"""Reads shared by pages and the API, scoped to what the user may see; no N+1 queries."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from committees.db import db
from committees.models import (
    Committee,
    CommitteeRole,
    CommitteeRoleKind,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationType,
    Person,
)
from committees.policy import is_coordinator, person_of


@dataclass
class CommitteeCard:
    committee: Committee
    cochairs: list[Person] = field(default_factory=list)
    member_count: int = 0

    @property
    def cochair_warning(self) -> bool:
        return cochair_balance_problem(self.cochairs)


def cochair_balance_problem(cochairs: list[Person]) -> bool:
    """True unless there are two co-chairs: one municipal, one NGO / international organisation."""
    if len(cochairs) != 2:
        return True
    types = sorted((p.organisation.type if p.organisation else OrganisationType.OTHER) for p in cochairs)
    municipal = [t for t in types if t == OrganisationType.MUNICIPAL]
    civil = [t for t in types if t in (OrganisationType.NGO, OrganisationType.INTERNATIONAL,
                                       OrganisationType.MIGRANT_LED)]
    return not (len(municipal) == 1 and len(civil) == 1)


def visible_committees_stmt(user):
    stmt = select(Committee).order_by(Committee.name)
    if is_coordinator(user):
        return stmt
    if person_of(user) is None:
        return stmt.where(Committee.active.is_(True), Committee.is_public.is_(True))
    return stmt.where(Committee.active.is_(True))


def list_committee_cards(user) -> list[CommitteeCard]:
    """Committees the user may see, each with co-chairs and member count, in three queries."""
    committees = list(db.session.scalars(visible_committees_stmt(user)))
    ids = [c.id for c in committees]
    cards = {c.id: CommitteeCard(c) for c in committees}
    if not ids:
        return []
    counts = db.session.execute(
        select(Membership.committee_id, func.count())
        .where(Membership.committee_id.in_(ids), Membership.status == MembershipStatus.ACTIVE)
        .group_by(Membership.committee_id)
    )
    for committee_id, count in counts:
        cards[committee_id].member_count = count
    chairs = db.session.scalars(
        select(CommitteeRole).where(CommitteeRole.committee_id.in_(ids), CommitteeRole.role == CommitteeRoleKind.COCHAIR)
        .options(selectinload(CommitteeRole.person)).order_by(CommitteeRole.id)
    )
    for role in chairs:
        cards[role.committee_id].cochairs.append(role.person)
    return [cards[i] for i in ids]


def get_committee_card(committee: Committee) -> CommitteeCard:
    card = CommitteeCard(committee)
    card.member_count = db.session.scalar(
        select(func.count()).select_from(Membership)
        .where(Membership.committee_id == committee.id, Membership.status == MembershipStatus.ACTIVE)) or 0
    card.cochairs = list(db.session.scalars(
        select(Person).join(CommitteeRole, CommitteeRole.person_id == Person.id)
        .where(CommitteeRole.committee_id == committee.id, CommitteeRole.role == CommitteeRoleKind.COCHAIR)
        .order_by(CommitteeRole.id)))
    return card


@dataclass
class RosterRow:
    membership: Membership
    primary: list[Person] = field(default_factory=list)
    alternates: list[Person] = field(default_factory=list)


@dataclass
class Roster:
    committee: Committee
    members: list[RosterRow]
    cochairs: list[CommitteeRole]
    secretaries: list[CommitteeRole]
    observers: list[CommitteeRole]

    @property
    def requests(self) -> list[RosterRow]:
        return [r for r in self.members if r.membership.status == MembershipStatus.REQUESTED]

    @property
    def current(self) -> list[RosterRow]:
        return [r for r in self.members if r.membership.status in (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)]

    @property
    def former(self) -> list[RosterRow]:
        return [r for r in self.members if r.membership.status in (MembershipStatus.LEFT, MembershipStatus.DECLINED)]


def get_roster(committee: Committee) -> Roster:
    """The committee's member organisations with their representatives, co-chairs, secretaries, observers."""
    memberships = list(db.session.scalars(
        select(Membership).where(Membership.committee_id == committee.id)
        .join(Organisation).options(selectinload(Membership.organisation)).order_by(Organisation.name)))
    rows = {m.id: RosterRow(m) for m in memberships}
    roles = list(db.session.scalars(
        select(CommitteeRole).where(CommitteeRole.committee_id == committee.id)
        .options(selectinload(CommitteeRole.person)).order_by(CommitteeRole.id)))
    cochairs, secretaries, observers = [], [], []
    for role in roles:
        if role.role == CommitteeRoleKind.REPRESENTATIVE and role.membership_id in rows:
            row = rows[role.membership_id]
            (row.primary if role.is_primary else row.alternates).append(role.person)
        elif role.role == CommitteeRoleKind.COCHAIR:
            cochairs.append(role)
        elif role.role == CommitteeRoleKind.SECRETARY:
            secretaries.append(role)
        elif role.role == CommitteeRoleKind.OBSERVER:
            observers.append(role)
    return Roster(committee, list(rows.values()), cochairs, secretaries, observers)


def committees_of(person: Person) -> list[Committee]:
    """Committees where the person has a role or their organisation is an active member."""
    ids = {r.committee_id for r in person.committee_roles}
    if person.organisation_id:
        ids |= set(db.session.scalars(select(Membership.committee_id).where(
            Membership.organisation_id == person.organisation_id, Membership.status == MembershipStatus.ACTIVE)))
    if not ids:
        return []
    return list(db.session.scalars(select(Committee).where(Committee.id.in_(ids), Committee.active.is_(True))
                                   .order_by(Committee.name)))
