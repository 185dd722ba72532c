"""Creating and editing organisations (committees.services.bodies), without HTTP."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from committees.db import db
from committees.errors import Conflict, Forbidden, ValidationFailed
from committees.models import AuditEntry, Organisation, OrganisationType
from committees.services import bodies
from tests import factories as f


def audit_entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_create_organisation_stores_clean_values_and_audits(world):
    org = bodies.create_organisation(world.coordinator, name="  Greek Council for Refugees ", short_name="GCR",
                                     type="ngo", website="https://www.gcr.gr", email="info@gcr.gr",
                                     phone="+30 210 3800990", address="Solomou 25\nAthens", active=True,
                                     id=999, created_at=None)
    db.session.commit()
    assert (org.name, org.type, org.active) == ("Greek Council for Refugees", OrganisationType.NGO, True)
    assert org.id != 999  # fields outside the allow-list are ignored
    [entry] = audit_entries("organisation.create")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (world.coordinator.id, "organisation", org.id)


@pytest.mark.parametrize("values, field, code", [
    ({"name": "   ", "type": "ngo"}, "name", "required"),
    ({"name": "No Type"}, "type", "required"),
    ({"name": "Bad Type", "type": "cartel"}, "type", "invalid_choice"),
    ({"name": "Bad Site", "type": "ngo", "website": "javascript:alert(1)"}, "website", "invalid_url"),
    ({"name": "Bad Site 2", "type": "ngo", "website": "https://"}, "website", "invalid_url"),
    ({"name": "Bad Mail", "type": "ngo", "email": "not-an-address"}, "email", "invalid_email"),
    ({"name": "x" * 201, "type": "ngo"}, "name", "too_long"),
    ({"name": "Long Phone", "type": "ngo", "phone": "1" * 51}, "phone", "too_long"),
])
def test_create_organisation_refuses_invalid_values(world, values, field, code):
    with pytest.raises(ValidationFailed) as caught:
        bodies.create_organisation(world.coordinator, **values)
    assert (caught.value.field, caught.value.code) == (field, code)


def test_organisation_names_are_unique_regardless_of_case(world):
    with pytest.raises(Conflict) as caught:
        bodies.create_organisation(world.coordinator, name="solidarity now ATHENS", type="ngo")
    assert (caught.value.field, caught.value.code) == ("name", "name_taken")
    with pytest.raises(Conflict):
        bodies.update_organisation(world.coordinator, world.municipal, {"name": "SOLIDARITY NOW ATHENS"})


def test_update_organisation_records_changed_fields_only(world):
    bodies.update_organisation(world.coordinator, world.ngo, {
        "name": "Solidarity Now Athens", "short_name": "SN", "phone": "210 000 0000", "active": True})
    db.session.commit()
    [entry] = audit_entries("organisation.update")
    assert entry.details["fields"] == ["phone", "short_name"]
    bodies.update_organisation(world.coordinator, world.ngo, {"short_name": "SN"})
    db.session.commit()
    assert len(audit_entries("organisation.update")) == 1  # nothing changed, nothing recorded


def test_update_organisation_may_keep_its_own_name(world):
    bodies.update_organisation(world.coordinator, world.ngo, {"name": "Solidarity Now Athens", "email": "a@b.org"})
    assert world.ngo.email == "a@b.org"


def test_update_without_may_set_active_refuses_to_change_the_flag(world):
    with pytest.raises(Forbidden) as caught:
        bodies.update_organisation(world.representative, world.ngo, {"active": False}, may_set_active=False)
    assert caught.value.field == "active"
    db.session.rollback()
    assert db.session.get(Organisation, world.ngo.id).active is True
    # the unchanged flag is harmless, and the rest of the details may change
    bodies.update_organisation(world.representative, world.ngo, {"active": True, "phone": "123"},
                               may_set_active=False)
    assert world.ngo.phone == "123"


def test_coordinator_may_deactivate_an_organisation(world):
    bodies.update_organisation(world.coordinator, world.ngo, {"active": False})
    db.session.commit()
    assert world.ngo.active is False
    assert audit_entries("organisation.update")[0].details["fields"] == ["active"]


def test_none_values_become_empty_strings(world):
    org = f.make_org("Blank Fields", website="https://x.example")
    bodies.update_organisation(world.coordinator, org, {"website": None, "email": None})
    assert (org.website, org.email) == ("", "")
