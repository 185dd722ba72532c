"""Reading lists of action items: a committee's (filtered and sorted), a person's and an organisation's.

Every list is one page of rows with their owners and committee eager-loaded, plus one COUNT: the number of
queries does not grow with the rows. Filters use bound parameters only (LIKE wildcards typed by people are
literal). "Overdue" means an open state and a due date before `today`, which the caller passes (the reader's day).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, false, func, or_, select
from sqlalchemy.orm import joinedload

from committees.db import db
from committees.models.actions import OPEN_ACTION_STATES, ActionItem, ActionPriority, ActionStatus
from committees.paging import PageMath

# Status filters: one state, the open states together, the overdue ones, or everything.
STATUS_OPEN = "active"  # open, in progress or blocked
STATUS_OVERDUE = "overdue"
STATUS_ALL = "all"
STATUS_FILTERS = (STATUS_OPEN, STATUS_OVERDUE, STATUS_ALL, *(s.value for s in ActionStatus))
SORTS = ("due", "priority", "status", "updated")

_PRIORITY_RANK = {ActionPriority.HIGH: 0, ActionPriority.NORMAL: 1, ActionPriority.LOW: 2}
_STATUS_RANK = {s: i for i, s in enumerate(ActionStatus)}


@dataclass(frozen=True)
class ActionFilter:
    status: str = STATUS_OPEN
    organisation_id: int | None = None
    priority: ActionPriority | None = None
    due_after: date | None = None
    due_before: date | None = None
    q: str = ""
    sort: str = "due"

    def __post_init__(self):
        if self.status not in STATUS_FILTERS:
            raise ValueError(f"unknown status filter {self.status!r}")
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}")


@dataclass
class ActionPage(PageMath):
    items: list[ActionItem]
    page: int
    per_page: int
    total: int


def overdue_clause(today: date):
    return ActionItem.status.in_(OPEN_ACTION_STATES) & ActionItem.due_on.is_not(None) & (ActionItem.due_on < today)


def _rank(column, ranks: dict):
    return case(*((column == value, rank) for value, rank in ranks.items()), else_=len(ranks))


def _status_clause(status: str, today: date):
    if status == STATUS_OPEN:
        return ActionItem.status.in_(OPEN_ACTION_STATES)
    if status == STATUS_OVERDUE:
        return overdue_clause(today)
    if status == STATUS_ALL:
        return None
    return ActionItem.status == ActionStatus(status)


def filtered(stmt, wanted: ActionFilter, today: date):
    """`stmt` (a select of ActionItem) narrowed by the filter."""
    clause = _status_clause(wanted.status, today)
    if clause is not None:
        stmt = stmt.where(clause)
    if wanted.organisation_id:
        stmt = stmt.where(ActionItem.owner_organisation_id == wanted.organisation_id)
    if wanted.priority is not None:
        stmt = stmt.where(ActionItem.priority == wanted.priority)
    if wanted.due_after is not None:
        stmt = stmt.where(ActionItem.due_on >= wanted.due_after)
    if wanted.due_before is not None:
        stmt = stmt.where(ActionItem.due_on <= wanted.due_before)
    q = wanted.q.strip()
    if q:
        stmt = stmt.where(func.lower(ActionItem.title).contains(q.lower(), autoescape=True))
    return stmt


def ordering(sort: str, today: date, *, overdue_first: bool = False) -> list:
    """A stable order: the chosen key, then the due date (none last), then the id."""
    due = [ActionItem.due_on.is_(None), ActionItem.due_on]
    keys: list = []
    if overdue_first:
        keys.append(case((overdue_clause(today), 0), else_=1))
    if sort == "priority":
        keys.append(_rank(ActionItem.priority, _PRIORITY_RANK))
    elif sort == "status":
        keys.append(_rank(ActionItem.status, _STATUS_RANK))
    elif sort == "updated":
        keys.append(ActionItem.updated_at.desc())
    return keys + due + [ActionItem.id]


def _page(stmt, order: list, page: int, per_page: int) -> ActionPage:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = list(db.session.scalars(
        stmt.order_by(*order).limit(per_page).offset((page - 1) * per_page)
        .options(joinedload(ActionItem.owner_person), joinedload(ActionItem.owner_organisation),
                 joinedload(ActionItem.committee))))
    return ActionPage(rows, page, per_page, total or 0)


def list_actions_for_committee(committee_id: int, wanted: ActionFilter, today: date, page: int = 1,
                               per_page: int = 25) -> ActionPage:
    stmt = filtered(select(ActionItem).where(ActionItem.committee_id == committee_id), wanted, today)
    return _page(stmt, ordering(wanted.sort, today), page, per_page)


def _mine(stmt, status: str, today: date):
    return filtered(stmt, ActionFilter(status=status), today)


def list_actions_for_person(person_id: int, status: str, today: date, page: int = 1,
                            per_page: int = 25) -> ActionPage:
    """Items owned by the person, overdue first, then by due date."""
    stmt = _mine(select(ActionItem).where(ActionItem.owner_person_id == person_id), status, today)
    return _page(stmt, ordering("due", today, overdue_first=True), page, per_page)


def list_actions_for_organisation(organisation_id: int, status: str, today: date, page: int = 1,
                                  per_page: int = 25) -> ActionPage:
    """Items owned by the organisation (whether or not a person of it is named too), overdue first."""
    stmt = _mine(select(ActionItem).where(ActionItem.owner_organisation_id == organisation_id), status, today)
    return _page(stmt, ordering("due", today, overdue_first=True), page, per_page)


def counts_for(person_id: int, organisation_id: int | None, today: date) -> dict[str, int]:
    """Open and overdue counts for a person's own items and their organisation's, in one query."""
    open_ = ActionItem.status.in_(OPEN_ACTION_STATES)
    overdue = overdue_clause(today)
    mine = ActionItem.owner_person_id == person_id
    ours = ActionItem.owner_organisation_id == organisation_id if organisation_id else false()
    row = db.session.execute(select(
        func.count(case((mine & open_, 1))), func.count(case((mine & overdue, 1))),
        func.count(case((ours & open_, 1))), func.count(case((ours & overdue, 1))),
    ).select_from(ActionItem).where(or_(mine, ours))).one()
    return dict(zip(("person_open", "person_overdue", "organisation_open", "organisation_overdue"), row))
