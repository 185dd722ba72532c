"""Proposals: lists (filters as on the web), one proposal with co-sponsors and versions, and its transitions
(POST /proposals/<id>/transitions, through committees.services.proposals.transition_proposal)."""
from __future__ import annotations

import json

import marshmallow as ma
from flask import url_for

from committees import policy, proposal_lists
from committees.db import db
from committees.models import (
    AgendaItem,
    CosponsorStatus,
    Decision,
    Meeting,
    Proposal,
    ProposalState,
)
from committees.safeguarding import MAX_REASON
from committees.services import proposals as svc
from committees.workflow import PROPOSAL_TRANSITIONS, available
from portal.api import bp
from portal.api.auth import caller, caller_zone, require_person
from portal.api.bodies import committee_or_404
from portal.api.errors import fail, not_found
from portal.api.paging import PageArgs, page_body, page_schema
from portal.api.schemas import CommitteeRef, OrganisationRef, PersonRef, PublicText, enum_field

F = ma.fields
TAG = ["Proposals"]
ID = ma.validate.Range(1, 2**31 - 1)


class Cosponsor(ma.Schema):
    organisation = F.Nested(OrganisationRef, required=True)
    status = enum_field(CosponsorStatus, required=True)


class ProposalSummary(ma.Schema):
    id = F.Integer(required=True)
    committee = F.Nested(CommitteeRef, required=True)
    organisation = F.Nested(OrganisationRef, required=True, metadata={"description": "The author organisation."})
    title = F.String(required=True)
    summary = PublicText(required=True)
    state = enum_field(ProposalState, required=True)
    state_changed_at = F.DateTime(required=True)
    submitted_at = F.DateTime(allow_none=True, required=True)
    support_count = F.Integer(required=True)
    cosponsors = F.List(F.Nested(Cosponsor), required=True)
    url = F.String(required=True)


class VersionOut(ma.Schema):
    number = F.Integer(required=True)
    note = F.String(required=True)
    author = F.Nested(PersonRef, allow_none=True, required=True)
    created_at = F.DateTime(required=True)
    text = F.Dict(keys=F.String(), values=PublicText(), required=True,
                  metadata={"description": "The text of each part at this version."})


class ProposalDetail(ProposalSummary):
    body_html = PublicText(required=True)
    target_group = PublicText(required=True)
    expected_impact = PublicText(required=True)
    budget_eur = F.String(allow_none=True, required=True, metadata={
        "description": "Euros, as a decimal string (\"12500.00\"), exact.", "pattern": r"^-?\d+(\.\d+)?$"})
    timeframe = PublicText(required=True)
    state_reason = F.String(required=True)
    decided_at = F.DateTime(allow_none=True, required=True)
    forwarded_at = F.DateTime(allow_none=True, required=True)
    city_department = F.String(required=True)
    response_deadline = F.Date(allow_none=True, required=True)
    city_reply_html = F.String(required=True)
    current_version = F.Integer(required=True)
    versions = F.List(F.Nested(VersionOut), required=True)
    transitions = F.List(F.String(), required=True,
                         metadata={"description": "The steps the caller may take now (POST .../transitions)."})
    links = F.Dict(keys=F.String(), values=F.String(), required=True)


class ProposalArgs(PageArgs):
    state = F.String(load_default="", validate=ma.validate.OneOf(proposal_lists.STATE_FILTERS),
                     metadata={"description": "A state, or a group: in_committee, with_city, adopted, public."})
    organisation = F.Integer(load_default=None, validate=ID,
                             metadata={"description": "Filed or co-sponsored by this organisation."})
    year = F.Integer(load_default=None, validate=ma.validate.Range(1900, 9998))
    q = F.String(load_default="", validate=ma.validate.Length(max=200))
    sort = F.String(load_default="newest", validate=ma.validate.OneOf(proposal_lists.SORTS))


class TransitionIn(ma.Schema):
    transition = F.String(required=True, validate=ma.validate.OneOf(list(PROPOSAL_TRANSITIONS)))
    reason = F.String(load_default="", validate=ma.validate.Length(max=5000))
    agenda_item_id = F.Integer(load_default=None, validate=ID, metadata={"description": "put_on_agenda"})
    meeting_id = F.Integer(load_default=None, validate=ID, metadata={"description": "put_on_agenda"})
    decision_id = F.Integer(load_default=None, validate=ID, metadata={"description": "endorse, decline"})
    department = F.String(load_default="", validate=ma.validate.Length(max=300), metadata={"description": "forward"})
    response_deadline = F.Date(load_default=None, metadata={"description": "forward"})
    reply = F.String(load_default="", validate=ma.validate.Length(max=20000),
                     metadata={"description": "adopt, adopt_in_part, not_adopt"})
    safeguarding_reason = F.String(load_default=None, validate=ma.validate.Length(max=MAX_REASON), metadata={
        "description": "submit: why text that looks like a beneficiary's personal data must stay (see the "
                       "personal_data_suspected error); audited."})


