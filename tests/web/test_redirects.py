"""`next=` redirects stay on this site (security.md 15)."""
from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from portal.urls import safe_next
from tests import factories as f

HOSTILE = [
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "%2F%2Fevil.example",
    "%252F%252Fevil.example",
    "http:evil.example",
    "https:evil.example",
    "https://evil.example",
    "https:/evil.example",
    "HTTPS://evil.example/committees",
    "/%5Cevil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "///evil.example",
    "////evil.example",
    "/%2F/evil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    " //evil.example",
    "\t//evil.example",
    "//evil.example@portal.test",
    "//%65vil.example",
    "/.//evil.example",
    "/./\\evil.example",
    "/committees/../\\evil.example",
    "/%0d%0aSet-Cookie:%20x=1",
    "/committees\r\nLocation: https://evil.example",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "evil.example",
    "",
    "/" + "a" * 3000,
]
GOOD = ["/committees", "/committees?page=2", "/committees/access-legal", "/profile"]


def location_after_login(client, person, target: str) -> str:
    response = client.post_form("/login?next=" + quote(target, safe=""),
                                {"email": person.email, "password": f.PASSWORD})
    assert response.status_code == 302
    return response.headers["Location"]


def assert_on_site(location: str):
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location, location


@pytest.mark.parametrize("target", HOSTILE)
def test_login_next_stays_on_site(client, world, target):
    location = location_after_login(client, world.representative, target)
    assert_on_site(location)
    assert location == "/", f"{target!r} -> {location!r}"


@pytest.mark.parametrize("target", GOOD)
def test_login_next_follows_a_local_path(client, world, target):
    assert location_after_login(client, world.representative, target) == target


@pytest.mark.parametrize("target", HOSTILE)
def test_safe_next_refuses(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/"


def test_signed_in_visit_to_login_keeps_next_on_site(client, world):
    location_after_login(client, world.representative, "/profile")
    for target in ("//evil.example", "/committees"):
        response = client.get("/login?next=" + quote(target, safe=""))
        assert response.status_code == 302
        assert response.headers["Location"] == ("/" if target.startswith("//") else target)


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "https://evil.example"])
def test_language_switch_next_stays_on_site(client, target):
    response = client.post_form("/language", {"lang": "el", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_returns_to_a_local_page(client):
    response = client.post_form("/language", {"lang": "el", "next": "/committees"})
    assert response.headers["Location"] == "/committees"


def test_login_redirect_for_the_public_keeps_the_page(client):
    response = client.get("/profile")
    assert response.status_code == 302
    parts = urlsplit(response.headers["Location"])
    assert parts.path == "/login" and not parts.netloc
    assert "next=%2Fprofile" in parts.query
