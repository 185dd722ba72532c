"""Reading minutes as a record: their versions and the side-by-side diff of two, the printable archival
document of one meeting, and a committee's compiled minutes over a period (a year, or from/to dates)."""
from __future__ import annotations

import html
from datetime import date, datetime, time, timedelta, timezone

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from committees.db import db
from committees.errors import DomainError
from committees.models import Meeting
from committees.models.actions import ActionItem
from committees.models.meetings import AgendaItem, AgendaItemStatus
from committees.models.minutes import Minutes, MinutesRevision
from committees.services import minutes as svc
from portal.loaders import committee_or_404
from portal.minutes import bp
from portal.minutes.forms import parse_date, reader_zone
from portal.minutes.views import FULL, _attendance, _by_section, _contents, can, minutes_or_404

MAX_COMPILED = 60


# -- versions --------------------------------------------------------------------------------------

def _versions_page(minutes: Minutes, *, diff=None, a=None, b=None, alert=None, status: int = 200):
    return render_template("minutes/versions.html", minutes=minutes, meeting=minutes.meeting, diff=diff,
                           a=a, b=b, alert=alert, revisions=svc.visible_revisions(current_user, minutes),
                           with_names=can("minutes.view_history", minutes)), status


REVISIONS = (selectinload(Minutes.revisions).selectinload(MinutesRevision.author),)


@bp.route("/meetings/<int:meeting_id>/minutes/versions")
def list_versions(meeting_id: int):
    return _versions_page(minutes_or_404(meeting_id, options=REVISIONS))[0]


def _plain(diff: list[dict]) -> list[dict]:
    """The service escapes the texts for HTML; the template escapes them itself, so undo it here."""
    return [{**section, "rows": [(tag, html.unescape(old), html.unescape(new)) for tag, old, new in section["rows"]]}
            for section in diff]


@bp.route("/meetings/<int:meeting_id>/minutes/versions/compare")
def compare_versions(meeting_id: int):
    minutes = minutes_or_404(meeting_id, options=REVISIONS)
    a, b = request.args.get("a", ""), request.args.get("b", "")
    try:
        shown = svc.visible_revisions(current_user, minutes)
        first, second = svc.revision(minutes, int(a), shown), svc.revision(minutes, int(b), shown)
    except (ValueError, DomainError):
        message = _("Unknown version: choose two of the versions listed.")
        return _versions_page(minutes, a=a, b=b, alert=message, status=400)
    return _versions_page(minutes, diff=_plain(svc.diff_revisions(first, second)), a=first, b=second)[0]


# -- the archival document and compiled minutes ------------------------------------------------------

def _agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, AgendaItem.status == AgendaItemStatus.ACCEPTED)
        .order_by(AgendaItem.position)
        .options(selectinload(AgendaItem.presenter), selectinload(AgendaItem.presenter_organisation))))


@bp.route("/meetings/<int:meeting_id>/minutes/document")
def minutes_document(meeting_id: int):
    minutes = minutes_or_404(meeting_id, options=FULL + REVISIONS)
    meeting = minutes.meeting
    return render_template("minutes/document.html", minutes=minutes, meeting=meeting, committee=meeting.committee,
                           agenda=_agenda(meeting), attendance=_attendance(meeting), **_contents(minutes),
                           revisions=svc.visible_revisions(current_user, minutes),
                           with_names=can("minutes.view_history", minutes))


def _bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """A period of whole days in the reader's time zone, as UTC instants [start, end)."""
    zone = reader_zone()

    def instant(day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=zone).astimezone(timezone.utc)

    return (instant(start) if start else None, instant(end + timedelta(days=1)) if end else None)


def _period(args) -> tuple[date | None, date | None, str | None]:
    """(first day, last day, error) from ?year= or ?from=&to= (YYYY-MM-DD); the current year by default."""
    year, first, last = args.get("year", "").strip(), args.get("from", "").strip(), args.get("to", "").strip()
    if year and (first or last):
        return None, None, _("Choose a year or a period, not both.")
    if year or not (first or last):
        try:
            number = int(year) if year else date.today().year
            return date(number, 1, 1), date(number, 12, 31), None
        except (ValueError, OverflowError):
            return None, None, _("Give the year as four digits, for example %(year)d.", year=date.today().year)
    start, end = parse_date(first) if first else None, parse_date(last) if last else None
    if (first and start is None) or (last and end is None):
        return None, None, _("Give dates as YYYY-MM-DD, for example %(day)s.", day=date.today().isoformat())
    if start and end and start > end:
        return None, None, _("The period ends before it starts.")
    return start, end, None


def _compiled(committee, start: date | None, end: date | None) -> tuple[list[Minutes], bool]:
    """The committee's approved and published minutes of meetings in the period that the reader may read."""
    lower, upper = _bounds(start, end)
    query = (select(Minutes).join(Meeting, Meeting.id == Minutes.meeting_id)
             .where(Minutes.committee_id == committee.id, Minutes.state.in_(svc.FIXED_STATES),
                    Meeting.deleted_at.is_(None))
             .options(contains_eager(Minutes.meeting), *FULL)
             .order_by(Meeting.starts_at, Meeting.id).limit(MAX_COMPILED + 1))
    if lower:
        query = query.where(Meeting.starts_at >= lower)
    if upper:
        query = query.where(Meeting.starts_at < upper)
    rows = [m for m in db.session.scalars(query).unique() if can("minutes.view", m)]
    return rows[:MAX_COMPILED], len(rows) > MAX_COMPILED


def _compiled_actions(rows: list[Minutes]) -> dict[int, list[ActionItem]]:
    decision_ids = [d.id for m in rows for d in m.decisions]
    if not decision_ids:
        return {}
    result: dict[int, list[ActionItem]] = {}
    for item in db.session.scalars(
            select(ActionItem).where(ActionItem.decision_id.in_(decision_ids))
            .options(selectinload(ActionItem.owner_person), selectinload(ActionItem.owner_organisation))
            .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)):
        result.setdefault(item.decision_id, []).append(item)
    return result


@bp.route("/committees/<slug>/minutes/compiled")
def compiled_minutes(slug: str):
    committee = committee_or_404(slug, "meeting.list")
    start, end, error = _period(request.args)
    rows, more = ([], False) if error else _compiled(committee, start, end)
    entries = [{"minutes": m, "decisions": _by_section(m)} for m in rows]
    return render_template("minutes/compiled.html", committee=committee, entries=entries, more=more, start=start,
                           end=end, error=error, args=request.args, actions=_compiled_actions(rows),
                           max_compiled=MAX_COMPILED, today=date.today()), 400 if error else 200
