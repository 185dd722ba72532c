"""Route expectations for the minutes pages (minutes blueprint, apart from the decisions register).

World: `committee` is public; `other_committee` is private (none of the role holders but coordinators and admins
reach its meetings). Held meetings and their minutes (draft, circulated, approved, published) are made lazily by
the URL builders and cached on the world object.

Expected per role (EDITORS = secretary, cochair, coordinator, admin; APPROVERS = cochair, coordinator, admin;
MEMBERS = observer, representative, secretary, cochair):
  GET  /meetings/<id>/minutes                  draft: EDITORS 200, others 403; circulated/approved: MEMBERS and
                                               coordinators 200, non_member 403; published: everyone 200;
                                               no minutes: everyone 404; private committee: coordinators 200,
                                               others 404; the public is always sent to sign in unless published
  POST /meetings/<id>/minutes                  EDITORS (private: coordinators; others 404)
  GET|POST /meetings/<id>/minutes/edit         EDITORS (approved minutes: GET redirects to the correction)
  GET|POST /meetings/<id>/minutes/correct      EDITORS, on approved minutes
  POST /meetings/<id>/minutes/transitions/circulate|reopen   EDITORS (minutes.edit)
  POST /meetings/<id>/minutes/transitions/approve|publish    APPROVERS (minutes.approve); secretary 403
  POST /meetings/<id>/minutes/transitions/<unknown>          everyone 404
  POST /meetings/<id>/minutes/comments         MEMBERS while circulated (coordinators without a role: 403)
  POST /meetings/<id>/minutes/decisions[/<d>/remove]         EDITORS, while draft or circulated
  GET  /meetings/<id>/minutes/versions[/compare]             whoever reads the minutes; bad numbers: 400
  GET  /meetings/<id>/minutes/document         whoever reads the minutes
  GET  /committees/<slug>/minutes/compiled     public committee: everyone 200; private: signed in 200 (only the
                                               minutes they may read), public 404; a bad year: 400
"""
from __future__ import annotations

from datetime import datetime, timedelta

from committees.models import MeetingState
from committees.services import agendas as agenda_svc
from committees.services import meetings as meeting_svc
from committees.services import minutes as svc
from tests import factories as f
from tests.web.routes import ALLOWED, COORDINATORS, LOGIN, const, everyone, get, only, post, signed_in
from tests.web.routes.meetings import _cached

EDITORS = ("secretary", "cochair", *COORDINATORS)
APPROVERS = ("cochair", *COORDINATORS)
MEMBERS = ("observer", "representative", "secretary", "cochair")
READERS = (*MEMBERS, *COORDINATORS)
PRIVATE = {"public": LOGIN, "coordinator": 200, "admin": 200, **{r: 404 for r in MEMBERS + ("non_member",)}}


