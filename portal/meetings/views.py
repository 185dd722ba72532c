"""Meeting pages: creating and editing, the workflow steps, RSVPs, the time poll and attendance.

Every step is a POST whose name comes from MEETING_TRANSITIONS; the action that authorises it is the
table's, and the service checks the state. A domain error re-renders the page with its message and the
user's input (400 for invalid input, 403, or 409 for a step that does not fit the current state).
"""
from __future__ import annotations

from collections import OrderedDict
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from committees import policy, queries
from committees.db import db
from committees.errors import DomainError
from committees.models import Meeting
from committees.models.meetings import MeetingState, PollAnswerKind, RsvpResponse
from committees.models.minutes import Minutes
from committees.services import meetings as svc
from committees.services import trash
from committees.workflow import MEETING_TRANSITIONS, available
from portal.forms import apply_domain_error
from portal.loaders import committee_or_404, ensure, load_or_404, request_memo, user
from portal.meetings.forms import (INTERPRETATION_TITLES, MAX_SLOT_ROWS, POLL_CHOICES, TIME_FIXED, TIME_POLL,
                                   ActionForm, CancelForm, MeetingForm, RescheduleForm, RsvpForm, combine)


def meeting_or_404(meeting_id: int, action: str = "meeting.view", options=()) -> Meeting:
    """Load a meeting (with its committee, which the policy asks about); one the user may not even see is a 404,
    one they see but may not act on a 403."""
    return authorise_meeting(load_or_404(Meeting, meeting_id, options=(joinedload(Meeting.committee), *options)),
                             action)


def authorise_meeting(meeting: Meeting | None, action: str = "meeting.view") -> Meeting:
    """meeting_or_404's checks for a meeting loaded otherwise (None: 404)."""
    if meeting is None:
        abort(404)
    if not policy.can(user(), "meeting.view", meeting):
        if policy.person_of(user()) is None:
            ensure("meeting.view", meeting)  # the public is sent to sign in
        abort(404)
    ensure(action, meeting)
    return meeting


from portal.meetings import bp  # noqa: E402

STEP_FORMS = {"reschedule": RescheduleForm, "cancel": CancelForm}


def _step_form(name: str, **kwargs):
    """The form of a step that asks for more than a click, its fields prefixed by the step's name
    (several are on one page); the app-wide CSRF protection checks the page's token."""
    return STEP_FORMS[name](prefix=name, meta={"csrf": False}, **kwargs)


def can(action: str, obj=None) -> bool:
    return policy.can(user(), action, obj)


def steps_for(meeting: Meeting) -> list:
    """The transitions the reader may take from the meeting's state, from the table and the policy.
    A poll is scheduled by picking one of its slots, so "schedule" needs a fixed time."""
    return [t for t in available(MEETING_TRANSITIONS, meeting.state) if can(t.action, meeting)
            and not (t.name == "schedule" and meeting.starts_at is None)]


def local(value, tz: str):
    return value.astimezone(ZoneInfo(tz)) if value else None


def _show(meeting: Meeting, *, forms: dict | None = None, alert: str | None = None, status: int = 200):
    forms = forms or {}
    me = policy.person_of(user())
    summary = queries.rsvp_summary(meeting) if can("meeting.view_responses", meeting) else None
    mine = next((i for i in summary.invitations if i.person_id == me.id), None) if summary and me else None
    step_forms = {name: forms.get(name) or _step_form(name, formdata=None) for name in STEP_FORMS}
    rsvp_form = forms.get("rsvp") or RsvpForm(formdata=None, data={
        "response": mine.response.value if mine and mine.response else None,
        "interpretation": mine.interpretation if mine else ""})
    tally = svc.poll_tally(meeting) if meeting.slots and can("meeting.view_responses", meeting) else None
    may_answer_poll = (svc.poll_is_open(meeting) and can("meeting.respond", meeting)
                       and svc.is_invitee(me, meeting))
    may_rsvp = (meeting.state == MeetingState.SCHEDULED and meeting.is_upcoming and can("meeting.respond", meeting)
                and (mine is not None or svc.is_invitee(me, meeting)))
    attendance = None
    if meeting.attendance_recorded_at and summary:
        attendance = {"present": [i for i in summary.invitations if i.attended], "quorum": svc.quorum(meeting)}
    may_pick = (meeting.state == MeetingState.POLL and can(MEETING_TRANSITIONS["schedule"].action, meeting))
    may_edit = can("meeting.manage", meeting) and meeting.state not in svc.CLOSED_STATES
    return render_template(
        "meetings/meeting.html", meeting=meeting, steps=steps_for(meeting), step_forms=step_forms,
        may_pick=may_pick, may_edit=may_edit, rsvp_responses=list(RsvpResponse),
        alert=alert, summary=summary, my_invitation=mine, rsvp_form=rsvp_form, may_rsvp=may_rsvp, tally=tally,
        may_answer_poll=may_answer_poll, poll_choices=POLL_CHOICES, attendance=attendance,
        interpretation_titles=INTERPRETATION_TITLES, poll_form=ActionForm(formdata=None),
        organisations=_organisation_names(tally)), status


