"""API fixtures: `token_for(person, scope)` makes a token; `api_as(person_or_role, scope)` gives a client that sends it
(`api_as(None)` is the public, without any credential)."""
from __future__ import annotations

import pytest

from committees.db import db
from committees.services import tokens


class ApiClient:
    def __init__(self, client, raw: str | None):
        self.client = client
        self.raw = raw

    def _headers(self, headers: dict | None) -> dict:
        merged = {"Authorization": f"Bearer {self.raw}"} if self.raw else {}
        merged.update(headers or {})
        return merged

    def request(self, method: str, url: str, json=None, headers: dict | None = None, **kw):
        return self.client.open(url, method=method, json=json, headers=self._headers(headers), **kw)

    def get(self, url: str, **kw):
        return self.request("GET", url, **kw)

    def post(self, url: str, json=None, **kw):
        return self.request("POST", url, json=json if json is not None else {}, **kw)

    def patch(self, url: str, json=None, **kw):
        return self.request("PATCH", url, json=json if json is not None else {}, **kw)


@pytest.fixture
def token_for(app):
    def make(person, scope: str = "read", days: int = 30, name: str = "test") -> str:
        _token, raw = tokens.create_token(person, person, name=name, scope=scope, expires_days=days)
        db.session.commit()
        return raw

    return make


@pytest.fixture
def api_as(app, world, token_for):
    def make(who=None, scope: str = "read") -> ApiClient:
        person = world.person(who) if isinstance(who, str) else who
        return ApiClient(app.test_client(), token_for(person, scope) if person is not None else None)

    return make


def error_of(response) -> dict:
    """The JSON error body, checking its shape (never HTML)."""
    assert response.is_json, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    return body["error"]