def proposal_or_404(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not policy.can(caller(), "proposal.view", proposal):
        not_found()
    return proposal


def _summary(p: Proposal) -> dict:
    return {"id": p.id, "committee": p.committee, "organisation": p.organisation, "title": p.title,
            "summary": p.summary, "state": p.state, "state_changed_at": p.state_changed_at,
            "submitted_at": p.submitted_at, "support_count": p.support_count,
            "cosponsors": [c for c in p.cosponsors if c.status != CosponsorStatus.DECLINED],
            "url": url_for("api.get_proposal", proposal_id=p.id)}


def _version(v) -> dict:
    try:
        text = {part["section_id"]: part["text"] for part in json.loads(v.snapshot)}
    except (ValueError, TypeError, KeyError):
        text = {}
    return {"number": v.number, "note": v.note, "author": v.author, "created_at": v.created_at, "text": text}


def _page(wanted: proposal_lists.ProposalFilter, page: int, per_page: int) -> dict:
    result = proposal_lists.page_proposals(caller(), wanted, page, per_page, caller_zone())
    return page_body([_summary(p) for p in result.items], page, per_page, result.total)


@bp.route("/proposals", tags=TAG)
@bp.arguments(ProposalArgs, location="query", as_kwargs=True)
@bp.response(200, page_schema(ProposalSummary, "ProposalPage"))
def list_proposals(page: int, per_page: int, **filters):
    """Proposals the caller may see, across committees (the public: forwarded ones of public committees)."""
    return _page(proposal_lists.ProposalFilter(organisation_id=filters.pop("organisation"), **filters),
                 page, per_page)


@bp.route("/committees/<slug>/proposals", tags=TAG)
@bp.arguments(ProposalArgs, location="query", as_kwargs=True)
@bp.response(200, page_schema(ProposalSummary, "ProposalPage"))
def list_committee_proposals(slug: str, page: int, per_page: int, **filters):
    """A committee's proposals that the caller may see."""
    committee = committee_or_404(slug)
    return _page(proposal_lists.ProposalFilter(committee_id=committee.id, organisation_id=filters.pop("organisation"),
                                               **filters), page, per_page)


@bp.route("/proposals/<int:proposal_id>", tags=TAG)
@bp.response(200, ProposalDetail)
def get_proposal(proposal_id: int):
    """One proposal with its co-sponsors, its versions and the steps the caller may take."""
    return _detail(proposal_or_404(proposal_id))


def _detail(p: Proposal) -> dict:
    body = _summary(p)
    body.update(body_html=p.body_html, target_group=p.target_group, expected_impact=p.expected_impact,
                budget_eur=None if p.budget_eur is None else str(p.budget_eur), timeframe=p.timeframe,
                state_reason=p.state_reason, decided_at=p.decided_at,
                forwarded_at=p.forwarded_at, city_department=p.city_department,
                response_deadline=p.response_deadline, city_reply_html=p.city_reply_html,
                current_version=p.current_version, versions=[_version(v) for v in p.versions],
                transitions=[t.name for t in available(PROPOSAL_TRANSITIONS, p.state)
                             if policy.can(caller(), t.action, p)],
                links={"page": url_for("proposals.show_proposal", proposal_id=p.id)})
    return body


def _load(model, object_id: int | None, field: str):
    if object_id is None:
        return None
    obj = db.session.get(model, object_id)
    if obj is None:
        fail(422, "invalid_input", f"Unknown {field}.")
    return obj


@bp.route("/proposals/<int:proposal_id>/transitions", methods=["POST"], tags=TAG)
@bp.arguments(TransitionIn)
@bp.response(200, ProposalDetail)
def post_proposal_transition(data: dict, proposal_id: int):
    """Take a step of the proposal workflow (submit, start_review, return, put_on_agenda, endorse, forward, …):
    who may, and from which states, as on the proposal page. A write token is needed."""
    person = require_person()
    proposal = proposal_or_404(proposal_id)
    svc.transition_proposal(
        person, proposal, data["transition"], reason=data["reason"],
        agenda_item=_load(AgendaItem, data["agenda_item_id"], "agenda item"),
        meeting=_load(Meeting, data["meeting_id"], "meeting"),
        decision=_load(Decision, data["decision_id"], "decision"), department=data["department"],
        response_deadline=data["response_deadline"], reply=data["reply"],
        safeguarding_reason=data["safeguarding_reason"])
    db.session.commit()
    return _detail(proposal_or_404(proposal_id))