def _organisation_names(tally) -> dict[int, str]:
    from committees.models import Organisation

    if not tally or not tally.by_organisation:
        return {}
    rows = db.session.execute(db.select(Organisation.id, Organisation.name)
                              .where(Organisation.id.in_(list(tally.by_organisation))))
    return dict(sorted(((r.id, r.name) for r in rows), key=lambda r: r[1]))


def _failed(meeting_id: int, form, error: DomainError, key: str):
    """Roll back, then show the meeting page again with the message and the user's input."""
    db.session.rollback()
    meeting = db.session.get(Meeting, meeting_id)
    apply_domain_error(form, error)
    message = None if any(getattr(f, "errors", None) for f in form) and not form.form_errors else _(error.message)
    return _show(meeting, forms={key: form}, alert=message, status=error.status)


@bp.route("/meetings/<int:meeting_id>")
def show_meeting(meeting_id: int):
    # One statement for the meeting, its committee, its poll slots and its minutes (kept for the minutes block).
    row = db.session.execute(
        select(Meeting, Minutes).outerjoin(Minutes, Minutes.meeting_id == Meeting.id).where(Meeting.id == meeting_id)
        .options(joinedload(Meeting.committee), joinedload(Meeting.slots))).unique().first()
    meeting = authorise_meeting(row.Meeting if row else None)
    request_memo("minutes_by_meeting")[meeting.id] = row.Minutes
    return _show(meeting)


# -- creating and editing ------------------------------------------------------------------------

def _edit_page(form: MeetingForm, committee, meeting: Meeting | None, status: int = 200):
    edit_time = meeting is None or meeting.state == MeetingState.DRAFT
    return render_template("meetings/meeting_form.html", form=form, committee=committee, meeting=meeting,
                           edit_time=edit_time, max_rows=MAX_SLOT_ROWS, time_poll=TIME_POLL), status


def _save_failed(form: MeetingForm, error: DomainError, committee, meeting_id: int | None):
    db.session.rollback()
    if form.time_mode.data == TIME_POLL and error.field in ("starts_at", "ends_at"):
        form.form_errors.append(_(error.message))  # about one of the slots, not the fixed time
    else:
        apply_domain_error(form, error)
    meeting = db.session.get(Meeting, meeting_id) if meeting_id else None
    return _edit_page(form, committee, meeting, error.status)


def _prefill() -> dict:
    """Initial values from a rhythm's suggestion link (?day=…&starts_at=…&ends_at=…&timezone=…)."""
    return {key: request.args[key] for key in ("day", "starts_at", "ends_at", "timezone") if key in request.args}


@bp.route("/committees/<slug>/meetings/new", methods=["GET", "POST"])
def create_meeting(slug: str):
    committee = committee_or_404(slug, "meeting.create")
    if request.method == "POST":
        form = MeetingForm()
    else:
        prefill = _prefill()
        form = MeetingForm(formdata=_args_formdata(prefill), timezone=prefill.get("timezone"))
    if form.is_submitted() and form.more_slots.data:
        form.grow_slots()
        return _edit_page(form, committee, None)
    if form.validate_on_submit():
        try:
            meeting = svc.create_meeting(user(), committee, **form.details())
            svc.plan_time(user(), meeting, **form.time_plan())
        except DomainError as error:
            return _save_failed(form, error, committee, None)
        db.session.commit()
        flash(_("The meeting has been saved as a draft."), "success")
        return redirect(url_for(".show_meeting", meeting_id=meeting.id))
    return _edit_page(form, committee, None, 400 if form.errors else 200)


