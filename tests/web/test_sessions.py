"""Sessions (security.md 7, 8): renewed at login, revoked at logout, bounded in time, remember-me."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from committees.db import db, utcnow
from committees.models import LoginSession, TokenPurpose
from committees.services import people
from tests import factories as f
from tests.conftest import login

SESSION = "portal_session"
REMEMBER = "portal_remember"


def signed_in(client) -> bool:
    response = client.get("/profile")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def cookie(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found else None


def replay(app, cookies: dict[str, str]):
    """A fresh client that only carries the given cookies, like an attacker holding a copy."""
    other = app.test_client()
    for name, value in cookies.items():
        if value is not None:
            other.set_cookie(name, value)
    return other


def sessions_of(person) -> list[LoginSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(LoginSession).where(LoginSession.person_id == person.id)
                                   .order_by(LoginSession.id)))


def login_remembered(client, person):
    response = client.post_form("/login", {"email": person.email, "password": f.PASSWORD, "remember": "y"})
    assert response.status_code == 302
    return client


def test_session_cookie_is_renewed_at_login(client, world):
    client.get("/login")
    before = cookie(client, SESSION)
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    login(client, world.representative)
    after = cookie(client, SESSION)
    assert before and after and before != after
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_each_login_has_its_own_server_side_key(app, world):
    first = login(app.test_client(), world.representative)
    second = login(app.test_client(), world.representative)
    rows = sessions_of(world.representative)
    assert len(rows) == 2 and rows[0].key_hash != rows[1].key_hash
    with first.session_transaction() as a, second.session_transaction() as b:
        assert a["_user_id"] != b["_user_id"]
    # the raw key is in the cookie; only its hash is stored
    assert all(row.key_hash != a["_user_id"] for row in rows)


def test_a_planted_session_id_is_not_kept(app, world):
    """Fixation: whatever `_user_id` an attacker planted, the login replaces it."""
    victim = app.test_client()
    with victim.session_transaction() as sess:
        sess["_user_id"] = "attacker-chosen-key"
    login(victim, world.representative)
    with victim.session_transaction() as sess:
        assert sess["_user_id"] != "attacker-chosen-key"


def test_logout_revokes_the_session_server_side(app, world):
    client = login(app.test_client(), world.representative)
    stolen = {SESSION: cookie(client, SESSION)}
    assert signed_in(replay(app, stolen))
    response = client.post_form("/logout")
    assert response.status_code == 302
    assert not signed_in(client)
    assert not signed_in(replay(app, stolen))
    assert all(row.revoked_at is not None for row in sessions_of(world.representative))


def test_logout_of_one_device_keeps_the_other(app, world):
    phone = login(app.test_client(), world.representative)
    laptop = login(app.test_client(), world.representative)
    phone.post_form("/logout")
    assert not signed_in(phone)
    assert signed_in(laptop)


def test_idle_timeout(app, world):
    client = login(app.test_client(), world.representative)
    assert signed_in(client)
    row = sessions_of(world.representative)[0]
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    row.last_seen_at = utcnow() - idle + timedelta(minutes=5)
    db.session.commit()
    assert signed_in(client), "still inside the idle window"
    row = sessions_of(world.representative)[0]
    row.last_seen_at = utcnow() - idle - timedelta(minutes=1)
    db.session.commit()
    assert not signed_in(client)


def test_activity_postpones_the_idle_timeout(app, world):
    client = login(app.test_client(), world.representative)
    row = sessions_of(world.representative)[0]
    row.last_seen_at = utcnow() - timedelta(minutes=30)
    db.session.commit()
    assert signed_in(client)
    assert utcnow() - sessions_of(world.representative)[0].last_seen_at < timedelta(minutes=1)


def test_absolute_lifetime(app, world):
    client = login(app.test_client(), world.representative)
    row = sessions_of(world.representative)[0]
    row.created_at = utcnow() - timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"], minutes=1)
    row.last_seen_at = utcnow()
    db.session.commit()
    assert not signed_in(client)


def test_remember_me_survives_losing_the_session_cookie(app, world):
    client = login_remembered(app.test_client(), world.representative)
    remember = cookie(client, REMEMBER)
    assert remember
    assert signed_in(replay(app, {REMEMBER: remember}))


def test_remember_me_is_revoked_by_logout(app, world):
    client = login_remembered(app.test_client(), world.representative)
    stolen = {REMEMBER: cookie(client, REMEMBER)}
    client.post_form("/logout")
    assert not signed_in(replay(app, stolen))
    assert not signed_in(client)


def test_logout_deletes_the_remember_cookie(app, world):
    client = login_remembered(app.test_client(), world.representative)
    client.post_form("/logout")
    assert cookie(client, REMEMBER) in (None, "")


def test_remember_me_has_an_absolute_lifetime_too(app, world):
    client = login_remembered(app.test_client(), world.representative)
    stolen = {REMEMBER: cookie(client, REMEMBER)}
    row = sessions_of(world.representative)[0]
    longest = max(timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"]), app.config["REMEMBER_COOKIE_DURATION"])
    row.created_at = utcnow() - longest - timedelta(minutes=1)
    db.session.commit()
    assert not signed_in(replay(app, stolen))


def test_deactivated_person_is_anonymous(app, world):
    client = login_remembered(app.test_client(), world.representative)
    stolen = {REMEMBER: cookie(client, REMEMBER)}
    world.representative.active = False
    db.session.commit()
    assert not signed_in(client)
    assert not signed_in(replay(app, stolen))


def test_password_reset_ends_every_other_session(app, world):
    device = login_remembered(app.test_client(), world.representative)
    stolen = {SESSION: cookie(device, SESSION), REMEMBER: cookie(device, REMEMBER)}
    token = people.issue_token(world.representative, TokenPurpose.RESET, timedelta(hours=1))
    db.session.commit()
    response = app.test_client().post_form(f"/password/reset/{token}", {
        "password": "a brand new passphrase for rita", "confirm": "a brand new passphrase for rita"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert not signed_in(device)
    assert not signed_in(replay(app, stolen))


def test_forged_user_id_in_a_signed_session_is_anonymous(app, world):
    """Even with the secret key (a session cookie we sign ourselves), an unknown key is nobody."""
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(world.admin.id)
        sess["_fresh"] = True
    assert not signed_in(client)


def test_a_signed_in_page_costs_one_statement_for_the_session_person_and_roles(app, login_as, world):
    """Issue 9: the session, its person, their organisation and committee roles come in one statement, so the
    navigation's policy questions (dashboard, accounts) and a page's role checks add none. A page that asks the
    database nothing else (a 404, rendered with the full layout) costs exactly that one."""
    from tests.queries import count_queries

    for person in (world.cochair, world.representative, world.coordinator):
        client = login_as(person)
        client.get("/profile")  # the first request after signing in may store the session's activity
        with app.app_context(), count_queries() as statements:
            response = client.get("/no-such-page")
        assert response.status_code == 404
        assert len(statements) == 1, statements
        assert "login_session" in statements[0] and "committee_role" in statements[0]
