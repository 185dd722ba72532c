"""The demo data: the shape of the ACCMR world, idempotent loading, the CLI guard, the demo logins."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from committees.db import db
from committees.demo import load_demo
from committees.demo.content import DEMO_ACCOUNTS
from committees.demo.plan import build_plan
from committees.models import (
    AuditEntry,
    Committee,
    CommitteeRole,
    CommitteeRoleKind,
    GlobalRole,
    MembershipStatus,
    Organisation,
    OrganisationType,
    Person,
)
from committees.queries import cochair_balance_problem, get_committee_card, get_roster
from tests import factories as f

PASSWORD = "demo-password-for-tests"
EMAIL_RE = re.compile(r"^[^@\s]+@(example\.org|example\.com|[a-z0-9.-]+\.test)$")
ACCMR_COMMITTEES = {
    "Access and Legal Rights",
    "Livelihoods and Access to the Labour Market",
    "Urbanisation and Peaceful Coexistence",
    "Education and Learning",
    "Health and Wellbeing",
    "Women Refugees and Gender Issues",
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def all_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_demo_plan_is_deterministic():
    first, second = build_plan(), build_plan()
    assert [o.name for o in first.organisations] == [o.name for o in second.organisations]
    assert [(p.email, p.full_name) for p in first.people] == [(p.email, p.full_name) for p in second.people]
    assert first.memberships == second.memberships and first.roles == second.roles


def test_demo_has_the_six_committees_with_mandates(demo):
    committees = list(db.session.scalars(select(Committee)))
    assert {c.name for c in committees} == ACCMR_COMMITTEES
    assert sum(c.is_public for c in committees) == 4
    for committee in committees:
        assert "<strong>" in committee.mandate_html and "<li>" in committee.mandate_html
        assert "<script" not in committee.mandate_html


def test_demo_has_organisations_of_every_type_and_300_people(demo):
    assert count(Organisation) >= 95
    types = set(db.session.scalars(select(Organisation.type).distinct()))
    assert types == set(OrganisationType)
    names = list(db.session.scalars(select(Organisation.name)))
    assert any(re.search("[α-ω]", n) for n in names) and any(re.match("^[A-Za-z]", n) for n in names)
    municipal = db.session.scalars(select(Organisation.name).where(Organisation.type == OrganisationType.MUNICIPAL))
    assert all("demo" in name for name in municipal)
    people = list(db.session.scalars(select(Person)))
    assert len(people) >= 300
    for person in people:
        assert EMAIL_RE.match(person.email), person.email
        assert person.organisation_id is not None and person.job_title
        assert person.language in ("el", "en")
        assert person.password_hash
    assert {p.language for p in people} == {"el", "en"}
    assert len({p.password_hash for p in people}) == 1  # hashed once


def test_demo_committees_have_balanced_cochairs(demo):
    for committee in db.session.scalars(select(Committee)):
        cochairs = get_committee_card(committee).cochairs
        assert len(cochairs) == 2
        assert cochair_balance_problem(cochairs) is False, committee.name
        kinds = sorted(p.organisation.type.value for p in cochairs)
        assert kinds[0] in ("international", "ngo") or kinds[1] in ("international", "ngo")
        city = [p.organisation for p in cochairs if p.organisation.type == OrganisationType.MUNICIPAL]
        assert len(city) == 1 and ("Athens" in city[0].name or "Αθηναίων" in city[0].name)


def test_demo_memberships_and_representatives_are_realistic(demo):
    statuses = set()
    for committee in db.session.scalars(select(Committee)):
        roster = get_roster(committee, view="all", per_page=None)
        active = [r for r in roster.members if r.membership.status == MembershipStatus.ACTIVE]
        assert 8 <= len(active) <= 25
        for row in active:
            assert len(row.primary) == 1, row.membership.organisation.name
            for role in row.primary + row.alternates:
                assert role.person.organisation_id == row.membership.organisation_id
        assert roster.observers
        for role in roster.observers:
            assert role.person.organisation.type in (OrganisationType.ACADEMIC, OrganisationType.OTHER)
        statuses |= {r.membership.status for r in roster.members}
    assert {MembershipStatus.REQUESTED, MembershipStatus.SUSPENDED, MembershipStatus.LEFT} <= statuses
    secretaries = db.session.scalar(select(func.count()).select_from(CommitteeRole)
                                    .where(CommitteeRole.role == CommitteeRoleKind.SECRETARY))
    assert 1 <= secretaries < 6


def test_demo_accounts_have_their_roles(demo):
    emails = {key: email for key, (_label, email, *_rest) in DEMO_ACCOUNTS.items()}
    assert [email for _label, email in demo.logins] == list(emails.values())
    person = {key: db.session.scalars(select(Person).where(Person.email == email)).one()
              for key, email in emails.items()}
    assert person["admin"].global_role == GlobalRole.ADMIN
    assert person["coordinator"].global_role == GlobalRole.COORDINATOR

    def roles(key):
        return {r.role for r in person[key].committee_roles}

    assert CommitteeRoleKind.COCHAIR in roles("cochair") and CommitteeRoleKind.COCHAIR in roles("cochair_city")
    assert person["cochair"].organisation.type in (OrganisationType.NGO, OrganisationType.INTERNATIONAL)
    assert person["cochair_city"].organisation.type == OrganisationType.MUNICIPAL
    assert roles("secretary") == {CommitteeRoleKind.SECRETARY}
    assert roles("rep") == {CommitteeRoleKind.REPRESENTATIVE}
    assert roles("observer") == {CommitteeRoleKind.OBSERVER}


def test_demo_writes_audit_entries(demo):
    assert count(AuditEntry) > 100
    summary = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "demo.load")).one()
    assert summary.details["people"] >= 300
    actions = set(db.session.scalars(select(AuditEntry.action).distinct()))
    assert {"organisation.create", "committee.create", "person.create", "membership.add", "role.assign"} <= actions
    assert not any("password" in str(e.details) and "$argon2" in str(e.details)
                   for e in db.session.scalars(select(AuditEntry)))


def test_demo_second_run_creates_nothing(demo):
    before = all_counts()
    summary = load_demo(password=PASSWORD)
    db.session.commit()
    assert all_counts() == before
    assert not summary.created_anything
    assert "nothing new" in summary.describe()


def test_demo_completes_a_partial_load(demo):
    org = db.session.scalars(select(Organisation).where(Organisation.type == OrganisationType.ACADEMIC)).first()
    roles = db.session.scalars(select(CommitteeRole).where(CommitteeRole.role == CommitteeRoleKind.OBSERVER)).all()
    for role in roles:
        db.session.delete(role)
    db.session.commit()
    summary = load_demo(password=PASSWORD)
    db.session.commit()
    assert summary.created["roles"] == len(roles) and summary.created["organisations"] == 0
    assert db.session.get(Organisation, org.id) is not None


def test_demo_if_empty_leaves_an_existing_installation_alone(app):
    f.make_committee("Housing Forum", slug="housing")
    summary = load_demo(password=PASSWORD, if_empty=True)
    db.session.commit()
    assert summary.skipped and summary.logins == []
    assert count(Committee) == 1 and count(Organisation) == 0 and count(Person) == 0
    assert "not loaded" in summary.describe()


def test_demo_if_empty_loads_an_empty_database(app):
    summary = load_demo(password=PASSWORD, if_empty=True)
    db.session.commit()
    assert not summary.skipped and count(Committee) == 6


def test_demo_cli_loads_and_prints_the_logins(app):
    result = app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert count(Committee) == 6
    assert app.config["DEMO_PASSWORD"] in result.output
    for _label, email, *_rest in DEMO_ACCOUNTS.values():
        assert email in result.output
    again = app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output


def test_demo_cli_refuses_in_production_without_force(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "Refusing" in result.output
    assert count(Committee) == 0 and count(Person) == 0
    forced = app.test_cli_runner().invoke(args=["demo-data", "--force"])
    assert forced.exit_code == 0, forced.output
    assert count(Committee) == 6


def test_demo_logins_can_sign_in(app, demo):
    assert len(demo.logins) == len(DEMO_ACCOUNTS)
    for _label, email in demo.logins:
        client = app.test_client()
        response = client.post_form("/login", {"email": email, "password": PASSWORD})
        assert response.status_code == 302, email
        assert client.get("/").status_code == 200
    wrong = app.test_client().post_form("/login", {"email": demo.logins[0][1], "password": "not the password"})
    assert wrong.status_code == 200
