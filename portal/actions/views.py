"""Action items on the web: the committee's list, creating (directly or from a decision), the item's page with
its history and the progress-update form, editing with a version, and "my action items".

Who may do what comes from the policy: action.view (the committee's members and coordinators, and whoever may
update the item), action.create on the committee (co-chairs and coordinators: create and edit), action.update on
the item (its owner person, the people of its owner organisation, co-chairs, coordinators: progress updates).
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from committees import action_lists, policy
from committees.db import db, utcnow
from committees.errors import DomainError
from committees.models import Committee, Meeting
from committees.models.actions import ActionItem, ActionStatus, ActionUpdate
from committees.models.minutes import Decision
from committees.services import actions as svc
from portal.actions import bp
from portal.actions.forms import EditActionForm, ListFilterForm, NewActionForm, UpdateForm
from portal.forms import apply_domain_error
from portal.loaders import committee_or_404, ensure, load_or_404, user
from portal.paging import page_args

PER_PAGE = 25
MAX_PER_PAGE = 100
MY_TABS = ("me", "organisation")
MY_SHOW = {"open": action_lists.STATUS_OPEN, "done": "done", "all": action_lists.STATUS_ALL}

def today():
    """Today in the reader's time zone (an item is overdue from the day after its due date)."""
    return utcnow().astimezone(get_timezone()).date()


def _authorise_view(committee: Committee, obj) -> None:
    """action.view on `obj`; a private committee's items are not even revealed (404) to signed-in people who
    may not see them (the public is sent to sign in, as for meetings)."""
    if policy.can(user(), "action.view", obj):
        return
    if policy.person_of(user()) is not None and not (committee.is_public and committee.active):
        abort(404)
    ensure("action.view", obj)


def _committee(slug: str) -> Committee:
    committee = committee_or_404(slug, "committee.view")
    _authorise_view(committee, committee)
    return committee


def item_or_404(item_id: int, action: str = "action.view") -> ActionItem:
    item = load_or_404(ActionItem, item_id)
    _authorise_view(item.committee, item)
    if action == "action.create":
        ensure(action, item.committee)
    elif action != "action.view":
        ensure(action, item)
    return item


# -- lists ---------------------------------------------------------------------------------------

@bp.route("/committees/<slug>/actions")
def committee_actions(slug: str):
    committee = _committee(slug)
    page, per_page = page_args(PER_PAGE, MAX_PER_PAGE)
    form = ListFilterForm(formdata=request.args).fill_choices(committee.id)
    if not form.validate():
        return render_template("actions/committee.html", committee=committee, form=form, page=None,
                               today=today()), 400
    listing = action_lists.list_actions_for_committee(committee.id, form.wanted(), today(), page, per_page)
    return render_template("actions/committee.html", committee=committee, form=form, page=listing, today=today())


@bp.route("/my/actions")
@login_required
def my_actions():
    me = policy.person_of(user())
    if me is None:
        abort(403)
    page, per_page = page_args(PER_PAGE, MAX_PER_PAGE)
    tab, show = request.args.get("tab", "me"), request.args.get("show", "open")
    if tab not in MY_TABS or show not in MY_SHOW:
        abort(400)
    day = today()
    if tab == "me":
        listing = action_lists.list_actions_for_person(me.id, MY_SHOW[show], day, page, per_page)
    elif me.organisation_id:
        listing = action_lists.list_actions_for_organisation(me.organisation_id, MY_SHOW[show], day, page, per_page)
    else:
        listing = None
    return render_template("actions/mine.html", me=me, tab=tab, show=show, page=listing, today=day,
                           counts=action_lists.counts_for(me.id, me.organisation_id, day))


# -- creating --------------------------------------------------------------------------------------

def _decision(committee: Committee) -> Decision | None:
    """The decision named by ?decision=<id>: it must be this committee's (else 404)."""
    raw = request.args.get("decision", "")
    if not raw:
        return None
    if not raw.isdigit():
        abort(404)
    decision = db.session.get(Decision, int(raw))
    if decision is None or decision.committee_id != committee.id:
        abort(404)
    return decision


def _new_page(committee: Committee, form: NewActionForm, decision: Decision | None, status: int = 200):
    return render_template("actions/new.html", committee=committee, form=form, decision=decision,
                           decision_visible=decision is not None
                           and policy.can(user(), "minutes.view", decision.minutes)), status


