"""Fingerprinted static files (portal/assets.py): every CSS and JS URL a page links, ours and Bootstrap-Flask's,
carries ?v=<hash of the file>; with the current hash the file is cached for a year (immutable), without it or with
an old one it is revalidated; static answers do not depend on the session (no Set-Cookie, no Vary: Cookie)."""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from flask import url_for

from portal import assets
from portal.assets import IMMUTABLE

ASSET_RE = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def linked_assets(html: str) -> list[str]:
    return [u.replace("&amp;", "&") for u in ASSET_RE.findall(html)]


def file_of(app, url: str) -> Path:
    path = url.split("?")[0]
    if path.startswith("/bootstrap/static/"):
        return Path(app.blueprints["bootstrap"].static_folder) / path[len("/bootstrap/static/"):]
    assert path.startswith("/static/"), url
    return Path(app.static_folder) / path[len("/static/"):]


def check_fingerprints(app, client, html: str) -> list[str]:
    urls = linked_assets(html)
    assert urls
    for url in urls:
        match = re.fullmatch(r"(/[\w./-]+)\?v=([0-9a-f]{12})", url)
        assert match, url
        assert match.group(2) == hashlib.sha256(file_of(app, url).read_bytes()).hexdigest()[:12], url
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == IMMUTABLE, url
    return urls


def test_layout_links_fingerprinted_css_and_js_ours_and_bootstraps(app, client, world):
    urls = check_fingerprints(app, client, client.get("/").get_data(as_text=True))
    paths = {u.split("?")[0] for u in urls}
    assert {"/bootstrap/static/css/bootstrap.min.css", "/bootstrap/static/js/bootstrap.min.js",
            "/static/css/portal.css", "/static/js/portal.js"} <= paths


def test_right_to_left_layout_and_page_styles_are_fingerprinted_too(app, client, world, login_as):
    client.post_form("/language", {"lang": "ar"})
    html = client.get("/").get_data(as_text=True)
    assert 'dir="rtl"' in html
    urls = check_fingerprints(app, client, html)
    assert "/static/vendor/bootstrap.rtl.min.css" in {u.split("?")[0] for u in urls}


def test_page_specific_style_sheet_is_fingerprinted(app, world, login_as):
    client = login_as(world.coordinator)
    html = client.get("/proposals/pipeline").get_data(as_text=True)
    urls = check_fingerprints(app, client, html)
    assert "/static/css/proposals.css" in {u.split("?")[0] for u in urls}


@pytest.mark.parametrize("query", ["", "?v=000000000000", "?v=", "?v=../../x"])
def test_without_the_current_hash_the_file_is_revalidated(client, query):
    response = client.get("/static/css/portal.css" + query)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert "immutable" not in response.headers["Cache-Control"]


def test_revalidation_of_a_fingerprinted_file_stays_immutable(app, client):
    with app.test_request_context():
        url = url_for("static", filename="css/portal.css")
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == IMMUTABLE


def test_missing_file_has_no_fingerprint_and_is_404(app, client):
    with app.test_request_context():
        assert url_for("static", filename="css/missing.css") == "/static/css/missing.css"
        assert url_for("static", filename="../config.py") == "/static/../config.py"
    response = client.get("/static/css/missing.css?v=abc")
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_fingerprint_follows_the_file_content(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    asset = tmp_path / "site.css"
    asset.write_text("body { color: black }")
    with app.test_request_context():
        first = url_for("static", filename="site.css")
        assert first == "/static/site.css?v=" + hashlib.sha256(b"body { color: black }").hexdigest()[:12]
        assert url_for("static", filename="site.css") == first  # kept
        asset.write_text("body { color: purple }")
        os.utime(asset, ns=(asset.stat().st_atime_ns, asset.stat().st_mtime_ns + 1_000_000_000))
        second = url_for("static", filename="site.css")
    assert second != first
    assert second.endswith(hashlib.sha256(b"body { color: purple }").hexdigest()[:12])
    client = app.test_client()
    assert client.get(second).headers["Cache-Control"] == IMMUTABLE
    assert client.get(first).headers["Cache-Control"] == "no-cache"  # an old page's link: revalidated


def test_an_explicit_version_is_kept(app):
    with app.test_request_context():
        assert url_for("static", filename="css/portal.css", v="1") == "/static/css/portal.css?v=1"


def test_static_answers_do_not_depend_on_the_session(app, world, login_as):
    client = login_as(world.representative)
    with app.test_request_context():
        urls = [url_for("static", filename="css/portal.css"),
                url_for("bootstrap.static", filename="css/bootstrap.min.css")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, url
        assert "Cookie" not in response.headers.get("Vary", ""), url
    page = client.get("/")
    assert "Set-Cookie" in page.headers and "Cookie" in page.headers["Vary"]
    assert "Content-Security-Policy" in client.get(urls[0]).headers
    assert client.get("/profile").status_code == 200  # still signed in


def test_hash_is_computed_once_per_file(app, monkeypatch):
    with app.test_request_context():
        url_for("static", filename="css/portal.css")
        reads = []
        original = Path.read_bytes
        monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or original(self))
        for _ in range(5):
            url_for("static", filename="css/portal.css")
    assert reads == []
    assert assets.fingerprint("static", "css/portal.css")
