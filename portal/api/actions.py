"""Action items: a committee's list (filters as on the web), the caller's own, one item with its updates, and the
owners' writes: PATCH the status (with a note) and POST progress updates."""
from __future__ import annotations

from datetime import datetime

import marshmallow as ma
from flask import url_for

from committees import action_lists, policy
from committees.db import db
from committees.models import ActionItem, ActionPriority, ActionStatus
from committees.services import actions as svc
from portal.api import bp
from portal.api.auth import caller, caller_zone, ensure, require_person
from portal.api.bodies import committee_or_404
from portal.api.errors import not_found
from portal.api.paging import PageArgs, page_body, page_schema
from portal.api.schemas import CommitteeRef, OrganisationRef, PersonRef, enum_field

F = ma.fields
TAG = ["Action items"]
ID = ma.validate.Range(1, 2**31 - 1)


class ActionSummary(ma.Schema):
    id = F.Integer(required=True)
    committee = F.Nested(CommitteeRef, required=True)
    title = F.String(required=True)
    status = enum_field(ActionStatus, required=True)
    priority = enum_field(ActionPriority, required=True)
    due_on = F.Date(allow_none=True, required=True)
    overdue = F.Boolean(required=True)
    owner_person = F.Nested(PersonRef, allow_none=True, required=True)
    owner_organisation = F.Nested(OrganisationRef, allow_none=True, required=True)
    updated_at = F.DateTime(required=True)
    url = F.String(required=True)


class UpdateOut(ma.Schema):
    id = F.Integer(required=True)
    author = F.Nested(PersonRef, allow_none=True, required=True)
    note = F.String(required=True)
    old_status = enum_field(ActionStatus, allow_none=True, required=True)
    new_status = enum_field(ActionStatus, allow_none=True, required=True)
    created_at = F.DateTime(required=True)


class ActionDetail(ActionSummary):
    description_html = F.String(required=True)
    meeting_id = F.Integer(allow_none=True, required=True)
    decision_id = F.Integer(allow_none=True, required=True)
    proposal_id = F.Integer(allow_none=True, required=True)
    closed_at = F.DateTime(allow_none=True, required=True)
    version = F.Integer(required=True)
    updates = F.List(F.Nested(UpdateOut), required=True)
    may_update = F.Boolean(required=True, metadata={"description": "Whether the caller may post updates."})


class CommitteeActionArgs(PageArgs):
    status = F.String(load_default=action_lists.STATUS_OPEN, validate=ma.validate.OneOf(action_lists.STATUS_FILTERS),
                      metadata={"description": "active (not finished), overdue, all, or one status."})
    organisation = F.Integer(load_default=None, validate=ID, metadata={"description": "Owner organisation."})
    priority = enum_field(ActionPriority, load_default=None)
    due_after = F.Date(load_default=None)
    due_before = F.Date(load_default=None)
    q = F.String(load_default="", validate=ma.validate.Length(max=200), metadata={"description": "In the title."})
    sort = F.String(load_default="due", validate=ma.validate.OneOf(action_lists.SORTS))


class MyActionArgs(PageArgs):
    owner = F.String(load_default="me", validate=ma.validate.OneOf(["me", "organisation"]),
                     metadata={"description": "Assigned to me, or to my organisation."})
    status = F.String(load_default=action_lists.STATUS_OPEN,
                      validate=ma.validate.OneOf([action_lists.STATUS_OPEN, "done", action_lists.STATUS_ALL]))


class StatusIn(ma.Schema):
    status = enum_field(ActionStatus, required=True)
    note = F.String(load_default="", validate=ma.validate.Length(max=10_000),
                    metadata={"description": "Why (needed to cancel)."})


class UpdateIn(ma.Schema):
    note = F.String(load_default="", validate=ma.validate.Length(max=10_000))
    status = enum_field(ActionStatus, load_default=None, metadata={"description": "Optionally move the status."})


def _today():
    return datetime.now(caller_zone()).date()


