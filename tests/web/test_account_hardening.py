"""What tests/web/test_accounts.py leaves out of security.md 11-14: long and composition-free passwords, context words,
the same answer to sign-in for known and unknown addresses (time included), the daily throttle window and the
throttling of the link pages, and reset links (at least 128 bits, stored hashed, short-lived)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from committees import passwords
from committees.db import db, utcnow
from committees.errors import ValidationFailed
from committees.models import AuthToken, OutboxMessage, TokenPurpose
from committees.services import people
from tests import factories as f

CSRF_VALUE = re.compile(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]+(")')


def _reset_link(client, email: str) -> str:
    client.post_form("/password/forgot", {"email": email})
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password_reset")
                                 .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"/password/reset/[A-Za-z0-9_-]+", message.body_text).group(0)


# -- 11: password rules -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("password", [
    "correct horse battery staple " * 30,  # long ones are welcome (up to 1024 characters)
    "αυτός είναι ένας μακρύς κωδικός",  # any script
    "onlylowercaseletters",  # no composition rules
    "            twelve+spaces",
])
def test_long_and_plain_passwords_are_accepted(world, password):
    passwords.check_password_rules(password, people._context_words(world.representative))
    assert passwords.verify_password(passwords.hash_password(password), password)


@pytest.mark.parametrize("word", ["Health and Wellbeing", "ACCESS AND LEGAL RIGHTS", "Rep@Example.org"])
def test_context_words_are_refused(world, word):
    """The committees' names and the person's own address (in any case)."""
    with pytest.raises(ValidationFailed) as refused:
        passwords.check_password_rules(word, people._context_words(world.representative))
    assert refused.value.code == "password_context"


def test_a_password_over_the_limit_is_refused_not_hashed_forever():
    with pytest.raises(ValidationFailed) as refused:
        passwords.check_password_rules("x" * (passwords.MAX_LENGTH + 1))
    assert refused.value.code == "password_too_long"


# -- 13: no enumeration by sign-in ---------------------------------------------------------------------------------

def test_sign_in_answers_the_same_for_known_and_unknown_addresses(app, world, monkeypatch):
    calls = []

    class Counting:
        def __init__(self, real):
            self.real = real

        def __getattr__(self, name):
            if name in ("hash", "verify"):
                calls.append(name)
            return getattr(self.real, name)

    monkeypatch.setattr(passwords, "_hasher", Counting(passwords._hasher))
    answers = []
    for email in (world.representative.email, "nobody.here@example.org"):
        calls.clear()
        response = app.test_client().post_form("/login", {"email": email, "password": "not the right one at all"})
        answers.append((response.status_code, CSRF_VALUE.sub(r"\1X\2", response.get_data(as_text=True)
                                                            ).replace(email, "EMAIL"), len(calls)))
    assert answers[0] == answers[1]
    assert answers[0][2] == 1, "an unknown address costs one argon2 computation too (no timing difference)"


# -- 12: throttling ------------------------------------------------------------------------------------------------

def test_the_default_limits_are_indicos(app):
    assert app.config["LOGIN_LIMIT_PER_ACCOUNT"] == "5 per 15 minutes;10 per day"


def test_the_daily_window_counts_too(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "100 per 15 minutes;3 per day")
    client = app.test_client()
    for _attempt in range(3):
        assert client.post_form("/login", {"email": "rep@example.org", "password": "wrong guess, wrong"}
                                ).status_code == 200
    response = client.post_form("/login", {"email": "rep@example.org", "password": f.PASSWORD})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("path", ["/invitation/", "/password/reset/"])
def test_guessing_links_is_throttled(app, world, monkeypatch, path):
    monkeypatch.setitem(app.config, "TOKEN_LIMIT_PER_ADDRESS", "3 per 15 minutes")
    client = app.test_client()
    statuses = [client.post_form(f"{path}{'x' * 43}{n}", {"password": "a long enough passphrase",
                                                            "confirm": "a long enough passphrase"}).status_code
                for n in range(4)]
    assert statuses[:3] == [404, 404, 404] and statuses[3] == 429


# -- 14: reset links -----------------------------------------------------------------------------------------------

def test_reset_links_are_long_stored_hashed_and_short_lived(app, client, world):
    url = _reset_link(client, world.representative.email)
    raw = url.rsplit("/", 1)[1]
    assert len(raw) >= 22  # at least 128 bits of URL-safe base64 (the portal uses 256)
    token = db.session.scalars(select(AuthToken).where(AuthToken.purpose == TokenPurpose.RESET)).one()
    assert raw not in token.token_hash and len(token.token_hash) == 64
    lifetime = token.expires_at - token.created_at
    assert lifetime <= timedelta(hours=app.config["RESET_HOURS"]) <= timedelta(hours=24)


def test_an_expired_reset_link_is_refused(client, world):
    url = _reset_link(client, world.representative.email)
    token = db.session.scalars(select(AuthToken).where(AuthToken.purpose == TokenPurpose.RESET)).one()
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(url).status_code == 404
    response = client.post_form(url, {"password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert response.status_code == 404
    db.session.expire_all()
    assert passwords.verify_password(world.representative.password_hash, f.PASSWORD)
