"""Reads shared by pages and the API, scoped to what the user may see; no N+1 queries."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

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


def _active_member_count():
    """The committee's active member organisations, as a column of a query over committees."""
    return (select(func.count()).select_from(Membership)
            .where(Membership.committee_id == Committee.id, Membership.status == MembershipStatus.ACTIVE)
            .correlate(Committee).scalar_subquery())


def list_committee_cards(user) -> list[CommitteeCard]:
    """Committees the user may see, each with co-chairs and member count, in two queries."""
    return _cards_for(db.session.execute(visible_committees_stmt(user).add_columns(_active_member_count())).all())


def page_committee_cards(user, page: int, per_page: int) -> tuple[list[CommitteeCard], int]:
    """One page of the committees the user may see, and how many there are in all (three queries)."""
    stmt = visible_committees_stmt(user)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = db.session.execute(stmt.add_columns(_active_member_count())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return _cards_for(rows), total


def _cards_for(rows) -> list[CommitteeCard]:
    """Cards for (committee, member count) rows, with their co-chairs (and organisations) in one more query."""
    cards = {committee.id: CommitteeCard(committee, member_count=count or 0) for committee, count in rows}
    if not cards:
        return []
    for role in _roles_with_people(list(cards), (CommitteeRoleKind.COCHAIR,)):
        cards[role.committee_id].cochairs.append(role.person)
    return list(cards.values())


def _roles_with_people(committee_ids: list[int], kinds) -> list[CommitteeRole]:
    """The committees' roles of these kinds, in order of appointment, with their people and the people's
    organisations (one statement)."""
    return list(db.session.scalars(
        select(CommitteeRole).where(CommitteeRole.committee_id.in_(committee_ids), CommitteeRole.role.in_(kinds))
        .options(joinedload(CommitteeRole.person)).order_by(CommitteeRole.id)))


def get_committee_card(committee: Committee) -> CommitteeCard:
    count = db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.committee_id == committee.id, Membership.status == MembershipStatus.ACTIVE))
    return _cards_for([(committee, count)])[0]


@dataclass
class CommitteeOverview:
    """What the committee page shows: co-chairs, secretaries and the roster in numbers."""

    card: CommitteeCard
    secretaries: list[Person] = field(default_factory=list)
    status_counts: dict[MembershipStatus, int] = field(default_factory=dict)
    role_counts: dict[CommitteeRoleKind, int] = field(default_factory=dict)

    @property
    def committee(self) -> Committee:
        return self.card.committee

    @property
    def active_members(self) -> int:
        return self.status_counts.get(MembershipStatus.ACTIVE, 0)

    @property
    def pending_requests(self) -> int:
        return self.status_counts.get(MembershipStatus.REQUESTED, 0)

    @property
    def representatives(self) -> int:
        return self.role_counts.get(CommitteeRoleKind.REPRESENTATIVE, 0)

    @property
    def observers(self) -> int:
        return self.role_counts.get(CommitteeRoleKind.OBSERVER, 0)


def get_committee_overview(committee: Committee) -> CommitteeOverview:
    """The committee page's data in three queries, whatever the committee's size."""
    overview = CommitteeOverview(CommitteeCard(committee))
    for role in _roles_with_people([committee.id], (CommitteeRoleKind.COCHAIR, CommitteeRoleKind.SECRETARY)):
        (overview.card.cochairs if role.role == CommitteeRoleKind.COCHAIR else overview.secretaries).append(
            role.person)
    overview.status_counts = dict(db.session.execute(
        select(Membership.status, func.count()).where(Membership.committee_id == committee.id)
        .group_by(Membership.status)).all())
    overview.card.member_count = overview.active_members
    overview.role_counts = dict(db.session.execute(
        select(CommitteeRole.role, func.count()).where(CommitteeRole.committee_id == committee.id)
        .group_by(CommitteeRole.role)).all())
    return overview


ROSTER_VIEWS: dict[str, tuple[MembershipStatus, ...]] = {
    "current": (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED),
    "former": (MembershipStatus.LEFT, MembershipStatus.DECLINED),
    "all": tuple(MembershipStatus),
}


@dataclass
class RosterRow:
    membership: Membership
    primary: list[CommitteeRole] = field(default_factory=list)
    alternates: list[CommitteeRole] = field(default_factory=list)
    requested_by: Person | None = None
    attendance: AttendanceRate | None = None  # active members, when asked for (get_roster with_attendance)

    @property
    def representatives(self) -> list[CommitteeRole]:
        return self.primary + self.alternates


