"""The coordinators' action-item dashboard: figures over the items a user may see, aggregated in SQL.

Every figure is one GROUP BY query with SUM(CASE ...) over date ranges computed here in Python, so the SQL is
the same on SQLite and PostgreSQL, no item is loaded into Python to be counted, and the number of queries does
not depend on the number of items. `today` (the reader's date) is always passed in.

Definitions:
- scope: the committees whose items a user sees here: every committee for coordinators and admins, the
  committees they co-chair for co-chairs, none for anyone else (`scope_for`).
- open: status open, in progress or blocked (OPEN_ACTION_STATES).
- overdue: open and due before `today` (as ActionItem.is_overdue).
- due soon: open and due from `today` to `today + 14 days`, both days included.
- an item's organisation: its owner organisation; for an item owned only by a person, that person's
  organisation; otherwise none.
- the per-quarter series: see `quarter_series`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    outerjoin,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased

from committees import policy
from committees.db import db
from committees.errors import ValidationFailed
from committees.i18n import N_
from committees.models import Committee, CommitteeRole, CommitteeRoleKind, Membership, Organisation, Person
from committees.models.actions import OPEN_ACTION_STATES, ActionItem, ActionPriority, ActionStatus
from committees.paging import Pager

DUE_SOON_DAYS = 14
OPEN_VALUES = frozenset(s.value for s in OPEN_ACTION_STATES)
QUARTERS_SHOWN = 4

OwnerPerson = aliased(Person, name="owner_person")
OwnerOrg = aliased(Organisation, name="owner_org")
ITEM_ORG_ID = func.coalesce(ActionItem.owner_organisation_id, OwnerPerson.organisation_id)
ITEMS = outerjoin(ActionItem, OwnerPerson, ActionItem.owner_person_id == OwnerPerson.id)


# -- who sees what, and the filters ------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """`committee_ids` None means every committee."""

    committee_ids: frozenset[int] | None

    @property
    def everything(self) -> bool:
        return self.committee_ids is None

    def allows(self, committee_id: int) -> bool:
        return self.committee_ids is None or committee_id in self.committee_ids

    def condition(self, column=ActionItem.committee_id):
        if self.committee_ids is None:
            return true()
        return column.in_(sorted(self.committee_ids)) if self.committee_ids else false()


def scope_for(user: Any) -> Scope:
    if policy.is_coordinator(user):
        return Scope(None)
    person = policy.person_of(user)
    if person is None:
        return Scope(frozenset())
    return Scope(frozenset(r.committee_id for r in person.committee_roles if r.role == CommitteeRoleKind.COCHAIR))


def scope_committees(scope: Scope) -> list[Any]:
    """(id, name, slug) of the committees in scope, by name."""
    stmt = select(Committee.id, Committee.name, Committee.slug).where(scope.condition(Committee.id))
    return list(db.session.execute(stmt.order_by(Committee.name, Committee.id)))


def scope_organisations(scope: Scope) -> list[Any]:
    """The organisation filter's scope (committees/lookup.py conditions): every organisation for the whole
    dashboard; else those belonging to a committee in scope or whose people hold a role in one."""
    if scope.everything:
        return []
    members = select(Membership.organisation_id).where(scope.condition(Membership.committee_id))
    people = (select(Person.organisation_id).join(CommitteeRole, CommitteeRole.person_id == Person.id)
              .where(scope.condition(CommitteeRole.committee_id)))
    return [or_(Organisation.id.in_(members), Organisation.id.in_(people))]


def owner_name(scope: Scope, person_id: int) -> str | None:
    """The name of a person who owns an item in the scope (to label the owner filter), else None."""
    stmt = (select(Person.full_name).join(ActionItem, ActionItem.owner_person_id == Person.id)
            .where(Person.id == person_id, scope.condition()).limit(1))
    return db.session.scalar(stmt)


@dataclass(frozen=True)
class Filters:
    committee_id: int | None = None
    organisation_id: int | None = None  # the item's organisation (see the module docstring)
    status: ActionStatus | None = None
    priority: ActionPriority | None = None
    owner_person_id: int | None = None


def _where(scope: Scope, filters: Filters) -> list:
    conditions = [scope.condition()]
    if filters.committee_id is not None:
        conditions.append(ActionItem.committee_id == filters.committee_id)
    if filters.organisation_id is not None:
        conditions.append(_of_organisation(filters.organisation_id))
    if filters.status is not None:
        conditions.append(ActionItem.status == filters.status)
    if filters.priority is not None:
        conditions.append(ActionItem.priority == filters.priority)
    if filters.owner_person_id is not None:
        conditions.append(ActionItem.owner_person_id == filters.owner_person_id)
    return conditions


def _of_organisation(organisation_id: int):
    """The item's organisation is this one, written without joining the owner person (see `_parts`)."""
    staff = select(Person.id).where(Person.organisation_id == organisation_id)
    return or_(ActionItem.owner_organisation_id == organisation_id,
               and_(ActionItem.owner_organisation_id.is_(None), ActionItem.owner_person_id.in_(staff)))


