"""Route × role expectations for the JSON API (portal/api) and the token pages of the profile
(portal/people/token_views.py), with the browser session as the credential.

With a session cookie the API reads as the signed-in person (the same policy as the pages) and refuses every
write (401: writes need a token), so each write row is 401 for everyone. The public gets 401 where signing in
might help, never a redirect. tests/api/test_api_matrix.py checks the same reads with Bearer tokens, and the
writes per role.

World: `committee` is public, `other_committee` private (signed-in people see that it exists, not its meetings).
"""
from __future__ import annotations

from committees.services import tokens
from tests.web.routes import ALLOWED, COORDINATORS, LOGIN, Expect, everyone, get, only, post, signed_in
from tests.web.routes.actions import _item
from tests.web.routes.meetings import _cached, _new, _scheduled
from tests.web.routes.minutes import _minutes
from tests.web.routes.proposals import cached as proposal

MEMBERS = ("observer", "representative", "secretary", "cochair")
READERS = (*MEMBERS, *COORDINATORS)
RECORDERS = ("secretary", "cochair", *COORDINATORS)
API = "/api/v1"


def api_signed_in(outcome=200):
    return signed_in(outcome, public=401)


def api_only(roles, outcome=200, others=404, public=401):
    return only(roles, outcome, others=others, public=public)


def meeting_url(kind: str, path: str = ""):
    makers = {"scheduled": _scheduled, "draft": _new, "private": lambda w: _scheduled(w, w.other_committee)}
    return lambda w: f"{API}/meetings/{_cached(w, '_api_m_' + kind, makers[kind]).id}{path}"


def minutes_url(state: str):
    return lambda w: f"{API}/meetings/{_minutes(w, state).meeting_id}/minutes"


def proposal_url(state: str, path: str = ""):
    find = proposal(state)
    return lambda w: f"{API}/proposals/{find(w).id}{path}"


def action_url(path: str = ""):
    return lambda w: f"{API}/actions/{_item(w).id}{path}"


def _token_of_representative(w):
    return _cached(w, "_api_token", lambda w: tokens.create_token(w.representative, w.representative,
                                                                  name="script")[0])


EXPECTATIONS = [
    get("api_meta.openapi_json", lambda w: f"{API}/openapi.json", everyone(200)),
    get("api_meta.reference", lambda w: f"{API}/docs", everyone(200)),
    get("api.list_committees", lambda w: f"{API}/committees", everyone(200)),
    get("api.get_committee", lambda w: f"{API}/committees/{w.committee.slug}", everyone(200)),
    get("api.get_committee", lambda w: f"{API}/committees/{w.other_committee.slug}", signed_in(200, public=404),
        label="private"),
    get("api.get_roster", lambda w: f"{API}/committees/{w.committee.slug}/roster", api_signed_in()),
    get("api.list_meetings", lambda w: f"{API}/committees/{w.committee.slug}/meetings", everyone(200)),
    get("api.list_decisions", lambda w: f"{API}/committees/{w.committee.slug}/decisions", everyone(200)),
    get("api.list_committee_proposals", lambda w: f"{API}/committees/{w.committee.slug}/proposals", everyone(200)),
    get("api.list_committee_actions", lambda w: f"{API}/committees/{w.committee.slug}/actions",
        api_only(READERS, others=403)),
    get("api.list_organisations", lambda w: f"{API}/organisations", api_signed_in()),
    get("api.get_organisation", lambda w: f"{API}/organisations/{w.ngo.id}", api_signed_in()),
    get("api.get_person", lambda w: f"{API}/people/{w.representative.id}", api_signed_in()),
    get("api.get_me", lambda w: f"{API}/me", api_signed_in()),
    get("api.list_my_actions", lambda w: f"{API}/me/actions", api_signed_in()),
    get("api.get_meeting", meeting_url("scheduled"), everyone(200)),
    get("api.get_meeting", meeting_url("draft"), api_only(RECORDERS), label="draft"),
    get("api.get_meeting", meeting_url("private"), api_only(COORDINATORS), label="private committee"),
    get("api.get_minutes", minutes_url("draft"), api_only(RECORDERS, public=404), label="draft"),
    get("api.get_minutes", minutes_url("circulated"), api_only(READERS, public=404), label="circulated"),
    get("api.get_minutes", minutes_url("published"), everyone(200), label="published"),
    get("api.list_calendars", lambda w: f"{API}/calendars", everyone(200)),
    get("api.list_proposals", lambda w: f"{API}/proposals", everyone(200)),
    get("api.get_proposal", proposal_url("draft"), api_only(("representative", "cochair"), public=404),
        label="draft"),
    get("api.get_proposal", proposal_url("submitted"), api_only(READERS, public=404), label="submitted"),
    get("api.get_proposal", proposal_url("forwarded"), everyone(200), label="forwarded"),
    get("api.get_action", action_url(), api_only(READERS)),
    # Search: everyone may search, each finds what they may see (tests/api/test_search_api.py); bad input is 422.
    get("api.search", lambda w: f"{API}/search?q=legal+aid&kind=proposal&committee={w.committee.slug}",
        everyone(200)),
    get("api.search", lambda w: f"{API}/search?q=%22NEAR%28*%5E", everyone(200), label="hostile"),
    get("api.search", lambda w: f"{API}/search", everyone(422), label="no query"),
    get("api.search", lambda w: f"{API}/search?q=" + "a" * 201, everyone(422), label="too long"),
    get("api.search", lambda w: f"{API}/search?q=x&committee={w.other_committee.slug}", signed_in(200, public=422),
        label="private committee"),
    # Writes: never with the session cookie.
    post("api.post_proposal_transition", proposal_url("submitted", "/transitions"), everyone(401),
         data=lambda w: {"transition": "start_review"}),
    post("api.post_action_update", action_url("/updates"), everyone(401), data=lambda w: {"note": "Done"}),
    Expect("api.patch_action", "PATCH", action_url(), everyone(401), data=lambda w: {"status": "done"}),
    # The profile's token pages.
    get("people.list_tokens", lambda w: "/profile/tokens", signed_in(200)),
    post("people.create_token", lambda w: "/profile/tokens", signed_in(ALLOWED),
         data=lambda w: {"name": "My script", "scope": "read", "expires_days": "30"}),
    post("people.revoke_token", lambda w: f"/profile/tokens/{_token_of_representative(w).id}/revoke",
         {**signed_in(404), "representative": 302, "public": LOGIN}),
]
