"""bodies blueprint: committees, rosters, memberships, the organisation directory.

World: `committee` is public and active (the NGO and the municipal body are members; cochair, secretary,
representative, observer hold roles in it); `other_committee` is private; non_member and observer work
for the outsider organisation; coordinator and admin have no organisation.

Expected per role:
  GET  /committees                        everyone 200
  GET  /committees/<public>               everyone 200
  GET  /committees/<private>              public 404 (not revealed); signed in 200
  GET  /committees/<unknown>              everyone 404
  GET|POST /committees/new                coordinator, admin (POST: allowed); others 403; public LOGIN
  GET|POST /committees/<c>/edit           cochair, coordinator, admin; others 403; public LOGIN
  GET|POST /committees/<c>/join           non_member, observer (their organisation is not a member yet);
                                          others 403 (already members, or no organisation); public LOGIN
  GET  /committees/<c>/roster             signed in 200; public LOGIN (private committee: public 404)
  GET  /committees/<c>/roster.csv         secretary, cochair, coordinator, admin 200; others 403; public LOGIN
  POST /committees/<c>/members, members/decide, members/status, representatives, roles, roles/remove
                                          cochair, coordinator, admin allowed; others 403; public LOGIN
  GET  /committees/<c>/roster/organisations.json, roster/people.json (type-ahead suggestions)
                                          cochair, coordinator, admin 200; others 403; public LOGIN
  POST /committees/<c>/cochairs           coordinator, admin allowed; others 403; public LOGIN
  GET  /organisations                     signed in 200; public LOGIN
  GET  /organisations/<id>                signed in 200; public LOGIN; unknown id 404 for everyone
  GET|POST /organisations/new             coordinator, admin; others 403; public LOGIN
  GET|POST /organisations/<ngo>/edit      coordinator, admin (nobody here is the NGO's primary contact)
  POST /organisations/<ngo>/join          representative, cochair (staff of the NGO) allowed; others 403
"""
from tests.web.routes import ALLOWED, COORDINATORS, const, everyone, get, only, post, signed_in


def committee(path: str = ""):
    return lambda w: f"/committees/{w.committee.slug}{path}"


def private(path: str = ""):
    return lambda w: f"/committees/{w.other_committee.slug}{path}"


def org(path: str = ""):
    return lambda w: f"/organisations/{w.ngo.id}{path}"


MANAGERS = ("cochair",) + COORDINATORS
ROSTER_EDITORS = ("secretary", "cochair") + COORDINATORS
NEWCOMERS = ("non_member", "observer")
NGO_STAFF = ("representative", "cochair")

EXPECTATIONS = [
    get("bodies.list_committees", const("/committees"), everyone(200)),
    get("bodies.show_committee", committee(), everyone(200), label="public"),
    get("bodies.show_committee", private(), signed_in(200, public=404), label="private"),
    get("bodies.show_committee", const("/committees/no-such-committee"), everyone(404), label="unknown"),
    get("bodies.create_committee", const("/committees/new"), only(COORDINATORS)),
    post("bodies.create_committee", const("/committees/new"), only(COORDINATORS, ALLOWED)),
    get("bodies.edit_committee", committee("/edit"), only(MANAGERS)),
    get("bodies.edit_committee", private("/edit"), only(COORDINATORS, public=404), label="private"),
    post("bodies.edit_committee", committee("/edit"), only(MANAGERS, ALLOWED)),
    get("bodies.request_membership", committee("/join"), only(NEWCOMERS)),
    post("bodies.request_membership", committee("/join"), only(NEWCOMERS, ALLOWED)),
    get("bodies.show_roster", committee("/roster"), signed_in(200)),
    get("bodies.show_roster", private("/roster"), signed_in(200, public=404), label="private"),
    get("bodies.export_roster", committee("/roster.csv"), only(ROSTER_EDITORS)),
    get("bodies.export_roster", private("/roster.csv"), only(COORDINATORS, public=404), label="private"),
    get("bodies.suggest_organisations", committee("/roster/organisations.json?q=ab"), only(MANAGERS)),
    get("bodies.suggest_people", committee("/roster/people.json?q=ab"), only(MANAGERS)),
    get("bodies.suggest_people", private("/roster/people.json?q=ab"), only(COORDINATORS, public=404),
        label="private"),
    post("bodies.add_member", committee("/members"), only(MANAGERS, ALLOWED)),
    post("bodies.decide_membership", committee("/members/decide"), only(MANAGERS, ALLOWED)),
    post("bodies.set_membership_status", committee("/members/status"), only(MANAGERS, ALLOWED)),
    post("bodies.set_representative", committee("/representatives"), only(MANAGERS, ALLOWED)),
    post("bodies.add_role", committee("/roles"), only(MANAGERS, ALLOWED)),
    post("bodies.remove_role", committee("/roles/remove"), only(MANAGERS, ALLOWED)),
    post("bodies.appoint_cochair", committee("/cochairs"), only(COORDINATORS, ALLOWED)),
    post("bodies.add_member", private("/members"), only(COORDINATORS, ALLOWED, public=404), label="private"),
    get("bodies.list_organisations", const("/organisations"), signed_in(200)),
    get("bodies.show_organisation", org(), signed_in(200)),
    get("bodies.show_organisation", const("/organisations/999999"), everyone(404), label="unknown"),
    get("bodies.create_organisation", const("/organisations/new"), only(COORDINATORS)),
    post("bodies.create_organisation", const("/organisations/new"), only(COORDINATORS, ALLOWED)),
    get("bodies.edit_organisation", org("/edit"), only(COORDINATORS)),
    post("bodies.edit_organisation", org("/edit"), only(COORDINATORS, ALLOWED)),
    post("bodies.join_committee", org("/join"), only(NGO_STAFF, ALLOWED)),
]
