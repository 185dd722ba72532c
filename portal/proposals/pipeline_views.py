"""The proposals pipeline report: GET /proposals/pipeline and its tables as CSV (/proposals/pipeline/<table>.csv,
table = stages | years).

Who: `proposal.report` — coordinators and admins see every committee, co-chairs the committees they co-chair
(a committee filter naming another committee is a 403, an unknown one a 404); everyone else 403, the public signs
in. The figures come from committees.proposal_lists.pipeline_report: submitted proposals now in each stage per
committee, the median days spent in each stage (finished stays only), and per year (reader's time zone) how many
were forwarded to the City and what it answered. The per-year figures are also drawn as an inline SVG (no script,
no style attribute; colours from static/css/proposals.css, the not-adopted bars dashed too), with the same numbers
in a table next to it.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from committees.db import db, utcnow
from committees.models import Committee
from committees.proposal_lists import PipelineReport, YearFigures, pipeline_report, report_scope
from portal.charts import Bar, grouped_bars
from portal.loaders import ensure, user
from portal.minutes.forms import reader_zone
from portal.proposals import bp
from portal.proposals.list_forms import PipelineFilterForm
from portal.downloads import csv_response

TABLES = ("stages", "years")
CHART_YEARS = 10


def _scope_committees() -> tuple[list[Committee], bool]:
    """The committees the reader reports on (by name) and whether that is every committee."""
    scope = report_scope(user())
    stmt = select(Committee).order_by(Committee.name)
    if scope is not None:
        stmt = stmt.where(Committee.id.in_(scope))
    return list(db.session.scalars(stmt)), scope is None


def _report() -> tuple[PipelineReport, PipelineFilterForm, Committee | None]:
    ensure("proposal.report")
    committees, everything = _scope_committees()
    form = PipelineFilterForm(formdata=request.args).fill_choices(committees, everything)
    chosen = None
    slug = request.args.get("committee", "")
    if slug:
        chosen = next((c for c in committees if c.slug == slug), None)
        if chosen is None:
            if db.session.scalars(select(Committee.id).where(Committee.slug == slug)).first() is None:
                abort(404)
            abort(403)
    report = pipeline_report(user(), chosen.id if chosen else None, reader_zone())
    return report, form, chosen


# -- the chart -------------------------------------------------------------------------------------------------------

WIDTH, HEIGHT = 480, 200
SERIES = ("forwarded", "adopted", "not_adopted")


@dataclass(frozen=True)
class Chart:
    years: list[YearFigures]  # oldest first
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    baseline: float
    box: tuple[int, int] = (WIDTH, HEIGHT)


def _values(figures: YearFigures) -> dict[str, int]:
    return {"forwarded": figures.forwarded, "adopted": figures.adopted + figures.adopted_in_part,
            "not_adopted": figures.not_adopted}


def year_chart(years: list[YearFigures]) -> Chart:
    """Bars in a WIDTH × HEIGHT box: per year (the last CHART_YEARS, oldest first) forwarded, adopted (in full or
    in part) and not adopted, scaled to the tallest."""
    shown = sorted(years, key=lambda y: y.year)[-CHART_YEARS:]
    bars, ticks, baseline = grouped_bars([(str(y.year), list(_values(y).items())) for y in shown], (WIDTH, HEIGHT),
                                         bar_share=0.24, gap_share=0.03, max_bar=40)
    return Chart(shown, bars, ticks, baseline)


# -- the page and the CSV --------------------------------------------------------------------------------------------

@bp.route("/proposals/pipeline")
def show_pipeline():
    report, form, chosen = _report()
    return render_template("proposals/pipeline.html", report=report, form=form, chosen=chosen,
                           chart=year_chart(report.years) if report.years else None)


def _stage_rows(report: PipelineReport) -> list[list]:
    rows = []
    everyone = _("All committees")
    for state in report.states:
        rows.append([everyone, _(state.title), report.totals.get(state, 0), report.median_days.get(state, "")])
    for committee in report.committees:
        counts = report.counts.get(committee.id, {})
        medians = report.median_days_by_committee.get(committee.id, {})
        for state in report.states:
            rows.append([committee.name, _(state.title), counts.get(state, 0), medians.get(state, "")])
    return rows


@bp.route("/proposals/pipeline/<table>.csv")
def pipeline_csv(table: str):
    if table not in TABLES:
        abort(404)
    report, _form, chosen = _report()
    if table == "stages":
        header = [_("Committee"), _("Stage"), _("Proposals now in it"), _("Median days in the stage")]
        rows = _stage_rows(report)
    else:
        header = [_("Year"), _("Forwarded to the City"), _("Adopted"), _("Adopted in part"), _("Not adopted")]
        rows = [[y.year, y.forwarded, y.adopted, y.adopted_in_part, y.not_adopted] for y in report.years]
    name = f"proposals-pipeline-{table}" + (f"-{chosen.slug}" if chosen else "")
    return csv_response(header, rows, f"{name}-{utcnow().astimezone(reader_zone()).date().isoformat()}.csv")