@bp.route("/committees/<slug>/actions/new", methods=["GET", "POST"])
def new_action(slug: str):
    committee = committee_or_404(slug, "action.create")
    decision = _decision(committee)
    form = NewActionForm().fill_choices(committee.id)
    if not form.is_submitted() and request.args.get("meeting", "").isdigit():
        form.meeting_id.data = int(request.args["meeting"])  # kept only if it is one of the choices
        if not any(choice.selected for choice in form.meeting_id.iter_choices()):
            form.meeting_id.data = None
    if not form.validate_on_submit():
        return _new_page(committee, form, decision, 400 if form.is_submitted() else 200)
    meeting = db.session.get(Meeting, form.meeting_id.data) if form.meeting_id.data and not decision else None
    try:
        item = svc.create_action(user(), committee, decision=decision, meeting=meeting, **form.values())
        if form.status.data != ActionStatus.OPEN.value:
            svc.post_update(user(), item, "", form.status.data)
    except DomainError as error:
        db.session.rollback()
        committee = db.session.get(Committee, committee.id)
        decision = db.session.get(Decision, decision.id) if decision is not None else None
        apply_domain_error(form, error)
        return _new_page(committee, form, decision, error.status)
    db.session.commit()
    flash(_("The action item has been created."), "success")
    return redirect(url_for(".show_action", item_id=item.id))


# -- the item's page and progress updates ----------------------------------------------------------

def _show(item: ActionItem, form: UpdateForm | None = None, *, alert: str | None = None, status: int = 200):
    may_update = policy.can(user(), "action.update", item)
    if may_update and form is None:
        form = UpdateForm(formdata=None).fill_choices(item)
    history = db.session.scalars(db.select(ActionUpdate).where(ActionUpdate.item_id == item.id)
                                 .order_by(ActionUpdate.created_at, ActionUpdate.id)
                                 .options(selectinload(ActionUpdate.author))).all()
    decision = db.session.get(Decision, item.decision_id) if item.decision_id else None
    meeting = db.session.get(Meeting, item.meeting_id) if item.meeting_id else None
    return render_template(
        "actions/show.html", item=item, committee=item.committee, history=history, form=form if may_update else None,
        alert=alert, today=today(), decision=decision, meeting=meeting,
        meeting_visible=meeting is not None and policy.can(user(), "meeting.view", meeting),
        minutes_visible=decision is not None and policy.can(user(), "minutes.view", decision.minutes),
        may_edit=policy.can(user(), "action.create", item.committee)), status


@bp.route("/actions/<int:item_id>")
def show_action(item_id: int):
    return _show(item_or_404(item_id))


@bp.route("/actions/<int:item_id>/updates", methods=["POST"])
def post_action_update(item_id: int):
    item = item_or_404(item_id, "action.update")
    form = UpdateForm().fill_choices(item)
    if not form.validate_on_submit():
        return _show(item, form, alert=_("Please correct the update form below."), status=400)
    transition = form.transition()
    reason = (form.reason.data or "").strip()
    if transition is not None and transition.needs_reason and not reason:
        form.reason.errors = [_("Please give a reason.")]
        return _show(item, form, alert=_("Please correct the update form below."), status=400)
    note = "\n\n".join(text for text in ((form.note.data or "").strip(), reason) if text)
    try:
        svc.post_update(user(), item, note, transition.target if transition else None, reason=reason)
    except (DomainError, StaleDataError) as error:
        db.session.rollback()
        item = db.session.get(ActionItem, item_id)
        form.fill_choices(item)
        if isinstance(error, StaleDataError):
            return _show(item, form, alert=_("Someone else changed this action meanwhile. Your note is kept "
                                             "below: check the status and post it again."), status=409)
        apply_domain_error(form, error, default_field="note")
        return _show(item, form, alert=_(error.message), status=error.status)
    db.session.commit()
    flash(_("Your update has been posted."), "success")
    return redirect(url_for(".show_action", item_id=item_id) + "#history")


# -- editing ---------------------------------------------------------------------------------------

def _edit_page(item: ActionItem, form: EditActionForm, *, alert=None, current=None, status=200):
    return render_template("actions/edit.html", item=item, committee=item.committee, form=form, alert=alert,
                           current=current), status


@bp.route("/actions/<int:item_id>/edit", methods=["GET", "POST"])
def edit_action(item_id: int):
    item = item_or_404(item_id, "action.create")
    if request.method == "GET":
        form = EditActionForm(obj=item).fill_choices(item.committee_id)
        form.priority.data = item.priority.value
        form.version.data = item.version
        return _edit_page(item, form)
    form = EditActionForm().fill_choices(item.committee_id)
    if not form.validate_on_submit():
        return _edit_page(item, form, status=400)
    try:
        expected = int(form.version.data)
    except (TypeError, ValueError):
        abort(400)
    try:
        svc.update_action(user(), item, form.values(), expected_version=expected)
    except DomainError as error:
        db.session.rollback()
        item = db.session.get(ActionItem, item_id)
        apply_domain_error(form, error)
        conflict = error.code == "edit_conflict"
        if conflict:
            form.version.data = item.version  # saving again, knowingly, replaces their version with this one
        alert = _(error.message) if conflict or not error.field else None
        return _edit_page(item, form, alert=alert, current=item if conflict else None, status=error.status)
    db.session.commit()
    flash(_("The action item has been saved."), "success")
    return redirect(url_for(".show_action", item_id=item_id))
