"""Personal access tokens (committees/services/tokens.py): created with a secret shown once and stored hashed,
scoped, expiring, revocable, audited; a deactivated or anonymised person's tokens stop working."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from committees.db import db, utcnow
from committees.errors import Conflict, Forbidden, ValidationFailed
from committees.models import ApiToken, AuditEntry, GlobalRole, TokenScope
from committees.services import people, tokens
from tests import factories as f


@pytest.fixture
def person(app):
    return f.make_person("token.owner@example.org", name="Tia Token")


def test_create_token_returns_the_secret_once_and_stores_only_its_hash(person):
    token, raw = tokens.create_token(person, person, name="  My   script ", scope="write", expires_days=30)
    db.session.commit()
    assert raw.startswith("cpt_") and len(raw) == 47 and tokens.TOKEN_RE.match(raw)
    row = db.session.get(ApiToken, token.id)
    assert row.name == "My script" and row.scope == TokenScope.WRITE and row.hint == raw[:8]
    assert row.token_hash == tokens.hash_token(raw) and raw not in (row.token_hash, row.hint)
    assert timedelta(days=29, hours=23) < row.expires_at - row.created_at <= timedelta(days=30)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "token.create")).one()
    assert raw not in str(entry.details) and raw not in entry.summary


def test_two_tokens_never_share_a_secret(person):
    raws = {tokens.create_token(person, person, name=f"t{i}")[1] for i in range(5)}
    assert len(raws) == 5


@pytest.mark.parametrize("kwargs, field", [
    ({"name": ""}, "name"), ({"name": "x" * 101}, "name"), ({"name": "ok", "scope": "admin"}, "scope"),
    ({"name": "ok", "expires_days": 0}, "expires_days"), ({"name": "ok", "expires_days": 400}, "expires_days"),
])
def test_create_token_refuses_bad_input(person, kwargs, field):
    with pytest.raises(ValidationFailed) as error:
        tokens.create_token(person, person, **kwargs)
    assert error.value.field == field


def test_nobody_creates_a_token_for_someone_else(person):
    coordinator = f.make_person("coord.tokens@example.org", role=GlobalRole.COORDINATOR)
    with pytest.raises(Forbidden):
        tokens.create_token(coordinator, person, name="for you")


def test_working_tokens_are_limited(person):
    for i in range(tokens.MAX_ACTIVE):
        tokens.create_token(person, person, name=f"t{i}")
    with pytest.raises(Conflict):
        tokens.create_token(person, person, name="one too many")


def test_authenticate_accepts_a_working_token_only(person):
    token, raw = tokens.create_token(person, person, name="t")
    db.session.commit()
    assert tokens.authenticate(raw) == token
    for wrong in (None, "", raw[:-1], raw + "x", raw.replace("cpt_", "xyz_"), "cpt_" + "A" * 43, token.token_hash):
        assert tokens.authenticate(wrong) is None
    assert tokens.authenticate(raw, now=token.expires_at + timedelta(seconds=1)) is None


def test_revoked_tokens_stop_working_and_revoking_is_audited(person):
    token, raw = tokens.create_token(person, person, name="t")
    assert tokens.revoke_token(person, token) is True
    assert tokens.revoke_token(person, token) is False
    db.session.commit()
    assert tokens.authenticate(raw) is None
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "token.revoke")).one()


def test_only_the_owner_or_those_managing_the_account_revoke(person):
    token, _raw = tokens.create_token(person, person, name="t")
    other = f.make_person("other.tokens@example.org")
    coordinator = f.make_person("coord2.tokens@example.org", role=GlobalRole.COORDINATOR)
    with pytest.raises(Forbidden):
        tokens.revoke_token(other, token)
    assert tokens.revoke_token(coordinator, token)


def test_deactivation_stops_a_persons_tokens(person):
    admin = f.make_person("admin.tokens@example.org", role=GlobalRole.ADMIN)
    _token, raw = tokens.create_token(person, person, name="t")
    people.deactivate_person(admin, person)
    db.session.commit()
    assert tokens.authenticate(raw) is None
    with pytest.raises(Conflict):
        tokens.create_token(None, person, name="again")


def test_touch_records_use_at_most_once_a_minute(person):
    token, _raw = tokens.create_token(person, person, name="t")
    now = utcnow()
    assert tokens.touch_token(token, now) is True
    assert tokens.touch_token(token, now + timedelta(seconds=30)) is False
    assert tokens.touch_token(token, now + timedelta(seconds=61)) is True
    assert token.last_used_at == now + timedelta(seconds=61)


def test_lists_show_working_tokens_newest_first(person):
    first, _ = tokens.create_token(person, person, name="first")
    second, _ = tokens.create_token(person, person, name="second")
    tokens.revoke_token(person, first)
    assert tokens.active_tokens(person) == [second]
    assert tokens.list_tokens(person) == [second, first]
    assert tokens.get_token_of(person, first.id) == first
    assert tokens.get_token_of(f.make_person("x.tokens@example.org"), first.id) is None
