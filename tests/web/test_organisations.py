"""The organisation directory, organisation pages, creating and editing organisations, asking to join."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from committees.db import db
from committees.models import (AuditEntry, CommitteeRoleKind, Membership, MembershipStatus, Organisation,
                               OrganisationType)
from tests import factories as f
from tests.queries import count_queries

MARKER = "\"'><svg onload=x>"


def text(response) -> str:
    return response.get_data(as_text=True)


def row_names(response) -> list[str]:
    """Organisation names linked from the directory's table rows, in order."""
    return re.findall(r'<th scope="row" class="fw-normal">\s*<a href="/organisations/\d+">([^<]*)</a>', text(response))


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def org_named(name: str) -> Organisation | None:
    db.session.expire_all()
    return db.session.scalars(select(Organisation).where(Organisation.name == name)).first()


@pytest.fixture
def primary_contact(world):
    """The NGO's representative, made its primary contact."""
    world.representative.is_primary_contact = True
    db.session.commit()
    return world.representative


NEW_ORG = {"name": "Greek Council for Refugees", "short_name": "GCR", "type": "ngo",
           "description": "Legal aid.", "website": "https://www.gcr.gr", "email": "info@gcr.gr",
           "phone": "+30 210 3800990", "address": "Solomou 25, Athens", "active": "y"}


# -- who may reach what ------------------------------------------------------------------------------

ROLE_CASES = [
    # (method, url builder, {role: expected status}; 'login' = redirect to /login)
    ("GET", lambda w: "/organisations", {"public": "login", "non_member": 200, "representative": 200,
                                         "primary_contact": 200, "coordinator": 200}),
    ("GET", lambda w: f"/organisations/{w.ngo.id}", {"public": "login", "non_member": 200, "representative": 200,
                                                     "primary_contact": 200, "coordinator": 200}),
    ("GET", lambda w: "/organisations/new", {"public": "login", "non_member": 403, "representative": 403,
                                             "primary_contact": 403, "coordinator": 200}),
    ("POST", lambda w: "/organisations/new", {"public": "login", "non_member": 403, "representative": 403,
                                              "primary_contact": 403, "coordinator": 302}),
    ("GET", lambda w: f"/organisations/{w.ngo.id}/edit", {"public": "login", "non_member": 403,
                                                          "representative": 403, "primary_contact": 200,
                                                          "coordinator": 200}),
    ("POST", lambda w: f"/organisations/{w.ngo.id}/edit", {"public": "login", "non_member": 403,
                                                           "representative": 403, "primary_contact": 302,
                                                           "coordinator": 302}),
    ("GET", lambda w: f"/organisations/{w.municipal.id}/edit", {"public": "login", "non_member": 403,
                                                                "representative": 403, "primary_contact": 403,
                                                                "coordinator": 200}),
    ("POST", lambda w: f"/organisations/{w.ngo.id}/join", {"public": "login", "non_member": 403,
                                                           "representative": 302, "primary_contact": 302,
                                                           "coordinator": 403}),
    ("GET", lambda w: "/organisations/999999", {"public": 404, "representative": 404, "coordinator": 404}),
    ("GET", lambda w: "/organisations/999999/edit", {"public": 404, "representative": 404, "coordinator": 404}),
    ("POST", lambda w: "/organisations/999999/join", {"public": 404, "representative": 404, "coordinator": 404}),
    ("GET", lambda w: f"/organisations/{w.ngo.id}/join", {"public": 405, "representative": 405}),
]


def _client_for(role, world, app, login_as):
    if role == "public":
        return app.test_client()
    if role == "primary_contact":
        world.representative.is_primary_contact = True
        db.session.commit()
        return login_as(world.representative)
    return login_as(getattr(world, role))


def _data_for(url: str, world) -> dict:
    if url.endswith("/join"):
        return {"committee_id": str(world.other_committee.id)}
    if url.endswith("/new"):
        return dict(NEW_ORG)
    return {"name": "Solidarity Now Athens", "type": "ngo", "active": "y"}


@pytest.mark.parametrize("method, url, expected", ROLE_CASES,
                         ids=[f"{m} {i}" for i, (m, _u, _e) in enumerate(ROLE_CASES)])
