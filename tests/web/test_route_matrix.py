"""Every route in app.url_map × every role: the exact outcome, from tests/web/routes/<blueprint>.py.

An endpoint (or method) that no module lists fails the suite by name, so a new route cannot ship
without somebody deciding who may reach it.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests import factories as f
from tests.conftest import ROLES, login
from tests.web.routes import ALLOWED, LOGIN, Expect, collect, denied, everyone

EXPECTATIONS = collect()
IGNORED_METHODS = {"HEAD", "OPTIONS"}
DENIALS = {LOGIN, 403, 404}


def routes(app) -> dict[tuple[str, str], str]:
    return {
        (rule.endpoint, method): rule.rule
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    }


def outcome(response):
    if response.status_code in (301, 302, 303, 307, 308):
        return LOGIN if urlsplit(response.headers["Location"]).path == "/login" else 302
    return response.status_code


def send(client, expectation: Expect, world):
    url = expectation.url(world)
    if expectation.method == "GET":
        return client.get(url)
    data = expectation.data(world) if expectation.data else {}
    return client.post_form(url, data) if expectation.method == "POST" else client.open(
        url, method=expectation.method, data=data)


def matches(expected, response) -> bool:
    got = outcome(response)
    if expected == ALLOWED:
        return got not in DENIALS | {405} and response.status_code < 500
    return got == expected


def test_every_route_has_an_expectation(app):
    listed = {(e.endpoint, e.method) for e in EXPECTATIONS}
    missing = sorted(f"{method} {endpoint} ({rule})" for (endpoint, method), rule in routes(app).items()
                     if (endpoint, method) not in listed)
    assert not missing, (
        "Routes with no expected outcome per role; add them to tests/web/routes/<blueprint>.py: "
        + "; ".join(missing)
    )


def test_every_expectation_names_a_real_route(app):
    known = routes(app)
    stale = sorted({e.id for e in EXPECTATIONS if (e.endpoint, e.method) not in known})
    assert not stale, "Expectations for routes that do not exist: " + "; ".join(stale)


def test_unknown_role_names_are_denied_and_refused():
    expectation = Expect("main.home", "GET", lambda w: "/", everyone(200))
    assert expectation.status_for("intruder") == 403
    assert expectation.status_for("") == 403
    assert denied("public") == LOGIN
    partial = Expect("admin.index", "GET", lambda w: "/admin/", {"admin": 200})
    assert [partial.status_for(r) for r in ROLES] == [LOGIN] + [403] * 6 + [200]
    with pytest.raises(ValueError, match="unknown role"):
        Expect("main.home", "GET", lambda w: "/", {"cochiar": 200})


GETS = [e for e in EXPECTATIONS if e.method == "GET"]
POSTS = [(e, role) for e in EXPECTATIONS if e.method != "GET" for role in ROLES]


@pytest.mark.parametrize("expectation", GETS, ids=lambda e: e.id)
def test_route_role_matrix(app, world, login_as, expectation: Expect):
    """GETs: all roles against one world (a GET changes nothing)."""
    wrong = []
    for role in ROLES:
        client = app.test_client() if role == "public" else login_as(world.person(role))
        response = send(client, expectation, world)
        expected = expectation.status_for(role)
        if not matches(expected, response):
            wrong.append(f"{role}: expected {expected}, got {response.status_code} "
                         f"{response.headers.get('Location', '')}".rstrip())
    assert not wrong, f"{expectation.id}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("expectation, role", POSTS, ids=lambda v: v.id if isinstance(v, Expect) else v)
def test_post_route_role_matrix(app, world, login_as, expectation: Expect, role: str):
    """POSTs: a fresh world per role, since an allowed POST may change what the next role may do."""
    client = app.test_client() if role == "public" else login_as(world.person(role))
    response = send(client, expectation, world)
    expected = expectation.status_for(role)
    assert matches(expected, response), (
        f"{expectation.id} as {role}: expected {expected}, got {response.status_code} "
        f"{response.headers.get('Location', '')}")


def test_person_with_no_organisation_or_role_gets_nothing_a_non_member_is_denied(app, world):
    """A signed-in person the role table does not know (no organisation, no committee role) is denied
    at least wherever a non-member is denied."""
    stranger = f.make_person("stranger@example.org", name="Stan Stranger")
    client = login(app.test_client(), stranger)
    leaks = []
    for expectation in EXPECTATIONS:
        if expectation.method != "GET" or expectation.status_for("non_member") not in DENIALS:
            continue
        response = send(client, expectation, world)
        if outcome(response) not in DENIALS:
            leaks.append(f"{expectation.id}: {response.status_code}")
    assert not leaks, "; ".join(leaks)
