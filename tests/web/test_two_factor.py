"""Two-step sign-in on the web (security.md 16): set-up with a QR code, the second sign-in step, recovery codes,
turning off, coordinators' resets and the roles that must use it.

Codes are computed with pyotp from the secret the set-up page shows, like an authenticator app would. Where a
test needs two-step sign-in already on, `enable` turns it on through the services ten minutes in the past, so
the code used to confirm it does not count as a replay of the current one.
"""
from __future__ import annotations

import html
import json
import logging
import re
import time
from datetime import timedelta
from urllib.parse import unquote

import pyotp
import pytest
from sqlalchemy import select, update

from committees.db import db, utcnow
from committees.models import AuditEntry, GlobalRole, LoginSession, Person, RecoveryCode, TwoFactor
from committees.services import people
from committees.services import two_factor as tf
from tests import factories as f
from tests.conftest import login

TOKEN_RE = re.compile(r'name="[\w-]*csrf_token" (?:type="hidden" )?value="([^"]+)"')
KEY_RE = re.compile(r'<code[^>]*id="two-factor-key">([^<]+)</code>')
QR_RE = re.compile(r'<img src="(data:image/svg\+xml[^"]+)"')
CODE_LIST_RE = re.compile(r"<li><code>([a-z0-9-]+)</code></li>")
REQUIRED = ("coordinator", "admin")


# -- helpers --------------------------------------------------------------------------------------------------

def key(app) -> str:
    return app.config["SECRET_KEY"]


def totp(secret: str, offset: int = 0) -> str:
    """The code an authenticator app shows now (or `offset` seconds from now)."""
    return pyotp.TOTP(secret).at(int(time.time()) + offset)


def enable(app, person: Person) -> tuple[str, list[str]]:
    when = utcnow() - timedelta(minutes=10)
    secret = tf.begin_setup(person, key=key(app), now=when)
    codes = tf.confirm_setup(person, pyotp.TOTP(secret).at(when), key=key(app), now=when)
    db.session.commit()
    return secret, codes


def token(client, path: str = "/login") -> str:
    match = TOKEN_RE.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post(client, url: str, prefix: str | None = None, data: dict | None = None, page: str = "/profile/two-factor"):
    """POST one of the set-up page's forms (their fields carry the form's prefix), CSRF token included."""
    data = {(f"{prefix}-{k}" if prefix else k): v for k, v in (data or {}).items()}
    data[f"{prefix}-csrf_token" if prefix else "csrf_token"] = token(client, page)
    return client.post(url, data=data)


def password_step(client, person: Person, next_url: str | None = None, remember: bool = False):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    data = {"email": person.email, "password": f.PASSWORD, **({"remember": "y"} if remember else {})}
    return client.post_form(url, data)


def code_step(client, code: str, next_url: str | None = None):
    url = "/login/verify" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"code": code, "csrf_token": token(client, url)})


def sign_in_with(client, person: Person, code: str, next_url: str | None = None):
    first = password_step(client, person, next_url)
    assert first.status_code == 302 and first.headers["Location"].startswith("/login/verify"), first.headers
    return code_step(client, code, next_url)


def signed_in(client) -> bool:
    status = client.get("/profile").status_code
    assert status in (200, 302)
    return status == 200


def settings_of(person: Person) -> TwoFactor | None:
    db.session.expire_all()
    return db.session.get(TwoFactor, person.id)


def audit_actions(person: Person) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "person",
                                                                   AuditEntry.target_id == person.id)
                                   .order_by(AuditEntry.id)))


def live_sessions(person: Person) -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(LoginSession).where(LoginSession.person_id == person.id,
                                                             LoginSession.revoked_at.is_(None))).all())


def start(client, password: str = f.PASSWORD):
    return post(client, "/profile/two-factor/start", "start", {"password": password})


def shown_secret(page: str) -> str:
    match = KEY_RE.search(page)
    assert match, "no key on the set-up page"
    return match.group(1).replace(" ", "")