def test_organisation_routes_by_role(app, world, login_as, method, url, expected):
    wrong = []
    for role, status in expected.items():
        client = _client_for(role, world, app, login_as)
        target = url(world)
        if method == "GET":
            response = client.get(target)
        else:  # with a valid CSRF token, the public's included
            response = client.post_form(target, _data_for(target, world))
        got = response.status_code
        if got == 302 and response.headers["Location"].startswith("/login"):
            got = "login"
        if got != status:
            wrong.append(f"{role}: expected {status}, got {got}")
        db.session.rollback()
        for membership in db.session.scalars(select(Membership).where(Membership.committee_id ==
                                                                      world.other_committee.id,
                                                                      Membership.organisation_id == world.ngo.id)):
            db.session.delete(membership)  # let the next role ask to join again
        db.session.commit()
    assert not wrong, "\n".join(wrong)


def test_inactive_person_is_sent_to_sign_in(app, world, login_as):
    client = login_as(world.representative)
    world.representative.active = False
    db.session.commit()
    response = client.get("/organisations")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# -- CSRF ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/organisations/new", "/organisations/{ngo}/edit", "/organisations/{ngo}/join"])
def test_posts_without_csrf_token_are_refused(world, login_as, url):
    url = url.format(ngo=world.ngo.id)
    client = login_as(world.coordinator if "join" not in url else world.representative)
    data = {**NEW_ORG, "name": "CSRF Org", "committee_id": str(world.other_committee.id)}
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert org_named("CSRF Org") is None
    assert audit("membership.request") == []
    response = client.post(url, data={**data, "csrf_token": "forged"})
    assert response.status_code == 400
    assert org_named("CSRF Org") is None


# -- creating and editing ------------------------------------------------------------------------

def test_coordinator_creates_an_organisation_and_it_is_audited(world, login_as):
    client = login_as(world.coordinator)
    form = text(client.get("/organisations/new"))
    assert 'name="active"' in form and 'name="csrf_token"' in form
    response = client.post_form("/organisations/new", NEW_ORG)
    org = org_named("Greek Council for Refugees")
    assert response.status_code == 302 and response.headers["Location"] == f"/organisations/{org.id}"
    assert (org.short_name, org.type, org.website, org.active) == ("GCR", OrganisationType.NGO, "https://www.gcr.gr",
                                                                    True)
    [entry] = audit("organisation.create")
    assert (entry.actor_id, entry.target_id) == (world.coordinator.id, org.id)
    assert "has been created" in text(client.get(response.headers["Location"]))


def test_create_validation_errors_keep_the_input(world, login_as):
    client = login_as(world.coordinator)
    response = client.post_form("/organisations/new", {**NEW_ORG, "name": "", "website": "ftp://files.example"})
    page = text(response)
    assert response.status_code == 400
    assert 'value="GCR"' in page and 'value="info@gcr.gr"' in page and "Legal aid." in page
    assert 'id="name-error"' in page
    assert org_named("") is None and audit("organisation.create") == []


def test_create_refuses_a_website_that_is_not_http(world, login_as):
    client = login_as(world.coordinator)
    response = client.post_form("/organisations/new", {**NEW_ORG, "website": "javascript:alert(1)"})
    page = text(response)
    assert response.status_code == 400
    assert 'id="website-error"' in page and "http:// or https://" in page
    assert org_named(NEW_ORG["name"]) is None


def test_duplicate_name_is_shown_next_to_the_name_field_with_input_kept(world, login_as):
    client = login_as(world.coordinator)
    response = client.post_form("/organisations/new", {**NEW_ORG, "name": "solidarity now athens"})
    page = text(response)
    assert response.status_code == 409
    assert re.search(r'id="name-error"[^>]*>An organisation with this name exists already', page)
    assert 'value="solidarity now athens"' in page and 'value="GCR"' in page
    assert audit("organisation.create") == []


def test_coordinator_edits_and_deactivates_an_organisation(world, login_as):
    client = login_as(world.coordinator)
    page = text(client.get(f"/organisations/{world.ngo.id}/edit"))
    assert 'value="Solidarity Now Athens"' in page and 'name="active"' in page
    response = client.post_form(f"/organisations/{world.ngo.id}/edit",
                                {"name": "Solidarity Now Athens", "short_name": "SNA", "type": "ngo",
                                 "phone": "210 111 2222"})  # the active box unticked
    assert response.status_code == 302
    org = org_named("Solidarity Now Athens")
    assert (org.active, org.phone) == (False, "210 111 2222")
    [entry] = audit("organisation.update")
    assert entry.details["fields"] == ["active", "phone"] and entry.actor_id == world.coordinator.id