def _summary(item: ActionItem, today) -> dict:
    overdue = bool(item.due_on and item.due_on < today and item.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS,
                                                                          ActionStatus.BLOCKED))
    return {"id": item.id, "committee": item.committee, "title": item.title, "status": item.status,
            "priority": item.priority, "due_on": item.due_on, "overdue": overdue, "owner_person": item.owner_person,
            "owner_organisation": item.owner_organisation, "updated_at": item.updated_at,
            "url": url_for("api.get_action", item_id=item.id)}


def _detail(item: ActionItem) -> dict:
    body = _summary(item, _today())
    body.update(description_html=item.description_html, meeting_id=item.meeting_id, decision_id=item.decision_id,
                proposal_id=item.proposal_id, closed_at=item.closed_at, version=item.version, updates=item.updates,
                may_update=policy.can(caller(), "action.update", item))
    return body


def action_or_404(item_id: int) -> ActionItem:
    """An item the caller may see; 401 for the public, 404 for those who may not see it."""
    item = db.session.get(ActionItem, item_id)
    if item is None:
        not_found()
    if not policy.can(caller(), "action.view", item):
        require_person()
        not_found()
    return item


@bp.route("/committees/<slug>/actions", tags=TAG)
@bp.arguments(CommitteeActionArgs, location="query", as_kwargs=True)
@bp.response(200, page_schema(ActionSummary, "ActionPage"))
def list_committee_actions(slug: str, page: int, per_page: int, organisation, **filters):
    """A committee's action items (its members and the coordinators), sorted stably."""
    committee = committee_or_404(slug)
    ensure("action.view", committee)
    today = _today()
    wanted = action_lists.ActionFilter(organisation_id=organisation, **filters)
    result = action_lists.list_actions_for_committee(committee.id, wanted, today, page, per_page)
    return page_body([_summary(i, today) for i in result.items], page, per_page, result.total)


@bp.route("/me/actions", tags=TAG)
@bp.arguments(MyActionArgs, location="query", as_kwargs=True)
@bp.response(200, page_schema(ActionSummary, "ActionPage"))
def list_my_actions(page: int, per_page: int, owner: str, status: str):
    """Items assigned to the caller, or to the caller's organisation: overdue first, then by due date."""
    me = require_person()
    today = _today()
    if owner == "organisation":
        if me.organisation_id is None:
            return page_body([], page, per_page, 0)
        result = action_lists.list_actions_for_organisation(me.organisation_id, status, today, page, per_page)
    else:
        result = action_lists.list_actions_for_person(me.id, status, today, page, per_page)
    return page_body([_summary(i, today) for i in result.items], page, per_page, result.total)


@bp.route("/actions/<int:item_id>", tags=TAG)
@bp.response(200, ActionDetail)
def get_action(item_id: int):
    """One action item with its history of updates."""
    return _detail(action_or_404(item_id))


def _updater(item: ActionItem):
    ensure("action.update", item)  # 401 for the public, 403 (audited) for a person who may not
    return require_person()


def _post(item: ActionItem, note: str, status) -> None:
    svc.post_update(_updater(item), item, note, status, reason=note)
    db.session.commit()


@bp.route("/actions/<int:item_id>", methods=["PATCH"], tags=TAG)
@bp.arguments(StatusIn)
@bp.response(200, ActionDetail)
def patch_action(data: dict, item_id: int):
    """Move the status (owners, their organisation's people, co-chairs, coordinators), through the allowed steps;
    cancelling needs a note. The same status again changes nothing."""
    item = action_or_404(item_id)
    _updater(item)
    if data["status"] != item.status or data["note"].strip():
        _post(item, data["note"], data["status"])
    return _detail(action_or_404(item_id))


@bp.route("/actions/<int:item_id>/updates", methods=["POST"], tags=TAG)
@bp.arguments(UpdateIn)
@bp.response(201, ActionDetail)
def post_action_update(data: dict, item_id: int):
    """A progress note, optionally moving the status."""
    item = action_or_404(item_id)
    _post(item, data["note"], data["status"])
    return _detail(action_or_404(item_id))
