"""The roster page, managing members and roles, and the CSV export."""
from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from committees.db import db, utcnow
from committees.models import AuditEntry, CommitteeRole, CommitteeRoleKind, Membership, MembershipStatus
from tests import factories as f
from tests.conftest import ROLES
from tests.queries import count_queries

ROSTER = "/committees/access-legal/roster"
BASE = "/committees/access-legal"
MANAGERS = ("cochair", "coordinator", "admin")


def client_for(role, world, client, login_as):
    person = world.person(role)
    return client if person is None else login_as(person)


def audit(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def membership_of(committee, org) -> Membership | None:
    db.session.expire_all()
    return db.session.scalars(select(Membership).where(
        Membership.committee_id == committee.id, Membership.organisation_id == org.id)).first()


def role_of(person, committee, kind: CommitteeRoleKind) -> CommitteeRole | None:
    db.session.expire_all()
    return db.session.scalars(select(CommitteeRole).where(
        CommitteeRole.person_id == person.id, CommitteeRole.committee_id == committee.id,
        CommitteeRole.role == kind)).first()


# -- the page ----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_roster_by_role(client, world, login_as, role):
    c = client_for(role, world, client, login_as)
    response = c.get(ROSTER)
    if role == "public":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert c.get("/committees/health/roster").status_code == 404
        return
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in ("Solidarity Now Athens", "Athens Social Services Directorate", "Rita Rep", "Alex Alternate",
                 "Chris Chair", "Maria Municipal", "Sam Secretary", "Olga Observer", "Primary", "Alternate",
                 "Jan 15, 2024"):
        assert text in page
    assert ("Manage the roster" in page) is (role in MANAGERS)
    assert ("Requests to join" in page) is (role in MANAGERS)
    assert ("Appoint a co-chair" in page) is (role in ("coordinator", "admin"))
    assert ("Download as CSV" in page) is (role in ("secretary",) + MANAGERS)
    assert ("End membership" in page) is (role in MANAGERS)


def test_contact_details_only_where_the_policy_allows(world, login_as):
    world.representative.phone = "+30 210 000 0000"
    db.session.commit()
    member_view = login_as(world.alternate).get(ROSTER).get_data(as_text=True)
    assert "rep@example.org" in member_view and "+30 210 000 0000" in member_view
    outsider_view = login_as(world.non_member).get(ROSTER).get_data(as_text=True)
    assert "Rita Rep" in outsider_view
    assert "rep@example.org" not in outsider_view and "+30 210 000 0000" not in outsider_view
    assert "observer@example.org" in outsider_view  # a colleague from the same organisation


def test_requests_listed_for_managers_with_note_and_requester(world, login_as):
    f.make_membership(world.committee, world.outsider_org, status=MembershipStatus.REQUESTED)
    membership = membership_of(world.committee, world.outsider_org)
    membership.note, membership.requested_by_id = "<b>please</b>", world.non_member.id
    db.session.commit()
    page = login_as(world.cochair).get(ROSTER).get_data(as_text=True)
    assert "Nick Nobody" in page and "&lt;b&gt;please&lt;/b&gt;" in page and "Approve" in page
    assert "&lt;b&gt;please" not in login_as(world.secretary).get(ROSTER).get_data(as_text=True)


def test_former_members_tab(world, login_as):
    f.make_membership(world.committee, f.make_org("Gone Away NGO"), status=MembershipStatus.LEFT)
    c = login_as(world.observer)
    assert "Gone Away NGO" not in c.get(ROSTER).get_data(as_text=True)
    former = c.get(ROSTER + "?view=former").get_data(as_text=True)
    assert "Gone Away NGO" in former and "Rita Rep" not in former


@pytest.mark.parametrize("query", ["view=secret", "page=0", "per_page=abc"])
def test_roster_invalid_query_is_400(world, login_as, query):
    assert login_as(world.representative).get(f"{ROSTER}?{query}").status_code == 400


def test_roster_paginates(world, login_as):
    c = login_as(world.representative)
    first = c.get(ROSTER + "?per_page=1").get_data(as_text=True)
    assert "Athens Social Services Directorate" in first and "Page 1 of 2" in first
    second = c.get(ROSTER + "?per_page=1&page=2").get_data(as_text=True)
    assert "Solidarity Now Athens" in second and "Rita Rep" in second


def _grow(world, n: int) -> None:
    for _ in range(n):
        org = f.make_org()
        f.make_membership(world.committee, org)
        f.give_role(f.make_person(org=org), world.committee, CommitteeRoleKind.REPRESENTATIVE, primary=True)
        f.give_role(f.make_person(org=org), world.committee, CommitteeRoleKind.REPRESENTATIVE)
        f.make_membership(world.committee, f.make_org(), status=MembershipStatus.REQUESTED)


def _count_queries(app, c, url: str) -> int:
    with app.app_context(), count_queries() as statements:
        assert c.get(url).status_code == 200
    return len(statements)


# Issue 9: the most statements the roster may send. Readers: the committee, the session (with the person's roles),
# the count and page of members, the roles with their people, those people's roles (for their contact details),
# the attendance rates; managers add the requests to join and the management forms' choices (two statements).
ROSTER_STATEMENTS = {"coordinator": 10, "cochair": 10, "representative": 7, "non_member": 7}


@pytest.mark.parametrize("role", ["coordinator", "cochair", "representative", "non_member"])
def test_roster_query_count_does_not_grow_with_members(app, world, login_as, role):
    c = login_as(world.person(role))
    c.get(ROSTER)  # warm up
    small = _count_queries(app, c, ROSTER)
    _grow(world, 8)
    big = _count_queries(app, c, ROSTER)
    assert big == small, (small, big)
    assert small <= ROSTER_STATEMENTS[role], small


def test_roster_choices_come_in_two_statements_with_their_organisations(app, world):
    """The management forms' lists (queries.roster_choices): the active memberships and the people who may represent
    them, their organisations loaded with them; organisations to add and people to give roles are typed instead."""
    from committees import queries

    _grow(world, 3)
    retired = f.make_org("Retired member", active=False)  # an inactive organisation that is still an active member
    f.make_membership(world.committee, retired)
    staff = f.make_person(org=retired)
    gone = f.make_person(org=world.ngo)
    gone.active = False
    db.session.commit()
    db.session.expire_all()
    committee = db.session.get(type(world.committee), world.committee.id)
    with count_queries() as statements:
        choices = queries.roster_choices(committee)
        labels = [p.organisation.label for p in choices.candidates] + [m.organisation.label
                                                                        for m in choices.memberships]
    assert len(statements) == 2 and len(labels) >= 8

    def ids(rows):
        return [row.id for row in rows]

    assert ids(choices.memberships) == ids(queries.active_memberships(committee))
    assert retired.id in [m.organisation_id for m in choices.memberships]
    assert staff.id in ids(choices.candidates) and world.representative.id in ids(choices.candidates)
    assert gone.id not in ids(choices.candidates) and world.non_member.id not in ids(choices.candidates)
    names = [(p.organisation.name, p.full_name) for p in choices.candidates]
    assert names == sorted(names)


def test_csv_query_count_does_not_grow_with_members(app, world, login_as):
    c = login_as(world.secretary)
    small = _count_queries(app, c, ROSTER + ".csv")
    _grow(world, 8)
    assert _count_queries(app, c, ROSTER + ".csv") == small


# -- managing members --------------------------------------------------------------------------

def _lookup_input(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)


def test_cochair_adds_a_member_organisation(world, login_as):
    c = login_as(world.cochair)
    page = c.get(ROSTER).get_data(as_text=True)
    field = _lookup_input(page, "organisation")
    assert 'type="text"' in field and 'list="member-organisation-options"' in field
    assert f'data-lookup="{BASE}/roster/organisations.json"' in field
    assert '<select' not in page.split('id="member-organisation"')[1].split("</form>")[0]  # no list of organisations
    suggested = c.get(f"{BASE}/roster/organisations.json?q=institute").get_json()["results"]
    assert suggested == [{"id": world.outsider_org.id, "label": "Unrelated Academic Institute (UAI)"}]
    assert c.get(f"{BASE}/roster/organisations.json?q=solidarity").get_json()["results"] == []  # a member already
    response = c.post_form(f"{BASE}/members", {"organisation_id": world.outsider_org.id, "note": "Welcome"})
    assert response.status_code == 302
    membership = membership_of(world.committee, world.outsider_org)
    assert membership.status == MembershipStatus.ACTIVE and membership.note == "Welcome"
    [entry] = audit("membership.add")
    assert entry.actor_id == world.cochair.id and entry.committee_id == world.committee.id


@pytest.mark.parametrize("typed", ["Unrelated Academic Institute (UAI)", "unrelated academic institute", "UAI",
                                   "  academic   inst "])
def test_add_member_by_typing_without_javascript(world, login_as, typed):
    """The label as suggested, the exact name or short name, or a part that only one organisation matches."""
    response = login_as(world.cochair).post_form(f"{BASE}/members", {"organisation": typed, "organisation_id": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert membership_of(world.committee, world.outsider_org).status == MembershipStatus.ACTIVE


def test_add_member_by_typing_lists_the_matches_when_several_match(world, login_as):
    second = f.make_org("Unrelated Youth Institute", short_name="UYI")
    c = login_as(world.cochair)
    response = c.post_form(f"{BASE}/members", {"organisation": "institute", "note": "Keep me"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Several match “institute”" in page and "Keep me" in page
    assert 'value="institute"' in _lookup_input(page, "organisation")  # the text is kept
    for org in (world.outsider_org, second):
        assert f'type="radio" name="organisation_id" id="member-organisation-match-{org.id}" value="{org.id}"' in page
    assert audit("membership.add") == []
    picked = c.post_form(f"{BASE}/members", {"organisation": "institute", "organisation_id": ["", str(second.id)]})
    assert picked.status_code == 302
    assert membership_of(world.committee, second).status == MembershipStatus.ACTIVE


def test_add_member_by_typing_what_matches_nothing_keeps_the_text(world, login_as):
    c = login_as(world.cochair)
    # Solidarity Now Athens is a member already: it is not among the organisations that may be added
    for typed in ("Solidarity Now Athens", "no such thing", "100%_"):
        response = c.post_form(f"{BASE}/members", {"organisation": typed, "note": "Kept"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "Nothing matches" in page and "Kept" in page
        assert 'aria-invalid="true"' in _lookup_input(page, "organisation")
    assert c.post_form(f"{BASE}/members", {"organisation": "x", "organisation_id": "12ab"}).status_code == 400
    assert audit("membership.add") == []


def test_people_suggestions_and_roles_by_typing(world, login_as):
    c = login_as(world.cochair)
    page = c.get(ROSTER).get_data(as_text=True)
    assert f'data-lookup="{BASE}/roster/people.json"' in _lookup_input(page, "person")
    assert "Nick Nobody" not in page  # nobody outside the committee is listed on the page
    by_org = c.get(f"{BASE}/roster/people.json?q=UAI").get_json()["results"]
    assert [r["label"] for r in by_org] == ["Nick Nobody (UAI)", "Olga Observer (UAI)", "Omar Other (UAI)"]
    assert c.get(f"{BASE}/roster/people.json?q=n").get_json()["results"] == []  # two characters at least
    response = c.post_form(f"{BASE}/roles", {"person": "nick nob", "role": "observer"})
    assert response.status_code == 302
    assert role_of(world.non_member, world.committee, CommitteeRoleKind.OBSERVER) is not None
    twice = c.post_form(f"{BASE}/roles", {"person": "Nick Nobody (UAI)", "role": "observer"})
    page = twice.get_data(as_text=True)
    assert twice.status_code == 409 and "already has that role" in page
    assert 'value="Nick Nobody (UAI)"' in _lookup_input(page, "person")
    assert 'id="role-person-error"' in page  # next to the field, not only at the top


def test_people_suggestions_leave_out_deactivated_and_anonymised_people(world, login_as):
    gone = f.make_person(org=world.outsider_org, name="Nadia Gone")
    gone.active = False
    erased = f.make_person(org=world.outsider_org, name="Nadia Erased")
    erased.anonymised_at = utcnow()
    db.session.commit()
    c = login_as(world.coordinator)
    assert c.get(f"{BASE}/roster/people.json?q=nadia").get_json()["results"] == []
    response = c.post_form(f"{BASE}/cochairs", {"person": "Nadia Gone"})
    assert response.status_code == 400 and "Nothing matches" in response.get_data(as_text=True)


def test_add_member_errors_keep_the_input(world, login_as):
    c = login_as(world.cochair)
    missing = c.post_form(f"{BASE}/members", {"organisation_id": "", "note": "Remember this note"})
    assert missing.status_code == 400
    assert "Remember this note" in missing.get_data(as_text=True) and "Choose one." in missing.get_data(as_text=True)
    taken = c.post_form(f"{BASE}/members", {"organisation_id": world.ngo.id, "note": "Second note"})
    page = taken.get_data(as_text=True)
    assert taken.status_code == 409 and "already a member" in page and "Second note" in page
    assert audit("membership.add") == []


def test_add_member_unknown_organisation_is_404(world, login_as):
    assert login_as(world.cochair).post_form(f"{BASE}/members", {"organisation_id": 99999}).status_code == 404


def _request(world):
    return f.make_membership(world.committee, world.outsider_org, status=MembershipStatus.REQUESTED)


@pytest.mark.parametrize("decision, status", [("approve", MembershipStatus.ACTIVE),
                                              ("decline", MembershipStatus.DECLINED)])
def test_cochair_decides_a_request(world, login_as, decision, status):
    membership = _request(world)
    response = login_as(world.cochair_municipal).post_form(
        f"{BASE}/members/decide", {"membership_id": membership.id, "decision": decision})
    assert response.status_code == 302
    assert membership_of(world.committee, world.outsider_org).status == status
    assert len(audit("membership.approved" if decision == "approve" else "membership.declined")) == 1


def test_deciding_twice_is_a_conflict(world, login_as):
    membership = _request(world)
    c = login_as(world.cochair)
    c.post_form(f"{BASE}/members/decide", {"membership_id": membership.id, "decision": "approve"})
    again = c.post_form(f"{BASE}/members/decide", {"membership_id": membership.id, "decision": "decline"})
    assert again.status_code == 409 and "decided already" in again.get_data(as_text=True)


def test_decide_rejects_an_unknown_decision(world, login_as):
    membership = _request(world)
    response = login_as(world.cochair).post_form(
        f"{BASE}/members/decide", {"membership_id": membership.id, "decision": "promote"})
    assert response.status_code == 400
    assert membership_of(world.committee, world.outsider_org).status == MembershipStatus.REQUESTED


def test_membership_status_moves_through_the_page(world, login_as):
    c = login_as(world.cochair)
    membership = membership_of(world.committee, world.ngo)
    url = f"{BASE}/members/status"
    assert c.post_form(url, {"membership_id": membership.id, "status": "suspended"}).status_code == 302
    assert membership_of(world.committee, world.ngo).status == MembershipStatus.SUSPENDED
    assert "Restore" in c.get(ROSTER).get_data(as_text=True)
    assert c.post_form(url, {"membership_id": membership.id, "status": "left"}).status_code == 302
    assert membership_of(world.committee, world.ngo).left_on is not None
    assert role_of(world.representative, world.committee, CommitteeRoleKind.REPRESENTATIVE) is None
    refused = c.post_form(url, {"membership_id": membership.id, "status": "suspended"})
    assert refused.status_code == 409 and "not possible" in refused.get_data(as_text=True)
    assert c.post_form(url, {"membership_id": membership.id, "status": "active"}).status_code == 302
    assert membership_of(world.committee, world.ngo).status == MembershipStatus.ACTIVE
    assert len(audit("membership.status")) == 3
    assert c.post_form(url, {"membership_id": membership.id, "status": "requested"}).status_code == 400


# -- representatives and roles -----------------------------------------------------------------

def test_cochair_names_a_new_primary_representative(world, login_as):
    newcomer = f.make_person("new@example.org", org=world.ngo, name="Nora New")
    membership = membership_of(world.committee, world.ngo)
    response = login_as(world.cochair).post_form(f"{BASE}/representatives", {
        "membership_id": membership.id, "person_id": newcomer.id, "is_primary": "y"})
    assert response.status_code == 302
    assert role_of(newcomer, world.committee, CommitteeRoleKind.REPRESENTATIVE).is_primary
    assert not role_of(world.representative, world.committee, CommitteeRoleKind.REPRESENTATIVE).is_primary
    assert audit("role.assign")[-1].details["person_id"] == newcomer.id


def test_representative_of_the_wrong_organisation_keeps_the_input(world, login_as):
    membership = membership_of(world.committee, world.ngo)
    response = login_as(world.cochair).post_form(f"{BASE}/representatives", {
        "membership_id": membership.id, "person_id": world.secretary.id, "is_primary": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "does not work for that organisation" in page
    assert f'<option selected value="{world.secretary.id}">' in page
    assert f'<option selected value="{membership.id}">' in page
    assert role_of(world.secretary, world.committee, CommitteeRoleKind.REPRESENTATIVE) is None


def test_cochair_adds_an_observer_and_a_secretary(world, login_as):
    c = login_as(world.cochair)
    assert c.post_form(f"{BASE}/roles", {"person_id": world.non_member.id, "role": "observer"}).status_code == 302
    assert c.post_form(f"{BASE}/roles", {"person_id": world.alternate.id, "role": "secretary"}).status_code == 302
    assert role_of(world.non_member, world.committee, CommitteeRoleKind.OBSERVER) is not None
    assert role_of(world.alternate, world.committee, CommitteeRoleKind.SECRETARY) is not None
    assert len(audit("role.assign")) == 2
    twice = c.post_form(f"{BASE}/roles", {"person_id": world.non_member.id, "role": "observer"})
    assert twice.status_code == 409 and "already has that role" in twice.get_data(as_text=True)


def test_roles_form_cannot_make_cochairs(world, login_as):
    response = login_as(world.cochair).post_form(f"{BASE}/roles", {"person_id": world.non_member.id,
                                                                   "role": "cochair"})
    assert response.status_code == 400
    assert role_of(world.non_member, world.committee, CommitteeRoleKind.COCHAIR) is None


def test_only_coordinators_appoint_cochairs(world, login_as):
    data = {"person_id": world.non_member.id}
    assert login_as(world.cochair).post_form(f"{BASE}/cochairs", data).status_code == 403
    assert role_of(world.non_member, world.committee, CommitteeRoleKind.COCHAIR) is None
    assert login_as(world.coordinator).post_form(f"{BASE}/cochairs", data).status_code == 302
    assert role_of(world.non_member, world.committee, CommitteeRoleKind.COCHAIR) is not None
    assert audit("role.assign")[-1].details["role"] == "cochair"


def test_appoint_cochair_without_a_person_keeps_the_form(world, login_as):
    response = login_as(world.coordinator).post_form(f"{BASE}/cochairs", {"person_id": ""})
    assert response.status_code == 400 and "Choose one." in response.get_data(as_text=True)


def test_removing_roles(world, login_as):
    observer = role_of(world.observer, world.committee, CommitteeRoleKind.OBSERVER)
    chair = role_of(world.cochair_municipal, world.committee, CommitteeRoleKind.COCHAIR)
    c = login_as(world.cochair)
    assert c.post_form(f"{BASE}/roles/remove", {"role_id": observer.id}).status_code == 302
    assert role_of(world.observer, world.committee, CommitteeRoleKind.OBSERVER) is None
    assert c.post_form(f"{BASE}/roles/remove", {"role_id": chair.id}).status_code == 403
    assert login_as(world.coordinator).post_form(f"{BASE}/roles/remove", {"role_id": chair.id}).status_code == 302
    assert role_of(world.cochair_municipal, world.committee, CommitteeRoleKind.COCHAIR) is None
    assert len(audit("role.remove")) == 2


# -- who may manage, CSRF, ids of other committees ---------------------------------------------

def _post_routes(world):
    """(url, valid form data) for every management route, built from the world."""
    request = _request(world)
    membership = membership_of(world.committee, world.ngo)
    municipal = membership_of(world.committee, world.municipal)
    observer = role_of(world.observer, world.committee, CommitteeRoleKind.OBSERVER)
    newcomer = f.make_person(org=world.ngo)
    return [
        (f"{BASE}/members", {"organisation_id": f.make_org().id}),
        (f"{BASE}/members/decide", {"membership_id": request.id, "decision": "approve"}),
        (f"{BASE}/members/status", {"membership_id": municipal.id, "status": "suspended"}),
        (f"{BASE}/representatives", {"membership_id": membership.id, "person_id": newcomer.id}),
        (f"{BASE}/roles", {"person_id": world.non_member.id, "role": "observer"}),
        (f"{BASE}/cochairs", {"person_id": world.non_member.id}),
        (f"{BASE}/roles/remove", {"role_id": observer.id}),
    ]


def _changes() -> int:
    """Audit entries of changes (sign-ins and refusals are recorded too, but change nothing)."""
    db.session.expire_all()
    return len(db.session.scalars(select(AuditEntry).where(AuditEntry.action.not_in(
        ("auth.login", "access.refused")))).all())


@pytest.mark.parametrize("role", ["non_member", "observer", "representative", "secretary"])
def test_management_routes_refused_to_non_managers(world, login_as, role):
    c = login_as(world.person(role))
    before = _changes()
    routes = _post_routes(world)
    for url, data in routes:
        assert c.post_form(url, data).status_code == 403, url
    assert _changes() == before
    refused = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access.refused")).all()
    assert len(refused) == len(routes) and {e.actor_id for e in refused} == {world.person(role).id}


def test_management_routes_send_the_public_to_sign_in(client, world):
    before = _changes()
    for url, data in _post_routes(world):
        response = client.post_form(url, data)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
        hidden = client.post_form(url.replace("access-legal", "health"), data)
        assert hidden.status_code == 404, url
    assert _changes() == before


def test_management_routes_work_for_coordinators(world, login_as):
    c = login_as(world.coordinator)
    for url, data in _post_routes(world):
        assert c.post_form(url, data).status_code == 302, url


def test_management_routes_refuse_requests_without_csrf(world, login_as):
    c = login_as(world.coordinator)
    before = _changes()
    for url, data in _post_routes(world):
        assert c.post(url, data=data).status_code == 400, url
    assert _changes() == before


def test_management_routes_refuse_get(world, login_as):
    c = login_as(world.coordinator)
    for url, _data in _post_routes(world):
        assert c.get(url).status_code == 405, url


def test_ids_of_another_committee_are_404(world, login_as):
    other_membership = membership_of(world.other_committee, world.outsider_org)
    other_role = role_of(world.other_rep, world.other_committee, CommitteeRoleKind.REPRESENTATIVE)
    own_membership = membership_of(world.committee, world.ngo)
    c = login_as(world.coordinator)
    before = _changes()
    cases = [
        (f"{BASE}/members/decide", {"membership_id": other_membership.id, "decision": "decline"}),
        (f"{BASE}/members/status", {"membership_id": other_membership.id, "status": "suspended"}),
        (f"{BASE}/representatives", {"membership_id": other_membership.id, "person_id": world.other_rep.id}),
        # a person whose organisation is in another committee only
        (f"{BASE}/representatives", {"membership_id": own_membership.id, "person_id": world.other_rep.id}),
        (f"{BASE}/roles/remove", {"role_id": other_role.id}),
        (f"{BASE}/roles", {"person_id": 99999, "role": "observer"}),
        (f"{BASE}/cochairs", {"person_id": 99999}),
    ]
    for url, data in cases:
        assert c.post_form(url, data).status_code == 404, (url, data)
    assert _changes() == before
    assert membership_of(world.other_committee, world.outsider_org).status == MembershipStatus.ACTIVE


# -- CSV export --------------------------------------------------------------------------------

@pytest.mark.parametrize("role, status", [("non_member", 403), ("observer", 403), ("representative", 403),
                                          ("secretary", 200), ("cochair", 200), ("coordinator", 200),
                                          ("admin", 200)])
def test_export_by_role(world, login_as, role, status):
    assert login_as(world.person(role)).get(ROSTER + ".csv").status_code == status


def test_export_sends_the_public_to_sign_in(client, world):
    response = client.get(ROSTER + ".csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/committees/health/roster.csv").status_code == 404


def test_export_of_another_committee_refused(world, login_as):
    assert login_as(world.secretary).get("/committees/health/roster.csv").status_code == 403


def test_export_content_headers_and_audit(world, login_as):
    world.ngo.name = "=HYPERLINK(\"http://evil.example\")"
    world.representative.phone = "+30 210 123"
    world.alternate.full_name = "@Alex"
    db.session.commit()
    response = login_as(world.secretary).get(ROSTER + ".csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="roster-access-legal-') and disposition.count(".csv") == 2
    assert "filename*=UTF-8''roster-access-legal-" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Organisation", "Type", "Status", "Joined", "Left", "Person", "Role", "Primary", "Email",
                       "Phone"]
    rep = next(r for r in rows if r[5] == "Rita Rep")
    assert rep == ["'=HYPERLINK(\"http://evil.example\")", "NGO", "Active", "2024-01-15", "", "Rita Rep",
                   "Representative", "yes", "rep@example.org", "'+30 210 123"]
    assert any(r[5] == "'@Alex" and r[7] == "" for r in rows)
    assert ["Athens Social Services Directorate", "Municipal body", "", "", "", "Sam Secretary", "Secretary", "",
            "secretary@example.org", ""] in rows
    assert any(r[5] == "Olga Observer" and r[6] == "Observer" for r in rows)
    assert not any(cell[:1] in "=+-@\t\r" and cell for row in rows for cell in row)
    [entry] = audit("committee.export_roster")
    assert entry.actor_id == world.secretary.id and entry.committee_id == world.committee.id
    assert entry.details["rows"] == len(rows) - 1


def test_export_includes_former_members_and_requests(world, login_as):
    f.make_membership(world.committee, f.make_org("Former Org"), status=MembershipStatus.LEFT)
    _request(world)
    text = login_as(world.cochair).get(ROSTER + ".csv").get_data(as_text=True)
    assert "Former Org,NGO,Left" in text and "Unrelated Academic Institute,Academic,Requested" in text


def test_roster_shows_attendance_rate_over_twelve_months(client, world, login_as):
    from datetime import timedelta

    from committees.db import db, utcnow
    from committees.models import MeetingFormat, MeetingState
    from committees.services import meetings

    for days, present in ((40, {world.representative.id}), (20, {world.secretary.id})):
        start = utcnow() - timedelta(days=days)
        m = meetings.create_meeting(world.cochair, world.committee, title=f"M{days}", venue="Hall",
                                    format=MeetingFormat.IN_PERSON.value, starts_at=start,
                                    ends_at=start + timedelta(hours=2))
        m.state = MeetingState.SCHEDULED
        meetings.record_attendance(world.secretary, m, present)
    db.session.commit()
    page = login_as(world.cochair).get(f"/committees/{world.committee.slug}/roster").get_data(as_text=True)
    assert "50% (1 of 2)" in page