def test_edit_duplicate_name_is_refused_with_input_kept(world, login_as):
    client = login_as(world.coordinator)
    response = client.post_form(f"/organisations/{world.municipal.id}/edit",
                                {"name": "Solidarity Now Athens", "type": "municipal", "phone": "555", "active": "y"})
    page = text(response)
    assert response.status_code == 409 and 'id="name-error"' in page and 'value="555"' in page
    assert org_named("Athens Social Services Directorate").phone == ""


def test_primary_contact_edits_details_but_not_the_active_flag(world, login_as, primary_contact):
    client = login_as(primary_contact)
    page = text(client.get(f"/organisations/{world.ngo.id}"))
    assert f'href="/organisations/{world.ngo.id}/edit"' in page
    form = text(client.get(f"/organisations/{world.ngo.id}/edit"))
    assert 'name="active"' not in form
    response = client.post_form(f"/organisations/{world.ngo.id}/edit",
                                {"name": "Solidarity Now", "type": "ngo", "email": "hello@sn.org",
                                 "id": "77", "created_at": "2000-01-01"})  # no active field, extra fields
    assert response.status_code == 302
    org = db.session.get(Organisation, world.ngo.id)
    db.session.refresh(org)
    assert (org.name, org.email, org.active, org.id) == ("Solidarity Now", "hello@sn.org", True, world.ngo.id)
    [entry] = audit("organisation.update")
    assert entry.actor_id == primary_contact.id and "active" not in entry.details["fields"]


def test_edit_link_is_hidden_from_those_who_may_not_edit(world, login_as):
    page = text(login_as(world.representative).get(f"/organisations/{world.ngo.id}"))
    assert f"/organisations/{world.ngo.id}/edit" not in page
    page = text(login_as(world.coordinator).get("/organisations"))
    assert 'href="/organisations/new"' in page
    assert 'href="/organisations/new"' not in text(login_as(world.representative).get("/organisations"))


# -- the directory -------------------------------------------------------------------------------

def test_directory_lists_active_organisations_by_name_with_type_and_committees(world, login_as):
    f.make_org("Dormant Association", active=False)
    response = login_as(world.representative).get("/organisations")
    page = text(response)
    assert row_names(response) == ["Athens Social Services Directorate", "Solidarity Now Athens",
                                   "Unrelated Academic Institute"]
    assert "Municipal body" in page and "Access and Legal Rights" in page and "SNA" in page
    assert "Health and Wellbeing" in page  # the academic institute's committee
    assert 'name="inactive"' not in page


def test_directory_search_keeps_values_and_escapes_wildcards(world, login_as):
    f.make_org("100% Volunteers", short_name="HV")
    client = login_as(world.representative)
    response = client.get("/organisations", query_string={"q": "%"})
    assert row_names(response) == ["100% Volunteers"]
    assert row_names(client.get("/organisations", query_string={"q": "_"})) == []
    response = client.get("/organisations", query_string={"q": "sna", "type": "ngo",
                                                         "committee": str(world.committee.id)})
    page = text(response)
    assert row_names(response) == ["Solidarity Now Athens"]
    assert 'value="sna"' in page
    assert re.search(r'<option selected value="ngo">', page)
    assert re.search(rf'<option selected value="{world.committee.id}">', page)


def test_directory_filters_by_type_and_committee(world, login_as):
    client = login_as(world.representative)
    assert row_names(client.get("/organisations?type=academic")) == ["Unrelated Academic Institute"]
    assert row_names(client.get(f"/organisations?committee={world.committee.id}")) == [
        "Athens Social Services Directorate", "Solidarity Now Athens"]


@pytest.mark.parametrize("query", ["type=cartel", "committee=abc", "committee=999999", "page=abc", "per_page=x",
                                   "page=1.5", "q=" + "x" * 201])
def test_directory_refuses_bad_parameters_with_400(world, login_as, query):
    response = login_as(world.representative).get(f"/organisations?{query}")
    assert response.status_code == 400