def set_up_on_the_web(client) -> tuple[str, list[str]]:
    """The whole set-up as a person does it; returns the secret and the recovery codes shown once."""
    assert start(client).status_code == 302
    secret = shown_secret(client.get("/profile/two-factor").get_data(as_text=True))
    response = post(client, "/profile/two-factor/confirm", "confirm", {"code": totp(secret)})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Cache-Control"] == "no-store"  # no copy of the codes in any cache
    codes = CODE_LIST_RE.findall(response.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", REQUIRED)


# -- setting up --------------------------------------------------------------------------------------------------

def test_profile_links_to_the_set_up(login_as, world):
    page = login_as(world.representative).get("/profile").get_data(as_text=True)
    assert 'href="/profile/two-factor"' in page and "Set up two-step sign-in" in page


def test_set_up_shows_a_qr_code_rendered_by_the_portal_as_an_svg_data_uri(app, login_as, world):
    rep = world.representative
    client = login_as(rep)
    page = client.get("/profile/two-factor").get_data(as_text=True)
    assert QR_RE.search(page) is None and KEY_RE.search(page) is None  # nothing before the password
    assert start(client).status_code == 302
    response = client.get("/profile/two-factor")
    page = response.get_data(as_text=True)
    secret = shown_secret(page)
    assert secret == tf.pending_secret(rep, key=key(app))
    src = html.unescape(QR_RE.search(page).group(1))
    from portal.people.two_factor_views import qr_data_uri

    assert src == qr_data_uri(tf.provisioning_uri(rep, secret, app.config["PORTAL_NAME"]))
    svg = unquote(src.split(",", 1)[1])
    assert svg.lstrip().startswith(("<?xml", "<svg")) and "<script" not in svg.lower() and "on" + "load" not in svg
    # The page's CSP lets the image load (data: images) and still allows no inline script or style.
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert "data:" in directives["img-src"].split()
    assert "data:" not in directives["script-src"] and "unsafe-inline" not in csp
    assert response.headers["Cache-Control"] == "no-store"


def test_starting_needs_the_password(app, login_as, world):
    rep = world.representative
    client = login_as(rep)
    assert start(client, password="").status_code == 400
    wrong = start(client, password="not my password at all")
    assert wrong.status_code == 400
    assert "Your password is not right." in wrong.get_data(as_text=True)
    assert QR_RE.search(wrong.get_data(as_text=True)) is None
    assert settings_of(rep) is None
    assert "auth.reauth_failed" in audit_actions(rep)


def test_confirming_with_a_wrong_code_keeps_it_pending(app, login_as, world):
    rep = world.representative
    client = login_as(rep)
    start(client)
    secret = shown_secret(client.get("/profile/two-factor").get_data(as_text=True))
    wrong = "000000" if totp(secret) != "000000" else "111111"
    response = post(client, "/profile/two-factor/confirm", "confirm", {"code": wrong})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "That code is not right" in page and shown_secret(page) == secret  # still the same set-up
    assert f'value="{wrong}"' not in page
    assert not tf.is_enabled(rep) and settings_of(rep).pending_sealed
    assert post(client, "/profile/two-factor/confirm", "confirm", {"code": ""}).status_code == 400


def test_confirming_turns_it_on_shows_ten_codes_once_and_signs_out_other_sessions(app, login_as, world):
    rep = world.representative
    other_device = login_as(rep)
    client = login_as(rep)
    secret, codes = set_up_on_the_web(client)
    assert tf.is_enabled(rep)
    assert len(set(codes)) == 10 and all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
    assert signed_in(client) and not signed_in(other_device)
    # Shown once: not on the later pages, not in the session cookie, not in the database.
    page = client.get("/profile/two-factor").get_data(as_text=True)
    assert not any(c in page for c in codes) and secret not in page and shown_secret_absent(page)
    assert "10 unused recovery codes" in page
    with client.session_transaction() as sess:
        assert not any(c in json.dumps(dict(sess)) for c in codes)
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.person_id == rep.id)).all()
    assert not any(c.replace("-", "") in h or c in h for c in codes for h in stored)


def shown_secret_absent(page: str) -> bool:
    return KEY_RE.search(page) is None and QR_RE.search(page) is None


def test_cancelling_the_set_up(login_as, world):
    rep = world.representative
    client = login_as(rep)
    start(client)
    response = post(client, "/profile/two-factor/cancel", data={})
    assert response.status_code == 302
    assert settings_of(rep) is None
    assert shown_secret_absent(client.get("/profile/two-factor").get_data(as_text=True))