@dataclass
class Roster:
    committee: Committee
    members: list[RosterRow]
    cochairs: list[CommitteeRole]
    secretaries: list[CommitteeRole]
    observers: list[CommitteeRole]
    requests: list[RosterRow] = field(default_factory=list)
    total: int = 0


def get_roster(committee: Committee, *, view: str = "current", page: int = 1, per_page: int | None = 50,
               with_requests: bool = False, with_attendance: bool = False) -> Roster:
    """One page of member organisations (by `view`) with their representatives, plus co-chairs,
    secretaries, observers and (optionally) pending requests and each active member's attendance rate
    (`RosterRow.attendance`, as attendance_rates): a constant number of queries. The page's statement also
    counts every member of the view (a window function), and brings the attendance figures.

    People come with their organisation and committee roles loaded, so `person.view_contact`
    can be asked of each without further queries.
    """
    statuses = ROSTER_VIEWS[view]
    where = (Membership.committee_id == committee.id, Membership.status.in_(statuses))
    stmt = (select(Membership).join(Membership.organisation).where(*where)
            .options(contains_eager(Membership.organisation)).order_by(Organisation.name, Membership.id))
    if per_page is not None:
        stmt = stmt.add_columns(func.count().over().label("total"))
        stmt = stmt.limit(per_page).offset((max(page, 1) - 1) * per_page)
    if with_attendance:
        attended, meetings = _attendance_figures(committee)
        stmt = (stmt.add_columns(func.coalesce(attended.c.meetings, 0), meetings)
                .outerjoin(attended, attended.c.organisation_id == Membership.organisation_id))
    rows_found = db.session.execute(stmt).all()
    memberships = [row[0] for row in rows_found]
    if per_page is None:
        total = len(memberships)
    elif rows_found:
        total = rows_found[0].total
    else:  # a page past the end: count the view on its own
        total = db.session.scalar(select(func.count(Membership.id)).join(Membership.organisation)
                                  .where(*where)) or 0
    rates = {}
    if with_attendance:
        rates = {row[0].id: AttendanceRate(row[0].organisation, row[-2] or 0, row[-1] or 0) for row in rows_found
                 if row[0].status == MembershipStatus.ACTIVE}
    requests, requesters = [], {}
    if with_requests and MembershipStatus.REQUESTED not in statuses:
        for membership, requester in db.session.execute(
                select(Membership, Person).join(Membership.organisation)
                .outerjoin(Person, Person.id == Membership.requested_by_id)
                .where(Membership.committee_id == committee.id, Membership.status == MembershipStatus.REQUESTED)
                .options(contains_eager(Membership.organisation)).order_by(Membership.created_at, Membership.id)):
            requests.append(membership)
            if requester is not None:
                requesters[membership.id] = requester
    rows = {m.id: RosterRow(m, attendance=rates.get(m.id), requested_by=requesters.get(m.id))
            for m in memberships + requests}
    roles = list(db.session.scalars(
        select(CommitteeRole).where(
            CommitteeRole.committee_id == committee.id,
            or_(CommitteeRole.role != CommitteeRoleKind.REPRESENTATIVE, CommitteeRole.membership_id.in_(list(rows))))
        .options(joinedload(CommitteeRole.person)).order_by(CommitteeRole.id)))
    load_committee_roles([r.person for r in roles] + list(requesters.values()))
    cochairs, secretaries, observers = [], [], []
    for role in roles:
        if role.role == CommitteeRoleKind.REPRESENTATIVE and role.membership_id in rows:
            row = rows[role.membership_id]
            (row.primary if role.is_primary else row.alternates).append(role)
        elif role.role == CommitteeRoleKind.COCHAIR:
            cochairs.append(role)
        elif role.role == CommitteeRoleKind.SECRETARY:
            secretaries.append(role)
        elif role.role == CommitteeRoleKind.OBSERVER:
            observers.append(role)
    return Roster(committee, [rows[m.id] for m in memberships], cochairs, secretaries, observers,
                  [rows[m.id] for m in requests], total)


def load_committee_roles(people: list[Person]) -> None:
    """Every role of these people (for `person.view_contact`), in one statement for all of them; people whose
    roles are loaded already are left as they are."""
    pending = {p.id: p for p in people if p is not None and "committee_roles" not in p.__dict__}
    if not pending:
        return
    found: dict[int, list[CommitteeRole]] = {person_id: [] for person_id in pending}
    for role in db.session.scalars(select(CommitteeRole).where(CommitteeRole.person_id.in_(list(pending)))
                                   .order_by(CommitteeRole.id)):
        found[role.person_id].append(role)
    for person_id, person in pending.items():
        set_committed_value(person, "committee_roles", found[person_id])


