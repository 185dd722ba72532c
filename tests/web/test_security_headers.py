"""Security headers on every kind of response, cookies' flags, HSTS and caching (security.md 8, 9)."""
from __future__ import annotations

import re
from http.cookies import SimpleCookie

import pytest

from tests.conftest import Client, login
from tests.web.routes import LOGIN, collect

PRODUCTION_KEY = "a-production-secret-key-of-forty-characters"


def make_app(app, config: str = "testing", **overrides):
    from portal import create_app

    overrides.setdefault("SQLALCHEMY_DATABASE_URI", app.config["SQLALCHEMY_DATABASE_URI"])
    overrides.setdefault("SQLALCHEMY_ENGINE_OPTIONS", app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    if config == "production":
        overrides.setdefault("SECRET_KEY", PRODUCTION_KEY)
        overrides.setdefault("TRUSTED_HOSTS", ["portal.example"])
    extra = create_app(config, **overrides)
    extra.test_client_class = Client
    return extra


@pytest.fixture(scope="module")
def boom_app(app):
    """A separate app instance with a route that fails, for the 500 page."""
    extra = make_app(app)

    @extra.route("/boom")
    def boom():
        raise RuntimeError("secret detail in a traceback")

    return extra


@pytest.fixture(scope="module")
def production_app(app):
    return make_app(app, "production")


def csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    policy = {}
    for directive in header.split(";"):
        parts = directive.split()
        if parts:
            policy[parts[0].lower()] = parts[1:]
    return policy


def assert_security_headers(response, label: str = ""):
    policy = csp(response)
    assert policy, f"{label}: no Content-Security-Policy"
    assert policy.get("object-src") == ["'none'"], label
    assert policy.get("base-uri") == ["'none'"], label
    assert policy.get("frame-ancestors") == ["'none'"], label
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts, f"{label}: no script-src or default-src"
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(scripts), label
    assert response.headers.get("X-Content-Type-Options") == "nosniff", label
    assert response.headers.get("Referrer-Policy") in {"same-origin", "no-referrer", "strict-origin",
                                                       "strict-origin-when-cross-origin"}, label
    server = response.headers.get("Server", "")
    assert not re.search(r"\d", server), f"{label}: server banner with a version: {server}"
    assert response.headers.get("X-Request-ID"), label


RESPONSES = {
    "html page": lambda c: c.get("/"),
    "json health check": lambda c: c.get("/healthz"),
    "static file": lambda c: c.get("/static/css/portal.css"),
    "bootstrap static file": lambda c: c.get("/bootstrap/static/css/bootstrap.min.css"),
    "redirect to sign in": lambda c: c.get("/profile"),
    "404 page": lambda c: c.get("/no/such/page"),
    "404 json": lambda c: c.get("/no/such/page", headers={"Accept": "application/json"}),
    "405 page": lambda c: c.post("/healthz"),
    "400 missing csrf": lambda c: c.post("/logout"),
    "400 untrusted host": lambda c: c.get("/", base_url="http://evil.example"),
    "static 404": lambda c: c.get("/static/nope.css"),
}


@pytest.mark.parametrize("label", RESPONSES)
def test_security_headers_on_every_kind_of_response(client, label):
    response = RESPONSES[label](client)
    assert_security_headers(response, label)


def test_security_headers_on_500_page(boom_app):
    response = boom_app.test_client().get("/boom")
    assert response.status_code == 500
    assert_security_headers(response, "500")


def test_security_headers_on_signed_in_page(client, world):
    login(client, world.coordinator)
    assert_security_headers(client.get("/"), "signed in")


def test_signed_in_pages_are_not_stored(app, world):
    """Every GET page a coordinator may see (from the route matrix) carries Cache-Control: no-store."""
    client = login(app.test_client(), world.coordinator)
    checked = []
    for expectation in collect():
        if expectation.method != "GET" or expectation.status_for("coordinator") != 200:
            continue
        if expectation.endpoint in {"static", "bootstrap.static"}:
            continue
        url = expectation.url(world)
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers.get("Cache-Control", ""), url
        checked.append(url)
    assert "/" in checked and "/profile" in checked


def test_public_error_pages_are_not_stored_for_signed_in_people(client, world):
    login(client, world.representative)
    for url in ("/no/such/page", "/admin/"):
        assert "no-store" in client.get(url).headers.get("Cache-Control", ""), url


def test_static_files_are_cacheable(client):
    assert "no-store" not in client.get("/static/css/portal.css").headers.get("Cache-Control", "")


def test_no_hsts_on_plain_http_in_testing(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_in_production(production_app):
    client = production_app.test_client()
    for url in ("/", "/healthz", "/static/css/portal.css", "/no/such/page"):
        response = client.get(url, base_url="https://portal.example")
        hsts = response.headers.get("Strict-Transport-Security", "")
        assert re.match(r"max-age=(\d+)", hsts) and int(re.match(r"max-age=(\d+)", hsts).group(1)) >= 15552000, url
        assert_security_headers(response, url)


def test_gunicorn_banner_has_no_version():
    import gunicorn

    assert not re.search(r"\d", gunicorn.SERVER)


def _cookies(response) -> dict[str, str]:
    """Cookie name -> its full Set-Cookie header."""
    found = {}
    for header in response.headers.getlist("Set-Cookie"):
        name = SimpleCookie(header.split(";")[0] + ";")
        found.update({key: header for key in name})
    return found


def _flags(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_cookies_are_httponly_and_lax(app, world):
    client = app.test_client()
    response = client.post_form("/login", {"email": world.representative.email,
                                           "password": "correct horse battery staple", "remember": "y"})
    assert response.status_code == 302
    cookies = _cookies(response)
    for name in (app.config["SESSION_COOKIE_NAME"], app.config["REMEMBER_COOKIE_NAME"]):
        assert name in cookies, name
        flags = _flags(cookies[name])
        assert "httponly" in flags, name
        assert "samesite=lax" in flags, name


def test_cookies_are_secure_in_production(production_app, world):
    client = production_app.test_client()
    page = client.get("/login", base_url="https://portal.example")
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/login", base_url="https://portal.example",
                           data={"email": world.cochair.email, "password": "correct horse battery staple",
                                 "remember": "y", "csrf_token": token},
                           headers={"Referer": "https://portal.example/login"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    cookies = _cookies(response)
    for name in (production_app.config["SESSION_COOKIE_NAME"], production_app.config["REMEMBER_COOKIE_NAME"]):
        assert name in cookies, name
        assert {"secure", "httponly", "samesite=lax"} <= _flags(cookies[name]), cookies[name]


def test_public_pages_and_redirects_keep_the_login_redirect_target(client):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert LOGIN == "login"
