"""Response compression (portal/compression.py): gzip for text answers when the client accepts it, never for
uploaded documents, partial answers, POST answers or the pages that show a secret; Vary: Accept-Encoding."""
from __future__ import annotations

import gzip
import re

import pytest

from portal import compression
from tests.web.test_documents import PDF, stored
from tests.web.test_meetings import make_meeting

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
CSRF = re.compile(rb'name="csrf_token" (?:type="hidden" )?value="[^"]+"')


def same_page(a: bytes, b: bytes) -> bool:
    """Equal but for the CSRF tokens, which are signed with the second they were made in."""
    return CSRF.sub(b"", a) == CSRF.sub(b"", b)


def assert_gzip_of(compressed, plain) -> None:
    """`compressed` is the gzip of `plain`'s body, with the right headers."""
    assert compressed.status_code == plain.status_code == 200
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert int(compressed.headers["Content-Length"]) == len(compressed.data) < len(plain.data)
    assert same_page(gzip.decompress(compressed.data), plain.data)
    assert "Accept-Encoding" in compressed.headers.get("Vary", "")
    assert "Content-Encoding" not in plain.headers


def test_html_page_is_compressed_for_a_client_that_accepts_gzip(client, world):
    assert_gzip_of(client.get("/committees", headers=GZIP), client.get("/committees"))


def test_signed_in_page_keeps_vary_cookie_and_no_store(world, login_as):
    client = login_as(world.coordinator)
    response = client.get("/", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert {"Cookie", "Accept-Encoding"} <= {v.strip() for v in response.headers["Vary"].split(",")}
    assert response.headers["Cache-Control"] == "no-store"
    assert b"<html" in gzip.decompress(response.data)


def test_json_is_compressed(client):
    assert_gzip_of(client.get("/api/v1/openapi.json", headers=GZIP), client.get("/api/v1/openapi.json"))


def test_css_and_js_are_compressed_once_and_revalidate(client):
    for url in ("/static/css/portal.css", "/bootstrap/static/css/bootstrap.min.css",
                "/bootstrap/static/js/bootstrap.min.js", "/static/js/portal.js"):
        first, plain = client.get(url, headers=GZIP), client.get(url)
        assert_gzip_of(first, plain)
        again = client.get(url, headers=GZIP)
        assert again.data == first.data  # the kept copy
        etag = first.headers["ETag"]
        assert etag.startswith('W/"'), etag  # a different encoding of the same file
        revalidated = client.get(url, headers={**GZIP, "If-None-Match": etag})
        assert revalidated.status_code == 304 and not revalidated.data


@pytest.mark.parametrize("accept", ["", "identity", "gzip;q=0", "br", "gzip;q=0, *;q=1", "identity, *;q=0"])
def test_not_compressed_when_the_client_does_not_accept_gzip(client, world, accept):
    response = client.get("/committees", headers={"Accept-Encoding": accept} if accept else {})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert b"<html" in response.data
    assert "Accept-Encoding" in response.headers["Vary"]  # a cache must not hand this to a gzip client


@pytest.mark.parametrize("accept", ["*", "gzip;q=0.5, br", "deflate, GZIP;q=0.1"])
def test_compressed_for_any_positive_gzip_or_wildcard(client, world, accept):
    response = client.get("/committees", headers={"Accept-Encoding": accept})
    assert response.headers.get("Content-Encoding") == "gzip", accept


def test_small_answers_stay_plain(client):
    response = client.get("/healthz", headers=GZIP)
    assert response.status_code == 200 and len(response.data) < compression.MIN_BYTES
    assert "Content-Encoding" not in response.headers


def test_uploaded_pdf_goes_as_it_is(world, login_as):
    document = stored(make_meeting(world, "scheduled"))
    response = login_as(world.representative).get(f"/documents/{document.id}", headers=GZIP)
    assert response.status_code == 200
    assert response.data == PDF
    assert "Content-Encoding" not in response.headers


def test_csv_export_is_compressed(world, login_as):
    client = login_as(world.coordinator)
    plain, compressed = client.get("/committees/access-legal/roster.csv"), \
        client.get("/committees/access-legal/roster.csv", headers=GZIP)
    if len(plain.data) >= compression.MIN_BYTES:
        assert_gzip_of(compressed, plain)
    else:  # a short roster: plain, but marked as varying
        assert "Content-Encoding" not in compressed.headers and "Accept-Encoding" in compressed.headers["Vary"]


def test_range_request_is_answered_uncompressed(client):
    response = client.get("/bootstrap/static/css/bootstrap.min.css", headers={**GZIP, "Range": "bytes=0-99"})
    assert response.status_code == 206
    assert len(response.data) == 100
    assert "Content-Encoding" not in response.headers


def test_error_pages_are_not_compressed(client):
    response = client.get("/no/such/page", headers=GZIP)
    assert response.status_code == 404
    assert "Content-Encoding" not in response.headers


def test_answer_to_a_post_is_not_compressed(world, login_as):
    """A new API token is shown once in the answer to a POST: not compressed (BREACH)."""
    client = login_as(world.coordinator)
    response = client.post_form("/profile/tokens", {"name": "Sync", "scope": "read", "expires_days": "30"},
                                headers=GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert b"<html" in response.data


def test_secret_endpoints_exist_and_are_not_compressed(app, world, login_as):
    assert compression.SECRET_ENDPOINTS <= set(app.view_functions)
    client = login_as(world.representative)
    for url in ("/profile/two-factor", "/calendar/subscription"):
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        assert len(response.data) >= compression.MIN_BYTES
        assert "Content-Encoding" not in response.headers, url


def test_head_is_compressed_like_get(client, world):
    get, head = client.get("/committees", headers=GZIP), client.head("/committees", headers=GZIP)
    assert head.headers["Content-Encoding"] == "gzip"
    assert not head.data
    # the page differs a little between requests (its CSRF token): the same size give or take a few bytes
    assert abs(int(head.headers["Content-Length"]) - int(get.headers["Content-Length"])) < 20


def test_compressed_page_keeps_its_security_headers(client, world):
    response = client.get("/committees", headers=GZIP)
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-ID"])