def test_the_secret_and_codes_reach_no_log_and_no_audit_entry(app, login_as, world, caplog):
    rep = world.representative
    caplog.set_level(logging.DEBUG)
    client = login_as(rep)
    secret, codes = set_up_on_the_web(client)
    client.post_form("/logout")
    sign_in_with(client, rep, "123456" if totp(secret, 30) != "123456" else "654321")
    used = totp(secret, 30)
    assert code_step(client, used).status_code == 302
    texts = [caplog.text] + [f"{e.summary} {json.dumps(e.details)}"
                             for e in db.session.scalars(select(AuditEntry))]
    for text in texts:
        assert secret not in text and used not in text
        assert not any(c in text or c.replace("-", "") in text for c in codes)


# -- signing in -------------------------------------------------------------------------------------------------

def test_sign_in_asks_for_the_code_after_the_password(app, client, world):
    rep = world.representative
    secret, _codes = enable(app, rep)
    response = password_step(client, rep)
    assert response.status_code == 302 and response.headers["Location"] == "/login/verify"
    # Half signed in: no login session yet, every page sees the public.
    assert not signed_in(client) and live_sessions(rep) == 0
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
    page = client.get("/login/verify")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.get_data(as_text=True)
    response = code_step(client, totp(secret))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in(client) and live_sessions(rep) == 1
    assert "auth.login" in audit_actions(rep)


def test_without_two_step_sign_in_the_password_is_enough(client, world):
    response = password_step(client, world.representative)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in(client)


def test_a_wrong_code_is_a_400_and_audited(app, client, world):
    rep = world.representative
    secret, _codes = enable(app, rep)
    password_step(client, rep)
    wrong = "000000" if totp(secret) != "000000" else "111111"
    response = code_step(client, wrong)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "That code is not right" in page and f'value="{wrong}"' not in page
    assert not signed_in(client)
    assert audit_actions(rep)[-1] == "auth.two_factor_failed"
    assert code_step(client, "").status_code == 400
    assert code_step(client, totp(secret)).status_code == 302  # still possible with the right code


def test_the_session_is_renewed_after_the_second_step(app, client, world):
    """No fixation: nothing planted before sign-in, nor the half-signed-in state, survives the second step."""
    rep = world.representative
    secret, _codes = enable(app, rep)
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
        sess["_user_id"] = "attacker-chosen-key"
    password_step(client, rep)
    with client.session_transaction() as sess:
        assert "planted" not in sess and "_user_id" not in sess
        half = dict(sess)
    code_step(client, totp(secret))
    with client.session_transaction() as sess:
        assert "planted" not in sess and "two_factor_pending" not in sess
        assert sess["_user_id"] not in ("attacker-chosen-key", None)
    assert half["two_factor_pending"]["person"] == rep.id
    assert rep.password_hash not in json.dumps(half)  # the cookie is readable: no hash in it


def test_a_replayed_code_is_refused(app, client, world, login_as):
    rep = world.representative
    secret, _codes = enable(app, rep)
    code = totp(secret)
    assert sign_in_with(client, rep, code).status_code == 302
    other = app.test_client()
    assert sign_in_with(other, rep, code).status_code == 400
    assert not signed_in(other)
    # The next code works.
    assert code_step(other, totp(secret, 30)).status_code == 302


def test_two_racing_requests_with_one_code_cannot_both_win(app, world):
    """The step is moved on in the database (compare-and-set): a request that read the row before another
    request used the code loses."""
    rep = world.representative
    secret, codes = enable(app, rep)
    settings = settings_of(rep)
    assert settings.last_used_step is not None  # loaded in this session: the stale view
    step = tf.current_step()
    with db.engine.begin() as other:  # the other request, committed meanwhile
        other.execute(update(TwoFactor).where(TwoFactor.person_id == rep.id).values(last_used_step=step))
    assert tf.verify_code(rep, totp(secret), key=key(app)) is False
    db.session.rollback()
    row = db.session.scalars(select(RecoveryCode).where(RecoveryCode.person_id == rep.id)).first()
    with db.engine.begin() as other:
        other.execute(update(RecoveryCode).values(used_at=utcnow()))
    assert row.used_at is None  # stale
    assert tf.use_recovery_code(rep, codes[0]) is False
    db.session.rollback()


def test_a_recovery_code_works_once_and_the_warning_counts_what_is_left(app, client, world):
    rep = world.representative
    _secret, codes = enable(app, rep)
    response = sign_in_with(client, rep, codes[2].upper())
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "You used a recovery code; 9 are left." in page
    assert "auth.recovery_code_used" in audit_actions(rep)
    client.post_form("/logout")
    assert sign_in_with(client, rep, codes[2]).status_code == 400
    assert not signed_in(client)


