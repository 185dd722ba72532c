"""Coordinators manage people: the admin index, list and search, create and invite, edit, deactivate, roles."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from committees.db import db
from committees.models import AuditEntry, GlobalRole, OutboxMessage, Person
from tests.queries import count_queries
from tests import factories as f


def reload(person_id: int) -> Person:
    db.session.expire_all()
    return db.session.get(Person, person_id)


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def new_person_data(**changes) -> dict:
    data = {"email": "new.member@example.org", "full_name": "Nadia New", "organisation_id": "0",
            "job_title": "Caseworker", "language": "el", "global_role": "none"}
    data.update(changes)
    return data


def edit_data(person: Person, **changes) -> dict:
    data = {"email": person.email, "full_name": person.full_name,
            "organisation_id": str(person.organisation_id or 0), "job_title": person.job_title,
            "phone": person.phone, "language": person.language, "timezone": person.timezone or "Europe/Athens"}
    data.update(changes)
    return data


# -- admin index -------------------------------------------------------------------------------

@pytest.mark.parametrize("role, status", [("representative", 403), ("cochair", 403), ("coordinator", 200),
                                          ("admin", 200)])
def test_admin_index_is_for_coordinators(login_as, world, role, status):
    assert login_as(world.person(role)).get("/admin/").status_code == status


def test_admin_index_for_the_public_redirects_to_login(client, world):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_index_links_to_the_coordinators_pages(app, login_as, world, monkeypatch):
    client = login_as(world.coordinator)
    page = client.get("/admin/").get_data(as_text=True)
    for href in ("/admin/people", "/admin/import", "/admin/audit", "/admin/outbox"):
        assert f'href="{href}"' in page
        assert client.get(href).status_code == 200
    monkeypatch.setitem(app.config, "SHOW_OUTBOX", False)
    page = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/outbox"' not in page and 'href="/admin/audit"' in page


# -- list --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["representative", "cochair", "secretary"])
def test_people_list_is_for_coordinators(login_as, world, role):
    assert login_as(world.person(role)).get("/admin/people").status_code == 403


def test_people_list_public_goes_to_login(client, world):
    response = client.get("/admin/people")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_people_list_search_and_filters(login_as, world):
    f.make_person("percent@example.org", name="100% Sure", org=world.ngo, active=False)
    client = login_as(world.coordinator)

    def names(query: str) -> set[str]:
        response = client.get("/admin/people" + query)
        assert response.status_code == 200
        return set(re.findall(r'<th scope="row">\s*<a href="[^"]+">([^<]+)</a>', response.get_data(as_text=True)))

    assert names("?q=rita") == {"Rita Rep"}
    assert names("?q=CHAIR%40example") == {"Chris Chair"}
    assert names("?q=%25") == {"100% Sure"}  # a literal percent sign, not a wildcard
    assert names("?q=_") == set()
    assert names(f"?organisation_id={world.ngo.id}") == {"Chris Chair", "Rita Rep", "Alex Alternate", "100% Sure"}
    assert names(f"?organisation_id={world.ngo.id}&active=no") == {"100% Sure"}
    assert names("?organisation=solidarity") == names(f"?organisation_id={world.ngo.id}")  # typed, in part
    assert names("?role=coordinator") == {"Cora Coordinator"}
    assert names("?q=&organisation=&role=&active=") == {p.full_name for p in db.session.scalars(select(Person))}


@pytest.mark.parametrize("query", ["?page=0", "?page=abc", "?per_page=-5", "?role=superuser", "?active=maybe",
                                   "?organisation=abc", "?q=" + "x" * 101])
def test_people_list_refuses_bad_parameters(login_as, world, query):
    assert login_as(world.coordinator).get("/admin/people" + query).status_code == 400


def test_people_list_paginates_and_clamps_per_page(login_as, world):
    for n in range(30):
        f.make_person(f"bulk{n:02d}@example.org", name=f"Bulk {n:02d}")
    client = login_as(world.coordinator)
    page = client.get("/admin/people?q=bulk").get_data(as_text=True)
    assert page.count("Bulk ") == 25
    assert "page=2" in page and "q=bulk" in page
    page = client.get("/admin/people?q=bulk&page=2").get_data(as_text=True)
    assert page.count("Bulk ") == 5
    page = client.get("/admin/people?q=bulk&per_page=100000").get_data(as_text=True)
    assert page.count("Bulk ") == 30
    assert client.get("/admin/people?q=bulk&page=99").status_code == 200


def test_people_list_query_count_does_not_grow_with_rows(login_as, world):
    client = login_as(world.coordinator)

    def count() -> int:
        with count_queries() as statements:
            assert client.get("/admin/people?per_page=100").status_code == 200
        return len(statements)

    before = count()
    for n in range(10):
        f.make_person(f"more{n}@example.org", org=f.make_org())
    assert count() == before


def test_people_list_escapes_names(login_as, world):
    f.make_person("xss@example.org", name='"\'><svg onload=x>')
    page = login_as(world.coordinator).get("/admin/people").get_data(as_text=True)
    assert "<svg onload=x>" not in page


# -- create and invite -------------------------------------------------------------------------

def test_create_person_sends_an_invitation(login_as, world):
    client = login_as(world.coordinator)
    assert client.get("/admin/people/new").status_code == 200
    response = client.post_form("/admin/people/new", new_person_data(organisation_id=str(world.ngo.id)))
    assert response.status_code == 302
    person = db.session.scalars(select(Person).where(Person.email == "new.member@example.org")).one()
    assert (person.full_name, person.organisation_id, person.job_title, person.language) == (
        "Nadia New", world.ngo.id, "Caseworker", "el")
    assert person.global_role == GlobalRole.NONE and person.password_hash is None
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.to_address == "new.member@example.org" and message.kind == "invitation"
    assert "http://portal.test/invitation/" in message.body_text
    assert [e.actor_id for e in audit("person.create")] == [world.coordinator.id]
    assert len(audit("person.invite")) == 1


def test_create_person_refused_for_members(login_as, world):
    client = login_as(world.cochair)
    assert client.get("/admin/people/new").status_code == 403
    assert client.post_form("/admin/people/new", new_person_data()).status_code == 403
    assert db.session.scalars(select(Person).where(Person.email == "new.member@example.org")).first() is None


def test_create_person_needs_csrf(login_as, world):
    response = login_as(world.coordinator).post("/admin/people/new", data=new_person_data())
    assert response.status_code == 400
    assert db.session.scalars(select(OutboxMessage)).first() is None


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_only_admins_may_create_coordinators(login_as, world, role):
    client = login_as(world.coordinator)
    page = client.get("/admin/people/new").get_data(as_text=True)
    assert 'value="coordinator"' not in page and 'value="admin"' not in page
    response = client.post_form("/admin/people/new", new_person_data(global_role=role))
    assert response.status_code == 400
    assert 'id="global_role-error"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Person).where(Person.email == "new.member@example.org")).first() is None

    admin = login_as(world.admin)
    assert 'value="coordinator"' in admin.get("/admin/people/new").get_data(as_text=True)
    assert admin.post_form("/admin/people/new", new_person_data(global_role=role)).status_code == 302
    person = db.session.scalars(select(Person).where(Person.email == "new.member@example.org")).one()
    assert person.global_role == GlobalRole(role)


@pytest.mark.parametrize("changes, field", [
    ({"email": "not an email"}, "email"),
    ({"email": "REP@example.org"}, "email"),  # taken, whatever the case
    ({"full_name": ""}, "full_name"),
    ({"organisation_id": "999999"}, "organisation"),
    ({"organisation": "no such organisation", "organisation_id": ""}, "organisation"),
    ({"language": "xx"}, "language"),
])
def test_create_person_errors_keep_input(login_as, world, changes, field):
    response = login_as(world.coordinator).post_form("/admin/people/new", new_person_data(
        job_title="Kept & shown", **changes))
    assert response.status_code in (400, 409)
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert 'value="Kept &amp; shown"' in page
    assert db.session.scalars(select(OutboxMessage)).first() is None


def test_resend_invitation(login_as, world):
    client = login_as(world.coordinator)
    client.post_form("/admin/people/new", new_person_data())
    person = db.session.scalars(select(Person).where(Person.email == "new.member@example.org")).one()
    response = client.post_form(f"/admin/people/{person.id}/invitation")
    assert response.status_code == 302
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.kind for m in messages] == ["invitation", "invitation"]
    first, second = (re.search(r"/invitation/(\S+)", m.body_text).group(1) for m in messages)
    assert first != second
    assert client.get(f"/invitation/{first}").status_code == 404  # the earlier link stops working
    assert client.get(f"/invitation/{second}").status_code == 200


def test_resend_invitation_refused_once_a_password_is_set(login_as, world):
    response = login_as(world.coordinator).post_form(f"/admin/people/{world.representative.id}/invitation")
    assert response.status_code == 409
    assert "already chosen a password" in response.get_data(as_text=True)
    assert db.session.scalars(select(OutboxMessage)).first() is None


def test_resend_invitation_needs_post(login_as, world):
    client = login_as(world.coordinator)
    assert client.get(f"/admin/people/{world.representative.id}/invitation").status_code == 405


# -- edit --------------------------------------------------------------------------------------

def test_edit_person_saves_admin_fields(login_as, world):
    client = login_as(world.coordinator)
    rep = world.representative
    assert client.get(f"/admin/people/{rep.id}").status_code == 200
    response = client.post_form(f"/admin/people/{rep.id}", edit_data(
        rep, email="Rita.New@Example.org", organisation_id=str(world.municipal.id), phone="+30 1",
        is_primary_contact="y", global_role="admin", active="n"))
    assert response.status_code == 302
    rep = reload(rep.id)
    assert (rep.email, rep.organisation_id, rep.phone, rep.is_primary_contact) == (
        "rita.new@example.org", world.municipal.id, "+30 1", True)
    assert rep.global_role == GlobalRole.NONE and rep.active  # not editable here
    assert audit("person.update")[0].actor_id == world.coordinator.id


def test_the_organisation_is_typed_with_suggestions(login_as, world):
    """No list of every organisation: the person's organisation shows by name in a type-ahead field; typing another
    (in part) moves them, choosing "0" or emptying the field leaves them without one."""
    client = login_as(world.coordinator)
    rep = world.representative
    page = client.get(f"/admin/people/{rep.id}").get_data(as_text=True)
    assert re.search(r'<input[^>]*data-lookup="/admin/organisations.json"[^>]*value="Solidarity Now Athens \(SNA\)"',
                     page) or re.search(r'value="Solidarity Now Athens \(SNA\)"[^>]*data-lookup', page)
    assert "<option" not in page.split('id="organisation"')[1].split("</div>")[0]
    assert [r["label"] for r in client.get("/admin/organisations.json?q=social").get_json()["results"]] == [
        "Athens Social Services Directorate (ASSD)"]
    moved = edit_data(rep, organisation="social services", organisation_id="")
    assert client.post_form(f"/admin/people/{rep.id}", moved).status_code == 302
    assert reload(rep.id).organisation_id == world.municipal.id
    assert client.post_form(f"/admin/people/{rep.id}", edit_data(rep, organisation="", organisation_id="")
                            ).status_code == 302
    assert reload(rep.id).organisation_id is None
    several = client.post_form(f"/admin/people/{rep.id}", edit_data(rep, organisation="athens", organisation_id=""))
    assert several.status_code == 400 and "Several match" in several.get_data(as_text=True)


def test_edit_person_conflict_keeps_input(login_as, world):
    rep = world.representative
    response = login_as(world.coordinator).post_form(f"/admin/people/{rep.id}", edit_data(
        rep, email="alt@example.org", job_title="Kept title"))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and 'value="Kept title"' in page
    assert reload(rep.id).email == "rep@example.org"


@pytest.mark.parametrize("role", ["representative", "cochair"])
def test_edit_person_refused_for_members(login_as, world, role):
    client = login_as(world.person(role))
    assert client.get(f"/admin/people/{world.alternate.id}").status_code == 403
    assert client.post_form(f"/admin/people/{world.alternate.id}", edit_data(
        world.alternate, full_name="Hacked")).status_code == 403
    assert reload(world.alternate.id).full_name == "Alex Alternate"


def test_coordinators_may_not_edit_privileged_accounts(login_as, world):
    client = login_as(world.coordinator)
    assert client.get(f"/admin/people/{world.admin.id}").status_code == 403
    response = client.post_form(f"/admin/people/{world.admin.id}", edit_data(world.admin, email="mine@example.org"))
    assert response.status_code == 403
    assert client.post_form(f"/admin/people/{world.admin.id}/deactivate").status_code == 403
    assert reload(world.admin.id).email == "admin@example.org"
    assert login_as(world.admin).get(f"/admin/people/{world.coordinator.id}").status_code == 200


def test_edit_unknown_person_is_404(login_as, world):
    assert login_as(world.coordinator).get("/admin/people/999999").status_code == 404


# -- deactivate / reactivate -------------------------------------------------------------------

def test_deactivation_signs_the_person_out(login_as, world):
    victim = login_as(world.representative)
    assert "Rita Rep" in victim.get("/profile").get_data(as_text=True)
    coordinator = login_as(world.coordinator)
    response = coordinator.post_form(f"/admin/people/{world.representative.id}/deactivate")
    assert response.status_code == 302
    assert reload(world.representative.id).active is False
    response = victim.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Rita Rep" not in victim.get("/").get_data(as_text=True)
    assert audit("person.deactivate")[0].actor_id == world.coordinator.id
    response = victim.post_form("/login", {"email": "rep@example.org", "password": f.PASSWORD})
    assert response.status_code == 200  # a deactivated account cannot sign in

    assert coordinator.post_form(f"/admin/people/{world.representative.id}/reactivate").status_code == 302
    assert reload(world.representative.id).active is True
    assert len(audit("person.reactivate")) == 1
    assert victim.post_form("/login", {"email": "rep@example.org", "password": f.PASSWORD}).status_code == 302


def test_deactivating_oneself_is_refused(login_as, world):
    response = login_as(world.admin).post_form(f"/admin/people/{world.admin.id}/deactivate")
    assert response.status_code == 409
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    assert reload(world.admin.id).active is True


def test_deactivation_needs_csrf_and_post(login_as, world):
    client = login_as(world.coordinator)
    assert client.post(f"/admin/people/{world.representative.id}/deactivate").status_code == 400
    assert client.get(f"/admin/people/{world.representative.id}/deactivate").status_code == 405
    assert reload(world.representative.id).active is True


def test_deactivation_refused_for_members(login_as, world):
    client = login_as(world.cochair)
    assert client.post_form(f"/admin/people/{world.representative.id}/deactivate").status_code == 403
    assert reload(world.representative.id).active is True


# -- global role -------------------------------------------------------------------------------

def test_admin_changes_a_global_role(login_as, world):
    client = login_as(world.admin)
    assert 'name="global_role"' in client.get(f"/admin/people/{world.representative.id}").get_data(as_text=True)
    response = client.post_form(f"/admin/people/{world.representative.id}/role", {"global_role": "coordinator"})
    assert response.status_code == 302
    assert reload(world.representative.id).global_role == GlobalRole.COORDINATOR
    [entry] = audit("person.role_changed")
    assert entry.actor_id == world.admin.id and entry.details == {"old": "none", "new": "coordinator"}


def test_coordinator_may_not_change_global_roles(login_as, world):
    client = login_as(world.coordinator)
    assert 'name="global_role"' not in client.get(f"/admin/people/{world.representative.id}").get_data(as_text=True)
    response = client.post_form(f"/admin/people/{world.representative.id}/role", {"global_role": "admin"})
    assert response.status_code == 403
    assert reload(world.representative.id).global_role == GlobalRole.NONE
    assert audit("person.role_changed") == []


def test_role_change_refuses_unknown_roles_and_oneself(login_as, world):
    client = login_as(world.admin)
    response = client.post_form(f"/admin/people/{world.representative.id}/role", {"global_role": "superuser"})
    assert response.status_code == 400
    response = client.post_form(f"/admin/people/{world.admin.id}/role", {"global_role": "none"})
    assert response.status_code == 409
    assert reload(world.admin.id).global_role == GlobalRole.ADMIN


def test_role_change_needs_csrf(login_as, world):
    response = login_as(world.admin).post(f"/admin/people/{world.representative.id}/role",
                                          data={"global_role": "admin"})
    assert response.status_code == 400
    assert reload(world.representative.id).global_role == GlobalRole.NONE


def test_new_person_form_starts_in_the_inviting_coordinators_language(login_as, world):
    world.coordinator.language = "el"
    db.session.commit()
    page = login_as(world.coordinator).get("/admin/people/new").get_data(as_text=True)
    assert re.search(r'<option selected value="el">|<option value="el" selected>', page), "Greek not preselected"