def _args_formdata(prefill: dict):
    if not prefill:
        return None
    from werkzeug.datastructures import MultiDict

    return MultiDict({**prefill, "time_mode": TIME_FIXED})


def _initial(meeting: Meeting) -> dict:
    tz = meeting.timezone
    start, end = local(meeting.starts_at, tz), local(meeting.ends_at, tz)
    rows = [{"day": local(s.starts_at, tz).date(), "starts_at": local(s.starts_at, tz).time(),
             "ends_at": local(s.ends_at, tz).time()} for s in meeting.slots]
    closes = local(meeting.poll_closes_at, tz)
    return {"title": meeting.title, "description": meeting.description, "format": meeting.format.value,
            "venue": meeting.venue, "online_url": meeting.online_url, "timezone": tz,
            "time_mode": TIME_POLL if meeting.slots else TIME_FIXED,
            "day": start.date() if start else None, "starts_at": start.time() if start else None,
            "ends_at": end.time() if end else None, "slot_rows": rows,
            "poll_closes_at": closes.replace(tzinfo=None) if closes else None}


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit_meeting(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "meeting.manage")
    form = MeetingForm(data=None if request.method == "POST" else _initial(meeting), timezone=meeting.timezone,
                       plans_time=meeting.state == MeetingState.DRAFT)
    if form.is_submitted() and form.more_slots.data:
        form.grow_slots()
        return _edit_page(form, meeting.committee, meeting)
    if form.validate_on_submit():
        try:
            svc.update_meeting(user(), meeting, form.details())
            if meeting.state == MeetingState.DRAFT:
                svc.plan_time(user(), meeting, **form.time_plan())
        except DomainError as error:
            return _save_failed(form, error, meeting.committee, meeting_id)
        db.session.commit()
        flash(_("The meeting has been saved."), "success")
        return redirect(url_for(".show_meeting", meeting_id=meeting.id))
    return _edit_page(form, meeting.committee, meeting, 400 if form.errors else 200)


# -- workflow steps ------------------------------------------------------------------------------

def _reschedule(actor, meeting: Meeting, form: RescheduleForm) -> None:
    svc.reschedule_meeting(actor, meeting, combine(form.day.data, form.starts_at.data),
                           combine(form.day.data, form.ends_at.data), reason=form.reason.data or "")


STEP_SERVICES = {
    "open_poll": lambda actor, meeting, form: svc.open_poll(actor, meeting),
    "schedule": lambda actor, meeting, form: svc.schedule_meeting(actor, meeting),
    "reschedule": _reschedule,
    "cancel": lambda actor, meeting, form: svc.cancel_meeting(actor, meeting, form.reason.data),
}


@bp.route("/meetings/<int:meeting_id>/steps/<name>", methods=["POST"])
def take_step(meeting_id: int, name: str):
    step = MEETING_TRANSITIONS.get(name)
    if step is None:
        abort(404)
    meeting = meeting_or_404(meeting_id, step.action)
    form = _step_form(name) if name in STEP_FORMS else ActionForm()
    if not form.validate_on_submit():
        return _show(meeting, forms={name: form}, status=400)
    service = STEP_SERVICES.get(name, lambda actor, m, f: svc.transition_meeting(actor, m, name))
    try:
        service(user(), meeting, form)
    except DomainError as error:
        return _failed(meeting_id, form, error, name)
    db.session.commit()
    flash(_("Done: %(step)s.", step=_(step.title)), "success")
    return redirect(url_for(".show_meeting", meeting_id=meeting_id))


@bp.route("/meetings/<int:meeting_id>/delete", methods=["POST"])
def delete_meeting(meeting_id: int):
    """A soft delete (committees/services/trash.py): a coordinator can restore it from the trash."""
    meeting = meeting_or_404(meeting_id, "meeting.delete")
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        trash.delete_meeting(user(), meeting)
    except DomainError as error:
        return _failed(meeting_id, form, error, "delete")
    slug = meeting.committee.slug
    db.session.commit()
    flash(_("The meeting has been deleted. A coordinator can restore it."), "success")
    return redirect(url_for("meetings.list_meetings", slug=slug))


