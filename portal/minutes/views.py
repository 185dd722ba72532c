"""Minutes of a meeting: the page (attendance and quorum, sections with their decisions and action items,
comments), starting them, the editor with its conflict view, corrections, workflow steps, comments and decisions.
Versions, the archival document and compiled minutes are in document_views.

Minutes are reached through their meeting: a meeting the reader may not see is a 404 (the public is sent to
sign in); minutes of a visible meeting the reader may not read are a 403. A domain error re-renders the page
or form with its message and everything the user typed (400, 403 or 409), never a 500.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from committees import policy, proposal_lists, queries
from committees.db import db, utcnow
from committees.errors import DomainError
from committees.models import Meeting
from committees.models.actions import ActionItem
from committees.models.meetings import MeetingState
from committees.models.minutes import Decision, Minutes, MinutesComment, MinutesState
from committees.services import meetings as meeting_svc
from committees.services import minutes as svc
from committees.workflow import MINUTES_TRANSITIONS, available
from portal.forms import apply_domain_error
from portal.loaders import ensure, load_or_404, request_memo, user
from portal.meetings.views import _show as show_meeting_page
from portal.meetings.views import authorise_meeting, meeting_or_404
from portal.minutes import bp
from portal.minutes.forms import (ApproveForm, CirculateForm, CommentForm, CorrectionForm, DecisionForm,
                                  EditMinutesForm, PublishForm, ReasonStepForm, StepForm, reader_zone,
                                  section_field_name)

NEW_ACTION_ENDPOINT = "actions.new_action"  # built by the actions blueprint; linked once it exists


def can(action: str, obj=None) -> bool:
    return policy.can(user(), action, obj)


# -- loading -------------------------------------------------------------------------------------

FULL = (selectinload(Minutes.sections), selectinload(Minutes.decisions),
        selectinload(Minutes.comments).joinedload(MinutesComment.person),
        joinedload(Minutes.approved_at_meeting))
# The minutes page reads one minutes: their sections are joined into the minutes' statement.
PAGE = (joinedload(Minutes.sections), *FULL[1:])


def _find(meeting: Meeting, options=()) -> Minutes | None:
    return db.session.scalars(select(Minutes).where(Minutes.meeting_id == meeting.id).options(*options)).first()


def minutes_or_404(meeting_id: int, action: str = "minutes.view", options=()) -> Minutes:
    """The minutes of a meeting the reader may see (else 404), which they may read and act on (else 403). One
    statement loads the minutes with their meeting and its committee; without minutes, the meeting decides between
    a 404 and sending the public to sign in."""
    minutes = db.session.scalars(
        select(Minutes).where(Minutes.meeting_id == meeting_id)
        .options(joinedload(Minutes.meeting).joinedload(Meeting.committee), *options)).unique().first()
    if minutes is None:
        meeting_or_404(meeting_id)
        abort(404)
    authorise_meeting(minutes.meeting)
    ensure("minutes.view", minutes)
    if action != "minutes.view":
        ensure(action, minutes)
    return minutes


def _reload(meeting_id: int, options=FULL) -> Minutes:
    """After a rollback: the minutes as they are stored now."""
    db.session.expire_all()
    return _find(db.session.get(Meeting, meeting_id), options)


def _actions(minutes: Minutes) -> list[ActionItem]:
    """The meeting's action items: those agreed with a decision and those set directly, with their owners (one
    query). The decisions' ids are given as values (the minutes' decisions are loaded): with a subquery in the OR,
    PostgreSQL scanned every action item instead of using the indexes on meeting_id and decision_id."""
    decision_ids = [d.id for d in minutes.decisions]
    return list(db.session.scalars(
        select(ActionItem).where(or_(ActionItem.meeting_id == minutes.meeting_id,
                                     ActionItem.decision_id.in_(decision_ids)))
        .options(joinedload(ActionItem.owner_person), joinedload(ActionItem.owner_organisation))
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)))


def _attendance(meeting: Meeting) -> dict | None:
    """Who attended and the quorum statement; people's names for the committee's members only."""
    if not meeting.attendance_recorded_at:
        return None
    present = [i for i in queries.get_invitations(meeting) if i.attended]
    organisations = sorted({i.organisation.name for i in present if i.organisation})
    return {"present": present, "organisations": organisations, "quorum": meeting_svc.quorum(meeting),
            "people": can("meeting.view_responses", meeting)}


def _by_section(minutes: Minutes) -> dict[int | None, list[Decision]]:
    """Decisions per section id (None: the meeting as a whole)."""
    decisions: dict[int | None, list[Decision]] = {}
    known = {s.id for s in minutes.sections}
    for decision in minutes.decisions:
        decisions.setdefault(decision.section_id if decision.section_id in known else None, []).append(decision)
    return decisions


def _contents(minutes: Minutes) -> dict:
    """Decisions per section and action items per decision, for the page and the documents."""
    decisions = _by_section(minutes)
    by_decision: dict[int, list[ActionItem]] = {}
    direct = []
    for item in _actions(minutes):
        if item.decision_id:
            by_decision.setdefault(item.decision_id, []).append(item)
        else:
            direct.append(item)
    return {"decisions": decisions, "actions": by_decision, "direct_actions": direct, "today": date.today()}


def _action_link() -> str | None:
    return NEW_ACTION_ENDPOINT if NEW_ACTION_ENDPOINT in current_app.view_functions else None


# -- the minutes page ------------------------------------------------------------------------------

def _step_form(name: str, minutes: Minutes, submitted: bool = True):
    """The form of one step, from the request or blank; several are on the page, so fields carry the step's
    name as a prefix (the app-wide CSRF protection checks the page's token)."""
    kwargs = {"prefix": name, "meta": {"csrf": False}}
    if not submitted:
        kwargs["formdata"] = None
    if name == "circulate":
        form = CirculateForm(**kwargs)
        if not submitted:
            form.comments_deadline.data = (datetime.now(reader_zone()) + timedelta(days=7)).replace(
                tzinfo=None, second=0, microsecond=0)
        return form
    if name == "approve":
        return ApproveForm(**kwargs).fill_choices(minutes)
    if name == "publish":
        return PublishForm(**kwargs)
    return (ReasonStepForm if MINUTES_TRANSITIONS[name].needs_reason else StepForm)(**kwargs)


def _comment_form(minutes: Minutes, submitted: bool = True) -> CommentForm:
    kwargs = {} if submitted else {"formdata": None}
    return CommentForm(prefix="comment", meta={"csrf": False}, **kwargs).fill_choices(minutes)


def _decision_prefix(section_id: int | None) -> str:
    return f"decision-{section_id or 0}"


def _show(minutes: Minutes, *, forms: dict | None = None, alert: str | None = None, status: int = 200):
    forms = forms or {}
    meeting = minutes.meeting
    steps = [t for t in available(MINUTES_TRANSITIONS, minutes.state) if can(t.action, minutes)]
    step_forms = {t.name: forms.get(t.name) or _step_form(t.name, minutes, submitted=False) for t in steps}
    editable = minutes.state in svc.EDITABLE_STATES and can("minutes.edit", minutes)
    decision_forms = {}
    if editable:
        for section_id in [s.id for s in minutes.sections] + [None]:
            prefix = _decision_prefix(section_id)
            decision_forms[section_id] = forms.get(prefix) or DecisionForm(formdata=None, prefix=prefix,
                                                                           meta={"csrf": False})
    comment_form = None
    if can("minutes.comment", minutes):
        comment_form = forms.get("comment") or _comment_form(minutes, submitted=False)
    deadline_passed = bool(minutes.state == MinutesState.CIRCULATED and minutes.comments_deadline
                           and minutes.comments_deadline < utcnow())
    return render_template(
        "minutes/minutes.html", minutes=minutes, meeting=meeting, committee=meeting.committee, steps=steps,
        step_forms=step_forms, editable=editable, decision_forms=decision_forms, comment_form=comment_form,
        deadline_passed=deadline_passed, attendance=_attendance(meeting), action_link=_action_link(),
        show_comments=can("meeting.view_responses", meeting), alert=alert, **_contents(minutes)), status


def _failed(meeting_id: int, key: str, form, error: DomainError):
    """Roll back, then show the minutes page again with this form, its input and the message."""
    db.session.rollback()
    minutes = _reload(meeting_id)
    apply_domain_error(form, error)
    on_field = error.field and getattr(form, error.field, None) is not None
    return _show(minutes, forms={key: form}, alert=None if on_field else _(error.message), status=error.status)


def _invalid(minutes: Minutes, key: str, form):
    return _show(minutes, forms={key: form}, alert=_("Please correct the form below."), status=400)


def _done(meeting_id: int, message: str, anchor: str = ""):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show_minutes", meeting_id=meeting_id) + (f"#{anchor}" if anchor else ""))


@bp.route("/meetings/<int:meeting_id>/minutes")
def show_minutes(meeting_id: int):
    # The decisions come with whether the reader may see their proposals (for the links).
    decisions = selectinload(Minutes.decisions).with_expression(
        Decision.proposal_visible, proposal_lists.proposal_visible(user(), Decision.proposal_id))
    return _show(minutes_or_404(meeting_id, options=(PAGE[0], decisions, *PAGE[2:])))


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["POST"])
def create_minutes(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "minutes.edit")
    if not StepForm().validate_on_submit():
        abort(400)
    try:
        svc.create_minutes(user(), meeting)
    except DomainError as error:
        db.session.rollback()
        return show_meeting_page(db.session.get(Meeting, meeting_id), alert=_(error.message), status=error.status)
    db.session.commit()
    flash(_("The minutes have been started from the agenda."), "success")
    return redirect(url_for(".edit_minutes", meeting_id=meeting_id))


