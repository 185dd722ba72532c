"""Route expectations for agendas, documents and the meeting pack (meetings blueprint).

World: `committee` is public; `other_committee` is private. Meetings, items and documents are made lazily by the
URL builders and cached on the world object.

Expected per role:
  GET  /meetings/<scheduled>/pack                          everyone 200
  GET  /meetings/<private committee's>/pack                coordinator, admin 200; public LOGIN; others 404
  POST /meetings/<id>/agenda/items|publish|copy            secretary, cochair, coordinator, admin; others 403
  GET|POST /meetings/<id>/agenda/items/<item>/edit         secretary, cochair, coordinator, admin; others 403
  POST /meetings/<id>/agenda/items/<item>/move|remove|decide   the same
  POST /meetings/<id>/agenda/suggest                       representative, secretary, cochair; others 403
  POST /meetings/<id>/documents                            secretary, cochair, coordinator, admin; others 403
  GET  /documents/<scheduled public meeting's>             everyone 200
  GET  /documents/<private committee's>                    coordinator, admin 200; public LOGIN; others 404
  POST /documents/<id>/delete                              secretary, cochair, coordinator, admin; others 403
"""
from __future__ import annotations

from committees.services import agendas as agenda_svc
from committees.services import documents as document_svc
from tests.web.routes import ALLOWED, COORDINATORS, everyone, get, only, post
from tests.web.routes.meetings import _cached, _scheduled

RECORDERS = ("secretary", "cochair", *COORDINATORS)
SUGGESTERS = ("representative", "secretary", "cochair")
PDF = b"%PDF-1.4\n%%EOF\n"


def _meeting(w, private: bool = False):
    return _cached(w, "_m_agenda_private" if private else "_m_agenda",
                   lambda w: _scheduled(w, w.other_committee if private else None))


def meeting_url(path: str, private: bool = False):
    return lambda w: f"/meetings/{_meeting(w, private).id}{path}"


def _item(w, suggested: bool = False):
    meeting = _meeting(w)
    add = agenda_svc.suggest_item if suggested else agenda_svc.add_item
    actor = w.representative if suggested else w.cochair
    return _cached(w, "_agenda_suggestion" if suggested else "_agenda_item",
                   lambda w: add(actor, meeting, title="Housing", minutes_allotted=10))


def item_url(path: str, suggested: bool = False):
    return lambda w: f"/meetings/{_meeting(w).id}/agenda/items/{_item(w, suggested).id}{path}"


def _document(w, private: bool = False):
    meeting = _meeting(w, private)
    return _cached(w, "_document_private" if private else "_document",
                   lambda w: document_svc.upload_document(w.coordinator, meeting, "notes.pdf", PDF, max_bytes=10**6))


def document_url(path: str = "", private: bool = False):
    return lambda w: f"/documents/{_document(w, private).id}{path}"


EXPECTATIONS = [
    get("meetings.meeting_pack", meeting_url("/pack"), everyone(200)),
    get("meetings.meeting_pack", meeting_url("/pack", private=True), only(COORDINATORS, others=404),
        label="private"),
    post("meetings.add_agenda_item", meeting_url("/agenda/items"), only(RECORDERS, ALLOWED),
         data=lambda w: {"add-title": "Shelters", "add-minutes_allotted": "10"}),
    post("meetings.add_agenda_item", meeting_url("/agenda/items", private=True),
         only(COORDINATORS, ALLOWED, others=404), label="private"),
    post("meetings.suggest_agenda_item", meeting_url("/agenda/suggest"), only(SUGGESTERS, ALLOWED),
         data=lambda w: {"suggest-title": "Interpreters", "suggest-minutes_allotted": "10"}),
    get("meetings.edit_agenda_item", item_url("/edit"), only(RECORDERS)),
    post("meetings.edit_agenda_item", item_url("/edit"), only(RECORDERS, ALLOWED)),
    post("meetings.move_agenda_item", item_url("/move"), only(RECORDERS, ALLOWED),
         data=lambda w: {"direction": "down"}),
    post("meetings.remove_agenda_item", item_url("/remove"), only(RECORDERS, ALLOWED)),
    post("meetings.decide_agenda_suggestion", item_url("/decide", suggested=True), only(RECORDERS, ALLOWED),
         data=lambda w: {"decision": "accept"}),
    post("meetings.publish_agenda", meeting_url("/agenda/publish"), only(RECORDERS, ALLOWED)),
    post("meetings.copy_agenda", meeting_url("/agenda/copy"), only(RECORDERS, ALLOWED)),
    post("meetings.upload_document", meeting_url("/documents"), only(RECORDERS, ALLOWED)),
    get("meetings.download_document", document_url(), everyone(200)),
    get("meetings.download_document", document_url(private=True), only(COORDINATORS, others=404),
        label="private"),
    post("meetings.delete_document", document_url("/delete"), only(RECORDERS, ALLOWED)),
]