# -- answers: RSVPs and the time poll ------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/rsvp", methods=["POST"])
def rsvp_meeting(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "meeting.respond")
    form = RsvpForm()
    if not form.validate_on_submit():
        return _show(meeting, forms={"rsvp": form}, status=400)
    try:
        svc.rsvp(user(), meeting, RsvpResponse(form.response.data), form.interpretation.data)
    except DomainError as error:
        return _failed(meeting_id, form, error, "rsvp")
    db.session.commit()
    flash(_("Thank you: your answer has been saved."), "success")
    return redirect(url_for(".show_meeting", meeting_id=meeting_id))


def _poll_answers(meeting: Meeting) -> dict[int, PollAnswerKind]:
    answers = {}
    for slot in meeting.slots:
        value = request.form.get(f"slot-{slot.id}")
        if value:
            try:
                answers[slot.id] = PollAnswerKind(value)
            except ValueError:
                abort(400)
    return answers


@bp.route("/meetings/<int:meeting_id>/poll", methods=["POST"])
def answer_poll(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "meeting.respond")
    form = ActionForm()
    answers = _poll_answers(meeting)
    if not form.validate_on_submit() or not answers:
        return _show(meeting, alert=_("Answer at least one slot."), status=400)
    try:
        svc.answer_poll(user(), meeting, answers)
    except DomainError as error:
        return _failed(meeting_id, form, error, "poll")
    db.session.commit()
    flash(_("Your answers to the time poll have been saved. You can change them until the poll closes."),
          "success")
    return redirect(url_for(".show_meeting", meeting_id=meeting_id) + "#poll")


@bp.route("/meetings/<int:meeting_id>/poll/pick", methods=["POST"])
def pick_slot(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "meeting.manage")
    form = ActionForm()
    try:
        slot_id = int(request.form.get("slot_id", ""))
    except ValueError:
        abort(400)
    if not form.validate_on_submit():
        abort(400)
    try:
        svc.pick_slot(user(), meeting, slot_id)
    except DomainError as error:
        return _failed(meeting_id, form, error, "pick")
    db.session.commit()
    flash(_("The meeting is scheduled and everyone has been invited."), "success")
    return redirect(url_for(".show_meeting", meeting_id=meeting_id))


# -- attendance ----------------------------------------------------------------------------------

def _attendance_rows(meeting: Meeting) -> tuple["OrderedDict[str, list]", set[int]]:
    """Invited people grouped by organisation, and who is ticked: the recorded attendance, or else
    the people who said they would attend."""
    invitations = queries.get_invitations(meeting)
    if invitations:
        people = [(i.person, i.organisation) for i in invitations]
    else:
        people = [(p, p.organisation) for p in svc.invitees(meeting.committee)]
    if meeting.attendance_recorded_at:
        ticked = {i.person_id for i in invitations if i.attended}
    else:
        ticked = {i.person_id for i in invitations if i.response == RsvpResponse.ATTENDING}
    groups: OrderedDict[str, list] = OrderedDict()
    for person, organisation in sorted(people, key=lambda p: ((p[1].name if p[1] else "~"), p[0].full_name)):
        groups.setdefault(organisation.name if organisation else "", []).append(person)
    return groups, ticked


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
def record_attendance(meeting_id: int):
    meeting = meeting_or_404(meeting_id, "meeting.record")
    form = ActionForm()
    alert, status, chosen = None, 200, None
    if form.validate_on_submit():
        try:
            chosen = {int(v) for v in request.form.getlist("present")}
        except ValueError:
            abort(400)
        try:
            svc.record_attendance(user(), meeting, chosen)
        except DomainError as error:
            db.session.rollback()
            meeting = db.session.get(Meeting, meeting_id)
            alert, status = _(error.message), error.status
        else:
            db.session.commit()
            flash(_("Attendance has been recorded."), "success")
            return redirect(url_for(".show_meeting", meeting_id=meeting_id))
    elif form.is_submitted():
        status = 400
    groups, ticked = _attendance_rows(meeting)
    return render_template("meetings/attendance.html", meeting=meeting, form=form, groups=groups,
                           ticked=ticked if chosen is None else chosen, alert=alert), status
