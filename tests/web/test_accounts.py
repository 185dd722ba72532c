"""Account flows end to end: invitations, password resets, throttling, password rules and hashing, the CLI."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from committees import passwords
from committees.db import db, utcnow
from committees.models import AuditEntry, AuthToken, GlobalRole, OutboxMessage, Person
from tests import factories as f
from tests.conftest import login

NEW_PASSWORD = "plenty of words make a password"
CSRF_VALUE = re.compile(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]+(")')


def reload(person_id: int) -> Person:
    db.session.expire_all()
    return db.session.get(Person, person_id)


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(stmt))


def link_in(message: OutboxMessage, path: str) -> str:
    """The path of the emailed link, after checking it starts with the configured base URL."""
    match = re.search(rf"http://portal\.test({re.escape(path)}[A-Za-z0-9_-]+)", message.body_text)
    assert match, message.body_text
    assert match.group(1) in message.body_html
    return match.group(1)


def invite(login_as, world, email: str = "invitee@example.org") -> tuple[Person, str]:
    coordinator = login_as(world.coordinator)
    response = coordinator.post_form("/admin/people/new", {
        "email": email, "full_name": "Ines Invitee", "organisation_id": str(world.ngo.id),
        "job_title": "", "language": "en", "global_role": "none"})
    assert response.status_code == 302
    person = db.session.scalars(select(Person).where(Person.email == email)).one()
    return person, link_in(outbox("invitation")[-1], "/invitation/")


def set_password(client, url: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post_form(url, {"password": password, "confirm": password if confirm is None else confirm})


def argon2_parameters(stored: str) -> dict[str, int]:
    match = re.match(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", stored)
    assert match, stored[:30]
    return dict(zip(("m", "t", "p"), map(int, match.groups())))


@pytest.fixture
def production_hashing(app):
    """Hash at the production parameters (the testing config uses the cheapest argon2id to keep the suite fast)."""
    from config import ProductionConfig

    passwords.configure(ProductionConfig.ARGON2_TIME_COST, ProductionConfig.ARGON2_MEMORY_KIB,
                        ProductionConfig.ARGON2_PARALLELISM)
    yield
    passwords.configure(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_KIB"],
                        app.config["ARGON2_PARALLELISM"])


# -- invitations -------------------------------------------------------------------------------

def test_invitation_link_sets_the_password_once(app, client, login_as, world, production_hashing):
    person, url = invite(login_as, world)
    assert person.password_hash is None
    assert client.get(url).status_code == 200
    response = set_password(client, url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(app.test_client(), person, NEW_PASSWORD)
    params = argon2_parameters(reload(person.id).password_hash)
    assert params["m"] >= 19456 and params["t"] >= 2
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.invitation_accepted")).one()
    # single use: the link is dead now, for reading and for posting
    assert client.get(url).status_code == 404
    assert set_password(client, url, "yet another long passphrase").status_code == 404
    login(app.test_client(), person, NEW_PASSWORD)


def test_invitation_token_is_stored_hashed(login_as, world):
    _person, url = invite(login_as, world)
    raw = url.rsplit("/", 1)[1]
    assert len(raw) >= 22  # at least 128 bits in URL-safe base64
    stored = db.session.scalars(select(AuthToken.token_hash)).one()
    assert raw not in stored and len(stored) == 64


def test_expired_invitation_is_refused(client, login_as, world):
    person, url = invite(login_as, world)
    token = db.session.scalars(select(AuthToken).where(AuthToken.person_id == person.id)).one()
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 404
    assert "invalid or has expired" in response.get_data(as_text=True)
    assert set_password(client, url).status_code == 404
    assert reload(person.id).password_hash is None


def test_invitation_lifetime_comes_from_config(app, login_as, world, monkeypatch):
    monkeypatch.setitem(app.config, "INVITATION_DAYS", 3)
    person, _url = invite(login_as, world)
    token = db.session.scalars(select(AuthToken).where(AuthToken.person_id == person.id)).one()
    assert timedelta(days=3) - timedelta(minutes=5) < token.expires_at - utcnow() <= timedelta(days=3)
    assert "3 days" in outbox("invitation")[-1].body_text


@pytest.mark.parametrize("password, message", [
    ("short", "12"),
    ("passwordpassword", "too common"),
    ("invitee@example.org", "too easy to guess"),
])
def test_invitation_refuses_weak_passwords_next_to_the_field(client, login_as, world, password, message):
    person, url = invite(login_as, world)
    response = set_password(client, url, password)
    assert response.status_code == 200
    error = re.search(r'id="password-error"[^>]*>([^<]*)<', response.get_data(as_text=True))
    assert error and message in error.group(1)
    assert reload(person.id).password_hash is None
    assert client.get(url).status_code == 200  # the link still works after a refused password


def test_invitation_needs_csrf(client, login_as, world):
    person, url = invite(login_as, world)
    assert client.post(url, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 400
    assert reload(person.id).password_hash is None


def test_links_use_the_configured_base_url_not_the_host_header(app, monkeypatch, world):
    evil = app.test_client()
    assert evil.get("/login", base_url="http://evil.example").status_code == 400  # TRUSTED_HOSTS

    # Even with the host check switched off, an emailed link never takes the request's Host.
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", None)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    response = evil.post("/password/forgot", data={"email": "rep@example.org"}, base_url="http://evil.example")
    assert response.status_code == 302
    response = evil.post("/login", data={"email": "coord@example.org", "password": f.PASSWORD},
                         base_url="http://evil.example")
    assert response.status_code == 302
    response = evil.post("/admin/people/new", base_url="http://evil.example", data={
        "email": "hosted@example.org", "full_name": "Hosted", "organisation_id": "0", "language": "en",
        "global_role": "none"})
    assert response.status_code == 302
    reset, invitation = outbox()
    assert reset.kind == "password_reset" and invitation.kind == "invitation"
    for message in (reset, invitation):
        assert "evil.example" not in message.body_text + message.body_html
    link_in(reset, "/password/reset/")
    link_in(invitation, "/invitation/")


# -- password reset ----------------------------------------------------------------------------

def _page_without_csrf(response) -> str:
    return CSRF_VALUE.sub(r"\1X\2", response.get_data(as_text=True))


def test_reset_request_does_not_reveal_which_emails_exist(app, world):
    answers = []
    for email in ("rep@example.org", "nobody-here@example.org"):
        client = app.test_client()
        response = client.post_form("/password/forgot", {"email": email})
        followed = client.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"], followed.status_code,
                        _page_without_csrf(followed)))
    assert answers[0] == answers[1]
    assert "If an account uses that address" in answers[0][3]
    [message] = outbox()
    assert message.to_address == "rep@example.org" and message.kind == "password_reset"


def test_reset_of_a_deactivated_account_sends_nothing(client, world):
    world.representative.active = False
    db.session.commit()
    assert client.post_form("/password/forgot", {"email": "rep@example.org"}).status_code == 302
    assert outbox() == []


def test_reset_sets_a_new_password_and_ends_every_session(app, client, login_as, world):
    signed_in = login_as(world.representative)
    assert signed_in.get("/profile").status_code == 200
    client.post_form("/password/forgot", {"email": "REP@example.org"})
    url = link_in(outbox("password_reset")[0], "/password/reset/")
    assert client.get(url).status_code == 200
    response = set_password(client, url)
    assert response.status_code == 302
    response = signed_in.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(app.test_client(), world.representative, NEW_PASSWORD)
    assert app.test_client().post_form("/login", {"email": "rep@example.org",
                                                  "password": f.PASSWORD}).status_code == 200
    assert client.get(url).status_code == 404  # single use
    assert [m.kind for m in outbox()] == ["password_reset", "password_changed"]


def test_a_new_reset_link_replaces_the_old_one(client, world):
    client.post_form("/password/forgot", {"email": "rep@example.org"})
    client.post_form("/password/forgot", {"email": "rep@example.org"})
    first, second = (link_in(m, "/password/reset/") for m in outbox("password_reset"))
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_an_invitation_link_is_not_a_reset_link(client, login_as, world):
    _person, url = invite(login_as, world)
    token = url.rsplit("/", 1)[1]
    assert client.get(f"/password/reset/{token}").status_code == 404


# -- throttling --------------------------------------------------------------------------------

def _fail(client, email: str):
    return client.post_form("/login", {"email": email, "password": "not the password at all"})


def test_sixth_failed_login_for_one_account_gets_429(app, world):
    client = app.test_client()
    for _attempt in range(5):
        assert _fail(client, "rep@example.org").status_code == 200
    response = client.post_form("/login", {"email": "rep@example.org", "password": f.PASSWORD})
    assert response.status_code == 429  # even the right password waits
    assert int(response.headers["Retry-After"]) > 0
    # Other accounts from the same address are not locked out by it.
    login(app.test_client(), world.alternate)
    failures = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")).all()
    assert len(failures) == 5


def test_the_account_limit_ignores_the_email_case(app, world):
    client = app.test_client()
    for n in range(5):
        _fail(client, "REP@example.org" if n % 2 else "rep@example.org")
    assert _fail(client, "Rep@Example.org").status_code == 429


def test_successful_logins_do_not_count_against_the_limit(app, world):
    for _attempt in range(7):
        client = app.test_client()
        login(client, world.representative)


def test_failed_logins_are_limited_per_address(app, monkeypatch, world):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per 15 minutes")
    client = app.test_client()
    for n in range(3):
        assert _fail(client, f"unknown{n}@example.org").status_code == 200
    response = _fail(client, "someone-else@example.org")
    assert response.status_code == 429
    assert response.headers.get("Retry-After")
    other_address = app.test_client()
    response = other_address.post_form("/login", {"email": "rep@example.org", "password": f.PASSWORD},
                                       environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 302


def test_reset_requests_are_throttled_per_address(app, monkeypatch, world):
    monkeypatch.setitem(app.config, "TOKEN_LIMIT_PER_ADDRESS", "2 per 15 minutes")
    client = app.test_client()
    assert client.post_form("/password/forgot", {"email": "a@example.org"}).status_code == 302
    assert client.post_form("/password/forgot", {"email": "b@example.org"}).status_code == 302
    response = client.post_form("/password/forgot", {"email": "rep@example.org"})
    assert response.status_code == 429 and response.headers.get("Retry-After")
    assert outbox() == []


# -- hashing -----------------------------------------------------------------------------------

def test_hashes_meet_the_asvs_parameters(production_hashing):
    params = argon2_parameters(passwords.hash_password(NEW_PASSWORD))
    assert params["m"] >= 19456 and params["t"] >= 2 and params["p"] >= 1


def test_login_rehashes_when_the_parameters_change(app, world):
    before = world.representative.password_hash
    assert argon2_parameters(before)["t"] == app.config["ARGON2_TIME_COST"]
    passwords.configure(time_cost=3, memory_kib=19456, parallelism=1)
    try:
        login(app.test_client(), world.representative)
        after = reload(world.representative.id).password_hash
        assert after != before and argon2_parameters(after)["t"] == 3
        login(app.test_client(), world.representative)
    finally:
        passwords.configure(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_KIB"],
                            app.config["ARGON2_PARALLELISM"])


def test_login_does_not_rehash_current_hashes(app, world):
    before = world.representative.password_hash
    login(app.test_client(), world.representative)
    assert reload(world.representative.id).password_hash == before


# -- the CLI -----------------------------------------------------------------------------------

def test_cli_creates_a_coordinator_with_a_password_from_stdin(app, production_hashing):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "Boss@Example.org", "--name", "Bea Boss", "--role", "coordinator",
              "--password-stdin"],
        input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output
    person = db.session.scalars(select(Person).where(Person.email == "boss@example.org")).one()
    assert person.full_name == "Bea Boss" and person.global_role == GlobalRole.COORDINATOR
    assert argon2_parameters(person.password_hash)["m"] >= 19456
    client = login(app.test_client(), person, NEW_PASSWORD)
    assert client.get("/admin/people").status_code == 200


@pytest.mark.parametrize("args, stdin, message", [
    (["--password-stdin"], "passwordpassword\n", "too common"),
    (["--password-stdin"], "short\n", "12 characters"),
    (["--role", "superuser"], "", "Invalid value"),
])
def test_cli_refuses_bad_input(app, args, stdin, message):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "boss@example.org", "--name", "Bea Boss", *args], input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalars(select(Person)).first() is None


def test_cli_refuses_a_taken_email(app, world):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "REP@example.org", "--name", "Again", "--password-stdin"],
        input=NEW_PASSWORD + "\n")
    assert result.exit_code != 0 and "already has an account" in result.output
