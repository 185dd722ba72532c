"""Meetings (agenda, the caller's RSVP, attendance), minutes as the caller may see them, the decisions register
and the calendar feeds (links to the portal's .ics routes)."""
from __future__ import annotations

import marshmallow as ma
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from committees import decisions, policy, queries
from committees.db import db
from committees.models import (
    AgendaItemStatus,
    Committee,
    Meeting,
    MeetingFormat,
    MeetingState,
    Minutes,
    MinutesState,
    RsvpResponse,
)
from portal.api import bp
from portal.api.auth import caller, caller_zone, require_person
from portal.api.bodies import committee_or_404
from portal.api.errors import not_found
from portal.api.paging import PageArgs, page_body, page_schema
from portal.api.schemas import CommitteeRef, OrganisationRef, PersonRef, PublicText, enum_field

F = ma.fields
TAG = ["Meetings and minutes"]


class MeetingSummary(ma.Schema):
    id = F.Integer(required=True)
    committee = F.Nested(CommitteeRef, required=True)
    title = F.String(required=True)
    state = enum_field(MeetingState, required=True)
    format = enum_field(MeetingFormat, required=True)
    starts_at = F.DateTime(allow_none=True, required=True)
    ends_at = F.DateTime(allow_none=True, required=True)
    timezone = F.String(required=True)
    url = F.String(required=True)


class AgendaItemOut(ma.Schema):
    id = F.Integer(required=True)
    position = F.Integer(required=True)
    title = F.String(required=True)
    description_html = F.String(required=True)
    presenter = F.Nested(PersonRef, allow_none=True, required=True)
    presenter_organisation = F.Nested(OrganisationRef, allow_none=True, required=True)
    minutes_allotted = F.Integer(required=True)
    proposal_id = F.Integer(allow_none=True, required=True)


class MyRsvp(ma.Schema):
    response = enum_field(RsvpResponse, allow_none=True, required=True)
    interpretation = F.String(required=True)
    responded_at = F.DateTime(allow_none=True, required=True)


class Attendee(ma.Schema):
    person = F.Nested(PersonRef, required=True)
    response = enum_field(RsvpResponse, allow_none=True, required=True)
    attended = F.Boolean(required=True)


class MeetingDetail(MeetingSummary):
    description_html = F.String(required=True)
    venue = F.String(required=True)
    online_url = F.String(allow_none=True, required=True,
                          metadata={"description": "The online link, for the committee's members only."})
    cancel_reason = F.String(required=True)
    agenda_published_at = F.DateTime(allow_none=True, required=True)
    agenda = F.List(F.Nested(AgendaItemOut), required=True, metadata={"description": "The accepted items."})
    my_rsvp = F.Nested(MyRsvp, allow_none=True, required=True, metadata={"description": "The caller's answer."})
    invitations = F.List(F.Nested(Attendee), allow_none=True, required=True, metadata={
        "description": "Who is invited, their answers and (once recorded) attendance: members only, else null."})
    attendance_recorded_at = F.DateTime(allow_none=True, required=True)
    links = F.Dict(keys=F.String(), values=F.String(), required=True)


class MeetingArgs(PageArgs):
    when = F.String(load_default="upcoming", validate=ma.validate.OneOf(["upcoming", "past"]),
                    metadata={"description": "upcoming (soonest first) or past (latest first)."})


class DecisionOut(ma.Schema):
    id = F.Integer(required=True)
    number = F.String(required=True)
    text = PublicText(required=True)
    meeting = F.Nested(MeetingSummary, required=True)
    agenda_item_id = F.Integer(allow_none=True, required=True)
    item_title = F.String(required=True)
    final = F.Boolean(required=True, metadata={"description": "In approved or published minutes."})
    proposal_id = F.Integer(allow_none=True, required=True)


class DecisionArgs(PageArgs):
    q = F.String(load_default="", validate=ma.validate.Length(max=200))
    year = F.Integer(load_default=None, validate=ma.validate.Range(1900, 9998))
    meeting = F.Integer(load_default=None, validate=ma.validate.Range(1, 2**31 - 1))


class MinutesDecision(ma.Schema):
    id = F.Integer(required=True)
    number = F.String(required=True)
    text = F.String(required=True)
    proposal_id = F.Integer(allow_none=True, required=True)


class SectionOut(ma.Schema):
    id = F.Integer(required=True)
    position = F.Integer(required=True)
    title = F.String(required=True)
    agenda_item_id = F.Integer(allow_none=True, required=True)
    discussion_html = PublicText(required=True)
    decisions = F.List(F.Nested(MinutesDecision), required=True)


class MinutesOut(ma.Schema):
    id = F.Integer(required=True)
    meeting = F.Nested(MeetingSummary, required=True)
    state = enum_field(MinutesState, required=True)
    revision = F.Integer(required=True)
    comments_deadline = F.DateTime(allow_none=True, required=True)
    circulated_at = F.DateTime(allow_none=True, required=True)
    approved_at = F.DateTime(allow_none=True, required=True)
    published_at = F.DateTime(allow_none=True, required=True)
    sections = F.List(F.Nested(SectionOut), required=True)
    decisions = F.List(F.Nested(MinutesDecision), required=True, metadata={"description": "Every decision."})


class Feed(ma.Schema):
    committee = F.Nested(CommitteeRef, required=True)
    url = F.String(required=True)


class Feeds(ma.Schema):
    committees = F.List(F.Nested(Feed), required=True, metadata={"description": "Public committees' feeds."})
    personal = F.String(required=True, metadata={
        "description": "Where a signed-in person gets their personal feed address (it holds a secret)."})