@bp.app_context_processor
def _minutes_globals() -> dict:
    return {"minutes_of_meeting": minutes_of_meeting}


def minutes_of_meeting(meeting: Meeting) -> dict:
    """For the meeting page: its minutes when the reader may read them, and whether they may start them (the
    meeting page loads them with the meeting)."""
    memo = request_memo("minutes_by_meeting")
    minutes = memo[meeting.id] if meeting.id in memo else _find(meeting)
    if minutes is not None:
        return {"minutes": minutes if can("minutes.view", minutes) else None, "may_create": False}
    held = meeting.state in (MeetingState.HELD, MeetingState.MINUTED)
    return {"minutes": None, "may_create": held and can("minutes.edit", meeting)}


# -- the editor and corrections --------------------------------------------------------------------

def _editor(minutes: Minutes, form, *, alert: str | None = None, theirs: dict | None = None, status: int = 200):
    correcting = isinstance(form, CorrectionForm)
    return render_template("minutes/edit.html", minutes=minutes, meeting=minutes.meeting, form=form,
                           correcting=correcting, alert=alert, theirs=theirs,
                           attendance=_attendance(minutes.meeting)), status


def _blank(form_class, minutes: Minutes):
    form = form_class.for_sections(minutes.sections, formdata=None,
                                   data={section_field_name(s): s.discussion for s in minutes.sections})
    form.version.data = str(minutes.version)
    return form