def test_directory_refuses_an_inactive_committee_as_filter_for_members(world, login_as):
    world.other_committee.active = False
    db.session.commit()
    assert login_as(world.representative).get(f"/organisations?committee={world.other_committee.id}"
                                              ).status_code == 400
    assert login_as(world.coordinator).get(f"/organisations?committee={world.other_committee.id}").status_code == 200


def test_directory_pagination_is_clamped_and_links_keep_the_filter(world, login_as):
    for n in range(12):
        f.make_org(f"Paged Org {n:02d}", short_name="PG")
    client = login_as(world.representative)
    first = client.get("/organisations?q=paged&per_page=5")
    assert row_names(first) == [f"Paged Org {n:02d}" for n in range(5)]
    assert 'href="/organisations?q=paged&amp;per_page=5&amp;page=2"' in text(first)
    assert row_names(client.get("/organisations?q=paged&per_page=5&page=3")) == ["Paged Org 10", "Paged Org 11"]
    beyond = client.get("/organisations?q=paged&per_page=5&page=999")
    assert beyond.status_code == 200 and row_names(beyond) == ["Paged Org 10", "Paged Org 11"]
    for refused in ("page=99999999999", "page=0", "per_page=0"):  # as on every list: a clear 400
        assert client.get(f"/organisations?q=paged&{refused}").status_code == 400
    assert len(row_names(client.get("/organisations?q=paged&per_page=100000"))) == 12


def test_include_inactive_is_for_coordinators_only(world, login_as):
    f.make_org("Dormant Association", active=False)
    coordinator = login_as(world.coordinator)
    page = text(coordinator.get("/organisations"))
    assert 'name="inactive"' in page and "Dormant Association" not in page
    response = coordinator.get("/organisations?inactive=y")
    assert "Dormant Association" in row_names(response) and "checked" in text(response)
    assert "Dormant Association" not in row_names(login_as(world.representative).get("/organisations?inactive=y"))


def test_directory_query_count_does_not_grow_with_rows(world, login_as):
    client = login_as(world.coordinator)

    def count(n_orgs: int) -> int:
        for n in range(n_orgs):
            org = f.make_org(f"Counted {n_orgs}-{n:02d}")
            f.make_membership(world.committee, org)
            f.make_membership(world.other_committee, org)
        with count_queries() as statements:
            response = client.get("/organisations", query_string={"q": f"Counted {n_orgs}-", "per_page": 50})
        assert len(row_names(response)) == n_orgs
        return len(statements)

    assert count(2) == count(25)


# -- the organisation page -----------------------------------------------------------------------

def test_organisation_page_query_count_does_not_grow_with_people_or_committees(world, login_as):
    client = login_as(world.non_member)

    def count(n: int) -> int:
        org = f.make_org(f"Counted {n}")
        for i in range(n):
            person = f.make_person(org=org, name=f"Staff {n}-{i}")
            committee = f.make_committee(f"Committee {n}-{i}")
            f.make_membership(committee, org)
            f.give_role(person, committee, CommitteeRoleKind.REPRESENTATIVE)
        with count_queries() as statements:
            page = text(client.get(f"/organisations/{org.id}"))
        assert page.count("Staff %d-" % n) == n
        return len(statements)

    assert count(2) == count(12)


def test_organisation_page_shows_details_with_a_safe_website_link(world, login_as):
    world.ngo.website = "https://sna.example.org/about"
    world.ngo.email = "info@sna.example.org"
    world.ngo.phone = "+30 210 000"
    world.ngo.address = "Kolokotroni 1\nAthens"
    world.ngo.description = "First paragraph.\n\nSecond paragraph."
    db.session.commit()
    page = text(login_as(world.non_member).get(f"/organisations/{world.ngo.id}"))
    assert '<a href="https://sna.example.org/about" rel="nofollow noopener">' in page
    assert "info@sna.example.org" in page and "+30 210 000" in page and "Kolokotroni 1<br>Athens" in page
    assert "<p>First paragraph.</p>" in page and "<p>Second paragraph.</p>" in page


def test_organisation_page_never_links_a_script_website(world, login_as):
    world.ngo.website = "javascript:alert(1)"  # e.g. old imported data
    db.session.commit()
    page = text(login_as(world.representative).get(f"/organisations/{world.ngo.id}"))
    assert 'href="javascript:' not in page