# -- helpers -----------------------------------------------------------------------------------------------

def meeting_or_404(meeting_id: int) -> Meeting:
    """A meeting the caller may see; 401 for the public where signing in might show it, else 404."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        not_found()
    if not policy.can(caller(), "meeting.view", meeting):
        if policy.person_of(caller()) is None and meeting.deleted_at is None:
            require_person()
        not_found()
    return meeting


def meeting_summary(meeting: Meeting) -> dict:
    return {"id": meeting.id, "committee": meeting.committee, "title": meeting.title, "state": meeting.state,
            "format": meeting.format, "starts_at": meeting.starts_at, "ends_at": meeting.ends_at,
            "timezone": meeting.timezone, "url": url_for("api.get_meeting", meeting_id=meeting.id)}


# -- meetings ----------------------------------------------------------------------------------------------

@bp.route("/committees/<slug>/meetings", tags=TAG)
@bp.arguments(MeetingArgs, location="query", as_kwargs=True)
@bp.response(200, page_schema(MeetingSummary, "MeetingPage"))
def list_meetings(slug: str, page: int, per_page: int, when: str):
    """A committee's upcoming or past meetings that the caller may see."""
    committee = committee_or_404(slug, "meeting.list")
    rows, total = queries.page_committee_meetings(committee, caller(), past=when == "past", page=page,
                                                  per_page=per_page)
    return page_body([meeting_summary(m) for m in rows], page, per_page, total)


@bp.route("/meetings/<int:meeting_id>", tags=TAG)
@bp.response(200, MeetingDetail)
def get_meeting(meeting_id: int):
    """A meeting: its accepted agenda items, the caller's RSVP and, for members, invitations and attendance."""
    meeting = meeting_or_404(meeting_id)
    me = policy.person_of(caller())
    member = policy.can(caller(), "meeting.view_responses", meeting)
    items = [i for i in meeting.items if i.status == AgendaItemStatus.ACCEPTED]
    invitations = queries.get_invitations(meeting) if member else None
    mine = next((i for i in invitations or [] if me and i.person_id == me.id), None)
    body = meeting_summary(meeting)
    body.update(
        description_html=meeting.description_html, venue=meeting.venue, cancel_reason=meeting.cancel_reason,
        online_url=meeting.online_url if member else None, agenda_published_at=meeting.agenda_published_at,
        agenda=items, attendance_recorded_at=meeting.attendance_recorded_at,
        my_rsvp=mine, invitations=[{"person": i.person, "response": i.response, "attended": i.attended}
                                   for i in invitations] if invitations is not None else None,
        links={"page": url_for("meetings.show_meeting", meeting_id=meeting.id),
               "minutes": url_for("api.get_minutes", meeting_id=meeting.id),
               **({"ics": url_for("meetings.meeting_ics", meeting_id=meeting.id)} if meeting.starts_at else {})})
    return body


# -- minutes and decisions ---------------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/minutes", tags=TAG)
@bp.response(200, MinutesOut)
def get_minutes(meeting_id: int):
    """The meeting's minutes, if the caller may read them (drafts: their editors; circulated: the members;
    published: the public too, for public committees)."""
    meeting = meeting_or_404(meeting_id)
    minutes = db.session.scalars(select(Minutes).where(Minutes.meeting_id == meeting.id).options(
        selectinload(Minutes.sections), selectinload(Minutes.decisions))).first()
    if minutes is None or not policy.can(caller(), "minutes.view", minutes):
        not_found()
    return {"id": minutes.id, "meeting": meeting_summary(meeting), "state": minutes.state,
            "revision": minutes.current_revision, "comments_deadline": minutes.comments_deadline,
            "circulated_at": minutes.circulated_at, "approved_at": minutes.approved_at,
            "published_at": minutes.published_at, "sections": minutes.sections, "decisions": minutes.decisions}


@bp.route("/committees/<slug>/decisions", tags=TAG)
@bp.arguments(DecisionArgs, location="query", as_kwargs=True)
@bp.response(200, page_schema(DecisionOut, "DecisionPage"))
def list_decisions(slug: str, page: int, per_page: int, q: str, year: int | None, meeting: int | None):
    """The committee's decisions register: decisions of minutes the caller may read, newest meeting first."""
    committee = committee_or_404(slug)
    wanted = decisions.DecisionFilter(q=decisions.clean_query(q), year=year, meeting_id=meeting)
    rows, pager = decisions.page_decisions(caller(), committee, wanted, page, per_page, caller_zone())
    items = [{"id": r.decision.id, "number": r.decision.number, "text": r.decision.text,
              "meeting": meeting_summary(r.meeting), "agenda_item_id": r.agenda_item_id, "item_title": r.item_title,
              "final": r.final, "proposal_id": r.decision.proposal_id} for r in rows]
    return page_body(items, page, per_page, pager.total)


# -- calendar feeds ----------------------------------------------------------------------------------------

@bp.route("/calendars", tags=TAG)
@bp.response(200, Feeds)
def list_calendars():
    """The public committees' .ics feeds; a personal feed's address is on the calendar subscription page."""
    committees = db.session.scalars(select(Committee).where(Committee.active.is_(True), Committee.is_public.is_(True))
                                    .order_by(Committee.name, Committee.id))
    return {"committees": [{"committee": c, "url": url_for("meetings.committee_feed", slug=c.slug)}
                           for c in committees],
            "personal": url_for("meetings.calendar_subscription")}