def _save(meeting_id: int, minutes: Minutes, form, save):
    """Validate, call `save(minutes, texts, expected_version)`, commit; on a conflict show both texts."""
    if not form.validate_on_submit():
        return _editor(minutes, form, status=400)
    expected = form.expected_version()
    if expected is None:
        form.form_errors.append(_("This form is damaged or out of date (unknown version). Your text is kept below: "
                                  "copy it, reload the page and save again."))
        return _editor(minutes, form, status=400)
    try:
        save(minutes, form.texts(), expected)
    except svc.EditConflict as error:
        db.session.rollback()
        minutes = _reload(meeting_id)
        form.version.data = str(minutes.version)  # saving again, knowingly, replaces their text with yours
        return _editor(minutes, form, alert=_(error.message), theirs=svc.texts(minutes), status=error.status)
    except DomainError as error:
        db.session.rollback()
        minutes = _reload(meeting_id)
        apply_domain_error(form, error)
        on_field = error.field and getattr(form, error.field, None) is not None
        return _editor(minutes, form, alert=None if on_field else _(error.message), status=error.status)
    return None


@bp.route("/meetings/<int:meeting_id>/minutes/edit", methods=["GET", "POST"])
def edit_minutes(meeting_id: int):
    minutes = minutes_or_404(meeting_id, "minutes.edit", options=FULL)
    if request.method == "GET":
        if minutes.state in svc.FIXED_STATES:
            flash(_("Approved minutes change only through a correction."), "info")
            return redirect(url_for(".correct_minutes", meeting_id=meeting_id))
        form = _blank(EditMinutesForm, minutes)
        form.language.data = minutes.language or ""
        form.set_language_choices()
        return _editor(minutes, form)
    form = EditMinutesForm.for_sections(minutes.sections)
    form.set_language_choices()
    failed = _save(meeting_id, minutes, form, lambda m, texts, version: svc.save_minutes(
        user(), m, texts, version, language=form.language.data))
    return failed or _done(meeting_id, _("The minutes have been saved."))


