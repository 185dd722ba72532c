"""Calendars: a committee's meetings (list and month), its rhythm, .ics downloads and subscription feeds.

Feeds carry each meeting's time zone (a VTIMEZONE), so calendar programs keep the wall-clock time
across daylight-saving changes. Links inside feeds use PORTAL_BASE_URL, never the request's host.
"""
from __future__ import annotations

import calendar as cal
from datetime import date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _

from committees import ics, policy, queries
from committees.db import db, utcnow
from committees.errors import DomainError
from committees.models import Committee, MeetingRhythm
from committees.models.notifications import CalendarFeedToken
from committees.paging import Pager
from committees.services import calendars
from portal.paging import page_args
from portal.extensions import limiter
from portal.forms import apply_domain_error
from portal.loaders import committee_or_404, ensure, user
from portal.meetings import bp
from portal.meetings.forms import WEEKDAYS, ActionForm, RhythmForm
from portal.meetings.views import meeting_or_404
from portal.security import DOWNLOAD_CSP

WHEN = ("upcoming", "past")
PUBLIC_FEED_DAYS = 366


def can(action: str, obj=None) -> bool:
    return policy.can(user(), action, obj)


def _rhythm(committee: Committee) -> MeetingRhythm | None:
    return db.session.scalars(db.select(MeetingRhythm).where(MeetingRhythm.committee_id == committee.id)).first()


def _suggestions(rhythm: MeetingRhythm | None) -> list[dict]:
    """The rhythm's next dates as prefill arguments for the new-meeting form, in the rhythm's zone."""
    if rhythm is None:
        return []
    zone = ZoneInfo(rhythm.timezone)
    rows = []
    for start, end in calendars.next_dates(rhythm, 3):
        start, end = start.astimezone(zone), end.astimezone(zone)
        rows.append({"starts": start, "args": {"day": start.date().isoformat(), "starts_at": start.strftime("%H:%M"),
                                               "ends_at": end.strftime("%H:%M"), "timezone": rhythm.timezone}})
    return rows


def _month_arg() -> date:
    raw = request.args.get("month")
    if not raw:
        today = utcnow().astimezone(get_timezone()).date()
        return today.replace(day=1)
    try:
        month = datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        abort(400)
    if not 1900 <= month.year <= 2999:
        abort(400)
    return month


