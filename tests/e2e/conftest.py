"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

Without Chromium, these tests are skipped with a notice; with PORTAL_REQUIRE_BROWSER=1 (set by .ci/run)
a missing browser is a failure instead.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).parent / "screenshots"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PORTAL_E2E_ON_POSTGRESQL") == "0" and (os.environ.get("DATABASE_URL") or "").startswith(
            "postgres"):
        # .ci/run: the browser tests run in its SQLite pass; on PostgreSQL they would only repeat what the pages
        # already do there (every page and form is tested on PostgreSQL without a browser), at minutes of CI.
        skip = pytest.mark.skip(reason="browser tests run in the SQLite pass of .ci/run")
        for item in items:
            if "tests/e2e" in str(item.fspath):
                item.add_marker(skip)
        return
    if CHROMIUM:
        return
    message = "Chromium not found: install Debian's `chromium` package to run the browser tests (tests/e2e)."
    if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(message + " PORTAL_REQUIRE_BROWSER=1 makes this an error.")
    skip = pytest.mark.skip(reason=message)
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():  # the next page, not the login form still on screen
        page.click("button[type=submit]:has-text('Sign in'), input[type=submit]")
    page.wait_for_load_state()