def _held(w, private: bool = False):
    committee = w.other_committee if private else w.committee
    chair = w.coordinator if private else w.cochair
    start = (datetime.now() - timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = meeting_svc.create_meeting(chair, committee, title="Past meeting", venue="City Hall",
                                         format="in_person", starts_at=start, ends_at=start + timedelta(hours=2))
    agenda_svc.add_item(chair, meeting, title="Legal aid")
    meeting.state = MeetingState.HELD
    return meeting


def _minutes(w, state: str, private: bool = False):
    def make(w):
        chair = w.coordinator if private else w.cochair
        minutes = svc.create_minutes(chair, _held(w, private))
        if state == "draft":
            svc.add_decision(chair, minutes, "Write to the ministry", section=minutes.sections[0])
        return f.advance_minutes(chair, minutes, state)

    return _cached(w, f"_minutes_{state}_{private}", make)


def url(state: str, path: str = "", private: bool = False):
    return lambda w: f"/meetings/{_minutes(w, state, private).meeting_id}/minutes{path}"


def bare(path: str = "", private: bool = False):
    """A held meeting without minutes."""
    key = f"_minutes_bare_{private}"
    return lambda w: f"/meetings/{_cached(w, key, lambda w: _held(w, private)).id}/minutes{path}"


def decision_url(w):
    minutes = _minutes(w, "draft")
    return f"/meetings/{minutes.meeting_id}/minutes/decisions/{minutes.decisions[0].id}/remove"


def texts(state: str):
    def data(w):
        minutes = _minutes(w, state)
        return {"version": str(minutes.version), "reason": "Typo",
                **{f"section_{s.id}": f"Changed by the matrix {s.id}" for s in minutes.sections}}

    return data


def step(state: str, name: str, private: bool = False):
    return url(state, f"/transitions/{name}", private)


EXPECTATIONS = [
    get("minutes.show_minutes", url("draft"), only(EDITORS), label="draft"),
    get("minutes.show_minutes", url("circulated"), only(READERS), label="circulated"),
    get("minutes.show_minutes", url("approved"), only(READERS), label="approved"),
    get("minutes.show_minutes", url("published"), everyone(200), label="published"),
    get("minutes.show_minutes", bare(), everyone(404), label="none yet"),
    get("minutes.show_minutes", url("circulated", private=True), PRIVATE, label="private"),
    post("minutes.create_minutes", bare(), only(EDITORS, ALLOWED)),
    post("minutes.create_minutes", bare(private=True), only(COORDINATORS, ALLOWED, others=404), label="private"),
    get("minutes.edit_minutes", url("draft", "/edit"), only(EDITORS)),
    get("minutes.edit_minutes", url("approved", "/edit"), only(EDITORS, 302, others=403), label="approved"),
    get("minutes.edit_minutes", url("draft", "/edit", private=True), only(COORDINATORS, others=404),
        label="private"),
    post("minutes.edit_minutes", url("draft", "/edit"), only(EDITORS, ALLOWED), data=texts("draft")),
    get("minutes.correct_minutes", url("approved", "/correct"), only(EDITORS)),
    get("minutes.correct_minutes", url("published", "/correct"), only(EDITORS), label="published"),
    post("minutes.correct_minutes", url("approved", "/correct"), only(EDITORS, ALLOWED), data=texts("approved")),
    post("minutes.take_minutes_step", step("draft", "circulate"), only(EDITORS, ALLOWED), label="circulate"),
    post("minutes.take_minutes_step", step("circulated", "reopen"), only(EDITORS, ALLOWED), label="reopen"),
    post("minutes.take_minutes_step", step("circulated", "approve"), only(APPROVERS, ALLOWED), label="approve",
         data=lambda w: {"approve-approved_how": "cochairs"}),
    post("minutes.take_minutes_step", step("approved", "publish"), only(APPROVERS, ALLOWED), label="publish"),
    post("minutes.take_minutes_step", step("circulated", "approve", private=True),
         only(COORDINATORS, ALLOWED, others=404), label="private approve"),
    post("minutes.take_minutes_step", step("draft", "vanish"), everyone(404), label="unknown step"),
    post("minutes.comment_minutes", url("circulated", "/comments"), only(MEMBERS, ALLOWED),
         data=lambda w: {"comment-body": "Please add our figures"}),
    post("minutes.comment_minutes", url("circulated", "/comments", private=True),
         {**PRIVATE, "coordinator": 403, "admin": 403}, label="private"),
    post("minutes.record_decision", url("draft", "/decisions"), only(EDITORS, ALLOWED),
         data=lambda w: {"section_id": "0", "decision-0-text": "Meet monthly"}),
    post("minutes.remove_decision", decision_url, only(EDITORS, ALLOWED)),
    get("minutes.list_versions", url("circulated", "/versions"), only(READERS)),
    get("minutes.list_versions", url("published", "/versions"), everyone(200), label="published"),
    get("minutes.compare_versions", url("published", "/versions/compare?a=2&b=2"), everyone(200)),
    # the version as circulated (1) is the committee's: for others it is an unknown version
    get("minutes.compare_versions", url("published", "/versions/compare?a=1&b=2"),
        {"public": 400, "non_member": 400, **{r: 200 for r in READERS}}, label="as circulated"),
    get("minutes.compare_versions", url("published", "/versions/compare?a=1&b=99"), everyone(400),
        label="unknown version"),
    get("minutes.compare_versions", url("circulated", "/versions/compare?a=1&b=1", private=True), PRIVATE,
        label="private"),
    get("minutes.minutes_document", url("published", "/document"), everyone(200)),
    get("minutes.minutes_document", url("draft", "/document"), only(EDITORS), label="draft"),
    get("minutes.minutes_document", url("circulated", "/document", private=True), PRIVATE, label="private"),
    get("minutes.compiled_minutes", const("/committees/access-legal/minutes/compiled"), everyone(200)),
    get("minutes.compiled_minutes", const("/committees/health/minutes/compiled"), signed_in(200, public=404),
        label="private"),
    get("minutes.compiled_minutes", const("/committees/access-legal/minutes/compiled?year=20x4"), everyone(400),
        label="bad year"),
]
