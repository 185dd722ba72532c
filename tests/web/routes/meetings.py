"""meetings blueprint: committee meeting lists, meeting pages, steps, RSVPs, polls, attendance, calendars.

World: `committee` is public (cochair, cochair_municipal, secretary, representative, alternate, observer hold roles);
`other_committee` is private. Meetings are made on demand by the URL builders below.

Expected per role:
  GET  /committees/<public>/meetings          everyone 200; private committee: public 404, signed in 200
  GET|POST /committees/<c>/meetings/new       cochair, coordinator, admin; others 403; public LOGIN
  POST /committees/<c>/meetings/rhythm        cochair, coordinator, admin; others 403; public LOGIN
  GET  /meetings/<scheduled>  and  .ics       everyone 200
  GET  /meetings/<draft>                      secretary, cochair, coordinator, admin 200; public LOGIN; others 404
  GET  /meetings/<private committee's>        coordinator, admin 200; public LOGIN; others 404
  GET|POST /meetings/<id>/edit                cochair, coordinator, admin; others 403; public LOGIN
  POST /meetings/<id>/steps/cancel            cochair, coordinator, admin; others 403; public LOGIN
  POST /meetings/<id>/steps/mark_held         secretary, cochair, coordinator, admin; others 403; public LOGIN
  POST /meetings/<id>/rsvp                    observer, representative, secretary, cochair; coordinator, admin
                                              and non_member 403; public LOGIN
  POST /meetings/<poll>/poll                  members of the committee allowed; non_member 404 (a poll is not
                                              shown outside the committee); coordinator/admin 403 (not invited)
  POST /meetings/<poll>/poll/pick             cochair, coordinator, admin; non_member 404; others 403
  GET|POST /meetings/<past>/attendance        secretary, cochair, coordinator, admin; others 403; public LOGIN
  GET  /committees/<public>/calendar.ics      everyone 200; private: everyone 404
  GET  /calendar/<token>.ics                  unknown token: everyone 404
  GET|POST /calendar/subscription             signed in; public LOGIN
"""
from __future__ import annotations

from datetime import datetime, timedelta

from committees.db import db
from committees.models import MeetingFormat, MeetingState
from committees.services import meetings as svc
from tests.web.routes import ALLOWED, COORDINATORS, LOGIN, const, everyone, get, only, post, signed_in

EDITORS = ("cochair", *COORDINATORS)
RECORDERS = ("secretary", "cochair", *COORDINATORS)
MEMBERS = ("observer", "representative", "secretary", "cochair")


def _at(days: int, hour: int = 10) -> datetime:
    return (datetime.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _cached(w, key: str, make):
    if key not in w.__dict__:
        w.__dict__[key] = make(w)
        db.session.commit()
    return w.__dict__[key]


def _new(w, committee=None, **kw):
    return svc.create_meeting(w.cochair, committee or w.committee, title="Monthly meeting", venue="City Hall",
                              format=MeetingFormat.IN_PERSON.value, **kw)


def _scheduled(w, committee=None):
    meeting = _new(w, committee, starts_at=_at(7), ends_at=_at(7, 12))
    svc.schedule_meeting(w.cochair, meeting)
    return meeting


def _poll(w):
    meeting = _new(w)
    svc.open_poll(w.cochair, meeting, [(_at(5), _at(5, 12)), (_at(6), _at(6, 12))])
    return meeting


def _past(w):
    meeting = _new(w, starts_at=_at(-1), ends_at=_at(-1, 12))
    meeting.state = MeetingState.SCHEDULED
    svc._ensure_invitations(meeting)
    return meeting


def meeting(kind: str, path: str = ""):
    makers = {"scheduled": _scheduled, "draft": _new, "poll": _poll, "past": _past,
              "private": lambda w: _scheduled(w, w.other_committee)}
    return lambda w: f"/meetings/{_cached(w, '_m_' + kind, makers[kind]).id}{path}"


def committee(path: str = ""):
    return lambda w: f"/committees/{w.committee.slug}{path}"


def private(path: str = ""):
    return lambda w: f"/committees/{w.other_committee.slug}{path}"


def slot_data(w):
    poll = w.__dict__["_m_poll"]
    return {"slot_id": str(poll.slots[0].id)}


def poll_answers(w):
    poll = w.__dict__["_m_poll"]
    return {f"slot-{s.id}": "yes" for s in poll.slots}


EXPECTATIONS = [
    get("meetings.show_meeting", const("/meetings/999999"), everyone(404), label="unknown"),
    get("meetings.list_meetings", committee("/meetings"), everyone(200)),
    get("meetings.list_meetings", private("/meetings"), signed_in(200, public=404), label="private"),
    get("meetings.create_meeting", committee("/meetings/new"), only(EDITORS)),
    post("meetings.create_meeting", committee("/meetings/new"), only(EDITORS, ALLOWED)),
    post("meetings.set_rhythm", committee("/meetings/rhythm"), only(EDITORS, ALLOWED)),
    get("meetings.show_meeting", meeting("scheduled"), everyone(200), label="scheduled"),
    get("meetings.show_meeting", meeting("draft"), only(RECORDERS, others=404), label="draft"),
    get("meetings.show_meeting", meeting("private"), only(COORDINATORS, others=404), label="private"),
    get("meetings.meeting_ics", meeting("scheduled", ".ics"), everyone(200)),
    get("meetings.edit_meeting", meeting("scheduled", "/edit"), only(EDITORS)),
    post("meetings.edit_meeting", meeting("scheduled", "/edit"), only(EDITORS, ALLOWED)),
    post("meetings.take_step", meeting("scheduled", "/steps/cancel"), only(EDITORS, ALLOWED), label="cancel"),
    # deleting: a meeting that never took place (a draft) by its editors; a scheduled one is cancelled first
    post("meetings.delete_meeting", meeting("draft", "/delete"), {**only(EDITORS, ALLOWED, others=404),
                                                                  "secretary": 403}, label="draft"),
    post("meetings.delete_meeting", meeting("scheduled", "/delete"), only(()), label="scheduled"),
    post("meetings.take_step", meeting("past", "/steps/mark_held"), only(RECORDERS, ALLOWED), label="mark_held"),
    post("meetings.rsvp_meeting", meeting("scheduled", "/rsvp"), only(MEMBERS, ALLOWED),
         data=lambda w: {"response": "attending"}),
    post("meetings.answer_poll", meeting("poll", "/poll"),
         only(MEMBERS, ALLOWED, others=403) | {"non_member": 404}, data=poll_answers),
    post("meetings.pick_slot", meeting("poll", "/poll/pick"),
         only(EDITORS, ALLOWED) | {"non_member": 404}, data=slot_data),
    get("meetings.record_attendance", meeting("past", "/attendance"), only(RECORDERS)),
    post("meetings.record_attendance", meeting("past", "/attendance"), only(RECORDERS, ALLOWED)),
    get("meetings.committee_feed", committee("/calendar.ics"), everyone(200)),
    get("meetings.committee_feed", private("/calendar.ics"), everyone(404), label="private"),
    get("meetings.personal_feed", const("/calendar/not-a-token.ics"), everyone(404)),
    get("meetings.calendar_subscription", const("/calendar/subscription"), signed_in(200)),
    post("meetings.calendar_subscription", const("/calendar/subscription"), signed_in(ALLOWED)),
]
assert LOGIN