@bp.route("/meetings/<int:meeting_id>/minutes/correct", methods=["GET", "POST"])
def correct_minutes(meeting_id: int):
    minutes = minutes_or_404(meeting_id, "minutes.edit", options=FULL)
    if request.method == "GET":
        if minutes.state not in svc.FIXED_STATES:
            return redirect(url_for(".edit_minutes", meeting_id=meeting_id))
        return _editor(minutes, _blank(CorrectionForm, minutes))
    form = CorrectionForm.for_sections(minutes.sections)
    failed = _save(meeting_id, minutes, form, lambda m, texts, version: svc.correct_approved(
        user(), m, texts, form.reason.data or "", expected_version=version))
    return failed or _done(meeting_id, _("The correction has been saved as a new version."))


# -- workflow, comments and decisions ----------------------------------------------------------------

def _step_values(name: str, form) -> dict:
    values = form.values() if hasattr(form, "values") else {}
    if hasattr(form, "reason"):
        values["reason"] = form.reason.data or ""
    if hasattr(form, "safeguarding_reason"):
        values["safeguarding_reason"] = form.safeguarding_reason.data
    return values


@bp.route("/meetings/<int:meeting_id>/minutes/transitions/<name>", methods=["POST"])
def take_minutes_step(meeting_id: int, name: str):
    step = MINUTES_TRANSITIONS.get(name)
    if step is None:
        abort(404)
    minutes = minutes_or_404(meeting_id, step.action, options=FULL)
    form = _step_form(name, minutes)
    if not form.validate_on_submit():
        return _show(minutes, forms={name: form}, alert=_("Please correct the form below."), status=400)
    try:
        count = svc.transition_minutes(user(), minutes, name, **_step_values(name, form))
    except DomainError as error:
        return _failed(meeting_id, name, form, error)
    message = _("Done: %(step)s.", step=_(step.title))
    if count:
        message += " " + ngettext("%(num)d member has been told.", "%(num)d members have been told.", count)
    return _done(meeting_id, message)


@bp.route("/meetings/<int:meeting_id>/minutes/comments", methods=["POST"])
def comment_minutes(meeting_id: int):
    minutes = minutes_or_404(meeting_id, "minutes.comment", options=FULL)
    form = _comment_form(minutes)
    if not form.validate_on_submit():
        return _invalid(minutes, "comment", form)
    section = next((s for s in minutes.sections if s.id == form.section_id.data), None)
    if form.section_id.data is not None and section is None:
        form.section_id.errors = [_("Unknown section.")]
        return _invalid(minutes, "comment", form)
    try:
        svc.comment(user(), minutes, form.body.data, section=section,
                    safeguarding_reason=form.safeguarding_reason.data)
    except DomainError as error:
        return _failed(meeting_id, "comment", form, error)
    return _done(meeting_id, _("Thank you: your comment has been sent to the editors."), "comments")


def _section_of(minutes: Minutes, raw: str):
    """(found, section) for a submitted section id; '' means the meeting as a whole."""
    if raw in (None, "", "0"):
        return True, None
    section = next((s for s in minutes.sections if str(s.id) == raw), None)
    return section is not None, section


@bp.route("/meetings/<int:meeting_id>/minutes/decisions", methods=["POST"])
def record_decision(meeting_id: int):
    minutes = minutes_or_404(meeting_id, "minutes.edit", options=FULL)
    found, section = _section_of(minutes, request.form.get("section_id", ""))
    if not found:
        abort(400)
    key = _decision_prefix(section.id if section else None)
    form = DecisionForm(prefix=key, meta={"csrf": False})
    if not form.validate_on_submit():
        return _invalid(minutes, key, form)
    try:
        decision = svc.add_decision(user(), minutes, form.text.data, section=section)
    except DomainError as error:
        return _failed(meeting_id, key, form, error)
    return _done(meeting_id, _("Decision %(number)s has been recorded.", number=decision.number),
                 f"section-{section.id}" if section else "decisions")


@bp.route("/meetings/<int:meeting_id>/minutes/decisions/<int:decision_id>/remove", methods=["POST"])
def remove_decision(meeting_id: int, decision_id: int):
    minutes = minutes_or_404(meeting_id, "minutes.edit", options=FULL)
    decision = load_or_404(Decision, decision_id, parent=minutes, parent_attr="minutes_id")
    if not StepForm().validate_on_submit():
        abort(400)
    number = decision.number
    try:
        svc.remove_decision(user(), decision)
    except DomainError as error:
        db.session.rollback()
        return _show(_reload(meeting_id), alert=_(error.message), status=error.status)
    return _done(meeting_id, _("Decision %(number)s has been removed.", number=number))


from portal.minutes import document_views  # noqa: E402,F401  (versions and documents, on the same blueprint)
