"""Finding and reporting proposals (no Flask): lists per committee and across committees (filtered, sorted, paged),
the public list, the pipeline report, a proposal's comments as a reader sees them and its whole timeline.

Visibility is the policy's: `visible_proposals(user)` is the SQL twin of `proposal.view` (committees/policy.py,
`_proposal_visible`) and tests/domain/test_proposal_lists.py checks they agree for every role and state. Drafts
(never submitted) are seen by the author organisation and the organisations it invited to co-sponsor only, not by
coordinators. Each list page is one COUNT and one page of rows with the committee, the author organisation and the
co-sponsors eager-loaded: the number of queries does not grow with the rows.

The pipeline report counts submitted proposals (drafts are private) per committee and state, the median number of
days spent in each state (from the timeline: completed stays only, the current one is still running), and per year
how many were forwarded to the City and what the City answered. Medians are computed in Python over compact rows;
the SQL is portable (no date functions).
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.elements import ColumnElement

from committees import policy
from committees.db import as_utc, db, utcnow
from committees.decisions import _year_bounds, clean_query, like_pattern, visible_minutes
from committees.errors import Forbidden, ValidationFailed
from committees.i18n import N_
from committees.models import ActionItem, Committee, CommitteeRoleKind, Meeting, Organisation
from committees.models.minutes import Decision, Minutes
from committees.models.proposals import (
    ADOPTED_STATES,
    PUBLIC_STATES,
    CosponsorStatus,
    Proposal,
    ProposalComment,
    ProposalCosponsor,
    ProposalEvent,
    ProposalState,
    ProposalSupport,
    ProposalVersion,
)
from committees.paging import PageMath
from committees.policy import is_coordinator, person_of

PS = ProposalState
# State filters: "" (every state), one state, or a group.
STATE_GROUPS: dict[str, frozenset] = {
    "in_committee": frozenset({PS.SUBMITTED, PS.UNDER_REVIEW, PS.RETURNED, PS.ON_AGENDA}),
    "with_city": frozenset({PS.FORWARDED}),
    "adopted": ADOPTED_STATES,
    "public": PUBLIC_STATES,
}
STATE_FILTERS = ("", *STATE_GROUPS, *(s.value for s in ProposalState))
SORTS = ("newest", "oldest", "title", "state", "updated", "supports")
_STATE_RANK = {s: i for i, s in enumerate(ProposalState)}
CITY_OUTCOMES = (PS.ADOPTED, PS.ADOPTED_IN_PART, PS.NOT_ADOPTED)


# -- visibility --------------------------------------------------------------------------------------------------

def visible_proposals(user: Any) -> ColumnElement[bool]:
    """A condition over Proposal and Committee (the proposal's committee, joined by the caller); deleted proposals
    for coordinators only."""
    submitted = Proposal.submitted_at.is_not(None)
    public = and_(submitted, Proposal.state.in_(sorted(PUBLIC_STATES)), Committee.active.is_(True),
                  Committee.is_public.is_(True))
    person = person_of(user)
    if person is None:
        return and_(Proposal.deleted_at.is_(None), public)
    clauses = [public]
    if person.organisation_id is not None:
        invited = select(ProposalCosponsor.proposal_id).where(
            ProposalCosponsor.organisation_id == person.organisation_id,
            ProposalCosponsor.status.in_((CosponsorStatus.INVITED, CosponsorStatus.ACCEPTED)))
        clauses += [Proposal.organisation_id == person.organisation_id, Proposal.id.in_(invited)]
    if is_coordinator(user):
        return or_(*clauses, submitted, Proposal.deleted_at.is_not(None))  # deleted ones too: they restore them
    committee_ids = sorted({r.committee_id for r in person.committee_roles})
    clauses.append(and_(submitted, Proposal.committee_id.in_(committee_ids)))
    return and_(Proposal.deleted_at.is_(None), or_(*clauses))


def proposal_visible(user: Any, proposal_id: Any) -> ColumnElement[bool]:
    """Whether `user` may see the proposal whose id is the column `proposal_id` (false when it is null): loaded
    next to agenda items and decisions (their `proposal_visible` query expression), so the links to their
    proposals cost no statement of their own."""
    return (select(Proposal.id).join(Committee, Committee.id == Proposal.committee_id)
            .where(Proposal.id == proposal_id, visible_proposals(user)).exists())


def _visible(user: Any):
    return select(Proposal).join(Committee, Committee.id == Proposal.committee_id).where(visible_proposals(user))


# -- lists -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProposalFilter:
    """`organisation_id`: proposals it filed or co-sponsors (accepted); `year`: of the (first) submission, else of
    the draft, in the reader's time zone; `q`: words in the title or summary (wildcards literal)."""

    committee_id: int | None = None
    state: str = ""
    organisation_id: int | None = None
    year: int | None = None
    q: str = ""
    sort: str = "newest"

    def __post_init__(self):
        if self.state not in STATE_FILTERS:
            raise ValidationFailed(N_("Unknown state."), field="state", code="invalid_choice")
        if self.sort not in SORTS:
            raise ValidationFailed(N_("Unknown order."), field="sort", code="invalid_choice")


@dataclass
class ProposalPage(PageMath):
    items: list[Proposal]
    page: int
    per_page: int
    total: int


def _filed_at():
    return func.coalesce(Proposal.submitted_at, Proposal.created_at)


def _state_clause(state: str):
    if not state:
        return None
    if state in STATE_GROUPS:
        return Proposal.state.in_(sorted(STATE_GROUPS[state]))
    return Proposal.state == ProposalState(state)


def _filtered(user: Any, wanted: ProposalFilter, zone: tzinfo):
    stmt = _visible(user)
    if wanted.committee_id is not None:
        stmt = stmt.where(Proposal.committee_id == wanted.committee_id)
    clause = _state_clause(wanted.state)
    if clause is not None:
        stmt = stmt.where(clause)
    if wanted.organisation_id is not None:
        cosponsored = select(ProposalCosponsor.proposal_id).where(
            ProposalCosponsor.organisation_id == wanted.organisation_id,
            ProposalCosponsor.status == CosponsorStatus.ACCEPTED)
        stmt = stmt.where(or_(Proposal.organisation_id == wanted.organisation_id, Proposal.id.in_(cosponsored)))
    if wanted.year is not None:
        start, end = _year_bounds(wanted.year, zone)
        stmt = stmt.where(_filed_at() >= start, _filed_at() < end)
    q = clean_query(wanted.q)
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(or_(Proposal.title.ilike(pattern, escape="\\"), Proposal.summary.ilike(pattern, escape="\\")))
    return stmt


def ordering(sort: str) -> list:
    """A stable order: the chosen key, then the newest first, then the id."""
    newest = [_filed_at().desc(), Proposal.id.desc()]
    if sort == "oldest":
        return [_filed_at(), Proposal.id]
    if sort == "title":
        return [func.lower(Proposal.title), Proposal.id]
    if sort == "state":
        rank = case(*((Proposal.state == s, r) for s, r in _STATE_RANK.items()), else_=len(_STATE_RANK))
        return [rank, *newest]
    if sort == "updated":
        return [Proposal.updated_at.desc(), Proposal.id.desc()]
    if sort == "supports":
        return [Proposal.support_count.desc(), *newest]
    return newest


# A list's rows with their committee and organisation joined, and their co-sponsors (with organisations) in one
# more statement.
_ROW_OPTIONS = (joinedload(Proposal.committee), joinedload(Proposal.organisation),
                selectinload(Proposal.cosponsors).joinedload(ProposalCosponsor.organisation))


def page_proposals(user: Any, wanted: ProposalFilter, page: int = 1, per_page: int = 25,
                   zone: tzinfo = timezone.utc) -> ProposalPage:
    """One page of the proposals `user` may see (across committees unless `wanted.committee_id`)."""
    stmt = _filtered(user, wanted, zone)
    total = db.session.scalar(select(func.count()).select_from(stmt.with_only_columns(Proposal.id).subquery())) or 0
    rows = list(db.session.scalars(stmt.order_by(*ordering(wanted.sort)).limit(per_page)
                                   .offset((page - 1) * per_page).options(*_ROW_OPTIONS)))
    return ProposalPage(rows, page, per_page, total)


def all_proposals(user: Any, wanted: ProposalFilter, zone: tzinfo = timezone.utc,
                  limit: int = 10_000) -> list[Proposal]:
    """Every matching proposal in the list's order (for a CSV export), up to `limit`."""
    return list(db.session.scalars(_filtered(user, wanted, zone).order_by(*ordering(wanted.sort)).limit(limit)
                                   .options(*_ROW_OPTIONS)))


def page_public_proposals(wanted: ProposalFilter, page: int = 1, per_page: int = 25,
                          zone: tzinfo = timezone.utc) -> ProposalPage:
    """What the public sees: proposals of active public committees once forwarded to the City, with the outcome."""
    return page_proposals(None, wanted, page, per_page, zone)


def years_with_proposals(user: Any, committee_id: int | None = None, zone: tzinfo = timezone.utc) -> list[int]:
    """The years (reader's zone) of the proposals `user` may see, newest first (the year filter's choices)."""
    stmt = _visible(user).with_only_columns(local_year(_filed_at(), zone))
    if committee_id is not None:
        stmt = stmt.where(Proposal.committee_id == committee_id)
    return sorted({int(year) for year in db.session.scalars(stmt.distinct()) if year is not None}, reverse=True)


def local_year(column, zone: tzinfo):
    """The year of a UTC timestamp `column` in `zone`, computed by the database (a few distinct years come back
    instead of every timestamp). PostgreSQL converts by the zone's name; SQLite, which knows no zones, shifts by the
    zone's offset at New Year, when the year changes (exact but for a zone that changed its winter offset)."""
    name = getattr(zone, "key", None)
    if db.session.get_bind().dialect.name == "postgresql" and name:
        return func.extract("year", func.timezone(name, column))
    offset = zone.utcoffset(datetime(utcnow().year, 1, 1)) or timedelta(0)
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("year", func.timezone("UTC", column) + offset)
    return func.strftime("%Y", column, f"{int(offset.total_seconds() // 60):+d} minutes")


def pending_invitations(user: Any) -> list[Proposal]:
    """Proposals whose authors invited the user's organisation to co-sponsor, still unanswered."""
    person = person_of(user)
    if person is None or person.organisation_id is None:
        return []
    return list(db.session.scalars(
        select(Proposal).join(ProposalCosponsor, ProposalCosponsor.proposal_id == Proposal.id)
        .where(ProposalCosponsor.organisation_id == person.organisation_id,
               ProposalCosponsor.status == CosponsorStatus.INVITED)
        .order_by(ProposalCosponsor.invited_at.desc(), Proposal.id.desc()).options(*_ROW_OPTIONS)))


def organisations_with_proposals(user, committee_id: int | None) -> list[Any]:
    """The scope of the lists' organisation filter (committees/lookup.py): organisations that filed, or co-sponsor,
    a proposal the user may see (in one committee)."""
    visible = (select(Proposal.id).join(Committee, Committee.id == Proposal.committee_id)
               .where(visible_proposals(user)))
    if committee_id is not None:
        visible = visible.where(Proposal.committee_id == committee_id)
    authors = select(Proposal.organisation_id).where(Proposal.id.in_(visible))
    cosponsors = select(ProposalCosponsor.organisation_id).where(
        ProposalCosponsor.status == CosponsorStatus.ACCEPTED, ProposalCosponsor.proposal_id.in_(visible))
    return [or_(Organisation.id.in_(authors), Organisation.id.in_(cosponsors))]


def supporting_organisations(proposal: Proposal) -> list[Organisation]:
    """The organisations supporting the proposal, by name (their number is `proposal.support_count`)."""
    return list(db.session.scalars(
        select(Organisation).join(ProposalSupport, ProposalSupport.organisation_id == Organisation.id)
        .where(ProposalSupport.proposal_id == proposal.id).order_by(Organisation.name, Organisation.id)))


# -- comments and the timeline -----------------------------------------------------------------------------------

@dataclass
class CommentView:
    comment: ProposalComment
    hidden: bool  # hidden by a co-chair: shown (marked) to its author and to moderators only


def visible_comments(user: Any, proposal: Proposal) -> list[CommentView]:
    """The comments `user` reads (proposal.view_comments: not the public), oldest first: hidden ones only for their
    author and those who may moderate."""
    if not policy.can(user, "proposal.view_comments", proposal):
        return []
    person = person_of(user)
    moderator = policy.can(user, "proposal.moderate", proposal)
    rows = db.session.scalars(select(ProposalComment).where(ProposalComment.proposal_id == proposal.id)
                              .order_by(ProposalComment.created_at, ProposalComment.id)
                              .options(joinedload(ProposalComment.person),
                                       joinedload(ProposalComment.organisation)))
    result = []
    for comment in rows:
        if comment.hidden and not (moderator or (person is not None and comment.person_id == person.id)):
            continue
        result.append(CommentView(comment, comment.hidden))
    return result


@dataclass
class TimelineEntry:
    """One line of the timeline: kind is "event" (a step or co-sponsor change: obj is a ProposalEvent), "comment"
    (a CommentView), "version" (a ProposalVersion), "decision" (a Decision) or "action" (an ActionItem)."""

    at: datetime
    kind: str
    obj: Any
    order: int = field(default=0, repr=False)


# Timeline events that are not steps of the workflow (those are labelled with the state they lead to).
EVENT_TITLES = {
    "created": N_("Drafted"),
    "cosponsor_invited": N_("Invited to co-sponsor"),
    "cosponsor_accepted": N_("Accepted to co-sponsor"),
    "cosponsor_declined": N_("Declined to co-sponsor"),
    "cosponsor_removed": N_("No longer a co-sponsor"),
}


def event_title(event: ProposalEvent) -> str:
    """A label (marked for translation, not translated) for a timeline event."""
    if event.kind in EVENT_TITLES:
        return EVENT_TITLES[event.kind]
    return event.to_state.title if event.to_state is not None else event.kind


_KIND_ORDER = {"event": 0, "version": 1, "decision": 2, "action": 3, "comment": 4}


def timeline(user: Any, proposal: Proposal) -> list[TimelineEntry]:
    """The proposal's whole history as `user` may see it, oldest first: steps (who, when, why), co-sponsors,
    versions, comments, the decisions in minutes the user may read and the action items they may see."""
    policy.ensure(user, "proposal.view", proposal)
    entries: list[TimelineEntry] = []
    events = db.session.scalars(select(ProposalEvent).where(ProposalEvent.proposal_id == proposal.id)
                                .order_by(ProposalEvent.created_at, ProposalEvent.id)
                                .options(joinedload(ProposalEvent.actor), joinedload(ProposalEvent.organisation),
                                         joinedload(ProposalEvent.agenda_item), joinedload(ProposalEvent.document)))
    entries += [TimelineEntry(e.created_at, "event", e, e.id) for e in events]
    versions = db.session.scalars(select(ProposalVersion).where(ProposalVersion.proposal_id == proposal.id)
                                  .order_by(ProposalVersion.number).options(joinedload(ProposalVersion.author)))
    entries += [TimelineEntry(v.created_at, "version", v, v.number) for v in versions]
    entries += [TimelineEntry(c.comment.created_at, "comment", c, c.comment.id)
                for c in visible_comments(user, proposal)]
    decisions = list(db.session.scalars(
        select(Decision).join(Minutes, Minutes.id == Decision.minutes_id)
        .join(Meeting, Meeting.id == Decision.meeting_id).join(Committee, Committee.id == Meeting.committee_id)
        .where(Decision.proposal_id == proposal.id, Meeting.deleted_at.is_(None), visible_minutes(user))
        .order_by(Decision.created_at, Decision.id).options(joinedload(Decision.meeting))))
    entries += [TimelineEntry(d.created_at, "decision", d, d.id) for d in decisions]
    decision_ids = [d.id for d in decisions]
    linked = ActionItem.proposal_id == proposal.id
    if decision_ids:
        linked = or_(linked, ActionItem.decision_id.in_(decision_ids))
    actions = db.session.scalars(select(ActionItem).where(linked).order_by(ActionItem.created_at, ActionItem.id)
                                 .options(joinedload(ActionItem.committee), joinedload(ActionItem.owner_person),
                                          joinedload(ActionItem.owner_organisation)))
    entries += [TimelineEntry(a.created_at, "action", a, a.id) for a in actions if policy.can(user, "action.view", a)]
    entries.sort(key=lambda e: (e.at, _KIND_ORDER[e.kind], e.order))
    return entries


# -- the pipeline report -----------------------------------------------------------------------------------------

def report_scope(user: Any) -> list[int] | None:
    """The committees whose proposals `user` may report on: None = all (coordinators), else those they co-chair."""
    if is_coordinator(user):
        return None
    person = person_of(user)
    if person is None:
        return []
    return sorted({r.committee_id for r in person.committee_roles if r.role == CommitteeRoleKind.COCHAIR})


@dataclass
class YearFigures:
    year: int
    forwarded: int = 0
    adopted: int = 0
    adopted_in_part: int = 0
    not_adopted: int = 0


@dataclass
class PipelineReport:
    committees: list[Committee]
    counts: dict[int, dict[ProposalState, int]]  # committee id -> state -> submitted proposals now in it
    totals: dict[ProposalState, int]
    median_days: dict[ProposalState, float]  # over every committee in scope; states without a finished stay absent
    median_days_by_committee: dict[int, dict[ProposalState, float]]
    years: list[YearFigures]  # newest first

    @property
    def states(self) -> list[ProposalState]:
        """The states that occur in the report, in workflow order."""
        seen = set(self.totals) | set(self.median_days)
        return [s for s in ProposalState if s in seen]


def _median_days(seconds: list[float]) -> float:
    return round(statistics.median(seconds) / 86400, 1)


def pipeline_report(user: Any, committee_id: int | None = None, zone: tzinfo = timezone.utc) -> PipelineReport:
    """How many submitted proposals are in each state per committee, the median days spent in each state, and per
    year (reader's zone) how many were forwarded to the City and adopted, adopted in part or not adopted.
    Coordinators see every committee, co-chairs theirs; `committee_id` narrows it (outside the scope: Forbidden)."""
    if not policy.can(user, "proposal.report", None):
        raise Forbidden(N_("see the proposals report"), code="forbidden")
    scope = report_scope(user)
    if committee_id is not None:
        if scope is not None and committee_id not in scope:
            raise Forbidden(N_("see the proposals report"), code="forbidden")
        scope = [committee_id]
    in_scope = Proposal.committee_id.in_(scope) if scope is not None else true()
    submitted = Proposal.submitted_at.is_not(None)

    counts: dict[int, dict[ProposalState, int]] = {}
    totals: dict[ProposalState, int] = {}
    for cid, state, number in db.session.execute(
            select(Proposal.committee_id, Proposal.state, func.count()).where(in_scope, submitted)
            .group_by(Proposal.committee_id, Proposal.state)):
        counts.setdefault(cid, {})[state] = number
        totals[state] = totals.get(state, 0) + number

    committee_stmt = select(Committee).order_by(Committee.name)
    if scope is not None:
        committee_stmt = committee_stmt.where(Committee.id.in_(scope))
    else:
        committee_stmt = committee_stmt.where(or_(Committee.active.is_(True), Committee.id.in_(list(counts))))
    committees = list(db.session.scalars(committee_stmt))

    # Stays: from each step to the next one of the same proposal (compact rows, ordered).
    stays: dict[ProposalState, list[float]] = {}
    stays_by_committee: dict[int, dict[ProposalState, list[float]]] = {}
    years: dict[int, YearFigures] = {}
    previous = None
    for proposal_id, cid, state, at in db.session.execute(
            select(ProposalEvent.proposal_id, Proposal.committee_id, ProposalEvent.to_state, ProposalEvent.created_at)
            .join(Proposal, Proposal.id == ProposalEvent.proposal_id)
            .where(in_scope, submitted, ProposalEvent.to_state.is_not(None))
            .order_by(ProposalEvent.proposal_id, ProposalEvent.created_at, ProposalEvent.id)):
        at = as_utc(at)
        if previous is not None and previous[0] == proposal_id:
            seconds = (at - previous[3]).total_seconds()
            stays.setdefault(previous[2], []).append(seconds)
            stays_by_committee.setdefault(cid, {}).setdefault(previous[2], []).append(seconds)
        previous = (proposal_id, cid, state, at)
        if state == PS.FORWARDED or state in CITY_OUTCOMES:
            year = at.astimezone(zone).year
            figures = years.setdefault(year, YearFigures(year))
            if state == PS.FORWARDED:
                figures.forwarded += 1
            else:
                name = state.value
                setattr(figures, name, getattr(figures, name) + 1)
    return PipelineReport(
        committees=committees, counts=counts, totals=totals,
        median_days={s: _median_days(v) for s, v in stays.items()},
        median_days_by_committee={cid: {s: _median_days(v) for s, v in by_state.items()}
                                  for cid, by_state in stays_by_committee.items()},
        years=[years[y] for y in sorted(years, reverse=True)])


def days_in_state(proposal: Proposal, now: datetime | None = None) -> int:
    """Whole days since the proposal entered its current state."""
    now = now or utcnow()
    return max(0, (now - as_utc(proposal.state_changed_at)).days)
