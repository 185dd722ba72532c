"""Reads for the organisation directory and the organisation page, scoped to what the user may see.

Each read issues a fixed number of queries, however many rows it returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, or_, select, true
from sqlalchemy.orm import selectinload

from committees.db import db
from committees.models import Committee, Membership, MembershipStatus, Organisation, OrganisationType, Person
from committees.paging import PageMath
from committees.policy import can, is_coordinator

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_SEARCH_LENGTH = 200
# Memberships that block a new request (services.bodies.request_membership refuses them).
OPEN_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.REQUESTED, MembershipStatus.SUSPENDED)


def escape_like(text: str, escape: str = "\\") -> str:
    """`text` with LIKE's wildcards (% and _) and the escape character itself taken literally."""
    return text.replace(escape, escape * 2).replace("%", escape + "%").replace("_", escape + "_")


def clamp_per_page(per_page: int | None) -> int:
    if per_page is None:
        return DEFAULT_PER_PAGE
    return max(1, min(MAX_PER_PAGE, per_page))


@dataclass(frozen=True)
class DirectoryQuery:
    """What the directory is asked for; `page` beyond the last page shows the last page."""

    text: str = ""
    type: OrganisationType | None = None
    committee_id: int | None = None
    include_inactive: bool = False
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


@dataclass
class DirectoryRow:
    organisation: Organisation
    committees: list[Committee] = field(default_factory=list)


@dataclass
class DirectoryPage(PageMath):
    rows: list[DirectoryRow]
    total: int
    page: int
    per_page: int


def visible_committees(user) -> list[Committee]:
    """Committees a user may pick in the directory's filter: active ones, all for coordinators."""
    stmt = select(Committee).order_by(Committee.name)
    if not is_coordinator(user):
        stmt = stmt.where(Committee.active.is_(True))
    return list(db.session.scalars(stmt))


def contains_text(column, text: str, *, whole: bool = False):
    """`column` contains `text` (with `whole`: is `text`), ignoring case in every script (Greek too, not only
    ASCII); wildcards in `text` are taken literally."""
    pattern = escape_like(text) if whole else f"%{escape_like(text)}%"
    if db.session.get_bind().dialect.name != "sqlite":
        return column.ilike(pattern, escape="\\")
    # SQLite's lower() and LIKE fold ASCII only: compare Python-casefolded text instead.
    db.session.connection().connection.dbapi_connection.create_function(
        "portal_casefold", 1, _casefold, deterministic=True)
    return func.portal_casefold(column).like(pattern.casefold(), escape="\\")


def _casefold(value: str | None) -> str | None:
    return value.casefold() if value is not None else None


def _directory_filter(user, query: DirectoryQuery):
    conditions = []
    if not (query.include_inactive and can(user, "organisation.view_inactive")):
        conditions.append(Organisation.active.is_(True))
    text = query.text.strip()[:MAX_SEARCH_LENGTH]
    if text:
        conditions.append(or_(contains_text(Organisation.name, text), contains_text(Organisation.short_name, text)))
    if query.type is not None:
        conditions.append(Organisation.type == query.type)
    if query.committee_id is not None:
        conditions.append(exists().where(
            Membership.organisation_id == Organisation.id, Membership.committee_id == query.committee_id,
            Membership.status == MembershipStatus.ACTIVE))
    return and_(true(), *conditions)


def list_organisations(user, query: DirectoryQuery) -> DirectoryPage:
    """One page of the directory, ordered by name, each row with its committees: three queries."""
    where = _directory_filter(user, query)
    per_page = clamp_per_page(query.per_page)
    total = db.session.scalar(select(func.count()).select_from(Organisation).where(where)) or 0
    page = max(1, min(query.page, max(1, -(-total // per_page))))
    organisations = list(db.session.scalars(
        select(Organisation).where(where).order_by(Organisation.name, Organisation.id)
        .limit(per_page).offset((page - 1) * per_page)))
    rows = {org.id: DirectoryRow(org) for org in organisations}
    if rows:
        committee_rows = db.session.execute(
            select(Membership.organisation_id, Committee)
            .join(Committee, Committee.id == Membership.committee_id)
            .where(Membership.organisation_id.in_(rows), Membership.status == MembershipStatus.ACTIVE,
                   *([] if is_coordinator(user) else [Committee.active.is_(True)]))
            .order_by(Committee.name))
        for organisation_id, committee in committee_rows:
            rows[organisation_id].committees.append(committee)
    return DirectoryPage(list(rows.values()), total, page, per_page)


@dataclass
class OrganisationPage:
    organisation: Organisation
    representatives: list[Person]
    memberships: list[Membership]
    joinable: list[Committee]


def get_organisation_page(user, org: Organisation) -> OrganisationPage:
    """An organisation's active people, its memberships of committees the user may see, and the
    active committees it could still ask to join."""
    representatives = list(db.session.scalars(
        select(Person).where(Person.organisation_id == org.id, Person.active.is_(True),
                             Person.anonymised_at.is_(None))
        .options(selectinload(Person.committee_roles)).order_by(Person.full_name, Person.id)))
    memberships = [m for m in db.session.scalars(
        select(Membership).join(Committee, Committee.id == Membership.committee_id)
        .where(Membership.organisation_id == org.id)
        .options(selectinload(Membership.committee)).order_by(Committee.name))
        if can(user, "committee.view", m.committee)]
    return OrganisationPage(org, representatives, memberships, joinable_committees(org))


def joinable_committees(org: Organisation) -> list[Committee]:
    """Active committees the organisation is not in and has not asked to join."""
    taken = select(Membership.committee_id).where(Membership.organisation_id == org.id,
                                                  Membership.status.in_(OPEN_STATUSES))
    return list(db.session.scalars(
        select(Committee).where(Committee.active.is_(True), Committee.id.not_in(taken)).order_by(Committee.name)))
