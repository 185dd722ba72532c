"""CSRF on every state-changing route, sign-in and sign-out included; no state change by GET (security.md 6).

The routes come from app.url_map; their URLs from the route matrix (tests/web/routes/), so a new POST
route is covered as soon as it has its expectations.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from committees.db import db
from tests.conftest import CSRF_RE, login
from tests.web.routes import LOGIN, collect

EXPECTATIONS = collect()


def _post_routes(app) -> list[str]:
    """Every POST route but the JSON API's: those take no cookie for writes, hence need no CSRF token
    (tests/api/test_api_matrix.py proves a cookie without a Bearer token writes nothing there)."""
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()
                   if "POST" in rule.methods and not rule.endpoint.startswith("api.")})


def _post_only_rules(app):
    """Rules that take POST on a path no rule serves by GET (/admin/import, say, has a GET page too)."""
    readable = {rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    return sorted((rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and rule.rule not in readable),
                  key=lambda rule: rule.endpoint)


def _url_from_rule(app, endpoint: str, world) -> str:
    """A URL that matches the rule, built from the world (the CSRF check runs before any view)."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods)
    values = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind == "IntegerConverter":
            values[name] = world.representative.id if "person" in name else world.ngo.id
        elif kind == "AnyConverter":
            values[name] = sorted(converter.items)[0] if hasattr(converter, "items") else "x"
        else:
            values[name] = world.committee.slug
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


def _url_for_post(endpoint: str, world, app=None) -> str:
    """The URL of a POST expectation, preferring one somebody may use (a valid token, an existing object);
    else one built from the rule."""
    candidates = [e for e in EXPECTATIONS if e.endpoint == endpoint and e.method == "POST"]
    if not candidates:
        from flask import current_app

        return _url_from_rule(app or current_app, endpoint, world)
    usable = [e for e in candidates if any(s not in (404, 403, LOGIN) for s in e.statuses.values())]
    return (usable or candidates)[0].url(world)


def _url_for_get(endpoint: str, world) -> str:
    candidates = [e for e in EXPECTATIONS if e.endpoint == endpoint and e.method == "GET"]
    assert candidates, f"GET {endpoint} has no expectation in tests/web/routes/"
    return candidates[0].url(world)


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


@pytest.fixture
def post_endpoints(app):
    return _post_routes(app)


def test_sign_in_and_out_are_post_routes(app):
    assert {"auth.login", "auth.logout", "main.set_language"} <= set(_post_routes(app))


@pytest.mark.parametrize("role", ["public", "coordinator", "cochair"])
def test_every_post_without_a_token_is_refused(app, world, role, post_endpoints):
    client = app.test_client()
    if role != "public":
        login(client, world.person(role))
    failures = []
    for endpoint in post_endpoints:
        url = _url_for_post(endpoint, world, app)
        before = row_counts()
        response = client.post(url, data={"lang": "el", "email": world.admin.email, "name": "x"})
        if response.status_code != 400:
            failures.append(f"{endpoint} {url}: {response.status_code}")
        elif row_counts() != before:
            failures.append(f"{endpoint} {url}: data changed despite the 400")
    assert not failures, "; ".join(failures)


@pytest.mark.parametrize("bad_token", ["", "forged", "IjAwMDAi.aaaa.bbbb"])
def test_bad_tokens_are_refused(client, world, bad_token):
    response = client.post("/login", data={"email": world.representative.email,
                                           "password": "correct horse battery staple", "csrf_token": bad_token})
    assert response.status_code == 400
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


def test_a_token_from_another_session_is_refused(app, world):
    attacker = app.test_client()
    token = CSRF_RE.search(attacker.get("/login").get_data(as_text=True)).group(1)
    victim = login(app.test_client(), world.representative)
    response = victim.post("/logout", data={"csrf_token": token})
    assert response.status_code == 400
    assert victim.get("/profile").status_code == 200, "still signed in"


def test_logout_needs_the_token(app, world):
    client = login(app.test_client(), world.representative)
    assert client.post("/logout").status_code == 400
    assert client.get("/profile").status_code == 200
    assert client.post_form("/logout").status_code == 302
    assert client.get("/profile").status_code == 302


def test_get_on_post_only_routes_is_405(app, world):
    rules = _post_only_rules(app)
    assert any(rule.endpoint == "auth.logout" for rule in rules)
    client = login(app.test_client(), world.coordinator)
    for rule in rules:
        url = _url_for_post(rule.endpoint, world, app)
        before = row_counts()
        response = client.get(url)
        assert response.status_code == 405, f"GET {rule.endpoint}: {response.status_code}"
        assert row_counts() == before, rule.endpoint
    assert client.get("/profile").status_code == 200, "GET /logout must not sign out"


# A GET may leave a trace, never a change: exports and downloads are audited (security.md 30).
TRACES = {"audit_entry"}


def test_get_changes_no_rows(app, world):
    """No GET route adds or removes rows other than audit entries (the sign-in happens before the snapshot)."""
    client = login(app.test_client(), world.coordinator)
    changed = []
    for endpoint in sorted({e.endpoint for e in EXPECTATIONS if e.method == "GET"}):
        url = _url_for_get(endpoint, world)
        before = row_counts()
        client.get(url)
        after = row_counts()
        for table in TRACES:
            before.pop(table, None), after.pop(table, None)
        if after != before:
            changed.append(f"{endpoint}: " + ", ".join(k for k in after if after[k] != before[k]))
    assert not changed, "; ".join(changed)


def test_production_checks_the_referer_over_https(app, world):
    from portal import create_app
    from tests.conftest import Client

    prod = create_app("production", SECRET_KEY="a-production-secret-key-of-forty-characters",
                      TRUSTED_HOSTS=["portal.example"], SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      SQLALCHEMY_ENGINE_OPTIONS=app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    prod.test_client_class = Client
    client = prod.test_client()
    page = client.get("/login", base_url="https://portal.example").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    data = {"email": world.representative.email, "password": "correct horse battery staple", "csrf_token": token}
    for referer in ("https://evil.example/login", None):
        headers = {"Referer": referer} if referer else {}
        response = client.post("/login", base_url="https://portal.example", data=data, headers=headers)
        assert response.status_code == 400, referer
    response = client.post("/login", base_url="https://portal.example", data=data,
                           headers={"Referer": "https://portal.example/login"})
    assert response.status_code == 302
