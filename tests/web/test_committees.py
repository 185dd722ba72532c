"""Committee pages: the list, a committee's page, creating and editing, asking to join."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from committees.db import db
from committees.models import AuditEntry, Committee, CommitteeRoleKind, Membership, MembershipStatus, OrganisationType
from tests import factories as f
from tests.conftest import ROLES

WARNING = "Needs two co-chairs"


def client_for(role, world, client, login_as):
    person = world.person(role)
    return client if person is None else login_as(person)


def audit(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def committee(slug: str) -> Committee | None:
    db.session.expire_all()
    return db.session.scalars(select(Committee).where(Committee.slug == slug)).first()


# -- the list ----------------------------------------------------------------------------------

def test_list_committees_shows_cochairs_organisations_and_member_count(client, world):
    page = client.get("/committees").get_data(as_text=True)
    assert "Chris Chair (SNA)" in page and "Maria Municipal (ASSD)" in page
    assert "2 member organisations" in page
    assert "Health and Wellbeing" not in page  # not public


@pytest.mark.parametrize("role", ROLES)
def test_list_committees_by_role(client, world, login_as, role):
    c = client_for(role, world, client, login_as)
    response = c.get("/committees")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert ("Health and Wellbeing" in page) is (role != "public")
    coordinator = role in ("coordinator", "admin")
    assert ("New committee" in page) is coordinator
    # the balanced committee has no warning; the other (no co-chairs) has one, for coordinators only
    assert page.count(WARNING) == (1 if coordinator else 0)


def test_list_warns_about_unbalanced_cochairs(client, world, login_as):
    second_ngo = f.make_person(org=f.make_org("Second NGO"))
    f.give_role(second_ngo, world.other_committee, CommitteeRoleKind.COCHAIR)
    f.give_role(f.make_person(org=f.make_org("Third NGO")), world.other_committee, CommitteeRoleKind.COCHAIR)
    page = login_as(world.coordinator).get("/committees").get_data(as_text=True)
    assert page.count(WARNING) == 1  # two NGOs are not a balanced pair
    f.give_role(world.non_member, world.committee, CommitteeRoleKind.COCHAIR)  # a third co-chair
    page = login_as(world.coordinator).get("/committees").get_data(as_text=True)
    assert page.count(WARNING) == 2


def test_list_committees_paginates(client, world, login_as):
    for n in range(3):
        f.make_committee(f"Zeta {n}", public=True)
    c = login_as(world.coordinator)
    first = c.get("/committees?per_page=2").get_data(as_text=True)
    assert "Access and Legal Rights" in first and "Zeta 0" not in first and "Page 1 of 3" in first
    last = c.get("/committees?per_page=2&page=3").get_data(as_text=True)
    assert "Zeta 2" in last and "Access and Legal Rights" not in last
    assert c.get("/committees?per_page=1000").status_code == 200  # clamped


@pytest.mark.parametrize("query", ["page=0", "page=x", "per_page=-1", "per_page=1e3", "page=%00"])
def test_list_committees_invalid_paging_is_400(client, world, query):
    assert client.get(f"/committees?{query}").status_code == 400


# -- creating ----------------------------------------------------------------------------------

NEW = {"name": "Education and Learning", "slug": "", "mandate": "School <script>alert(1)</script> **enrolment**",
       "is_public": "y", "active": "y"}


def test_coordinator_creates_a_committee(world, login_as):
    c = login_as(world.coordinator)
    assert c.get("/committees/new").status_code == 200
    response = c.post_form("/committees/new", NEW)
    assert response.status_code == 302 and response.headers["Location"].endswith("/committees/education-and-learning")
    created = committee("education-and-learning")
    assert created.is_public and created.active
    assert "<script" not in created.mandate_html and "<strong>enrolment</strong>" in created.mandate_html
    [entry] = audit("committee.create")
    assert entry.actor_id == world.coordinator.id and entry.committee_id == created.id
    page = c.get("/committees/education-and-learning").get_data(as_text=True)
    assert "<strong>enrolment</strong>" in page and "<script>alert" not in page


def test_create_with_an_explicit_slug(world, login_as):
    response = login_as(world.coordinator).post_form("/committees/new", dict(NEW, slug="edu"))
    assert response.status_code == 302 and committee("edu") is not None


@pytest.mark.parametrize("role, status", [("non_member", 403), ("observer", 403), ("representative", 403),
                                          ("secretary", 403), ("cochair", 403), ("admin", 200)])
def test_create_committee_by_role(client, world, login_as, role, status):
    c = login_as(world.person(role))
    assert c.get("/committees/new").status_code == status
    assert c.post_form("/committees/new", NEW).status_code == (302 if status == 200 else status)


def test_public_is_sent_to_sign_in_for_create(client, world):
    response = client.get("/committees/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post_form("/committees/new", NEW).status_code == 302
    assert committee("education-and-learning") is None


@pytest.mark.parametrize("changes, status, message", [
    ({"name": ""}, 400, "This field is required"),
    ({"slug": "Bad Slug!"}, 400, "Use lower-case letters"),
    ({"slug": "new"}, 400, "Use lower-case letters"),
    ({"name": "Access and Legal Rights"}, 409, "exists already"),
    ({"slug": "health"}, 409, "exists already"),
])
def test_create_errors_keep_the_input(world, login_as, changes, status, message):
    data = dict(NEW, mandate="Kept *mandate* text", **changes)
    response = login_as(world.coordinator).post_form("/committees/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert message in page and "Kept *mandate* text" in page
    assert audit("committee.create") == []


def test_create_without_csrf_is_refused(world, login_as):
    response = login_as(world.coordinator).post("/committees/new", data=NEW)
    assert response.status_code == 400
    assert committee("education-and-learning") is None


# -- a committee's page ------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_committee_page_by_role(client, world, login_as, role):
    c = client_for(role, world, client, login_as)
    response = c.get("/committees/access-legal")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Chris Chair" in page and "Solidarity Now Athens" in page and "Sam Secretary" in page
    assert "<strong>things</strong>" in page
    assert "2 member organisations" in page and "2 named representatives" in page
    assert ("Edit committee" in page) is (role in ("cochair", "coordinator", "admin"))
    assert ("See the full roster" in page) is (role != "public")
    assert ("Ask to join" in page) is (role in ("non_member", "observer"))  # their organisation is not in
    assert WARNING not in page
    hidden = c.get("/committees/health")
    assert hidden.status_code == (404 if role == "public" else 200)


def test_coordinator_sees_the_cochair_warning_on_the_page(world, login_as):
    assert WARNING in login_as(world.coordinator).get("/committees/health").get_data(as_text=True)
    assert WARNING not in login_as(world.other_rep).get("/committees/health").get_data(as_text=True)


def test_inactive_committee_hidden_except_from_its_people_and_coordinators(client, world, login_as):
    world.committee.active = False
    db.session.commit()
    assert client.get("/committees/access-legal").status_code == 404
    assert login_as(world.non_member).get("/committees/access-legal").status_code == 404
    assert login_as(world.representative).get("/committees/access-legal").status_code == 200
    assert login_as(world.coordinator).get("/committees/access-legal").status_code == 200


def test_unknown_committee_is_404(client, world):
    assert client.get("/committees/nope").status_code == 404


def test_pending_requests_counted_for_managers_only(world, login_as):
    f.make_membership(world.committee, world.outsider_org, status=MembershipStatus.REQUESTED)
    text = "1 request to join is waiting"
    assert text in login_as(world.cochair).get("/committees/access-legal").get_data(as_text=True)
    assert text not in login_as(world.secretary).get("/committees/access-legal").get_data(as_text=True)


def test_committee_names_are_escaped(client, world):
    world.committee.name = "\"'><svg onload=x>"
    db.session.commit()
    page = client.get("/committees/access-legal").get_data(as_text=True)
    assert "<svg onload=x>" not in page and "&lt;svg onload=x&gt;" in page


# -- editing -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role, status", [("non_member", 403), ("observer", 403), ("representative", 403),
                                          ("secretary", 403), ("cochair", 200), ("coordinator", 200)])
def test_edit_committee_by_role(world, login_as, role, status):
    assert login_as(world.person(role)).get("/committees/access-legal/edit").status_code == status


def test_public_is_sent_to_sign_in_for_edit(client, world):
    response = client.get("/committees/access-legal/edit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/committees/health/edit").status_code == 404


def test_cochair_of_another_committee_may_not_edit(world, login_as):
    assert login_as(world.cochair).get("/committees/health/edit").status_code == 403


def test_cochair_edits_mandate_and_public_flag_only(world, login_as):
    c = login_as(world.cochair)
    form = c.get("/committees/access-legal/edit").get_data(as_text=True)
    assert 'name="mandate"' in form and 'name="is_public"' in form
    assert 'name="name"' not in form and 'name="slug"' not in form and 'name="active"' not in form
    response = c.post_form("/committees/access-legal/edit", {
        "mandate": "New *mandate*", "name": "Hijacked", "slug": "hijacked", "active": ""})
    assert response.status_code == 302
    saved = committee("access-legal")
    assert saved.mandate == "New *mandate*" and "<em>mandate</em>" in saved.mandate_html
    assert saved.name == "Access and Legal Rights" and saved.active and not saved.is_public
    [entry] = audit("committee.update")
    assert sorted(entry.details["fields"]) == ["is_public", "mandate"]


def test_coordinator_renames_and_moves_a_committee(world, login_as):
    c = login_as(world.coordinator)
    response = c.post_form("/committees/access-legal/edit", {
        "name": "Access to Rights", "slug": "access", "mandate": "m", "is_public": "y", "active": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/committees/access")
    assert committee("access").name == "Access to Rights"
    assert c.get("/committees/access-legal").status_code == 404


@pytest.mark.parametrize("changes, status", [({"slug": "health"}, 409), ({"slug": "Not OK"}, 400),
                                             ({"name": ""}, 400), ({"mandate": "x" * 20001}, 400)])
def test_edit_errors_keep_the_input(world, login_as, changes, status):
    data = {"name": "Renamed committee", "slug": "renamed", "mandate": "Kept mandate", "active": "y"}
    data.update(changes)
    response = login_as(world.coordinator).post_form("/committees/access-legal/edit", data)
    page = response.get_data(as_text=True)
    assert response.status_code == status
    for key in ("slug", "name", "mandate"):
        if data[key] and len(data[key]) < 100:
            assert data[key] in page
    assert committee("access-legal").name == "Access and Legal Rights"
    assert audit("committee.update") == []


def test_edit_without_csrf_is_refused(world, login_as):
    response = login_as(world.cochair).post("/committees/access-legal/edit", data={"mandate": "x"})
    assert response.status_code == 400
    assert committee("access-legal").mandate == "Works on **things**."


# -- asking to join ----------------------------------------------------------------------------

def test_non_member_asks_to_join_with_a_note(world, login_as):
    c = login_as(world.non_member)
    assert c.get("/committees/access-legal/join").status_code == 200
    response = c.post_form("/committees/access-legal/join", {"note": "We offer legal aid."})
    assert response.status_code == 302
    db.session.expire_all()
    membership = db.session.scalars(select(Membership).where(
        Membership.committee_id == world.committee.id, Membership.organisation_id == world.outsider_org.id)).one()
    assert membership.status == MembershipStatus.REQUESTED and membership.note == "We offer legal aid."
    assert membership.requested_by_id == world.non_member.id
    [entry] = audit("membership.request")
    assert entry.committee_id == world.committee.id
    page = c.get("/committees/access-legal").get_data(as_text=True)
    assert "has asked to join" in page and 'action="/committees/access-legal/join"' not in page
    assert c.post_form("/committees/access-legal/join", {"note": "again"}).status_code == 403


@pytest.mark.parametrize("role, status", [("observer", 200), ("representative", 403), ("secretary", 403),
                                          ("cochair", 403), ("coordinator", 403)])
def test_join_by_role(world, login_as, role, status):
    # the observer's organisation is not a member; the others' are (or they have no organisation)
    assert login_as(world.person(role)).get("/committees/access-legal/join").status_code == status


def test_public_is_sent_to_sign_in_to_join(client, world):
    response = client.post_form("/committees/access-legal/join", {"note": "x"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/committees/health/join").status_code == 404


def test_join_note_too_long_keeps_input(world, login_as):
    note = "Long note. " * 200
    response = login_as(world.non_member).post_form("/committees/access-legal/join", {"note": note})
    assert response.status_code == 400
    assert "Long note. Long note." in response.get_data(as_text=True)
    assert audit("membership.request") == []


def test_join_without_csrf_is_refused(world, login_as):
    response = login_as(world.non_member).post("/committees/access-legal/join", data={"note": "x"})
    assert response.status_code == 400
    assert audit("membership.request") == []


def test_committee_page_links_to_minutes_actions_and_the_dashboard_by_role(client, world, login_as):
    public = client.get("/committees/access-legal").get_data(as_text=True)
    assert "/committees/access-legal/minutes/compiled" in public
    assert "/committees/access-legal/actions" not in public and 'href="/dashboard"' not in public
    rep = login_as(world.representative).get("/committees/access-legal").get_data(as_text=True)
    assert "/committees/access-legal/actions" in rep and 'href="/dashboard"' not in rep
    outsider = login_as(world.non_member).get("/committees/access-legal").get_data(as_text=True)
    assert "/committees/access-legal/actions" not in outsider
    for person in (world.cochair, world.coordinator):
        assert 'href="/dashboard"' in login_as(person).get("/committees/access-legal").get_data(as_text=True)


# -- statements per page (issue 9) ---------------------------------------------------------------

def _grow_committees(world, n: int) -> None:
    """More committees with co-chairs (municipal and NGO) and members, more members and secretaries here."""
    for _ in range(n):
        other = f.make_committee(public=True)
        for kind in (OrganisationType.MUNICIPAL, OrganisationType.NGO):
            org = f.make_org(type=kind)
            f.make_membership(other, org)
            f.give_role(f.make_person(org=org), other, CommitteeRoleKind.COCHAIR)
        org = f.make_org()
        f.make_membership(world.committee, org)
        f.make_membership(world.committee, f.make_org(), status=MembershipStatus.REQUESTED)
        f.give_role(f.make_person(org=org), world.committee, CommitteeRoleKind.REPRESENTATIVE, primary=True)
        f.give_role(f.make_person(org=org), world.committee, CommitteeRoleKind.SECRETARY)
    db.session.commit()


# The most statements each page may send (the session, with the person and their roles, is one of them).
PAGE_STATEMENTS = {"/": 5, "/committees": 4, "/committees/access-legal": 6}


@pytest.mark.parametrize("role", ["public", "non_member", "representative", "cochair", "coordinator"])
def test_committee_pages_statements_stay_few_and_do_not_grow(app, client, world, login_as, role):
    from tests.queries import count_queries

    c = client_for(role, world, client, login_as)

    def counts() -> dict[str, int]:
        found = {}
        for url in PAGE_STATEMENTS:
            c.get(url)  # the first request after signing in may store the session's activity
            with app.app_context(), count_queries() as statements:
                assert c.get(url).status_code == 200
            found[url] = len(statements)
        return found

    small = counts()
    _grow_committees(world, 6)
    assert counts() == small
    assert all(small[url] <= most for url, most in PAGE_STATEMENTS.items()), small
