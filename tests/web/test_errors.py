"""Error pages and JSON errors, the database-down answer, hosts and proxies (security.md 27, 29, 31)."""
from __future__ import annotations

import socket
import time

import pytest

from tests import factories as f
from tests.conftest import Client, login

MARKERS_OF_A_TRACEBACK = ("Traceback", "RuntimeError", "secret detail", 'File "', "werkzeug", "sqlalchemy")


def make_app(app, config: str = "testing", **overrides):
    from portal import create_app

    overrides.setdefault("SQLALCHEMY_DATABASE_URI", app.config["SQLALCHEMY_DATABASE_URI"])
    if "SQLALCHEMY_ENGINE_OPTIONS" not in overrides and overrides["SQLALCHEMY_DATABASE_URI"] == \
            app.config["SQLALCHEMY_DATABASE_URI"]:
        overrides["SQLALCHEMY_ENGINE_OPTIONS"] = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    extra = create_app(config, **overrides)
    extra.test_client_class = Client
    return extra


def assert_portal_page(response, status: int):
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<main id="main"' in page, "not in the portal layout"
    assert "ACCMR Portal" in page or response.headers.get("X-Request-ID") in page
    assert f"Error {status}" in page
    for marker in MARKERS_OF_A_TRACEBACK:
        assert marker not in page, marker
    return page


def assert_json_error(response, status: int, code: str):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]


@pytest.fixture(scope="module")
def boom_app(app):
    """A separate app with routes that fail: nothing test-only is registered on the real app."""
    extra = make_app(app)

    @extra.route("/boom")
    def boom():
        raise RuntimeError("secret detail in a traceback")

    @extra.route("/whoami")
    def whoami():
        from portal.net import client_address

        return client_address()

    return extra


# -- 404, 403, 405 ------------------------------------------------------------------------------

def test_404_page(client):
    page = assert_portal_page(client.get("/no/such/page"), 404)
    assert "Back to the home page" in page


def test_404_for_an_unknown_object(client, world):
    assert_portal_page(client.get("/committees/no-such-committee"), 404)


def test_403_page(client, world):
    login(client, world.representative)
    response = client.get("/admin/")
    page = assert_portal_page(response, 403)
    assert response.headers["X-Request-ID"] in page


def test_405_page(client):
    response = client.get("/logout")
    assert_portal_page(response, 405)
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("url, method, status, code", [
    ("/no/such/page", "GET", 404, "not_found"),
    ("/logout", "GET", 405, "method_not_allowed"),
    ("/logout", "POST", 400, "bad_request"),
])
def test_json_clients_get_the_one_error_shape(client, url, method, status, code):
    response = client.open(url, method=method, headers={"Accept": "application/json"})
    assert_json_error(response, status, code)


def test_json_403(client, world):
    login(client, world.representative)
    assert_json_error(client.get("/admin/", headers={"Accept": "application/json"}), 403, "forbidden")