def test_organisation_page_lists_active_people_with_contacts_only_for_those_who_may_see_them(world, login_as):
    f.make_person("gone@example.org", org=world.ngo, name="Gone Person", active=False)
    colleague = text(login_as(world.alternate).get(f"/organisations/{world.ngo.id}"))
    outsider = text(login_as(world.non_member).get(f"/organisations/{world.ngo.id}"))
    for page in (colleague, outsider):
        assert "Rita Rep" in page and "Chris Chair" in page and "Gone Person" not in page
    assert "rep@example.org" in colleague
    assert "rep@example.org" not in outsider and "Contact details hidden" in outsider


def test_organisation_page_lists_memberships_with_status_and_dates(world, login_as):
    f.make_membership(world.other_committee, world.ngo, MembershipStatus.LEFT)
    page = text(login_as(world.representative).get(f"/organisations/{world.ngo.id}"))
    assert "Access and Legal Rights" in page and "Health and Wellbeing" in page
    assert "state-active" in page and "state-left" in page and "Jan 15, 2024" in page


def test_user_text_is_escaped_everywhere(world, login_as):
    world.ngo.name = MARKER
    world.ngo.short_name = MARKER[:50]
    world.ngo.description = MARKER
    world.ngo.address = MARKER
    world.ngo.website = "https://x.example/" + MARKER
    db.session.commit()
    client = login_as(world.coordinator)
    for url in ("/organisations", f"/organisations/{world.ngo.id}", f"/organisations/{world.ngo.id}/edit",
                f"/organisations?q={MARKER}"):
        page = text(client.get(url))
        assert "<svg onload=x>" not in page, url
        assert "&lt;svg onload=x&gt;" in page, url


# -- asking to join a committee ------------------------------------------------------------------

def test_member_of_the_organisation_asks_to_join_a_committee(world, login_as):
    client = login_as(world.representative)
    page = text(client.get(f"/organisations/{world.ngo.id}"))
    options = re.findall(r'<option[^>]*value="(\d+)"', page)
    assert options == [str(world.other_committee.id)]  # not the committee it is already in
    response = client.post_form(f"/organisations/{world.ngo.id}/join",
                                {"committee_id": str(world.other_committee.id), "note": "We run a clinic."})
    assert response.status_code == 302
    membership = db.session.scalars(select(Membership).where(Membership.organisation_id == world.ngo.id,
                                                             Membership.committee_id == world.other_committee.id)
                                    ).one()
    assert (membership.status, membership.note, membership.requested_by_id) == (
        MembershipStatus.REQUESTED, "We run a clinic.", world.representative.id)
    [entry] = audit("membership.request")
    assert entry.actor_id == world.representative.id
    page = text(client.get(f"/organisations/{world.ngo.id}"))
    assert "has been sent to its co-chairs" in page and "state-requested" in page
    assert 'action="/organisations/%d/join"' % world.ngo.id not in page  # nothing left to join


def test_join_form_is_only_for_people_of_the_organisation(world, login_as):
    page = text(login_as(world.non_member).get(f"/organisations/{world.ngo.id}"))
    assert "/join" not in page
    page = text(login_as(world.coordinator).get(f"/organisations/{world.ngo.id}"))
    assert "/join" not in page


@pytest.mark.parametrize("committee_id", ["{committee}", "{archived}", "999999", "abc", ""])
def test_join_refuses_committees_outside_the_choices(world, login_as, committee_id):
    archived = f.make_committee("Archived Committee", active=False)
    value = committee_id.format(committee=world.committee.id, archived=archived.id)
    response = login_as(world.representative).post_form(f"/organisations/{world.ngo.id}/join",
                                                        {"committee_id": value, "note": "kept note"})
    assert response.status_code == 400
    assert "kept note" in text(response)
    assert audit("membership.request") == []


def test_join_is_refused_for_an_inactive_organisation(world, login_as):
    world.ngo.active = False
    db.session.commit()
    response = login_as(world.representative).post_form(f"/organisations/{world.ngo.id}/join",
                                                        {"committee_id": str(world.other_committee.id)})
    assert response.status_code == 403
    assert audit("membership.request") == []