def test_the_warning_uses_the_singular_for_the_last_code(app, client, world):
    rep = world.representative
    _secret, codes = enable(app, rep)
    for code in codes[:9]:
        assert tf.use_recovery_code(rep, code)
    db.session.commit()
    sign_in_with(client, rep, codes[9])
    assert "You used a recovery code; 0 are left." in client.get("/").get_data(as_text=True)
    rep2 = world.alternate
    _secret, codes2 = enable(app, rep2)
    for code in codes2[:8]:
        assert tf.use_recovery_code(rep2, code)
    db.session.commit()
    other = app.test_client()
    sign_in_with(other, rep2, codes2[8])
    assert "You used a recovery code; 1 is left." in other.get("/").get_data(as_text=True)


def test_the_half_signed_in_state_expires(app, client, world):
    rep = world.representative
    secret, _codes = enable(app, rep)
    password_step(client, rep, next_url="/committees")
    with client.session_transaction() as sess:
        state = sess["two_factor_pending"]
        state["at"] -= 5 * 60 + 1
        sess["two_factor_pending"] = state
    response = code_step_raw(client, totp(secret), "/committees")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/committees"
    assert not signed_in(client)
    assert "took too long" in client.get("/login").get_data(as_text=True)
    with client.session_transaction() as sess:
        assert "two_factor_pending" not in sess
    assert client.get("/login/verify").headers["Location"].startswith("/login")


def code_step_raw(client, code: str, next_url: str | None = None):
    """POST the code with a token taken from the sign-in page (the verify page may be gone)."""
    url = "/login/verify" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"code": code, "csrf_token": token(client, "/login")})


@pytest.mark.parametrize("change", ["password changed", "password reset", "deactivated", "reset by a coordinator"])
def test_a_change_to_the_account_ends_the_half_signed_in_state(app, client, world, change):
    rep = world.representative
    secret, _codes = enable(app, rep)
    password_step(client, rep)
    if change == "password changed":
        people.change_password(rep, f.PASSWORD, "a completely different passphrase")
    elif change == "password reset":
        from committees.models import TokenPurpose

        raw = people.issue_token(rep, TokenPurpose.RESET, timedelta(hours=1))
        people.set_password_with_token(raw, TokenPurpose.RESET, "a completely different passphrase")
    elif change == "deactivated":
        people.deactivate_person(world.coordinator, rep)
    else:
        tf.reset(world.coordinator, rep)
    db.session.commit()
    response = code_step_raw(client, totp(secret))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert not signed_in(client)
    with client.session_transaction() as sess:
        assert "two_factor_pending" not in sess


def test_a_tampered_half_signed_in_state_is_refused(app, client, world):
    """The cookie is signed; but even with the key, another person's id does not match the fingerprint."""
    rep, alt = world.representative, world.alternate
    enable(app, rep)
    alt_secret, _ = enable(app, alt)
    password_step(client, rep)
    with client.session_transaction() as sess:
        state = sess["two_factor_pending"]
        state["person"] = alt.id
        sess["two_factor_pending"] = state
    assert code_step_raw(client, totp(alt_secret)).status_code == 302
    assert not signed_in(client)


def test_remember_me_is_carried_through_the_second_step(app, client, world):
    rep = world.representative
    secret, _codes = enable(app, rep)
    password_step(client, rep, remember=True)
    assert client.get_cookie("portal_remember") is None  # not before the second step
    code_step(client, totp(secret))
    assert client.get_cookie("portal_remember") is not None


def test_wrong_codes_are_throttled_per_person(app, client, world):
    rep = world.representative
    secret, _codes = enable(app, rep)
    password_step(client, rep)
    wrong = "000000" if totp(secret) != "000000" else "111111"
    for _ in range(5):
        assert code_step(client, wrong).status_code == 400
    response = code_step(client, totp(secret))
    assert response.status_code == 429 and "Retry-After" in response.headers
    # A new password step does not start a new count.
    fresh = app.test_client()
    password_step(fresh, rep)
    assert code_step(fresh, totp(secret)).status_code == 429
    assert not signed_in(fresh)


