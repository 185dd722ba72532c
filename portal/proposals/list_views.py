"""Proposal lists: /proposals (across the committees the reader may see) and /committees/<slug>/proposals, each
also as CSV. The pipeline report lives in pipeline_views.py (imported below so the blueprint has its routes).

What a reader sees is committees.proposal_lists.visible_proposals, the SQL twin of the `proposal.view` rule:
drafts only for the author organisation (and the organisations it invited), submitted proposals for the
committee's people and the coordinators. **The public pages are the same two lists read signed out**: the public
sees exactly the proposals of active public committees once forwarded to the City, with the City's response (the
page says so, and offers only those stages); there is no separate /public/... address to keep in step.

Filters (stage, committee, organisation, year, text) and the order come from a GET form whose choices are what
the reader may see; anything else is a 400 with the form as typed. A page is one COUNT and one page of rows with
their committee, organisations and co-sponsors loaded in a fixed number of queries.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _

from committees import lookup
from committees.db import utcnow
from committees.errors import DomainError
from committees.models import Committee
from committees.models.proposals import Proposal
from committees.policy import person_of
from committees.proposal_lists import (ProposalFilter, all_proposals, organisations_with_proposals, page_proposals,
                                       pending_invitations)
from portal.downloads import csv_response
from portal.forms import apply_domain_error
from portal.loaders import committee_or_404, user
from portal.lookup import suggestions_response
from portal.minutes.forms import reader_zone
from portal.paging import page_args
from portal.proposals import bp
from portal.proposals.list_forms import ProposalListForm

PER_PAGE, MAX_PER_PAGE = 25, 100
FILTER_ARGS = ("q", "state", "committee", "organisation", "organisation_id", "year", "sort")
SHOW_ENDPOINT = "proposals.show_proposal"
NEW_ENDPOINT = "proposals.new_proposal"


def proposal_url(proposal_id: int, external: bool = False) -> str | None:
    """The proposal's page (built by the proposal pages' module); None while it does not exist."""
    if SHOW_ENDPOINT not in current_app.view_functions:
        return None
    return url_for(SHOW_ENDPOINT, proposal_id=proposal_id, _external=external)


def new_proposal_url(committee: Committee) -> str | None:
    if NEW_ENDPOINT not in current_app.view_functions:
        return None
    return url_for(NEW_ENDPOINT, slug=committee.slug)


def _form(committee: Committee | None) -> tuple[ProposalListForm, ProposalFilter | None]:
    """The filter form with its choices, and the filter it asks for (None when the input is invalid)."""
    form = ProposalListForm(formdata=request.args).fill_choices(user(), committee, reader_zone())
    if not form.validate():
        return form, None
    try:
        return form, form.wanted()
    except DomainError as error:
        apply_domain_error(form, error)
        return form, None


def _render(committee: Committee | None, form: ProposalListForm, wanted: ProposalFilter | None):
    listing = None
    if wanted is not None:
        listing = page_proposals(user(), wanted, *page_args(PER_PAGE, MAX_PER_PAGE), zone=reader_zone())
    signed_in = person_of(user()) is not None
    return render_template(
        "proposals/list.html", committee=committee, form=form, listing=listing,
        filtered=any(request.args.get(name) for name in FILTER_ARGS if name != "sort"),
        public=not signed_in, today=utcnow().astimezone(reader_zone()).date(), proposal_url=proposal_url,
        new_url=new_proposal_url(committee) if committee is not None else None,
        invitations=pending_invitations(user()) if signed_in and committee is None else [],
        csv_args={k: v for k, v in request.args.items() if k in FILTER_ARGS and v != ""},
    ), 400 if wanted is None else 200


@bp.route("/proposals")
def list_proposals():
    return _render(None, *_form(None))


@bp.route("/committees/<slug>/proposals")
def committee_proposals(slug: str):
    committee = committee_or_404(slug, "committee.view")
    return _render(committee, *_form(committee))


@bp.route("/proposals/organisations.json")
def suggest_organisations():
    """The organisation filter's suggestions: organisations named by proposals the reader sees (`?committee=`:
    in that committee, which the reader must see)."""
    committee = committee_or_404(request.args["committee"], "committee.view") if request.args.get("committee") else None
    return suggestions_response(lookup.suggest_organisations,
                                organisations_with_proposals(user(), committee.id if committee else None))


# -- CSV -------------------------------------------------------------------------------------------------------------

def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(reader_zone()).date().isoformat()
    return value.isoformat()


def csv_rows(proposals: list[Proposal]) -> list[list]:
    return [[p.id, p.title, p.committee.name, p.organisation.name,
             "; ".join(c.organisation.name for c in p.accepted_cosponsors), _(p.state.title),
             _day(p.state_changed_at), _day(p.submitted_at), p.support_count,
             "" if p.budget_eur is None else f"{p.budget_eur:.2f}", p.city_department, _day(p.response_deadline),
             _day(p.city_responded_at), proposal_url(p.id, external=True) or ""] for p in proposals]


def _csv(committee: Committee | None):
    form, wanted = _form(committee)
    if wanted is None:
        return _render(committee, form, None)
    header = [_("ID"), _("Title"), _("Committee"), _("Author organisation"), _("Co-sponsors"), _("Stage"),
              _("Since"), _("Submitted"), _("Supporting organisations"), _("Estimated budget (EUR)"),
              _("City department"), _("Response deadline"), _("City's response on"), _("Page")]
    rows = csv_rows(all_proposals(user(), wanted, reader_zone()))
    name = f"proposals-{committee.slug}" if committee is not None else "proposals"
    return csv_response(header, rows, f"{name}-{utcnow().astimezone(reader_zone()).date().isoformat()}.csv")


@bp.route("/proposals.csv")
def list_proposals_csv():
    return _csv(None)


@bp.route("/committees/<slug>/proposals.csv")
def committee_proposals_csv(slug: str):
    return _csv(committee_or_404(slug, "committee.view"))


from portal.proposals import pipeline_views  # noqa: E402,F401