def _is_open():
    return ActionItem.status.in_(OPEN_ACTION_STATES)


def _overdue(today: date):
    return and_(_is_open(), ActionItem.due_on < today)


def _due_soon(today: date):
    return and_(_is_open(), ActionItem.due_on >= today, ActionItem.due_on <= today + timedelta(days=DUE_SOON_DAYS))


# -- totals ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Totals:
    by_status: dict[ActionStatus, int]
    overdue: int
    due_soon: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def open(self) -> int:
        return sum(self.by_status[s] for s in OPEN_ACTION_STATES)


def _parts(scope: Scope, filters: Filters, today: date, keys=(), *, group=None, only=None) -> list:
    """(keys...,) kind, n: item counts per status plus the overdue and due-soon counts, as plain grouped counts
    to be joined with UNION ALL (of the items matching `only`, if given). Without CASE over every row, and without
    joins, these read the (committee, status, due) and (status, due) indexes alone: several times faster
    than SUM(CASE ...) over the items. Grouped by `keys` unless `group` names other columns."""
    where = [*_where(scope, filters), *([] if only is None else [only])]
    group = keys if group is None else group

    def counted(kind, *conditions, by=()):
        stmt = select(*keys, kind.label("kind"), func.count().label("n")).select_from(ActionItem)
        return stmt.where(*where, *conditions).group_by(*group, *by)

    return [counted(type_coerce(ActionItem.status, String), by=[ActionItem.status]),
            counted(literal("overdue", String), _overdue(today)),
            counted(literal("due_soon", String), _due_soon(today))]


def status_counts(scope: Scope, filters: Filters, today: date) -> Totals:
    """Counts by status (every status, zeros included), and the overdue and due-soon counts: one query."""
    parts = union_all(*_parts(scope, filters, today)).subquery()
    counts = {kind: int(n) for kind, n in db.session.execute(select(parts.c.kind, parts.c.n))}
    return Totals({s: counts.get(s.value, 0) for s in ActionStatus}, counts.get("overdue", 0),
                  counts.get("due_soon", 0))


# -- overdue and due-soon items ---------------------------------------------------------------------

@dataclass(frozen=True)
class ItemRow:
    id: int
    title: str
    committee_id: int
    committee_name: str
    committee_slug: str
    owner_person_id: int | None
    owner_name: str | None
    organisation_id: int | None
    organisation_name: str | None
    due_on: date | None
    priority: ActionPriority
    status: ActionStatus

    def days_late(self, today: date) -> int:
        return max(0, (today - self.due_on).days) if self.due_on else 0


@dataclass(frozen=True)
class Page:
    rows: list
    pager: Pager


def _rank(column, members) -> Any:
    return case({m: i for i, m in enumerate(members)}, value=column, else_=len(members))


ITEM_SORTS = {
    "due": (ActionItem.due_on,),
    "title": (func.lower(ActionItem.title),),
    "committee": (Committee.name,),
    "owner": (func.lower(func.coalesce(OwnerPerson.full_name, OwnerOrg.name, "")),),
    "organisation": (case((OwnerOrg.name.is_(None), 1), else_=0), func.lower(OwnerOrg.name)),
    "priority": (_rank(ActionItem.priority, [ActionPriority.HIGH, ActionPriority.NORMAL, ActionPriority.LOW]),),
    "status": (_rank(ActionItem.status, list(ActionStatus)),),
}
ITEM_LISTS = {"overdue": _overdue, "due_soon": _due_soon}


def _order(columns, descending: bool) -> list:
    return [c.desc() if descending else c.asc() for c in columns]


def _paged(page: int, per_page: int | None) -> tuple[int, int | None]:
    if page < 1 or (per_page is not None and per_page < 1):
        raise ValidationFailed(N_("There is no such page."), field="page")
    return page, per_page