def test_browsers_asking_for_anything_get_html(client):
    response = client.get("/no/such/page", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.mimetype == "text/html"


# -- 500 --------------------------------------------------------------------------------------

def test_500_page_is_generic_with_the_request_id(boom_app):
    response = boom_app.test_client().get("/boom")
    page = assert_portal_page(response, 500)
    request_id = response.headers["X-Request-ID"]
    assert request_id and request_id in page


def test_500_uses_a_well_formed_incoming_request_id_only(boom_app):
    client = boom_app.test_client()
    response = client.get("/boom", headers={"X-Request-ID": "abcd-1234-efgh-5678"})
    assert response.headers["X-Request-ID"] == "abcd-1234-efgh-5678"
    response = client.get("/boom", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert "<script>" not in response.headers["X-Request-ID"]
    assert "<script>alert(1)" not in response.get_data(as_text=True)


def test_500_json(boom_app):
    response = boom_app.test_client().get("/boom", headers={"Accept": "application/json"})
    assert_json_error(response, 500, "server_error")
    assert "secret detail" not in response.get_data(as_text=True)


def test_500_is_logged_with_the_request_id(boom_app, caplog, monkeypatch):
    import logging

    # Alembic's fileConfig (run by the migration tests) disables loggers that already exist.
    monkeypatch.setattr(logging.getLogger("portal"), "disabled", False)
    response = boom_app.test_client().get("/boom")
    assert response.headers["X-Request-ID"] in caplog.text
    assert "secret detail" in caplog.text  # the log keeps what the page hides


# -- database unavailable -----------------------------------------------------------------------

UNREACHABLE = {
    "postgresql refused": ("postgresql+psycopg://portal@127.0.0.1:1/x", {"connect_args": {"connect_timeout": 1}}),
    "sqlite missing directory": ("sqlite:////nonexistent-portal-dir/portal.db", None),
}


@pytest.fixture(scope="module", params=sorted(UNREACHABLE))
def down_app(request, app):
    uri, options = UNREACHABLE[request.param]
    overrides = {"SQLALCHEMY_DATABASE_URI": uri}
    if options:
        overrides["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return make_app(app, **overrides)


def test_healthz_answers_503_quickly_when_the_database_is_down(down_app):
    started = time.monotonic()
    response = down_app.test_client().get("/healthz")
    assert time.monotonic() - started < 1.0
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


@pytest.mark.parametrize("url", ["/", "/committees", "/login"])
def test_pages_are_a_friendly_503_when_the_database_is_down(down_app, url):
    started = time.monotonic()
    response = down_app.test_client().get(url)
    assert time.monotonic() - started < 1.0
    if response.status_code == 200:  # a page that needs no database (the sign-in form) may still work
        return
    assert_portal_page(response, 503)
    assert response.headers.get("Retry-After")


def test_signed_in_cookie_while_the_database_is_down(down_app):
    client = down_app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = "some-session-key"
    response = client.get("/")
    assert_portal_page(response, 503)


def test_database_down_json(down_app):
    response = down_app.test_client().get("/committees", headers={"Accept": "application/json"})
    assert_json_error(response, 503, "database_unavailable")


def test_hung_database_answers_within_the_connect_timeout(app):
    """A server that accepts the connection and never speaks: the connect timeout bounds the wait."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    try:
        hung = make_app(app, SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://portal@127.0.0.1:{port}/x",
                        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 1}})
        started = time.monotonic()
        response = hung.test_client().get("/healthz")
        elapsed = time.monotonic() - started
    finally:
        listener.close()
    assert response.status_code == 503
    # libpq's default sslmode=prefer tries twice (with, then without TLS): two connect timeouts at most.
    assert elapsed < 2.5, elapsed


def test_recovers_without_restart_when_the_database_comes_back(app, world):
    """The same app answers 503 while its database is missing and 200 once it exists."""
    import os
    import tempfile

    from committees.db import db

    folder = tempfile.mkdtemp(prefix="portal-down-")
    path = os.path.join(folder, "later", "portal.db")
    flaky = make_app(app, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    client = flaky.test_client()
    assert client.get("/healthz").status_code == 503
    os.makedirs(os.path.dirname(path))
    with flaky.app_context():
        db.create_all()
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200


# -- hosts and proxies --------------------------------------------------------------------------

def test_unknown_host_is_refused(client):
    response = client.get("/", base_url="http://evil.example")
    assert response.status_code == 400
    assert "evil.example" not in response.get_data(as_text=True)
    assert_json_error(client.get("/healthz", base_url="http://evil.example"), 400, "bad_request")


def test_host_header_with_a_port_or_case_is_fine(client):
    assert client.get("/healthz", base_url="http://LOCALHOST:5000").status_code == 200


def test_without_proxy_fix_forwarded_headers_are_ignored(boom_app):
    response = boom_app.test_client().get("/whoami", headers={"X-Forwarded-For": "6.6.6.6"},
                                          environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert response.get_data(as_text=True) == "10.0.0.2"


@pytest.mark.parametrize("hops, expected", [(1, "203.0.113.7"), (2, "198.51.100.9")])
def test_proxy_fix_trusts_exactly_the_configured_hops(app, hops, expected):
    proxied = make_app(app, PROXY_FIX_HOPS=hops)

    @proxied.route("/whoami")
    def whoami():
        from portal.net import client_address

        return client_address()

    forwarded = "6.6.6.6, 198.51.100.9, 203.0.113.7"  # forged, forged-or-real, appended by our proxy
    response = proxied.test_client().get("/whoami", headers={"X-Forwarded-For": forwarded},
                                         environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert response.get_data(as_text=True) == expected


def test_forged_forwarded_for_cannot_dodge_login_throttling(app, world):
    """Behind one proxy, each attempt forges a new first X-Forwarded-For entry; the proxy's own entry
    (the real client) is what the per-address limit counts."""
    proxied = make_app(app, PROXY_FIX_HOPS=1, LOGIN_LIMIT_PER_ADDRESS="3 per 15 minutes")
    client = proxied.test_client()
    statuses = []
    for attempt in range(5):
        token = client.csrf_token()
        response = client.post(
            "/login",
            data={"email": f"unknown{attempt}@example.org", "password": "wrong password!", "csrf_token": token},
            headers={"X-Forwarded-For": f"6.6.6.{attempt}, 203.0.113.7"},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
        )
        statuses.append(response.status_code)
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    assert f.PASSWORD  # the real password never appears in these attempts
