"""The decisions register of a committee: searchable, filtered by year and meeting, paged, and as CSV.

A reader sees exactly the decisions of the minutes they may read (committees.decisions); the committee itself
is loaded like every committee page (a committee hidden from the reader is a 404). Bad filters are a 400 with
the message next to the field and everything typed kept.
"""
from __future__ import annotations

from datetime import date

from flask import current_app, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from committees import decisions as register
from committees.errors import DomainError
from committees.models import Committee
from portal.downloads import csv_response
from portal.forms import apply_domain_error
from portal.loaders import committee_or_404, user
from portal.minutes import bp
from portal.minutes.forms import reader_zone
from portal.paging import page_args

PER_PAGE, MAX_PER_PAGE = 25, 100
MINUTES_ENDPOINT = "minutes.show_minutes"
PROPOSAL_ENDPOINT = "proposals.show_proposal"  # linked once proposals exist


class DecisionFilterForm(FlaskForm):
    """Read from the query string (GET, no CSRF: reading changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=register.MAX_QUERY)],
                    description=_l("Words from the decision, or its number."))
    year = SelectField(_l("Year"), choices=[], default="")
    meeting = SelectField(_l("Meeting"), choices=[], default="")


def _form(committee: Committee) -> tuple[DecisionFilterForm, register.DecisionFilter | None]:
    """The filter form with its choices, and the filter it asks for (None when the input is invalid)."""
    form = DecisionFilterForm(formdata=request.args)
    meetings = register.decision_meetings(user(), committee)
    form.year.choices = [SelectChoice("", _("All years"))] + [
        SelectChoice(str(y), str(y)) for y in register.years_of(meetings, reader_zone())]
    form.meeting.choices = [SelectChoice("", _("All meetings"))] + [
        SelectChoice(str(m.id), f"{format_date(m.starts_at)} · {m.title}" if m.starts_at else m.title)
        for m in meetings]
    if not form.validate():
        return form, None
    try:
        wanted = register.DecisionFilter(q=register.clean_query(form.q.data),
                                         year=int(form.year.data) if form.year.data else None,
                                         meeting_id=int(form.meeting.data) if form.meeting.data else None)
    except DomainError as error:
        apply_domain_error(form, error)
        return form, None
    return form, wanted


def minutes_url(meeting_id: int, decision_id: int | None = None) -> str | None:
    """The minutes page (anchored at the decision), once the minutes pages are there."""
    if MINUTES_ENDPOINT not in current_app.view_functions:
        return None
    return url_for(MINUTES_ENDPOINT, meeting_id=meeting_id,
                   _anchor=f"decision-{decision_id}" if decision_id else None)


def proposal_url(decision) -> str | None:
    """The proposal a decision concerns, when the reader may see it (one query per committee and request)."""
    if decision.proposal_id is None or PROPOSAL_ENDPOINT not in current_app.view_functions:
        return None
    from portal.proposals.views import proposal_link

    return proposal_link(decision.proposal_id, decision.committee_id, decision.proposal_visible)


@bp.route("/committees/<slug>/decisions")
def committee_decisions(slug: str):
    committee = committee_or_404(slug, "committee.view")
    page, per_page = page_args(PER_PAGE, MAX_PER_PAGE)
    form, wanted = _form(committee)
    rows, pager = ([], None) if wanted is None else register.page_decisions(
        user(), committee, wanted, page, per_page, reader_zone())
    filtered = wanted is not None and wanted != register.DecisionFilter()
    return render_template("minutes/decisions.html", committee=committee, form=form, rows=rows, pager=pager,
                           filtered=filtered, minutes_url=minutes_url, proposal_url=proposal_url,
                           csv_args={k: v for k, v in request.args.items() if k in ("q", "year", "meeting")}
                           ), 400 if wanted is None else 200


def _csv_rows(rows: list[register.DecisionRow]) -> list[list[str]]:
    zone = reader_zone()
    result = []
    for row in rows:
        meeting = row.meeting
        day = meeting.starts_at.astimezone(zone).date().isoformat() if meeting.starts_at else ""
        result.append([row.decision.number, day, meeting.title, row.item_title, row.decision.text,
                       _(row.minutes_state.title),
                       url_for("meetings.show_meeting", meeting_id=meeting.id, _external=True)])
    return result


@bp.route("/committees/<slug>/decisions.csv")
def committee_decisions_csv(slug: str):
    committee = committee_or_404(slug, "committee.view")
    form, wanted = _form(committee)
    if wanted is None:
        return render_template("minutes/decisions.html", committee=committee, form=form, rows=[], pager=None,
                               filtered=True, minutes_url=minutes_url, proposal_url=proposal_url,
                               csv_args={}), 400
    header = [_("Number"), _("Date"), _("Meeting"), _("Agenda item"), _("Decision"), _("Minutes"), _("Meeting page")]
    rows = register.all_decisions(user(), committee, wanted, reader_zone())
    return csv_response(header, _csv_rows(rows), f"decisions-{committee.slug}-{date.today().isoformat()}.csv")
