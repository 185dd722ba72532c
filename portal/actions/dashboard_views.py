"""The action dashboard on the web: one page with a summary and per-committee charts (view=overview) or one of
four tables (view=overdue, due_soon, by_committee, by_organisation), and the same tables as CSV.

Who: `dashboard.view` — coordinators and admins see every committee, co-chairs the committees they co-chair
(a filter naming another committee is a 403, an unknown one a 404), everyone else 403 (the public signs in).
Filters come from a GET form (committee, organisation, status, priority, owner); each table has its own
allow-listed `sort`/`dir` and `page`/`per_page`. Every figure is computed in SQL by committees.dashboard; the
charts are inline SVG drawn here (no scripts, no style attributes), with the same numbers as a table.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo
from zoneinfo import ZoneInfo

from flask import abort, current_app, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from sqlalchemy import select

from committees import dashboard as dash
from committees import lookup
from committees.db import db, utcnow
from committees.models import Committee
from committees.paging import Pager
from portal.actions import bp
from portal.actions.dashboard_forms import DashboardFilterForm
from portal.downloads import csv_response
from portal.charts import Bar, grouped_bars
from portal.loaders import ensure, user
from portal.lookup import suggestions_response
from portal.paging import page_args

VIEWS = ("overview", "overdue", "due_soon", "by_committee", "by_organisation")
CSV_TABLES = ("overdue", "due_soon", "by_committee", "by_organisation", "quarters")
PER_PAGE, MAX_PER_PAGE = 25, 100
CHARTS_PER_PAGE, MAX_CHARTS = 12, 60


@dataclass
class Board:
    """What every dashboard request reads first: who sees what, the filter form, the reader's day."""

    scope: dash.Scope
    committees: list
    form: DashboardFilterForm
    filters: dash.Filters | None
    today: date
    zone: tzinfo


def _committee_asked(committees: list) -> None:
    """A committee filter naming a committee not on this dashboard: 404 if none exists, else 403."""
    slug = request.args.get("committee", "")
    if not slug or any(c.slug == slug for c in committees):
        return
    committee = db.session.scalars(select(Committee).where(Committee.slug == slug)).first()
    if committee is None:
        abort(404)
    ensure("dashboard.view", committee)
    abort(403)


def _board() -> Board:
    ensure("dashboard.view")
    scope = dash.scope_for(user())
    committees = dash.scope_committees(scope)
    _committee_asked(committees)
    form = DashboardFilterForm(formdata=request.args).fill_choices(committees, dash.scope_organisations(scope),
                                                                  scope.everything)
    filters = form.filters({c.slug: c.id for c in committees}) if form.validate() else None
    zone = ZoneInfo(str(get_timezone() or "UTC"))
    return Board(scope, committees, form, filters, utcnow().astimezone(zone).date(), zone)


def _choice(name: str, allowed, default: str) -> str:
    value = request.args.get(name) or default
    if value not in allowed:
        abort(400)
    return value


def _sort(table: str) -> tuple[str, bool]:
    if table in dash.ITEM_LISTS:
        sort = _choice("sort", dash.ITEM_SORTS, "due")
    else:
        sort = _choice("sort", dash.BREAKDOWN_SORTS, "name")
    return sort, _choice("dir", ("asc", "desc"), "asc") == "desc"


def _table(table: str, board: Board, page: int, per_page: int | None) -> dash.Page:
    sort, descending = _sort(table)
    args = dict(sort=sort, descending=descending, page=page, per_page=per_page)
    if table in dash.ITEM_LISTS:
        return dash.list_items(table, board.scope, board.filters, board.today, **args)
    breakdown = dash.by_committee if table == "by_committee" else dash.by_organisation
    return breakdown(board.scope, board.filters, board.today, **args)


# -- URLs kept with the filters ------------------------------------------------------------------

def dash_url(**changes) -> str:
    """This dashboard with the current arguments, `changes` applied (None removes one); back to page 1."""
    args = {k: v for k, v in request.args.items() if v != "" and k != "page"}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for("actions.dashboard", **args)


def csv_url(table: str) -> str:
    args = {k: v for k, v in request.args.items() if v != "" and k not in ("page", "per_page", "view")}
    return url_for("actions.dashboard_csv", table=table, **args)


def item_url(item_id: int) -> str | None:
    """The item's page once the actions pages exist, else None (the title is shown as text)."""
    if "actions.show_action" in current_app.view_functions:
        return url_for("actions.show_action", item_id=item_id)
    return None


# -- the charts ----------------------------------------------------------------------------------