def list_items(which: str, scope: Scope, filters: Filters, today: date, *, sort: str = "due",
               descending: bool = False, page: int = 1, per_page: int | None = 25) -> Page:
    """The overdue or due-soon items (`which`), sorted by an allow-listed key then by due date and id;
    `per_page=None` returns every row (for CSV). Two queries: the count and the page."""
    if which not in ITEM_LISTS:
        raise ValidationFailed(N_("Unknown list."), field="view")
    if sort not in ITEM_SORTS:
        raise ValidationFailed(N_("Unknown sort order."), field="sort")
    page, per_page = _paged(page, per_page)
    where = [*_where(scope, filters), ITEM_LISTS[which](today)]
    total = db.session.scalar(select(func.count()).select_from(ActionItem).where(*where))
    stmt = (select(ActionItem.id, ActionItem.title, ActionItem.committee_id, Committee.name, Committee.slug,
                   ActionItem.owner_person_id, OwnerPerson.full_name, OwnerOrg.id, OwnerOrg.name,
                   ActionItem.due_on, ActionItem.priority, ActionItem.status)
            .select_from(ITEMS).join(Committee, Committee.id == ActionItem.committee_id)
            .outerjoin(OwnerOrg, OwnerOrg.id == ITEM_ORG_ID).where(*where)
            .order_by(*_order(ITEM_SORTS[sort], descending), ActionItem.due_on, ActionItem.id))
    if per_page is not None:
        stmt = stmt.limit(per_page).offset((page - 1) * per_page)
    rows = [ItemRow(*row) for row in db.session.execute(stmt)]
    return Page(rows, Pager(page, per_page or max(total, 1), total))


# -- breakdowns by committee and by organisation -----------------------------------------------------

@dataclass(frozen=True)
class BreakdownRow:
    """One committee or organisation; `id` None (organisations only) gathers items with no organisation.
    `code` is the committee's slug or the organisation's short name."""

    id: int | None
    name: str | None
    code: str | None
    open: int
    overdue: int
    due_soon: int
    done: int
    total: int


BREAKDOWN_SORTS = ("name", "open", "overdue", "due_soon", "done", "total")


def _figures(parts, key, source=None):
    """Per `key` (over the rows of `_parts`): open, overdue, due_soon, done, total."""
    def total_of(*kinds):
        return func.sum(case((parts.c.kind.in_(kinds), parts.c.n), else_=0))

    return (select(key.label("key"), total_of(*OPEN_VALUES).label("open"),
                   total_of("overdue").label("overdue"), total_of("due_soon").label("due_soon"),
                   total_of(ActionStatus.DONE.value).label("done"),
                   total_of(*[s.value for s in ActionStatus]).label("total"))
            .select_from(parts if source is None else source).group_by(key).subquery())


def _breakdown(figures, name_table, name_columns, sort: str, descending: bool, page: int,
               per_page: int | None) -> Page:
    """One query: the page of rows, with the number of all rows alongside (COUNT(*) OVER ()); a second one
    only for a page beyond the last."""
    if sort not in BREAKDOWN_SORTS:
        raise ValidationFailed(N_("Unknown sort order."), field="sort")
    page, per_page = _paged(page, per_page)
    name = name_table.name
    by_name = [case((name.is_(None), 1), else_=0), func.lower(name)]
    keys = by_name if sort == "name" else [getattr(figures.c, sort)]
    stmt = (select(figures.c.key, *name_columns, figures.c.open, figures.c.overdue, figures.c.due_soon,
                   figures.c.done, figures.c.total, func.count().over())
            .select_from(figures).outerjoin(name_table, name_table.id == figures.c.key)
            .order_by(*_order(keys, descending), *by_name, figures.c.key))
    if per_page is not None:
        stmt = stmt.limit(per_page).offset((page - 1) * per_page)
    found = list(db.session.execute(stmt))
    total = found[0][-1] if found else db.session.scalar(select(func.count()).select_from(figures))
    rows = [BreakdownRow(*row[:-1]) for row in found]
    return Page(rows, Pager(page, per_page or max(total, 1), total))


def by_committee(scope: Scope, filters: Filters, today: date, *, sort: str = "name", descending: bool = False,
                 page: int = 1, per_page: int | None = 25) -> Page:
    """Per committee with matching items: open, overdue, due soon, done, total. One query."""
    parts = union_all(*_parts(scope, filters, today, [ActionItem.committee_id.label("committee_id")])).subquery()
    figures = _figures(parts, parts.c.committee_id)
    return _breakdown(figures, Committee, (Committee.name, Committee.slug), sort, descending, page, per_page)


