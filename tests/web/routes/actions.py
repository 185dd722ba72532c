"""Route expectations for the action items pages (actions blueprint, portal/actions/views.py).

World: `committee` is public (cochair, cochair_municipal, secretary, representative, alternate, observer hold
roles in it); `other_committee` is private (outsider_org is its member; observer and non_member work for
outsider_org; other_rep represents it). Items are made lazily by the URL builders and cached on the world.

Expected per role:
  GET  /committees/<public>/actions            members + coordinators 200; non_member 403; public LOGIN
  GET  /committees/<private>/actions           coordinators 200; public 404; signed-in non-members 404
  GET  /my/actions                             signed in 200; public LOGIN
  GET|POST /committees/<c>/actions/new         cochair, coordinator, admin (private: coordinators; signed-in
                                               others 403 as for every committee page, public 404)
  GET  /actions/<item owned by representative>  members + coordinators 200; non_member 403; public LOGIN
  GET  /actions/<item owned by the NGO>         also the NGO's people (representative, cochair) — same set here
  GET  /actions/<private, owned by other_rep>   coordinators 200; public LOGIN; others 404
  GET  /actions/<private, owned by outsider_org> coordinators and outsider_org's people (observer, non_member) 200
  POST /actions/<id>/updates                    owner person, owner organisation's people, co-chairs, coordinators
  GET|POST /actions/<id>/edit                   cochair, coordinator, admin
"""
from __future__ import annotations

from committees.services import actions as svc
from tests.web.routes import ALLOWED, COORDINATORS, LOGIN, get, only, post, signed_in
from tests.web.routes.meetings import _cached

CREATORS = ("cochair", *COORDINATORS)
MEMBERS = ("observer", "representative", "secretary", "cochair")
READERS = (*MEMBERS, *COORDINATORS)
PRIVATE = {"public": LOGIN, "coordinator": 200, "admin": 200,
           **{r: 404 for r in (*MEMBERS, "non_member")}}


def _item(w, kind: str = "person"):
    def make(w):
        if kind == "person":
            return svc.create_action(w.cochair, w.committee, title="Write to the ministry",
                                     owner_person_id=w.representative.id)
        if kind == "municipal":
            return svc.create_action(w.cochair, w.committee, title="Open a help desk",
                                     owner_organisation_id=w.municipal.id)
        if kind == "private":
            return svc.create_action(w.coordinator, w.other_committee, title="Vaccination leaflet",
                                     owner_person_id=w.other_rep.id)
        return svc.create_action(w.coordinator, w.other_committee, title="Clinic visits",
                                 owner_organisation_id=w.outsider_org.id)

    return _cached(w, f"_action_{kind}", make)


def item_url(path: str = "", kind: str = "person"):
    return lambda w: f"/actions/{_item(w, kind).id}{path}"


def committee_url(path: str, private: bool = False):
    return lambda w: f"/committees/{(w.other_committee if private else w.committee).slug}{path}"


def _new_data(w):
    return {"title": "Call the lawyers", "owner_person_id": str(w.representative.id), "priority": "normal",
            "status": "open"}


def _update_data(w):
    return {"note": "Drafted the letter", "new_status": ""}


EXPECTATIONS = [
    get("actions.committee_actions", committee_url("/actions"), only(READERS)),
    get("actions.committee_actions", committee_url("/actions", private=True), only(COORDINATORS, others=404,
                                                                                   public=404), label="private"),
    get("actions.my_actions", lambda w: "/my/actions", signed_in(200)),
    get("actions.my_actions", lambda w: "/my/actions?tab=organisation&show=all", signed_in(200),
        label="organisation, all"),
    get("actions.new_action", committee_url("/actions/new"), only(CREATORS)),
    get("actions.new_action", committee_url("/actions/new", private=True), only(COORDINATORS, public=404),
        label="private"),
    post("actions.new_action", committee_url("/actions/new"), only(CREATORS, ALLOWED), data=_new_data),
    post("actions.new_action", committee_url("/actions/new", private=True),
         only(COORDINATORS, ALLOWED, public=404), data=_new_data, label="private"),
    get("actions.show_action", item_url(), only(READERS)),
    get("actions.show_action", item_url(kind="municipal"), only(READERS), label="owned by an organisation"),
    get("actions.show_action", item_url(kind="private"), PRIVATE, label="private"),
    get("actions.show_action", item_url(kind="private_org"),
        {**PRIVATE, "observer": 200, "non_member": 200}, label="private, owned by the viewer's organisation"),
    post("actions.post_action_update", item_url("/updates"),
         only(("representative", "cochair", *COORDINATORS), ALLOWED), data=_update_data),
    post("actions.post_action_update", item_url("/updates", kind="municipal"),
         only(("secretary", "cochair", *COORDINATORS), ALLOWED), data=_update_data, label="owned by an organisation"),
    post("actions.post_action_update", item_url("/updates", kind="private"),
         {**PRIVATE, "coordinator": ALLOWED, "admin": ALLOWED}, data=_update_data, label="private"),
    post("actions.post_action_update", item_url("/updates", kind="private_org"),
         {**PRIVATE, "coordinator": ALLOWED, "admin": ALLOWED, "observer": ALLOWED, "non_member": ALLOWED},
         data=_update_data, label="private, owned by the poster's organisation"),
    get("actions.edit_action", item_url("/edit"), only(CREATORS)),
    get("actions.edit_action", item_url("/edit", kind="private"), PRIVATE, label="private"),
    post("actions.edit_action", item_url("/edit"), only(CREATORS, ALLOWED)),
    post("actions.edit_action", item_url("/edit", kind="private_org"),
         {**PRIVATE, "coordinator": ALLOWED, "admin": ALLOWED, "observer": 403, "non_member": 403},
         label="private, owned by an organisation"),
]
