"""Account services without HTTP: profiles, roles, invitations, sessions, searching people."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from committees import policy
from committees.db import db, utcnow
from committees.errors import Conflict, Forbidden, ValidationFailed
from committees.models import AuditEntry, GlobalRole, LoginSession, OutboxMessage, Person
from committees.services import people, sessions
from tests import factories as f

LIFETIME = timedelta(days=7)
SESSION_LIMITS = dict(idle=timedelta(hours=2), absolute=timedelta(days=14), remember_for=timedelta(days=14))


def audit_actions(target: Person) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "person",
                                                                   AuditEntry.target_id == target.id)
                                   .order_by(AuditEntry.id)))


def test_update_person_ignores_fields_outside_the_profile(world):
    rep = world.representative
    people.update_person(rep, rep, {"full_name": "Rita R.", "email": "evil@example.org", "global_role": "admin",
                                    "active": False, "organisation_id": world.outsider_org.id})
    db.session.commit()
    db.session.refresh(rep)
    assert rep.full_name == "Rita R."
    assert rep.email == "rep@example.org"
    assert rep.global_role == GlobalRole.NONE
    assert rep.active is True
    assert rep.organisation_id == world.ngo.id
    assert audit_actions(rep)[-1] == "person.update"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../etc/passwd", "Europe/Athens\n"])
def test_update_person_refuses_unknown_time_zones(world, zone):
    with pytest.raises(ValidationFailed) as error:
        people.update_person(world.representative, world.representative, {"timezone": zone + "x"})
    assert error.value.field == "timezone"


def test_update_person_accepts_a_known_time_zone(world):
    people.update_person(world.representative, world.representative, {"timezone": "Asia/Beirut"})
    assert world.representative.timezone == "Asia/Beirut"


def test_admin_update_refuses_an_unknown_organisation(world):
    with pytest.raises(ValidationFailed) as error:
        people.update_person(world.coordinator, world.representative, {"organisation_id": 999999},
                             admin_fields=True)
    assert error.value.field == "organisation_id"


def test_admin_update_refuses_a_taken_email_whatever_its_case(world):
    with pytest.raises(Conflict) as error:
        people.update_person(world.coordinator, world.representative, {"email": "ALT@example.org"},
                             admin_fields=True)
    assert error.value.code == "email_taken"


def test_register_person_creates_without_password_and_queues_an_invitation(world):
    person = people.register_person(world.coordinator, LIFETIME, email="New.Person@Example.org",
                                    full_name="New Person", organisation=world.ngo)
    db.session.commit()
    assert person.email == "new.person@example.org"
    assert person.password_hash is None
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.to_address == "new.person@example.org" and message.kind == "invitation"
    assert audit_actions(person) == ["person.create", "person.invite"]


def test_only_admins_may_create_coordinators(world):
    with pytest.raises(Forbidden):
        people.create_person(world.coordinator, email="x@example.org", full_name="X",
                             global_role=GlobalRole.COORDINATOR)
    person = people.create_person(world.admin, email="x@example.org", full_name="X",
                                  global_role=GlobalRole.COORDINATOR)
    assert person.global_role == GlobalRole.COORDINATOR


def test_set_global_role_needs_an_admin_and_not_oneself(world):
    with pytest.raises(Forbidden):
        people.set_global_role(world.coordinator, world.representative, GlobalRole.COORDINATOR)
    with pytest.raises(Conflict):
        people.set_global_role(world.admin, world.admin, GlobalRole.NONE)
    people.set_global_role(world.admin, world.representative, GlobalRole.COORDINATOR)
    db.session.commit()
    assert world.representative.global_role == GlobalRole.COORDINATOR
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.role_changed")).one()
    assert entry.details == {"old": "none", "new": "coordinator"}


def test_resend_invitation_only_before_a_password_is_chosen(world):
    person = people.register_person(world.coordinator, LIFETIME, email="n@example.org", full_name="N")
    people.resend_invitation(world.coordinator, person, LIFETIME)
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 2
    with pytest.raises(Conflict):
        people.resend_invitation(world.coordinator, world.representative, LIFETIME)
    people.deactivate_person(world.coordinator, person)
    with pytest.raises(Conflict):
        people.resend_invitation(world.coordinator, person, LIFETIME)


def test_deactivation_ends_sessions_and_tokens(world):
    raw = sessions.create_session(world.representative)
    token = people.issue_token(world.representative, people.TokenPurpose.RESET, timedelta(hours=1))
    people.deactivate_person(world.coordinator, world.representative)
    db.session.commit()
    assert sessions.load_session(raw, **SESSION_LIMITS) is None
    assert people.peek_token(token, people.TokenPurpose.RESET) is None
    with pytest.raises(Conflict):
        people.deactivate_person(world.coordinator, world.coordinator)


def test_change_password_keeps_this_session_only_and_sends_a_notice(world):
    here = sessions.create_session(world.representative)
    elsewhere = sessions.create_session(world.representative)
    people.change_password(world.representative, f.PASSWORD, "a brand new long passphrase", keep_session=here)
    db.session.commit()
    assert sessions.load_session(here, **SESSION_LIMITS) is not None
    assert sessions.load_session(elsewhere, **SESSION_LIMITS) is None
    assert db.session.scalars(select(OutboxMessage.kind)).all() == ["password_changed"]


def test_change_password_refuses_a_wrong_current_password(world):
    with pytest.raises(ValidationFailed) as error:
        people.change_password(world.representative, "not my password", "a brand new long passphrase")
    assert error.value.field == "current_password"


def test_end_other_sessions_keeps_the_current_one(world):
    here = sessions.create_session(world.representative)
    sessions.create_session(world.representative)
    sessions.create_session(world.representative)
    assert people.end_other_sessions(world.representative, here) == 2
    rows = people.list_active_sessions(world.representative, current_raw=here, **SESSION_LIMITS)
    assert [r.current for r in rows] == [True]
    assert "auth.sessions_ended" in audit_actions(world.representative)


def test_list_active_sessions_leaves_out_idle_and_revoked_ones(world):
    fresh = sessions.create_session(world.representative)
    idle = sessions.create_session(world.representative)
    revoked = sessions.create_session(world.representative)
    sessions.revoke_session(revoked)
    db.session.flush()
    row = db.session.scalars(select(LoginSession).where(LoginSession.key_hash == sessions.hash_key(idle))).one()
    row.last_seen_at = utcnow() - timedelta(hours=3)
    rows = people.list_active_sessions(world.representative, current_raw=fresh, **SESSION_LIMITS)
    assert [r.session.key_hash for r in rows] == [sessions.hash_key(fresh)]


def test_search_people_escapes_like_wildcards(world):
    f.make_person("percent@example.org", name="100% Sure")
    f.make_person("under_score@example.org", name="Under Score")

    def names(**kw):
        return [p.full_name for p in db.session.scalars(people.search_people_stmt(**kw))]

    assert names(q="%") == ["100% Sure"]
    assert names(q="_") == ["Under Score"]
    assert names(q="rita") == ["Rita Rep"]
    assert names(q="OTHER.REP@") == ["Omar Other"]
    assert names(q="\\") == []


def test_search_people_filters(world):
    f.make_person("gone@example.org", org=world.ngo, name="Gone Person", active=False)

    def names(**kw):
        return {p.full_name for p in db.session.scalars(people.search_people_stmt(**kw))}

    assert names(organisation_id=world.ngo.id) == {"Chris Chair", "Rita Rep", "Alex Alternate", "Gone Person"}
    assert names(organisation_id=world.ngo.id, active=False) == {"Gone Person"}
    assert names(role=GlobalRole.ADMIN) == {"Ada Admin"}


def test_roles_of_loads_committees(world):
    roles = people.roles_of(world.cochair)
    assert [(r.committee.name, r.role.value) for r in roles] == [("Access and Legal Rights", "cochair")]


@pytest.mark.parametrize("actor, target, allowed", [
    ("coordinator", "representative", True),
    ("coordinator", "coordinator", False),
    ("coordinator", "admin", False),
    ("admin", "coordinator", True),
    ("admin", "representative", True),
    ("cochair", "representative", False),
    ("representative", "representative", False),
])
def test_policy_person_edit(world, actor, target, allowed):
    assert policy.can(world.person(actor), "person.edit", world.person(target)) is allowed


@pytest.mark.parametrize("viewer, allowed", [
    ("representative", True),  # same person
    ("alternate", True),       # same organisation
    ("observer", True),        # shares the committee
    ("other_rep", False),      # another committee, another organisation
    ("non_member", False),
    ("coordinator", True),
    ("public", False),
])
def test_policy_person_view_contact(world, viewer, allowed):
    assert policy.can(world.person(viewer), "person.view_contact", world.representative) is allowed
