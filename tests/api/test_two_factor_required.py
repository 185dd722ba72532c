"""Where a role requires two-step sign-in (TWO_FACTOR_REQUIRED_ROLES), the API refuses that role's people until
they have set it up — with a token or with the browser session — as a JSON error, never a redirect."""
from __future__ import annotations

import pyotp
import pytest

from committees.db import db
from committees.services import two_factor
from tests.api.conftest import error_of
from tests.conftest import login


@pytest.fixture
def required(app):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = ("coordinator", "admin")
    yield
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = ()


def _enable(app, person):
    key = app.config["SECRET_KEY"]
    secret = two_factor.begin_setup(person, key=key)
    two_factor.confirm_setup(person, pyotp.TOTP(secret).now(), key=key)
    db.session.commit()


def test_a_required_role_without_two_step_is_refused_with_a_token(app, world, api_as, required):
    for role in ("coordinator", "admin"):
        response = api_as(role).get("/api/v1/committees")
        assert response.status_code == 403 and error_of(response)["code"] == "two_factor_required"
    assert api_as("representative").get("/api/v1/committees").status_code == 200
    assert api_as(None).get("/api/v1/committees").status_code == 200


def test_with_the_browser_session_it_is_json_not_a_redirect(app, world, required):
    client = login(app.test_client(), world.coordinator)
    response = client.get("/api/v1/committees")
    assert response.status_code == 403 and error_of(response)["code"] == "two_factor_required"
    assert client.get("/committees").status_code == 302  # the pages still send them to the set-up


def test_once_set_up_the_token_works(app, world, api_as, required):
    _enable(app, world.coordinator)
    assert api_as("coordinator").get("/api/v1/committees").status_code == 200