@pytest.mark.parametrize("target, expected", [
    ("/committees", "/committees"),
    ("//evil.example", "/"),
    ("https://evil.example/x", "/"),
    ("/%5Cevil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_stays_on_site_through_the_second_step(app, client, world, target, expected):
    rep = world.representative
    secret, _codes = enable(app, rep)
    from urllib.parse import quote

    first = password_step(client, rep, next_url=quote(target, safe=""))
    assert first.status_code == 302
    verify_url = first.headers["Location"]
    assert verify_url.startswith("/login/verify?next=")
    response = client.post(verify_url, data={"code": totp(secret), "csrf_token": token(client, verify_url)})
    assert response.status_code == 302 and response.headers["Location"] == expected


def test_the_second_step_needs_a_csrf_token(app, client, world):
    rep = world.representative
    secret, _codes = enable(app, rep)
    password_step(client, rep)
    assert client.post("/login/verify", data={"code": totp(secret)}).status_code == 400
    assert not signed_in(client)


def test_the_second_step_page_is_only_for_the_half_signed_in(app, client, login_as, world):
    assert client.get("/login/verify").headers["Location"].startswith("/login")
    signed = login_as(world.representative)
    assert signed.get("/login/verify?next=/committees").headers["Location"] == "/committees"


# -- changing it on the profile ------------------------------------------------------------------------------

def test_new_recovery_codes_need_the_password_or_a_code_and_replace_the_old(app, login_as, world):
    rep = world.representative
    secret, old_codes = enable(app, rep)
    client = login_as_with_code(app, rep, secret)
    assert post(client, "/profile/two-factor/recovery-codes", "codes", {}).status_code == 400
    wrong = post(client, "/profile/two-factor/recovery-codes", "codes", {"password": "not my password at all"})
    assert wrong.status_code == 400 and "auth.reauth_failed" in audit_actions(rep)
    response = post(client, "/profile/two-factor/recovery-codes", "codes", {"password": f.PASSWORD})
    assert response.status_code == 200
    new_codes = CODE_LIST_RE.findall(response.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert "only time the portal shows them" in response.get_data(as_text=True)
    assert not any(c in client.get("/profile/two-factor").get_data(as_text=True) for c in new_codes)
    by_code = post(client, "/profile/two-factor/recovery-codes", "codes", {"code": totp(secret, 30)})
    assert by_code.status_code == 200
    newest = CODE_LIST_RE.findall(by_code.get_data(as_text=True))
    other = app.test_client()
    assert sign_in_with(other, rep, old_codes[0]).status_code == 400
    assert sign_in_with(other, rep, new_codes[0]).status_code == 400
    assert code_step(other, newest[0]).status_code == 302


def login_as_with_code(app, person: Person, secret: str, offset: int = 0):
    client = app.test_client()
    assert sign_in_with(client, person, totp(secret, offset)).status_code == 302
    return client


def test_turning_it_off_needs_the_password_or_a_code(app, world):
    rep = world.representative
    secret, _codes = enable(app, rep)
    other_device = login_as_with_code(app, rep, secret)
    client = app.test_client()
    password_step(client, rep)
    code_step(client, "")  # a 400; the next code signs in
    assert code_step(client, totp(secret, 30)).status_code == 302
    assert post(client, "/profile/two-factor/disable", "disable", {}).status_code == 400
    assert post(client, "/profile/two-factor/disable", "disable",
                {"password": "not my password at all"}).status_code == 400
    assert post(client, "/profile/two-factor/disable", "disable", {"code": "000000"}).status_code == 400
    assert tf.is_enabled(rep)
    response = post(client, "/profile/two-factor/disable", "disable", {"password": f.PASSWORD})
    assert response.status_code == 302
    assert settings_of(rep) is None
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.person_id == rep.id)).first() is None
    assert signed_in(client) and not signed_in(other_device)
    assert "person.two_factor_disabled" in audit_actions(rep)
    # The password alone signs in again.
    fresh = app.test_client()
    assert password_step(fresh, rep).headers["Location"] == "/"


def test_turning_it_off_with_a_code(app, world):
    rep = world.representative
    secret, _codes = enable(app, rep)
    client = login_as_with_code(app, rep, secret)
    response = post(client, "/profile/two-factor/disable", "disable", {"code": totp(secret, 30)})
    assert response.status_code == 302 and not tf.is_enabled(rep)


def test_changes_with_wrong_passwords_are_throttled(app, world):
    rep = world.representative
    secret, _codes = enable(app, rep)
    client = login_as_with_code(app, rep, secret)
    for _ in range(5):
        assert post(client, "/profile/two-factor/disable", "disable",
                    {"password": "not my password at all"}).status_code == 400
    response = post(client, "/profile/two-factor/disable", "disable", {"password": f.PASSWORD})
    assert response.status_code == 429
    assert tf.is_enabled(rep)


def test_moving_to_a_new_phone_keeps_the_old_one_until_confirmed(app, world):
    rep = world.representative
    old_secret, codes = enable(app, rep)
    client = login_as_with_code(app, rep, old_secret)
    assert post(client, "/profile/two-factor/start", "replace", {"password": "wrong password here"}).status_code == 400
    assert post(client, "/profile/two-factor/start", "replace", {"password": f.PASSWORD}).status_code == 302
    new_secret = shown_secret(client.get("/profile/two-factor").get_data(as_text=True))
    assert new_secret != old_secret
    response = post(client, "/profile/two-factor/confirm", "confirm", {"code": totp(new_secret)})
    assert response.status_code == 302  # no new recovery codes: the old ones stay
    assert "the old one no longer works" in client.get("/profile/two-factor").get_data(as_text=True)
    other = app.test_client()
    assert sign_in_with(other, rep, totp(old_secret, 30)).status_code == 400
    assert code_step(other, totp(new_secret, 30)).status_code == 302
    assert tf.unused_recovery_codes(rep) == len(codes)


# -- coordinators' resets ----------------------------------------------------------------------------------

def test_a_coordinator_resets_a_members_two_step_sign_in(app, login_as, world):
    rep = world.representative
    secret, _codes = enable(app, rep)
    rep_client = login_as_with_code(app, rep, secret)
    coordinator = login_as(world.coordinator)
    page = coordinator.get(f"/admin/people/{rep.id}").get_data(as_text=True)
    assert "On, with 10 unused recovery codes." in page and f"/people/{rep.id}/two-factor/reset" in page
    response = coordinator.post_form(f"/people/{rep.id}/two-factor/reset")
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/people/{rep.id}"
    assert settings_of(rep) is None and not signed_in(rep_client)
    assert "person.two_factor_reset" in audit_actions(rep)
    assert password_step(app.test_client(), rep).headers["Location"] == "/"
    # Nothing left to reset: the page says why (409), no 500.
    again = coordinator.post_form(f"/people/{rep.id}/two-factor/reset")
    assert again.status_code == 409 and "does not use two-step sign-in" in again.get_data(as_text=True)


def test_only_an_admin_resets_a_coordinators_two_step_sign_in(app, login_as, world):
    coordinator, admin = world.coordinator, world.admin
    enable(app, coordinator)
    enable(app, admin)
    other_coordinator = f.make_person("coord2@example.org", role=GlobalRole.COORDINATOR)
    assert login_as(other_coordinator).post_form(f"/people/{coordinator.id}/two-factor/reset").status_code == 403
    assert login_as(other_coordinator).post_form(f"/people/{admin.id}/two-factor/reset").status_code == 403
    assert login_as(world.cochair).post_form(f"/people/{world.representative.id}/two-factor/reset").status_code == 403
    assert tf.is_enabled(coordinator) and tf.is_enabled(admin)
    admin_client = login_as_admin(app, admin)
    assert admin_client.post_form(f"/people/{coordinator.id}/two-factor/reset").status_code == 302
    assert not tf.is_enabled(coordinator)


def login_as_admin(app, admin: Person):
    """An admin with two-step sign-in on, signed in through a recovery code (we know those)."""
    codes = tf.regenerate_recovery_codes(admin, key=key(app), password=f.PASSWORD)
    db.session.commit()
    client = app.test_client()
    assert sign_in_with(client, admin, codes[0]).status_code == 302
    return client


def test_nobody_resets_their_own_from_the_account_page(app, world):
    admin = world.admin
    enable(app, admin)
    client = login_as_admin(app, admin)
    page = client.get(f"/admin/people/{admin.id}").get_data(as_text=True)
    assert f"/people/{admin.id}/two-factor/reset" not in page and "on your profile" in page
    response = client.post_form(f"/people/{admin.id}/two-factor/reset")
    assert response.status_code == 409 and tf.is_enabled(admin)


# -- roles that must use it ----------------------------------------------------------------------------------

def test_required_roles_are_sent_to_the_set_up_from_every_page(app, world, required):
    """Every GET route of the route matrix (so a new page is covered as soon as it has its rows)."""
    from portal.auth import SETUP_ENDPOINTS
    from tests.web.routes import collect

    client = login(app.test_client(), world.coordinator)
    seen = set()
    for expect in collect():
        if expect.method != "GET" or expect.endpoint in SETUP_ENDPOINTS or expect.endpoint in seen:
            continue
        seen.add(expect.endpoint)
        url = expect.url(world)
        response = client.get(url)
        if expect.endpoint.startswith("api_meta."):  # the API's document and reference hold no one's data
            assert response.status_code == 200, expect.id
        elif expect.endpoint.startswith("api."):  # the API answers in JSON (tests/api/test_two_factor_required.py)
            assert response.status_code == 403 and response.is_json, expect.id
        else:
            assert response.status_code == 302 and response.headers["Location"] == "/profile/two-factor", expect.id
    assert len(seen) > 50
    assert client.get("/no/such/page").headers["Location"] == "/profile/two-factor"


def test_required_roles_cannot_change_anything_before_the_set_up_but_can_sign_out(app, world, required):
    coordinator = world.coordinator
    client = login(app.test_client(), coordinator)
    csrf = token(client, "/profile/two-factor")
    response = client.post(f"/people/{world.representative.id}/two-factor/reset", data={"csrf_token": csrf})
    assert response.status_code == 302 and response.headers["Location"] == "/profile/two-factor"
    response = client.post("/profile/two-factor/disable", data={"disable-csrf_token": csrf,
                                                                "disable-password": f.PASSWORD})
    assert response.headers["Location"] == "/profile/two-factor"
    page = client.get("/profile/two-factor")
    assert page.status_code == 200 and "Your role requires two-step sign-in" in page.get_data(as_text=True)
    assert client.get("/static/css/portal.css").status_code == 200  # the set-up page needs its style sheet
    # Signing out works.
    response = client.post("/logout", data={"csrf_token": csrf})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert not signed_in(client)


def test_required_roles_can_finish_the_set_up_and_then_use_the_portal(app, world, required):
    coordinator = world.coordinator
    client = login(app.test_client(), coordinator)
    csrf = token(client, "/profile/two-factor")
    assert client.post("/profile/two-factor/start", data={"start-csrf_token": csrf,
                                                          "start-password": f.PASSWORD}).status_code == 302
    secret = shown_secret(client.get("/profile/two-factor").get_data(as_text=True))
    response = client.post("/profile/two-factor/confirm", data={"confirm-csrf_token": csrf,
                                                                "confirm-code": totp(secret)})
    assert response.status_code == 200 and len(CODE_LIST_RE.findall(response.get_data(as_text=True))) == 10
    assert client.get("/admin/people").status_code == 200
    assert client.get("/profile").status_code == 200


def test_required_roles_cannot_turn_it_off(app, world, required):
    coordinator = world.coordinator
    secret, _codes = enable(app, coordinator)
    client = login_as_with_code(app, coordinator, secret)
    page = client.get("/profile/two-factor").get_data(as_text=True)
    assert "cannot be turned off" in page and "/profile/two-factor/disable" not in page
    response = post(client, "/profile/two-factor/disable", "disable", {"password": f.PASSWORD})
    assert response.status_code == 409 and tf.is_enabled(coordinator)


def test_other_roles_are_not_sent_to_the_set_up(login_as, world, required):
    client = login_as(world.representative)
    assert client.get("/profile").status_code == 200
    assert client.get("/committees").status_code == 200


def test_the_public_is_not_sent_to_the_set_up(client, world, required):
    assert client.get("/committees").status_code == 200


# -- CSRF ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/profile/two-factor/start", "/profile/two-factor/confirm",
                                 "/profile/two-factor/cancel", "/profile/two-factor/recovery-codes",
                                 "/profile/two-factor/disable"])
def test_profile_changes_need_a_csrf_token(app, world, url):
    rep = world.representative
    secret, _codes = enable(app, rep)
    client = login_as_with_code(app, rep, secret)
    response = client.post(url, data={"start-password": f.PASSWORD, "codes-password": f.PASSWORD,
                                      "disable-password": f.PASSWORD, "replace-password": f.PASSWORD})
    assert response.status_code == 400
    assert tf.is_enabled(rep) and tf.unused_recovery_codes(rep) == 10 and settings_of(rep).pending_sealed is None


def test_a_reset_needs_a_csrf_token(app, login_as, world):
    rep = world.representative
    enable(app, rep)
    response = login_as(world.coordinator).post(f"/people/{rep.id}/two-factor/reset")
    assert response.status_code == 400 and tf.is_enabled(rep)
