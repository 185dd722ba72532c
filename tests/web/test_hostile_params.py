"""Hostile query parameters (security.md 19): on every page, whatever its filters are given — quotes and SQL, LIKE
wildcards and FTS syntax, huge strings, NUL and invalid UTF-8, negative and huge numbers — the answer is a page, an
empty result or a clear 400, never a 5xx.

Generated from the app: the pages are the route matrix's (one per endpoint, as a coordinator, a representative and
the public see them), the parameters are the fields of each page's own GET forms (its filters, search box, sort and
paging) plus `page` and `per_page`.
"""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest

from tests.conftest import login
from tests.web.routes import collect

VALUES = ["-1", "0", "9" * 30, "' OR '1'='1' --", "%_\\", "\"unclosed NEAR( AND OR * ^", "x" * 5000, "1e309",
          "<svg onload=x>"]
RAW = ["%FF%FE", "%00", "%C0%AF", "%ED%A0%80"]  # invalid UTF-8, NUL, overlong and surrogate sequences


class _GetFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names, self._in_get = set(), False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_get = (a.get("method") or "get").lower() == "get"
        elif self._in_get and tag in ("input", "select", "textarea") and a.get("name"):
            if (a.get("type") or "").lower() not in ("submit", "hidden", "button"):
                self.names.add(a["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get = False


def _pages(world, role: str) -> dict[str, str]:
    pages = {}
    for expectation in collect():
        if expectation.method == "GET" and expectation.status_for(role) == 200 \
                and expectation.endpoint not in {"static", "bootstrap.static"}:
            pages.setdefault(expectation.endpoint, expectation.url(world))
    return pages


@pytest.mark.parametrize("role", ["coordinator", "representative", "public"])
def test_hostile_parameters_never_cause_a_server_error(app, world, role):
    client = app.test_client() if role == "public" else login(app.test_client(), getattr(world, role))
    failures, tried, with_filters = [], 0, 0
    for endpoint, url in sorted(_pages(world, role).items()):
        page = client.get(url)
        parser = _GetFields()
        if page.mimetype == "text/html":
            parser.feed(page.get_data(as_text=True))
        with_filters += bool(parser.names)
        base = url + ("&" if urlsplit(url).query else "?")
        for name in sorted(parser.names | {"page", "per_page"}):
            probes = [f"{name}={quote(v)}" for v in VALUES] + [f"{name}={raw}" for raw in RAW]
            for probe in probes:
                response = client.get(base + probe)
                tried += 1
                if response.status_code >= 500:
                    failures.append(f"{endpoint}: {probe[:60]} -> {response.status_code}")
    assert tried > 200 and (with_filters >= 5 or role == "public")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("where", ["query", "form"])
def test_nul_characters_are_a_400(app, world, where):
    """PostgreSQL cannot store NUL in text: a NUL anywhere in the parameters is refused before any query runs."""
    client = login(app.test_client(), world.representative)
    if where == "query":
        response = client.get("/organisations?q=a%00b")
    else:
        response = client.post_form("/profile", {"full_name": "Rita\x00Rep", "language": "en", "timezone": "",
                                                 "job_title": "", "phone": ""})
    assert response.status_code == 400
    assert client.get("/organisations?q=ab").status_code == 200
