"""Two-step sign-in without HTTP: set-up, codes (window, replay), recovery codes, turning off, resets.

Time is frozen by passing `now` to the services; pyotp computes the codes an authenticator app would show.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from sqlalchemy import select

from committees.db import db
from committees.errors import Conflict, Forbidden, ValidationFailed
from committees.models import AuditEntry, GlobalRole, LoginSession, Person, RecoveryCode, TwoFactor
from committees.services import sessions
from committees.services import two_factor as tf
from tests import factories as f

KEY = "testing-secret-key-not-for-production"
T0 = datetime(2026, 11, 24, 10, 0, 5, tzinfo=timezone.utc)


def code_at(secret: str, when: datetime) -> str:
    return pyotp.TOTP(secret).at(when)


def actions(person: Person) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "person",
                                                                   AuditEntry.target_id == person.id)
                                   .order_by(AuditEntry.id)))


def enable(person: Person, when: datetime = T0) -> tuple[str, list[str]]:
    secret = tf.begin_setup(person, key=KEY, now=when)
    codes = tf.confirm_setup(person, code_at(secret, when), key=KEY, now=when)
    db.session.commit()
    return secret, codes


# -- sealing -----------------------------------------------------------------------------------------------

def test_sealed_secret_round_trips_and_is_not_plain_text():
    secret = pyotp.random_base32()
    sealed = tf.seal(secret, key=KEY, person_id=7)
    assert secret not in sealed and len(sealed) <= 255
    assert tf.unseal(sealed, key=KEY, person_id=7) == secret
    assert tf.seal(secret, key=KEY, person_id=7) != sealed  # a fresh nonce each time


@pytest.mark.parametrize("change", ["other key", "other person", "flipped byte", "garbage", "empty"])
def test_sealed_secret_refuses_tampering_another_row_or_another_key(change):
    secret = pyotp.random_base32()
    sealed = tf.seal(secret, key=KEY, person_id=7)
    if change == "other key":
        assert tf.unseal(sealed, key=KEY + "x", person_id=7) is None
    elif change == "other person":
        assert tf.unseal(sealed, key=KEY, person_id=8) is None
    elif change == "flipped byte":
        prefix, body = sealed.split("$")
        raw = bytearray(__import__("base64").urlsafe_b64decode(body))
        raw[20] ^= 1
        tampered = prefix + "$" + __import__("base64").urlsafe_b64encode(bytes(raw)).decode()
        assert tf.unseal(tampered, key=KEY, person_id=7) is None
    elif change == "garbage":
        assert tf.unseal("v1$!!!not base64", key=KEY, person_id=7) is None
    else:
        assert tf.unseal("", key=KEY, person_id=7) is None


# -- set-up ------------------------------------------------------------------------------------------------

def test_setup_is_pending_until_confirmed_with_a_valid_code(world):
    rep = world.representative
    secret = tf.begin_setup(rep, key=KEY, now=T0)
    db.session.commit()
    settings = db.session.get(TwoFactor, rep.id)
    assert settings.pending_sealed and secret not in settings.pending_sealed
    assert not tf.is_enabled(rep)
    assert tf.pending_secret(rep, key=KEY) == secret
    assert tf.check_second_factor(rep, code_at(secret, T0), key=KEY, now=T0) is None  # pending: not usable

    with pytest.raises(ValidationFailed) as wrong:
        tf.confirm_setup(rep, "000000" if code_at(secret, T0) != "000000" else "111111", key=KEY, now=T0)
    assert wrong.value.field == "code"
    codes = tf.confirm_setup(rep, code_at(secret, T0), key=KEY, now=T0)
    db.session.commit()
    assert tf.is_enabled(rep)
    assert settings.pending_sealed is None and settings.last_used_step == tf.current_step(T0)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert actions(rep)[-2:] == ["person.two_factor_setup_started", "person.two_factor_enabled"]


def test_confirm_without_a_pending_setup_is_a_conflict(world):
    with pytest.raises(Conflict):
        tf.confirm_setup(world.representative, "123456", key=KEY, now=T0)


def test_provisioning_uri_names_the_portal_and_the_person(world):
    secret = tf.begin_setup(world.representative, key=KEY, now=T0)
    uri = tf.provisioning_uri(world.representative, secret, "ACCMR Portal")
    assert uri.startswith("otpauth://totp/ACCMR%20Portal:rep%40example.org?secret=" + secret)
    assert "issuer=ACCMR%20Portal" in uri


def test_enabling_signs_out_the_other_sessions_but_keeps_this_one(world):
    rep = world.representative
    mine = sessions.create_session(rep)
    sessions.create_session(rep)
    secret = tf.begin_setup(rep, key=KEY, now=T0)
    tf.confirm_setup(rep, code_at(secret, T0), key=KEY, keep_session=mine, now=T0)
    db.session.commit()
    live = db.session.scalars(select(LoginSession).where(LoginSession.person_id == rep.id,
                                                         LoginSession.revoked_at.is_(None))).all()
    assert [s.key_hash for s in live] == [sessions.hash_key(mine)]


def test_replacing_the_authenticator_needs_the_password_or_a_code_and_keeps_the_old_one_until_confirmed(world):
    rep = world.representative
    old, codes = enable(rep)
    later = T0 + timedelta(minutes=5)
    with pytest.raises(ValidationFailed) as missing:
        tf.begin_setup(rep, key=KEY, now=later)
    assert missing.value.code == "reauth_required"
    with pytest.raises(ValidationFailed):
        tf.begin_setup(rep, key=KEY, password="not my password", now=later)
    new = tf.begin_setup(rep, key=KEY, password=f.PASSWORD, now=later)
    db.session.commit()
    # Until the new one is confirmed, the old app still signs in.
    assert tf.check_second_factor(rep, code_at(old, later), key=KEY, now=later) == "app"
    assert tf.confirm_setup(rep, code_at(new, later + timedelta(seconds=30)), key=KEY,
                            now=later + timedelta(seconds=30)) == []  # codes kept
    db.session.commit()
    after = later + timedelta(minutes=1)
    assert tf.check_second_factor(rep, code_at(old, after), key=KEY, now=after) is None
    assert tf.check_second_factor(rep, code_at(new, after), key=KEY, now=after) == "app"
    assert tf.unused_recovery_codes(rep) == 10
    assert "person.two_factor_replaced" in actions(rep)


# -- verifying ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("offset, accepted", [(-60, False), (-30, True), (0, True), (30, True), (60, False)])
def test_codes_are_accepted_one_step_either_side(world, offset, accepted):
    rep = world.representative
    secret, _codes = enable(rep, T0 - timedelta(minutes=10))
    assert tf.verify_code(rep, code_at(secret, T0 + timedelta(seconds=offset)), key=KEY, now=T0) is accepted


def test_a_code_is_refused_the_second_time_in_its_step_replay(world):
    rep = world.representative
    secret, _codes = enable(rep, T0 - timedelta(minutes=10))
    code = code_at(secret, T0)
    assert tf.verify_code(rep, code, key=KEY, now=T0)
    assert not tf.verify_code(rep, code, key=KEY, now=T0 + timedelta(seconds=10))
    # An older code still inside the window is refused too once a later step was used.
    assert tf.verify_code(rep, code_at(secret, T0 + timedelta(seconds=30)), key=KEY, now=T0 + timedelta(seconds=30))
    assert not tf.verify_code(rep, code, key=KEY, now=T0 + timedelta(seconds=30))


def test_the_code_used_to_confirm_cannot_sign_in(world):
    rep = world.representative
    secret = tf.begin_setup(rep, key=KEY, now=T0)
    tf.confirm_setup(rep, code_at(secret, T0), key=KEY, now=T0)
    assert tf.check_second_factor(rep, code_at(secret, T0), key=KEY, now=T0 + timedelta(seconds=5)) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5x", "x" * 500])
def test_malformed_codes_are_refused_and_audited(world, code):
    rep = world.representative
    enable(rep)
    assert tf.check_second_factor(rep, code, key=KEY, now=T0 + timedelta(minutes=1)) is None
    assert actions(rep)[-1] == "auth.two_factor_failed"


def test_codes_with_spaces_are_accepted(world):
    rep = world.representative
    secret, _codes = enable(rep, T0 - timedelta(minutes=10))
    code = code_at(secret, T0)
    assert tf.check_second_factor(rep, f" {code[:3]} {code[3:]} ", key=KEY, now=T0) == "app"


def test_a_secret_sealed_under_another_key_refuses_codes_but_recovery_codes_still_work(world):
    rep = world.representative
    secret, codes = enable(rep, T0 - timedelta(minutes=10))
    assert tf.check_second_factor(rep, code_at(secret, T0), key="a rotated secret key", now=T0) is None
    assert tf.check_second_factor(rep, codes[0], key="a rotated secret key", now=T0) == "recovery"


# -- recovery codes ----------------------------------------------------------------------------------------

def test_recovery_codes_are_stored_hashed_and_work_once(world):
    rep = world.representative
    _secret, codes = enable(rep)
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.person_id == rep.id)).all()
    assert len(stored) == 10
    assert all(h.startswith("$argon2id$") for h in stored)
    assert not any(c.replace("-", "") in h for c in codes for h in stored)
    assert tf.check_second_factor(rep, codes[3].upper(), key=KEY, now=T0) == "recovery"
    db.session.commit()
    assert tf.check_second_factor(rep, codes[3], key=KEY, now=T0) is None
    assert tf.unused_recovery_codes(rep) == 9
    assert actions(rep)[-2:] == ["auth.recovery_code_used", "auth.two_factor_failed"]


def test_recovery_codes_of_one_person_do_not_open_another_account(world):
    _s, codes = enable(world.representative)
    enable(world.cochair)
    assert tf.check_second_factor(world.cochair, codes[0], key=KEY, now=T0) is None


def test_regenerating_recovery_codes_invalidates_the_old_ones(world):
    rep = world.representative
    secret, old = enable(rep, T0 - timedelta(minutes=10))
    with pytest.raises(ValidationFailed):
        tf.regenerate_recovery_codes(rep, key=KEY, now=T0)
    new = tf.regenerate_recovery_codes(rep, key=KEY, code=code_at(secret, T0), now=T0)
    db.session.commit()
    assert len(new) == 10 and not set(new) & set(old)
    assert tf.check_second_factor(rep, old[0], key=KEY, now=T0) is None
    assert tf.check_second_factor(rep, new[0], key=KEY, now=T0) == "recovery"
    assert "person.recovery_codes_regenerated" in actions(rep)


def test_regenerating_needs_two_step_sign_in_on(world):
    with pytest.raises(Conflict):
        tf.regenerate_recovery_codes(world.representative, key=KEY, password=f.PASSWORD)


# -- turning off -------------------------------------------------------------------------------------------

def test_disable_needs_the_password_or_a_code(world):
    rep = world.representative
    secret, _codes = enable(rep, T0 - timedelta(minutes=10))
    with pytest.raises(ValidationFailed) as missing:
        tf.disable(rep, key=KEY, required_roles=(), now=T0)
    assert missing.value.code == "reauth_required"
    with pytest.raises(ValidationFailed) as wrong:
        tf.disable(rep, key=KEY, required_roles=(), password="wrong password here", now=T0)
    assert wrong.value.code == "reauth_failed"
    tf.disable(rep, key=KEY, required_roles=(), code=code_at(secret, T0), now=T0)
    db.session.commit()
    assert db.session.get(TwoFactor, rep.id) is None
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.person_id == rep.id)).all() == []
    assert actions(rep)[-1] == "person.two_factor_disabled"


@pytest.mark.parametrize("role", [GlobalRole.COORDINATOR, GlobalRole.ADMIN])
def test_required_roles_may_not_disable(world, role):
    person = world.coordinator if role == GlobalRole.COORDINATOR else world.admin
    enable(person)
    with pytest.raises(Conflict) as refused:
        tf.disable(person, key=KEY, required_roles=("coordinator", "admin"), password=f.PASSWORD)
    assert refused.value.code == "two_factor_required"
    tf.disable(person, key=KEY, required_roles=(), password=f.PASSWORD)  # not required here: allowed
    assert not tf.is_enabled(person)


def test_is_required_reads_the_global_role(world):
    roles = ("coordinator", "admin")
    assert tf.is_required(world.coordinator, roles) and tf.is_required(world.admin, roles)
    assert not tf.is_required(world.cochair, roles)
    assert not tf.is_required(world.admin, ())


def test_a_pending_setup_can_be_cancelled_without_reauthentication(world):
    rep = world.coordinator
    tf.begin_setup(rep, key=KEY, now=T0)
    tf.disable(rep, key=KEY, required_roles=("coordinator",))
    assert db.session.get(TwoFactor, rep.id) is None
    assert actions(rep)[-1] == "person.two_factor_setup_cancelled"


# -- administrators' reset ---------------------------------------------------------------------------------

def test_reset_removes_two_step_sign_in_ends_sessions_and_is_audited(world):
    rep = world.representative
    enable(rep)
    sessions.create_session(rep)
    tf.reset(world.coordinator, rep)
    db.session.commit()
    assert not tf.is_enabled(rep) and tf.unused_recovery_codes(rep) == 0
    assert db.session.scalars(select(LoginSession).where(LoginSession.person_id == rep.id,
                                                         LoginSession.revoked_at.is_(None))).all() == []
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.two_factor_reset")).one()
    assert entry.actor_id == world.coordinator.id and entry.target_id == rep.id


def test_reset_follows_the_person_edit_rule(world):
    enable(world.coordinator)
    with pytest.raises(Forbidden):
        tf.reset(world.cochair, world.representative)
    with pytest.raises(Forbidden):
        tf.reset(world.coordinator, world.admin)  # only administrators touch privileged accounts
    tf.reset(world.admin, world.coordinator)
    assert not tf.is_enabled(world.coordinator)


def test_reset_refuses_oneself_and_people_without_two_step_sign_in(world):
    enable(world.admin)
    with pytest.raises(Conflict):
        tf.reset(world.admin, world.admin)
    with pytest.raises(Conflict):
        tf.reset(world.admin, world.representative)


def test_no_secret_or_code_reaches_the_audit_log(world):
    rep = world.representative
    secret, codes = enable(rep, T0 - timedelta(minutes=10))
    tf.check_second_factor(rep, codes[0], key=KEY, now=T0)
    tf.regenerate_recovery_codes(rep, key=KEY, password=f.PASSWORD, now=T0)
    db.session.commit()
    dump = json.dumps([[e.summary, e.details] for e in db.session.scalars(select(AuditEntry))])
    assert secret not in dump
    assert not any(c in dump for c in codes)
