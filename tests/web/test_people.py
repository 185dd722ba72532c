"""The profile page (details, password, sessions) and people's pages."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from committees.db import db
from committees.models import AuditEntry, GlobalRole, LoginSession, OutboxMessage, Person
from tests.queries import count_queries
from tests import factories as f
from tests.conftest import login

NEW_PASSWORD = "a fresh and rather long passphrase"


def reload(person: Person) -> Person:
    db.session.expire_all()
    return db.session.get(Person, person.id)


def profile_data(**changes) -> dict:
    data = {"full_name": "Rita Representative", "job_title": "Legal officer", "phone": "+30 210 000 0000",
            "language": "el", "timezone": "Europe/Athens"}
    data.update(changes)
    return data


# -- profile: details --------------------------------------------------------------------------

def test_profile_needs_sign_in(client, world):
    response = client.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post_form("/profile", profile_data())
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert reload(world.representative).full_name == "Rita Rep"


def test_profile_shows_the_form_with_languages_and_zones(login_as, world):
    page = login_as(world.representative).get("/profile").get_data(as_text=True)
    assert 'value="Rita Rep"' in page
    for code in ("en", "el", "ar"):
        assert f'<option value="{code}"' in page or f'<option selected value="{code}"' in page
    assert re.search(r'<option selected value="Europe/Athens">', page)  # the default zone
    assert "Asia/Beirut" in page


def test_profile_update_saves_and_audits(login_as, world):
    client = login_as(world.representative)
    response = client.post_form("/profile", profile_data())
    assert response.status_code == 302
    rep = reload(world.representative)
    assert (rep.full_name, rep.job_title, rep.phone, rep.language, rep.timezone) == (
        "Rita Representative", "Legal officer", "+30 210 000 0000", "el", "Europe/Athens")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.update")).one()
    assert entry.actor_id == rep.id and entry.target_id == rep.id
    assert 'lang="el"' in client.get("/profile").get_data(as_text=True)  # the interface follows


def test_profile_update_ignores_mass_assignment(login_as, world):
    client = login_as(world.representative)
    response = client.post_form("/profile", profile_data(
        email="attacker@example.org", global_role="admin", active="n", organisation_id=str(world.outsider_org.id),
        is_primary_contact="y", password_hash="x"))
    assert response.status_code == 302
    rep = reload(world.representative)
    assert rep.full_name == "Rita Representative"
    assert rep.email == "rep@example.org"
    assert rep.global_role == GlobalRole.NONE
    assert rep.active is True
    assert rep.organisation_id == world.ngo.id
    assert rep.is_primary_contact is False
    assert rep.password_hash == f.password_hash()


@pytest.mark.parametrize("field, value", [
    ("timezone", "Mars/Olympus"),
    ("timezone", "../../etc/passwd"),
    ("language", "xx"),
    ("full_name", ""),
    ("full_name", "x" * 201),
])
def test_profile_update_refuses_bad_values_and_keeps_input(login_as, world, field, value):
    client = login_as(world.representative)
    response = client.post_form("/profile", profile_data(**{field: value, "job_title": "Kept <b>title</b>"}))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert 'value="Kept &lt;b&gt;title&lt;/b&gt;"' in page
    assert reload(world.representative).full_name == "Rita Rep"


def test_profile_update_needs_csrf(login_as, world):
    response = login_as(world.representative).post("/profile", data=profile_data())
    assert response.status_code == 400
    assert reload(world.representative).full_name == "Rita Rep"


def test_profile_is_escaped(login_as, world):
    world.representative.full_name = '"\'><svg onload=x>'
    db.session.commit()
    page = login_as(world.representative).get("/profile").get_data(as_text=True)
    assert "<svg onload=x>" not in page
    assert "&lt;svg onload=x&gt;" in page or "&#34;&#39;&gt;&lt;svg" in page


# -- profile: password -------------------------------------------------------------------------

def password_data(current=f.PASSWORD, new=NEW_PASSWORD, confirm=None) -> dict:
    return {"current_password": current, "password": new, "confirm": new if confirm is None else confirm}


def test_change_password_keeps_this_session_and_ends_the_others(app, login_as, world):
    here = login_as(world.representative)
    elsewhere = login_as(world.representative)
    response = here.post_form("/profile/password", password_data())
    assert response.status_code == 302
    assert "Rita Rep" in here.get("/profile").get_data(as_text=True)
    assert elsewhere.get("/profile").status_code == 302  # signed out
    login(app.test_client(), world.representative, NEW_PASSWORD)
    kinds = db.session.scalars(select(OutboxMessage.kind)).all()
    assert kinds == ["password_changed"]
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.password_changed")).one()


@pytest.mark.parametrize("data, field, message", [
    (password_data(current="wrong password!"), "current_password", "current password is not right"),
    (password_data(new="short"), "password", "12"),
    (password_data(new="passwordpassword"), "password", "too common"),
    (password_data(new="rep@example.org"), "password", "too easy to guess"),
    (password_data(confirm="something else entirely"), "confirm", "differ"),
])
def test_change_password_refusals_show_next_to_the_field(login_as, world, data, field, message):
    client = login_as(world.representative)
    response = client.post_form("/profile/password", data)
    assert response.status_code == 400
    error = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', response.get_data(as_text=True))
    assert error and message in error.group(1)
    assert reload(world.representative).password_hash == f.password_hash()


def test_change_password_wrong_current_is_throttled(login_as, world):
    client = login_as(world.representative)
    for _attempt in range(5):
        assert client.post_form("/profile/password", password_data(current="wrong password!")).status_code == 400
    response = client.post_form("/profile/password", password_data())
    assert response.status_code == 429
    assert response.headers.get("Retry-After")


# -- profile: sessions -------------------------------------------------------------------------

def test_profile_lists_sessions_and_signs_out_everywhere_else(login_as, world):
    here = login_as(world.representative)
    other = login_as(world.representative)
    page = here.get("/profile").get_data(as_text=True)
    assert page.count("127.0.0.1") == 2
    assert "This session" in page
    response = here.post_form("/profile/sessions/end-others")
    assert response.status_code == 302
    assert other.get("/profile").status_code == 302
    page = here.get("/profile").get_data(as_text=True)
    assert page.count("127.0.0.1") == 1
    live = db.session.scalars(select(LoginSession).where(LoginSession.revoked_at.is_(None))).all()
    assert len(live) == 1


def test_sign_out_everywhere_else_needs_post_and_csrf(login_as, world):
    client = login_as(world.representative)
    assert client.get("/profile/sessions/end-others").status_code == 405
    assert client.post("/profile/sessions/end-others").status_code == 400


# -- person pages ------------------------------------------------------------------------------

def test_person_page_needs_sign_in(client, world):
    response = client.get(f"/people/{world.representative.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_person_page_unknown_id_is_404(login_as, world):
    assert login_as(world.representative).get("/people/999999").status_code == 404


def test_person_page_shows_roles_and_contact_to_committee_colleagues(login_as, world):
    world.representative.phone = "+30 210 123 4567"
    world.representative.job_title = "Legal officer"
    db.session.commit()
    page = login_as(world.observer).get(f"/people/{world.representative.id}").get_data(as_text=True)
    assert "Rita Rep" in page and "Solidarity Now Athens" in page and "Legal officer" in page
    assert "Access and Legal Rights" in page and "Representative" in page
    assert "rep@example.org" in page and "+30 210 123 4567" in page


@pytest.mark.parametrize("viewer", ["other_rep", "non_member"])
def test_person_page_hides_contact_from_strangers(login_as, world, viewer):
    world.representative.phone = "+30 210 123 4567"
    db.session.commit()
    page = login_as(world.person(viewer)).get(f"/people/{world.representative.id}").get_data(as_text=True)
    assert "Rita Rep" in page and "Access and Legal Rights" in page
    assert "rep@example.org" not in page
    assert "+30 210 123 4567" not in page


def test_person_page_hides_roles_in_committees_the_viewer_may_not_see(login_as, world):
    world.other_committee.active = False
    db.session.commit()
    page = login_as(world.non_member).get(f"/people/{world.other_rep.id}").get_data(as_text=True)
    assert "Health and Wellbeing" not in page
    page = login_as(world.coordinator).get(f"/people/{world.other_rep.id}").get_data(as_text=True)
    assert "Health and Wellbeing" in page


def test_person_page_query_count_does_not_grow_with_roles(login_as, world, app):

    client = login_as(world.coordinator)

    def count() -> int:
        with count_queries() as statements:
            assert client.get(f"/people/{world.observer.id}").status_code == 200
        return len(statements)

    before = count()
    for _n in range(5):
        f.give_role(world.observer, f.make_committee(), f.CommitteeRoleKind.OBSERVER)
    assert count() == before