def representative_candidates(committee: Committee) -> list[Person]:
    """Active people of the committee's active member organisations (with them), by organisation and name."""
    return list(db.session.scalars(
        select(Person).join(Membership, Membership.organisation_id == Person.organisation_id)
        .join(Person.organisation)
        .where(Membership.committee_id == committee.id, Membership.status == MembershipStatus.ACTIVE,
               Person.active.is_(True), Person.anonymised_at.is_(None))
        .options(contains_eager(Person.organisation))
        .order_by(Organisation.name, Person.full_name)))


@dataclass
class RosterChoices:
    """What the roster's management forms list: the active memberships and the people who may represent them (two
    statements). Organisations to add and people to give roles are typed, not listed (committees/lookup.py)."""

    memberships: list[Membership]
    candidates: list[Person]


def roster_choices(committee: Committee) -> RosterChoices:
    return RosterChoices(active_memberships(committee), representative_candidates(committee))


def active_memberships(committee: Committee) -> list[Membership]:
    """The committee's active memberships, by organisation name (for the representative form)."""
    return list(db.session.scalars(_active_memberships_stmt(committee)))


def _active_memberships_stmt(committee: Committee):
    return (select(Membership).join(Membership.organisation)
            .where(Membership.committee_id == committee.id, Membership.status == MembershipStatus.ACTIVE)
            .options(contains_eager(Membership.organisation)).order_by(Organisation.name))


def get_own_membership(committee: Committee, user) -> Membership | None:
    """The membership (any status) of the signed-in person's organisation in the committee: from the
    organisation's memberships (one per committee), which the policy loads anyway (membership.request,
    proposal.create)."""
    person = person_of(user)
    if person is None or person.organisation_id is None or person.organisation is None:
        return None
    return next((m for m in person.organisation.memberships if m.committee_id == committee.id), None)


def committees_of(person: Person) -> list[Committee]:
    """Active committees where the person has a role or their organisation is an active member: one query
    (the person's roles come with the person, see committees.services.sessions.load_session)."""
    role_ids = sorted({r.committee_id for r in person.committee_roles})
    if not role_ids and not person.organisation_id:
        return []
    mine = [Committee.id.in_(role_ids)]
    if person.organisation_id:
        mine.append(Committee.id.in_(select(Membership.committee_id).where(
            Membership.organisation_id == person.organisation_id, Membership.status == MembershipStatus.ACTIVE)))
    return list(db.session.scalars(select(Committee).where(or_(*mine), Committee.active.is_(True))
                                   .order_by(Committee.name)))


# -- meetings (issue 3) ----------------------------------------------------------------------------

def _meeting_states_visible_to(user, committee: Committee):
    """Which meeting states `user` sees in `committee`, asking the policy (None: every state)."""
    from committees import policy
    from committees.models.meetings import MeetingState

    if policy.can(user, "meeting.record", committee):
        return None
    shown = [MeetingState(s) for s in policy.VISIBLE_MEETING_STATES]
    if policy.can(user, "meeting.view_responses", committee):
        return shown + [MeetingState.POLL]
    return shown if committee.active and committee.is_public else []