def _month(committee: Committee) -> dict:
    """A month as weeks of days (Monday first), each day with the meetings starting on it, in the reader's zone."""
    first = _month_arg()
    zone = get_timezone()
    after = (first + timedelta(days=32)).replace(day=1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(after, datetime.min.time(), tzinfo=zone)
    by_day: dict[date, list] = {}
    for meeting in queries.committee_meetings_between(committee, user(), start, end):
        by_day.setdefault(meeting.starts_at.astimezone(zone).date(), []).append(meeting)
    weeks = [[(day, by_day.get(day, []) if day.month == first.month else []) for day in week]
             for week in cal.Calendar().monthdatescalendar(first.year, first.month)]
    previous = (first - timedelta(days=1)).replace(day=1)
    return {"first": first, "weeks": weeks, "previous": previous.strftime("%Y-%m"), "next": after.strftime("%Y-%m")}


def _meetings_page(committee: Committee, rhythm_form: RhythmForm | None = None, status: int = 200):
    view = request.args.get("view", "list")
    when = request.args.get("when", "upcoming")
    if view not in ("list", "month") or when not in WHEN:
        abort(400)
    page, per_page = page_args(20, 100)
    meetings, total, month = [], 0, None
    if view == "month":
        month = _month(committee)
    else:
        meetings, total = queries.page_committee_meetings(committee, user(), past=(when == "past"), page=page,
                                                          per_page=per_page)
    rhythm = _rhythm(committee)
    if rhythm_form is None and can("meeting.create", committee):
        rhythm_form = RhythmForm(formdata=None, obj=rhythm) if rhythm else RhythmForm(formdata=None)
    rates = queries.attendance_rates(committee) if can("committee.view_roster", committee) else None
    return render_template(
        "meetings/list.html", committee=committee, view=view, when=when, meetings=meetings,
        pager=Pager(page, per_page, total), month=month, weekdays=WEEKDAYS, rhythm=rhythm,
        suggestions=_suggestions(rhythm) if can("meeting.create", committee) else [], rhythm_form=rhythm_form,
        rates=rates), status


@bp.route("/committees/<slug>/meetings")
def list_meetings(slug: str):
    return _meetings_page(committee_or_404(slug, "meeting.list"))


@bp.route("/committees/<slug>/meetings/rhythm", methods=["POST"])
def set_rhythm(slug: str):
    committee = committee_or_404(slug, "meeting.create")
    form = RhythmForm()
    if not form.validate_on_submit():
        return _meetings_page(committee, form, 400)
    try:
        calendars.set_rhythm(user(), committee, **form.values())
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        return _meetings_page(db.session.get(Committee, committee.id), form, error.status)
    db.session.commit()
    flash(_("The meeting rhythm has been saved."), "success")
    return redirect(url_for(".list_meetings", slug=slug) + "#rhythm")


# -- .ics downloads and feeds --------------------------------------------------------------------

def _meeting_url(meeting) -> str:
    return current_app.config["PORTAL_BASE_URL"] + url_for("meetings.show_meeting", meeting_id=meeting.id)


def _ics_response(body: bytes, filename: str, *, attachment: bool = True) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    if attachment:
        response.headers["Content-Disposition"] = (f"attachment; filename=\"{filename}\"; "
                                                   f"filename*=UTF-8''{quote(filename)}")
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    if meeting.starts_at is None:
        abort(404)
    body = ics.calendar([meeting], method="PUBLISH", url_for_meeting=_meeting_url)
    return _ics_response(body, f"meeting-{meeting.id}.ics")


@bp.route("/committees/<slug>/calendar.ics")
def committee_feed(slug: str):
    committee = db.session.scalars(db.select(Committee).where(Committee.slug == slug)).first()
    if committee is None or not (committee.active and committee.is_public):
        abort(404)  # only public committees have a public feed
    since = utcnow() - timedelta(days=PUBLIC_FEED_DAYS)
    meetings = queries.committee_meetings_between(committee, None, since, since + timedelta(days=PUBLIC_FEED_DAYS * 3))
    body = ics.calendar(meetings, method="PUBLISH", name=committee.name, url_for_meeting=_meeting_url)
    return _ics_response(body, f"{committee.slug}.ics", attachment=False)


@bp.route("/calendar/<token>.ics")
@limiter.limit("120 per hour")
def personal_feed(token: str):
    person = calendars.person_for_feed(token)
    if person is None:
        abort(404)
    body = ics.calendar(calendars.meetings_for_person(person), method="PUBLISH", name=current_app.config["PORTAL_NAME"],
                        url_for_meeting=_meeting_url)
    return _ics_response(body, "meetings.ics", attachment=False)


@bp.route("/calendar/subscription", methods=["GET", "POST"])
def calendar_subscription():
    ensure("profile.edit")
    person = user()
    form = ActionForm()
    feed_url = None
    if form.validate_on_submit():
        token = calendars.reset_feed_token(person)
        db.session.commit()
        feed_url = current_app.config["PORTAL_BASE_URL"] + url_for(".personal_feed", token=token)
    elif form.is_submitted():
        abort(400)
    has_feed = db.session.scalar(db.select(CalendarFeedToken.id).where(CalendarFeedToken.person_id == person.id))
    return render_template("meetings/subscription.html", form=form, feed_url=feed_url, has_feed=bool(has_feed))


@bp.app_template_global("my_upcoming_meetings")
def my_upcoming_meetings(limit: int = 5) -> list:
    """For the home page: the signed-in person's next scheduled meetings."""
    return queries.upcoming_meetings_for(policy.person_of(user()), limit)
