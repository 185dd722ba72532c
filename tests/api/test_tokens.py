"""Token life cycle through the API: created (profile page and CLI), used, expired, revoked, scope refused,
deactivated; the session cookie reads but never writes; tokens in the query string are ignored."""
from __future__ import annotations

import re
from datetime import timedelta

from committees.db import db, utcnow
from committees.models import ApiToken
from committees.services import people, tokens
from tests.api.conftest import error_of
from tests.web.routes.actions import _item

ME = "/api/v1/me"
TOKEN_RE = re.compile(r'value="(cpt_[A-Za-z0-9_-]{43})"')


def test_a_token_identifies_its_person_and_records_its_use(app, world, api_as):
    client = api_as("representative")
    response = client.get(ME)
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == world.representative.id and body["token"]["scope"] == "read"
    assert "no-store" in response.headers["Cache-Control"]
    token = db.session.get(ApiToken, body["token"]["id"])
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_without_credentials_the_caller_is_the_public(app, world, api_as):
    response = api_as(None).get(ME)
    assert response.status_code == 401 and error_of(response)["code"] == "unauthorised"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_bad_tokens_are_refused_not_ignored(app, world, token_for):
    client = app.test_client()
    raw = token_for(world.representative)
    for header in (f"Bearer {raw[:-1]}", f"Bearer {raw}x", "Bearer ", "Basic dXNlcjpwYXNz", f"Token {raw}",
                   "Bearer cpt_" + "A" * 43, "Bearer " + "é" * 20):
        response = client.get(ME, headers={"Authorization": header})
        assert response.status_code == 401, header
        assert error_of(response)["code"] == "invalid_token"


def test_tokens_in_the_query_string_are_not_accepted(app, world, token_for):
    raw = token_for(world.representative)
    for name in ("access_token", "token", "api_key"):
        assert app.test_client().get(f"{ME}?{name}={raw}").status_code == 401


def test_an_expired_token_stops_working(app, world, token_for):
    raw = token_for(world.representative)
    token = tokens.authenticate(raw)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = app.test_client().get(ME, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401 and error_of(response)["code"] == "invalid_token"


def test_a_revoked_token_stops_working(app, world, api_as):
    client = api_as("representative")
    assert client.get(ME).status_code == 200
    tokens.revoke_token(world.representative, tokens.authenticate(client.raw))
    db.session.commit()
    assert client.get(ME).status_code == 401


def test_a_deactivated_persons_token_stops_working(app, world, api_as):
    client = api_as("representative")
    people.deactivate_person(world.admin, world.representative)
    db.session.commit()
    assert client.get(ME).status_code == 401
    people.reactivate_person(world.admin, world.representative)
    db.session.commit()
    assert client.get(ME).status_code == 200  # revoking is the owner's or a coordinator's choice


def test_a_read_token_may_not_write(app, world, api_as):
    item = _item(world)
    response = api_as("representative", "read").post(f"/api/v1/actions/{item.id}/updates", json={"note": "x"})
    assert response.status_code == 403 and error_of(response)["code"] == "insufficient_scope"
    assert "insufficient_scope" in response.headers["WWW-Authenticate"]
    ok = api_as("representative", "write").post(f"/api/v1/actions/{item.id}/updates", json={"note": "Sent"})
    assert ok.status_code == 201, ok.get_data(as_text=True)


def test_the_session_cookie_reads_but_never_writes(app, world, login_as):
    item = _item(world)
    client = login_as(world.representative)
    assert client.get(ME).get_json()["token"] is None
    response = client.post(f"/api/v1/actions/{item.id}/updates", json={"note": "Sent"})
    assert response.status_code == 401 and error_of(response)["code"] == "token_required"
    token = client.csrf_token()  # even with a valid CSRF token
    response = client.post(f"/api/v1/actions/{item.id}/updates", json={"note": "Sent"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 401
    assert not item.updates


# -- the profile pages ----------------------------------------------------------------------------------

def test_the_profile_creates_a_token_shown_once(app, world, login_as):
    client = login_as(world.representative)
    assert b"/profile/tokens" in client.get("/profile").data
    response = client.post_form("/profile/tokens", {"name": "Service map", "scope": "write", "expires_days": "30"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    raw = TOKEN_RE.search(response.get_data(as_text=True)).group(1)
    assert app.test_client().get(ME, headers={"Authorization": f"Bearer {raw}"}).get_json()["token"]["scope"] == \
        "write"
    listing = client.get("/profile/tokens").get_data(as_text=True)
    assert "Service map" in listing and raw[:8] in listing and raw not in listing


def test_the_profile_refuses_bad_token_input_with_400(app, world, login_as):
    client = login_as(world.representative)
    for data in ({"name": "", "scope": "read", "expires_days": "30"},
                 {"name": "x", "scope": "admin", "expires_days": "30"},
                 {"name": "x", "scope": "read", "expires_days": "0"},
                 {"name": "x", "scope": "read", "expires_days": "many"}):
        response = client.post_form("/profile/tokens", data)
        assert response.status_code == 400, data
    assert not tokens.list_tokens(world.representative)


def test_the_profile_revokes_only_ones_own_tokens(app, world, login_as, token_for):
    raw = token_for(world.representative)
    token = tokens.authenticate(raw)
    assert login_as(world.alternate).post_form(f"/profile/tokens/{token.id}/revoke").status_code == 404
    assert tokens.authenticate(raw) is not None
    response = login_as(world.representative).post_form(f"/profile/tokens/{token.id}/revoke")
    assert response.status_code == 302
    db.session.expire_all()
    assert tokens.authenticate(raw) is None


def test_token_creation_is_throttled(app, world, login_as):
    app.config["TOKEN_LIMIT_PER_ADDRESS"] = "3 per minute"
    try:
        client = login_as(world.representative)
        statuses = [client.post_form("/profile/tokens", {"name": f"t{i}", "scope": "read", "expires_days": "30"}
                                     ).status_code for i in range(4)]
    finally:
        app.config["TOKEN_LIMIT_PER_ADDRESS"] = "10 per 15 minutes;50 per day"
    assert statuses == [200, 200, 200, 429]


# -- the command line -----------------------------------------------------------------------------------

def test_cli_creates_lists_and_revokes_tokens(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tokens", "create", world.representative.email, "--scope", "write",
                                 "--expires-days", "7", "--name", "Sync"])
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip().splitlines()[-1]
    token = tokens.authenticate(raw)
    assert token.scope.value == "write" and token.name == "Sync"
    listed = runner.invoke(args=["tokens", "list", world.representative.email])
    assert "Sync" in listed.output and raw not in listed.output
    assert runner.invoke(args=["tokens", "revoke", str(token.id)]).exit_code == 0
    db.session.expire_all()
    assert tokens.authenticate(raw) is None
    assert runner.invoke(args=["tokens", "create", "nobody@nowhere.test"]).exit_code != 0