def page_committee_meetings(committee: Committee, user, *, past: bool, page: int, per_page: int):
    """One page of a committee's upcoming (soonest first, undated drafts and polls on top) or past
    (latest first) meetings that `user` may see, and how many there are: two queries."""
    from committees.db import utcnow
    from committees.models.meetings import Meeting

    now = utcnow()
    stmt = select(Meeting).where(Meeting.committee_id == committee.id, Meeting.deleted_at.is_(None))
    states = _meeting_states_visible_to(user, committee)
    if states is not None:
        stmt = stmt.where(Meeting.state.in_(states))
    if past:
        stmt = stmt.where(Meeting.ends_at < now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    else:
        stmt = stmt.where(or_(Meeting.ends_at.is_(None), Meeting.ends_at >= now)).order_by(
            Meeting.starts_at.is_(None).desc(), Meeting.starts_at, Meeting.id)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return rows, total


def committee_meetings_between(committee: Committee, user, start, end) -> list:
    """The meetings `user` may see that start in [start, end) (UTC), for the month view: one query."""
    from committees.models.meetings import Meeting

    stmt = select(Meeting).where(Meeting.committee_id == committee.id, Meeting.deleted_at.is_(None),
                                 Meeting.starts_at >= start, Meeting.starts_at < end).order_by(Meeting.starts_at)
    states = _meeting_states_visible_to(user, committee)
    if states is not None:
        stmt = stmt.where(Meeting.state.in_(states))
    return list(db.session.scalars(stmt))


@dataclass
class AttendanceRate:
    organisation: Organisation
    attended: int
    meetings: int

    @property
    def percent(self) -> int:
        return round(100 * self.attended / self.meetings) if self.meetings else 0


def attendance_rates(committee: Committee, *, months: int = 12, now=None) -> list[AttendanceRate]:
    """Each active member organisation's share of the committee's meetings with recorded attendance
    (in the last `months` months) at which at least one of its people was present: one query (the member
    organisations, each with its meetings attended, and the number of meetings as an uncorrelated subquery)."""
    attended, meetings = _attendance_figures(committee, months=months, now=now)
    rows = db.session.execute(
        _active_memberships_stmt(committee).add_columns(func.coalesce(attended.c.meetings, 0), meetings)
        .outerjoin(attended, attended.c.organisation_id == Membership.organisation_id)).all()
    return [AttendanceRate(m.organisation, attended_count or 0, total or 0) for m, attended_count, total in rows]


def _attendance_figures(committee: Committee, *, months: int = 12, now=None):
    """(per organisation: meetings attended, as a subquery to join on organisation_id; the number of meetings
    with recorded attendance, as a scalar subquery), over the last `months` months."""
    from datetime import timedelta

    from committees.db import utcnow
    from committees.models.meetings import Invitation, Meeting

    now = now or utcnow()
    since = now - timedelta(days=round(months * 30.44))
    recorded = (Meeting.committee_id == committee.id, Meeting.deleted_at.is_(None),
                Meeting.attendance_recorded_at.is_not(None), Meeting.starts_at >= since, Meeting.starts_at <= now)
    meetings = select(func.count()).select_from(Meeting).where(*recorded).scalar_subquery()
    attended = (
        select(Invitation.organisation_id.label("organisation_id"),
               func.count(func.distinct(Invitation.meeting_id)).label("meetings"))
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .where(*recorded, Invitation.attended.is_(True), Invitation.organisation_id.is_not(None))
        .group_by(Invitation.organisation_id).subquery())
    return attended, meetings


def upcoming_meetings_for(person, limit: int = 5) -> list:
    """The person's next scheduled meetings, in the committees where they have a role: one query."""
    from committees.db import utcnow
    from committees.models.meetings import Meeting, MeetingState

    if person_of(person) is None:
        return []
    mine = select(CommitteeRole.committee_id).where(CommitteeRole.person_id == person.id)
    return list(db.session.scalars(
        select(Meeting).where(Meeting.committee_id.in_(mine), Meeting.deleted_at.is_(None),
                              Meeting.state == MeetingState.SCHEDULED, Meeting.starts_at >= utcnow())
        .options(joinedload(Meeting.committee)).order_by(Meeting.starts_at).limit(limit)))


@dataclass
class RsvpSummary:
    invitations: list
    counts: dict = field(default_factory=dict)  # RsvpResponse (None: no answer yet) -> number of people
    coming: list[Organisation] = field(default_factory=list)  # member organisations with someone attending
    nobody_coming: list[Organisation] = field(default_factory=list)  # member organisations with nobody attending
    interpretation: dict[str, int] = field(default_factory=dict)  # language code -> people attending or maybe


def get_invitations(meeting) -> list:
    """A meeting's invitations with their people and organisations, by name: one query. They also become the
    meeting's `invitations` when those are not loaded yet (the quorum counts them)."""
    from sqlalchemy.orm.attributes import set_committed_value

    from committees.models.meetings import Invitation

    invitations = list(db.session.scalars(
        select(Invitation).join(Person, Person.id == Invitation.person_id).where(Invitation.meeting_id == meeting.id)
        .options(contains_eager(Invitation.person), joinedload(Invitation.organisation))
        .order_by(Person.full_name)))
    if "invitations" not in meeting.__dict__:
        set_committed_value(meeting, "invitations", list(invitations))
    return invitations


def rsvp_summary(meeting) -> RsvpSummary:
    """Who answered what, which member organisations will be represented, and interpretation needs."""
    from committees.models.meetings import RsvpResponse

    invitations = get_invitations(meeting)
    summary = RsvpSummary(invitations)
    for invitation in invitations:
        summary.counts[invitation.response] = summary.counts.get(invitation.response, 0) + 1
        if invitation.interpretation and invitation.response in (RsvpResponse.ATTENDING, RsvpResponse.MAYBE):
            summary.interpretation[invitation.interpretation] = summary.interpretation.get(
                invitation.interpretation, 0) + 1
    attending = {i.organisation_id for i in invitations if i.response == RsvpResponse.ATTENDING}
    for membership in active_memberships(meeting.committee):
        (summary.coming if membership.organisation_id in attending else summary.nobody_coming).append(
            membership.organisation)
    return summary
