"""bodies blueprint: committees, rosters, memberships, the organisation directory.

Expected per role (world: `committee` is public and active, `other_committee` is private):
  GET /committees                    everyone 200
  GET /committees/<public>           everyone 200
  GET /committees/<private>          public 404 (not revealed); signed in 200
  GET /committees/<unknown>          everyone 404
  GET /organisations                 public LOGIN; signed in 200
  GET /organisations/<id>            public LOGIN; signed in 200
  GET /organisations/<unknown id>    everyone 404 (the object is looked up first)
The lead extends this list as routes land (membership, roster, committee editing ...).
"""
from tests.web.routes import const, everyone, get, signed_in

EXPECTATIONS = [
    get("bodies.list_committees", const("/committees"), everyone(200)),
    get("bodies.show_committee", lambda w: f"/committees/{w.committee.slug}", everyone(200), label="public"),
    get("bodies.show_committee", lambda w: f"/committees/{w.other_committee.slug}", signed_in(200, public=404),
        label="private"),
    get("bodies.show_committee", const("/committees/no-such-committee"), everyone(404), label="unknown"),
    get("bodies.list_organisations", const("/organisations"), signed_in(200)),
    get("bodies.show_organisation", lambda w: f"/organisations/{w.ngo.id}", signed_in(200)),
    get("bodies.show_organisation", const("/organisations/999999"), everyone(404), label="unknown"),
]
