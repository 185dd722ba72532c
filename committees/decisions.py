"""The decisions register: a committee's decisions that a reader may see, searched, filtered and paged.

A decision is visible exactly when its minutes are: `visible_minutes(user)` is the SQL twin of the policy's
`minutes.view` rule (committees/policy.py, `_minutes_visible`), and tests/domain/test_decisions.py checks the two
agree for every role and every state of the minutes. Decisions of deleted meetings are left out as well.

Search is a plain case-insensitive LIKE over the number and the text (with % and _ escaped); on SQLite only ASCII
letters fold case. Full-text search comes later.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from typing import Any

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import contains_eager
from sqlalchemy.sql.elements import ColumnElement

from committees.db import db
from committees.errors import ValidationFailed
from committees.i18n import N_
from committees.models import Committee, CommitteeRoleKind, Meeting
from committees.models.meetings import AgendaItem
from committees.models.minutes import Decision, Minutes, MinutesSection, MinutesState
from committees.paging import Pager
from committees.policy import is_coordinator, person_of

MAX_QUERY = 200
EDITOR_ROLES = frozenset({CommitteeRoleKind.COCHAIR, CommitteeRoleKind.SECRETARY})
DRAFT, PUBLISHED = MinutesState.DRAFT, MinutesState.PUBLISHED


def visible_minutes(user) -> ColumnElement[bool]:
    """A condition over Minutes and Committee (the committee of the minutes' meeting, joined by the caller):
    drafts for the committee's co-chairs and secretaries, later states for anyone with a role in it, published
    minutes of an active public committee for everyone; coordinators see all."""
    if is_coordinator(user):
        return true()
    published = and_(Minutes.state == PUBLISHED, Committee.active.is_(True), Committee.is_public.is_(True))
    person = person_of(user)
    if person is None:
        return published
    members, editors = set(), set()
    for role in person.committee_roles:
        members.add(role.committee_id)
        if role.role in EDITOR_ROLES:
            editors.add(role.committee_id)
    return or_(and_(Minutes.state == DRAFT, Committee.id.in_(sorted(editors))),
               and_(Minutes.state != DRAFT, Committee.id.in_(sorted(members))),
               published)


def like_pattern(text: str) -> str:
    """`%text%` for LIKE ... ESCAPE '\\', with the wildcards in `text` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def clean_query(text: str | None) -> str:
    """The search text, stripped (NUL characters dropped: PostgreSQL refuses them); too long -> ValidationFailed."""
    text = (text or "").replace("\x00", "").strip()
    if len(text) > MAX_QUERY:
        raise ValidationFailed(N_("The search text is too long."), field="q", code="too_long")
    return text


@dataclass(frozen=True)
class DecisionFilter:
    q: str = ""
    year: int | None = None
    meeting_id: int | None = None


@dataclass
class DecisionRow:
    decision: Decision
    minutes_state: MinutesState
    item_title: str  # the agenda item's title, else the section's ("Any other business"), else ""
    agenda_item_id: int | None

    @property
    def meeting(self) -> Meeting:
        return self.decision.meeting

    @property
    def final(self) -> bool:
        """Approved (or published) minutes: the decision can no longer change."""
        return self.minutes_state in (MinutesState.APPROVED, PUBLISHED)


def _year_bounds(year: int, zone: tzinfo) -> tuple[datetime, datetime]:
    """The year in the reader's time zone, as UTC instants [start, end)."""
    if not 1900 <= year < 9999:  # datetime's range, with room for any time zone
        raise ValidationFailed(N_("Unknown year."), field="year", code="invalid_year")

    def instant(y: int) -> datetime:
        return datetime(y, 1, 1, tzinfo=zone).astimezone(timezone.utc)

    return instant(year), instant(year + 1)


def _visible(user, committee_id: int):
    """Decisions of the committee the user may see, joined with their minutes, meeting and committee."""
    return (select(Decision)
            .join(Minutes, Minutes.id == Decision.minutes_id)
            .join(Meeting, Meeting.id == Decision.meeting_id)
            .join(Committee, Committee.id == Meeting.committee_id)
            .where(Decision.committee_id == committee_id, Meeting.deleted_at.is_(None), visible_minutes(user)))


def _filtered(user, committee_id: int, wanted: DecisionFilter, zone: tzinfo):
    stmt = _visible(user, committee_id)
    q = clean_query(wanted.q)
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(or_(Decision.text.ilike(pattern, escape="\\"), Decision.number.ilike(pattern, escape="\\")))
    if wanted.year is not None:
        start, end = _year_bounds(wanted.year, zone)
        stmt = stmt.where(Meeting.starts_at >= start, Meeting.starts_at < end)
    if wanted.meeting_id is not None:
        stmt = stmt.where(Decision.meeting_id == wanted.meeting_id)
    return stmt


def _rows(stmt) -> list[DecisionRow]:
    """Rows with their meeting, the minutes' state and the agenda item's title in one query."""
    stmt = (stmt.add_columns(Minutes.state, MinutesSection.title, AgendaItem.id, AgendaItem.title)
            .outerjoin(MinutesSection, MinutesSection.id == Decision.section_id)
            .outerjoin(AgendaItem, AgendaItem.id == MinutesSection.agenda_item_id)
            .options(contains_eager(Decision.meeting))
            .order_by(Meeting.starts_at.is_(None), Meeting.starts_at.desc(), Decision.id.desc()))
    return [DecisionRow(decision, state, item_title or section_title or "", item_id)
            for decision, state, section_title, item_id, item_title in db.session.execute(stmt)]


def page_decisions(user, committee: Committee, wanted: DecisionFilter, page: int, per_page: int,
                   zone: tzinfo = timezone.utc) -> tuple[list[DecisionRow], Pager]:
    """One page of the register, newest meeting first, and the pager (two queries)."""
    stmt = _filtered(user, committee.id, wanted, zone)
    total = db.session.scalar(select(func.count()).select_from(stmt.with_only_columns(Decision.id).subquery())) or 0
    rows = _rows(stmt.limit(per_page).offset((page - 1) * per_page))
    return rows, Pager(page, per_page, total)


def all_decisions(user, committee: Committee, wanted: DecisionFilter,
                  zone: tzinfo = timezone.utc) -> list[DecisionRow]:
    """Every decision matching the filter (for the CSV export), in the register's order."""
    return _rows(_filtered(user, committee.id, wanted, zone))


def decision_meetings(user, committee: Committee) -> list[Any]:
    """The meetings with decisions the user may see, newest first (the choices of the meeting filter): rows of
    id, title and starts_at (UTC), not whole meetings."""
    ids = _visible(user, committee.id).with_only_columns(Decision.meeting_id)
    rows = db.session.execute(select(Meeting.id, Meeting.title, Meeting.starts_at).where(Meeting.id.in_(ids))
                              .order_by(Meeting.starts_at.is_(None), Meeting.starts_at.desc(), Meeting.id.desc()))
    return list(rows)


def years_of(meetings: list[Any], zone: tzinfo = timezone.utc) -> list[int]:
    """The years (in the reader's time zone) of these meetings, newest first."""
    return sorted({m.starts_at.astimezone(zone).year for m in meetings if m.starts_at is not None}, reverse=True)
