"""CSV import services without HTTP: parse → validate → apply, all or nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from committees.db import db
from committees.errors import ValidationFailed
from committees.models import AuditEntry, GlobalRole, Organisation, OrganisationType, OutboxMessage, Person
from committees.services import imports, people
from committees.services.imports import ImportKind
from tests import factories as f

LANGS = {"en": "English", "el": "Greek"}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _plan(actor, kind, text: str, **kw):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return imports.prepare_import(actor, kind, data, languages=LANGS, **kw)


def _codes(plan) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.code) for e in plan.errors]


ORGS = "name,short_name,type\nSolidarity Now,SN,NGO\nCity of Athens,,municipal\nUni,U,Academic\n"


def test_parse_organisations_comma_and_titles():
    coordinator = f.make_person(role=GlobalRole.COORDINATOR)
    plan = _plan(coordinator, ImportKind.ORGANISATIONS, ORGS)
    assert plan.valid
    assert [r.clean["type"] for r in plan.rows] == [OrganisationType.NGO, OrganisationType.MUNICIPAL,
                                                    OrganisationType.ACADEMIC]
    assert [r.number for r in plan.rows] == [2, 3, 4]


def test_parse_semicolon_with_bom_and_crlf():
    data = "\ufeffName;Short name;Type\r\n\"Praksis; Athens\";PR;Migrant-led community organisation\r\n".encode()
    plan = _plan(None, ImportKind.ORGANISATIONS, data)
    assert plan.columns == ["name", "short_name", "type"]
    assert plan.rows[0].clean["name"] == "Praksis; Athens"
    assert plan.rows[0].clean["type"] == OrganisationType.MIGRANT_LED


@pytest.mark.parametrize("data, code", [
    (b"", "empty"),
    ("name,type\n".encode(), "no_rows"),
    ("nom,type\nX,ngo\n".encode(), "unknown_columns"),
    ("short_name\nX\n".encode(), "missing_columns"),
    ("name,name,type\nX,Y,ngo\n".encode(), "duplicate_columns"),
    ("name,type\nΑθήνα,ngo\n".encode("iso-8859-7"), "not_utf8"),
    (b"name,type\nX\x00,ngo\n", "binary"),
])
def test_parse_refuses_bad_files(data, code):
    with pytest.raises(ValidationFailed) as info:
        _plan(None, ImportKind.ORGANISATIONS, data)
    assert info.value.code == code
    assert info.value.field == "file"


def test_parse_refuses_too_large_and_too_many_rows():
    with pytest.raises(ValidationFailed) as info:
        _plan(None, ImportKind.ORGANISATIONS, ORGS, max_bytes=20)
    assert info.value.code == "file_too_large"
    with pytest.raises(ValidationFailed) as info:
        imports.parse_csv(ORGS.encode(), ImportKind.ORGANISATIONS, max_rows=2)
    assert info.value.code == "too_many_rows"


def test_validate_organisation_errors_listed_per_row_and_column():
    f.make_org("Existing Org", short_name="EX")
    text = ("name,short_name,type,website,email\n"
            "Existing Org,,ngo,,\n"          # 2: name taken in the database
            ",A,ngo,,\n"                     # 3: missing name
            "New One,ex,ngo,,\n"             # 4: short name taken (case-insensitive)
            "Dup,D1,spaceship,,\n"           # 5: bad type
            "dup,D2,ngo,ftp://x,not-an-email\n"  # 6: duplicate of row 5, bad website, bad email
            "Fine,F,,,\n")                   # 7: missing type
    plan = _plan(None, ImportKind.ORGANISATIONS, text)
    assert not plan.valid
    assert set(_codes(plan)) == {
        (2, "name", "exists"), (3, "name", "required"), (4, "short_name", "exists"),
        (5, "type", "invalid_choice"), (6, "name", "duplicate_in_file"), (6, "website", "invalid_url"),
        (6, "email", "invalid_email"), (7, "type", "required"),
    }
    assert plan.rows[4].errors[0].params == {"other": 5}


def test_apply_organisations_writes_all_with_audit():
    coordinator = f.make_person(role=GlobalRole.COORDINATOR)
    plan = _plan(coordinator, ImportKind.ORGANISATIONS, ORGS)
    result = imports.apply_plan(coordinator, plan)
    db.session.commit()
    assert len(result.created) == 3
    assert _count(Organisation) == 3
    creates = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "organisation.create")).all()
    assert len(creates) == 3 and all(e.actor_id == coordinator.id for e in creates)
    summary = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "import.organisations")).one()
    assert summary.details["created"] == 3


def test_apply_refuses_invalid_plan_and_writes_nothing():
    plan = _plan(None, ImportKind.ORGANISATIONS, "name,type\nGood,ngo\nBad,nonsense\n")
    with pytest.raises(ValidationFailed) as info:
        imports.apply_plan(None, plan)
    assert info.value.code == "import_invalid"
    db.session.rollback()
    assert _count(Organisation) == 0 and _count(AuditEntry) == 0


def test_formula_cells_are_stored_as_plain_text():
    plan = _plan(None, ImportKind.ORGANISATIONS,
                 'name,type,description\n"=HYPERLINK(""http://evil"")",ngo,"+1 line\nsecond @line"\n')
    imports.apply_plan(None, plan)
    db.session.commit()
    org = db.session.scalars(select(Organisation)).one()
    assert org.name == '=HYPERLINK("http://evil")'
    assert org.description == "+1 line\nsecond @line"


PEOPLE = ("email,full_name,organisation,job_title,language,role,invite\n"
          "Maria@Example.org,Maria K,SN,Lawyer,el,,yes\n"
          "john@example.org,John D,Solidarity Now,,,none,no\n")


def test_people_import_links_organisations_and_invites():
    org = f.make_org("Solidarity Now", short_name="SN")
    coordinator = f.make_person(role=GlobalRole.COORDINATOR)
    plan = _plan(coordinator, ImportKind.PEOPLE, PEOPLE)
    assert plan.valid, _codes(plan)
    result = imports.apply_plan(coordinator, plan)
    db.session.commit()
    assert result.invited == 1
    maria = people.get_person_by_email("maria@example.org")
    assert maria.organisation_id == org.id and maria.language == "el" and maria.password_hash is None
    assert people.get_person_by_email("john@example.org").organisation_id == org.id
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.to_address == "maria@example.org" and mail.kind == "invitation"
    actions = sorted(db.session.scalars(select(AuditEntry.action)))
    assert actions == ["import.people", "person.create", "person.create", "person.invite"]


def test_people_validation_errors():
    f.make_org("Solidarity Now", short_name="SN")
    f.make_org("Second", short_name="DUP")
    f.make_org("Third", short_name="DUP")
    f.make_person("taken@example.org")
    coordinator = f.make_person(role=GlobalRole.COORDINATOR)
    text = ("email,full_name,organisation,language,role,invite\n"
            "TAKEN@example.org,A,,,,\n"        # 2: email exists (case-insensitive)
            "new@example.org,B,Nowhere,,,\n"    # 3: unknown organisation
            "NEW@example.org,C,DUP,,,\n"        # 4: duplicate in file, ambiguous organisation
            "bad-email,D,,xx,,maybe\n"          # 5: invalid email, bad language, bad invite
            "e@example.org,,sn,,coordinator,\n"  # 6: missing name; coordinator needs an admin
            "f@example.org,F,,,wizard,\n")      # 7: unknown role
    plan = _plan(coordinator, ImportKind.PEOPLE, text)
    assert set(_codes(plan)) == {
        (2, "email", "exists"), (3, "organisation", "unknown_organisation"), (4, "email", "duplicate_in_file"),
        (4, "organisation", "ambiguous_organisation"), (5, "email", "invalid_email"),
        (5, "language", "invalid_choice"), (5, "invite", "invalid_choice"), (6, "full_name", "required"),
        (6, "role", "forbidden_role"), (7, "role", "invalid_choice"),
    }


def test_only_admins_import_coordinators():
    admin = f.make_person(role=GlobalRole.ADMIN)
    plan = _plan(admin, ImportKind.PEOPLE, "email,full_name,role\nc@example.org,C,Coordinator\n")
    assert plan.valid
    imports.apply_plan(admin, plan)
    db.session.commit()
    assert people.get_person_by_email("c@example.org").global_role == GlobalRole.COORDINATOR


def test_people_import_is_all_or_nothing_when_a_write_fails(monkeypatch):
    coordinator = f.make_person(role=GlobalRole.COORDINATOR)
    text = "email,full_name,invite\na@example.org,A,yes\nb@example.org,B,yes\nc@example.org,C,yes\n"
    plan = _plan(coordinator, ImportKind.PEOPLE, text)
    real = people.create_person
    calls = []

    def failing(*args, **kw):
        calls.append(kw["email"])
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return real(*args, **kw)

    monkeypatch.setattr(people, "create_person", failing)
    before = _count(Person)
    with pytest.raises(RuntimeError):
        imports.apply_plan(coordinator, plan)
    db.session.rollback()
    assert _count(Person) == before
    assert _count(OutboxMessage) == 0 and _count(AuditEntry) == 0


def test_long_and_control_characters():
    long_name = "x" * 201
    plan = _plan(None, ImportKind.ORGANISATIONS, f"name,type,phone\n{long_name},ngo,\"12\x0734\r\n5\"\n")
    assert ("name", "too_long") in [(e.column, e.code) for e in plan.errors]
    assert plan.rows[0].values["phone"] == "1234 5"


def test_template_csv_round_trips_through_the_validator():
    f.make_org("Solidarity Now", short_name="SN")
    for kind in ImportKind:
        data = imports.template_csv(kind).encode()
        plan = _plan(None, kind, data)
        if kind == ImportKind.ORGANISATIONS:
            assert _codes(plan) == [(2, "name", "exists"), (2, "short_name", "exists")]
        else:
            assert plan.valid, _codes(plan)