def by_organisation(scope: Scope, filters: Filters, today: date, *, sort: str = "name", descending: bool = False,
                    page: int = 1, per_page: int | None = 25) -> Page:
    """Per item organisation (owner organisation, else the owner person's): the same figures. One query."""
    # Counted per owner organisation (on its index) and, for items owned by a person only, per person; the
    # person's organisation is joined to those few groups rather than to every item.
    none = cast(null(), Integer)
    orgs = _parts(scope, filters, today, [ActionItem.owner_organisation_id.label("org_id"), none.label("person_id")],
                  group=[ActionItem.owner_organisation_id], only=ActionItem.owner_organisation_id.is_not(None))
    people = _parts(scope, filters, today, [none.label("org_id"), ActionItem.owner_person_id.label("person_id")],
                    group=[ActionItem.owner_person_id], only=ActionItem.owner_organisation_id.is_(None))
    parts = union_all(*orgs, *people).subquery()
    person = aliased(Person, name="group_person")
    figures = _figures(parts, func.coalesce(parts.c.org_id, person.organisation_id),
                       parts.outerjoin(person, person.id == parts.c.person_id))
    org = aliased(Organisation, name="org")
    return _breakdown(figures, org, (org.name, org.short_name), sort, descending, page, per_page)


# -- completed versus overdue per quarter -------------------------------------------------------------

@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1-4

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The first day after the quarter."""
        return date(self.year + 1, 1, 1) if self.number == 4 else date(self.year, 3 * self.number + 1, 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number}"


def recent_quarters(today: date, count: int = QUARTERS_SHOWN) -> list[Quarter]:
    """The `count` quarters ending with today's, oldest first."""
    quarters = [Quarter.of(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters[::-1]


@dataclass(frozen=True)
class QuarterPoint:
    quarter: Quarter
    completed: int
    overdue: int


def _instant(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(timezone.utc)


def _bucket(column, bounds: list[tuple], beyond=None):
    """The index of the [start, end) range holding `column`; len(bounds) from `beyond` on; else -1."""
    whens = [(and_(column >= start, column < end), i) for i, (start, end) in enumerate(bounds)]
    if beyond is not None:
        whens.append((column >= beyond, len(bounds)))
    return case(*whens, else_=-1)


def quarter_series(scope: Scope, filters: Filters, today: date, committee_ids: list[int], *,
                   count: int = QUARTERS_SHOWN, tz: tzinfo = timezone.utc) -> dict[int, list[QuarterPoint]]:
    """Per committee (of `committee_ids` within the scope), per quarter of `recent_quarters(today, count)`:

    - completed: items with status done whose closed_at falls in the quarter (quarter bounds are midnights
      in `tz`, the reader's time zone);
    - overdue: items due in the quarter that were not done by its end: still open now, or done only after
      the quarter ended (cancelled items never count). For the current quarter: items due in it before
      `today` and open now (exactly those the overdue list shows).

    One query; committees without items get zeros.
    """
    quarters = recent_quarters(today, count)
    wanted = [i for i in committee_ids if scope.allows(i)]
    completed = {i: [0] * len(quarters) for i in wanted}
    overdue = {i: [0] * len(quarters) for i in wanted}
    if wanted:
        for committee_id, kind, due_q, closed_q, n in db.session.execute(
                _quarter_groups(scope, filters, today, wanted, quarters, tz)):
            if kind == ActionStatus.DONE.value and 0 <= closed_q < len(quarters):
                completed[committee_id][closed_q] += n
            if not 0 <= due_q < len(quarters):
                continue
            if kind in OPEN_VALUES:
                overdue[committee_id][due_q] += n
            elif kind == ActionStatus.DONE.value and closed_q > due_q and due_q < len(quarters) - 1:
                overdue[committee_id][due_q] += n  # done, but only after its quarter ended
    return {i: [QuarterPoint(q, completed[i][n], overdue[i][n]) for n, q in enumerate(quarters)] for i in wanted}


def _quarter_groups(scope: Scope, filters: Filters, today: date, wanted: list[int], quarters: list[Quarter],
                    tz: tzinfo):
    """Counts per (committee, status, quarter of the due date, quarter of closing): the quarter of the due date
    stops at `today` for the current quarter; -1 is outside the quarters shown, len(quarters) closed later."""
    due_q = _bucket(ActionItem.due_on, [(q.start, min(q.end, today)) for q in quarters])
    closed_q = _bucket(ActionItem.closed_at, [(_instant(q.start, tz), _instant(q.end, tz)) for q in quarters],
                       beyond=_instant(quarters[-1].end, tz))
    first = quarters[0].start
    relevant = or_(ActionItem.due_on >= first, ActionItem.closed_at >= _instant(first, tz))
    rows = (select(ActionItem.committee_id, type_coerce(ActionItem.status, String).label("kind"),
                   due_q.label("due_q"), closed_q.label("closed_q"))
            .where(*_where(scope, filters), ActionItem.committee_id.in_(wanted), relevant)
            .subquery())
    return (select(rows.c.committee_id, rows.c.kind, rows.c.due_q, rows.c.closed_q, func.count())
            .group_by(rows.c.committee_id, rows.c.kind, rows.c.due_q, rows.c.closed_q))