WIDTH, HEIGHT = 320, 170


@dataclass(frozen=True)
class Chart:
    committee: object
    points: list
    bars: list[Bar]
    ticks: list  # (x, label)
    baseline: float


def chart(committee, points: list[dash.QuarterPoint]) -> Chart:
    """Per quarter, completed then overdue, in a WIDTH × HEIGHT box."""
    bars, ticks, baseline = grouped_bars(
        [(p.quarter.label, [("completed", p.completed), ("overdue", p.overdue)]) for p in points], (WIDTH, HEIGHT),
        bar_share=0.3, gap_share=0.06)
    return Chart(committee, points, bars, ticks, baseline)


def _charts(board: Board, page: int, per_page: int) -> tuple[list[Chart], Pager]:
    shown = [c for c in board.committees if board.filters.committee_id in (None, c.id)]
    on_page = shown[(page - 1) * per_page:page * per_page]
    series = dash.quarter_series(board.scope, board.filters, board.today, [c.id for c in on_page], tz=board.zone)
    return [chart(c, series[c.id]) for c in on_page], Pager(page, per_page, len(shown))


# -- the page ------------------------------------------------------------------------------------

def _render(board: Board, view: str, status: int = 200, **context):
    owner = board.form.owner.data if board.filters else None
    return render_template(
        "actions/dashboard.html", board=board, view=view, views=VIEWS, dash_url=dash_url, csv_url=csv_url,
        item_url=item_url, owner_name=dash.owner_name(board.scope, owner) if owner else None,
        chart_box=(WIDTH, HEIGHT), **context), status


@bp.route("/dashboard/organisations.json")
def suggest_dashboard_organisations():
    """The organisation filter's suggestions: organisations in the reader's dashboard scope."""
    ensure("dashboard.view")
    return suggestions_response(lookup.suggest_organisations, dash.scope_organisations(dash.scope_for(user())))


@bp.route("/dashboard")
def dashboard():
    board = _board()
    view = _choice("view", VIEWS, "overview")
    if board.filters is None:
        return _render(board, view, 400)
    totals = dash.status_counts(board.scope, board.filters, board.today)
    if view == "overview":
        charts, pager = _charts(board, *page_args(CHARTS_PER_PAGE, MAX_CHARTS))
        return _render(board, view, totals=totals, charts=charts, chart_pager=pager)
    sort, descending = _sort(view)
    table = _table(view, board, *page_args(PER_PAGE, MAX_PER_PAGE))
    return _render(board, view, totals=totals, table=table, sort=sort, descending=descending)


# -- CSV -----------------------------------------------------------------------------------------

def _item_rows(page: dash.Page, today: date) -> tuple[list, list]:
    header = [_("ID"), _("Title"), _("Committee"), _("Owner"), _("Organisation"), _("Due"), _("Days overdue"),
              _("Priority"), _("Status")]
    return header, [[r.id, r.title, r.committee_name, r.owner_name or "", r.organisation_name or "",
                     r.due_on.isoformat() if r.due_on else "", r.days_late(today), _(r.priority.title),
                     _(r.status.title)] for r in page.rows]


def _breakdown_rows(page: dash.Page, label: str) -> tuple[list, list]:
    header = [label, _("Open"), _("Overdue"), _("Due in 14 days"), _("Done"), _("Total")]
    return header, [[r.name if r.name is not None else _("No organisation"), r.open, r.overdue, r.due_soon,
                     r.done, r.total] for r in page.rows]


def _quarter_rows(board: Board) -> tuple[list, list]:
    charts, _pager = _charts(board, 1, max(1, len(board.committees)))
    rows = [[c.committee.name, p.quarter.label, p.completed, p.overdue] for c in charts for p in c.points]
    return [_("Committee"), _("Quarter"), _("Completed"), _("Overdue")], rows


def _csv_content(table: str, board: Board) -> tuple[list, list]:
    if table == "quarters":
        return _quarter_rows(board)
    page = _table(table, board, 1, None)
    if table in dash.ITEM_LISTS:
        return _item_rows(page, board.today)
    return _breakdown_rows(page, _("Committee") if table == "by_committee" else _("Organisation"))


@bp.route("/dashboard/<table>.csv")
def dashboard_csv(table: str):
    if table not in CSV_TABLES:
        abort(404)
    board = _board()
    if board.filters is None:
        abort(400)
    header, rows = _csv_content(table, board)
    return csv_response(header, rows, f"actions-{table.replace('_', '-')}-{board.today.isoformat()}.csv")
