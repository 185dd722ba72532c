"""Personal data (committees/services/personal_data.py): the export holds everything about the person and no
secrets nor other people's data; anonymisation replaces their identity and keeps the committee records."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from committees.db import db
from committees.errors import Conflict, Forbidden, ValidationFailed
from committees.models import (
    ActionItem,
    ActionUpdate,
    AgendaItem,
    AuditEntry,
    AuthToken,
    CommitteeRole,
    DeliveryMode,
    GlobalRole,
    Invitation,
    LoginSession,
    MinutesComment,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    Person,
    TokenPurpose,
)
from committees.services import actions, people, personal_data, sessions
from committees.services import minutes as minutes_svc
from committees.services.calendars import reset_feed_token
from committees.services.notify import set_preference
from tests import factories as f
from tests.domain.test_backup import add_edge_rows
from tests.web.test_minutes import circulated

SECRET_NAMES = ("hash", "secret", "sealed", "token", "storage_key", "last_used_step")


def rich_life(world) -> dict:
    """The representative takes part in everything; another person does too, elsewhere."""
    rep = world.representative
    minutes = circulated(world)
    meeting = minutes.meeting
    db.session.add(AgendaItem(meeting=meeting, title="Rita's suggestion", suggested_by_id=rep.id,
                              presenter_id=rep.id, position=9))
    minutes_svc.comment(rep, minutes, "A comment by Rita on paragraph two")
    item = actions.create_action(world.cochair, world.committee, title="Rita drafts the leaflet",
                                 owner_person_id=rep.id)
    actions.post_update(rep, item, "Leaflet half done")
    set_preference(rep, "meetings", "digest")
    raw_session = sessions.create_session(rep, ip="203.0.113.7", user_agent="Firefox")
    raw_token = people.issue_token(rep, TokenPurpose.RESET, timedelta(hours=1))
    feed = reset_feed_token(rep)
    people.update_person(world.coordinator, rep, {"phone": "+30 210 555 0100", "job_title": "Legal officer"},
                         admin_fields=True)
    people.request_password_reset(rep.email, timedelta(hours=1))
    # Someone else, elsewhere.
    other = world.other_rep
    actions.create_action(world.coordinator, world.other_committee, title="Omar's secret plan",
                          owner_person_id=other.id)
    sessions.create_session(other, ip="198.51.100.9")
    db.session.commit()
    return {"minutes": minutes, "meeting": meeting, "item": item, "raw_session": raw_session,
            "raw_token": raw_token, "feed": feed}


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# -- coverage ----------------------------------------------------------------------------------------------

def test_every_reference_to_a_person_has_an_anonymisation_rule():
    references = {(t, c) for t, cols in personal_data.person_references().items() for c in cols}
    missing = sorted(references - set(personal_data.ON_ANONYMISE))
    assert not missing, f"Tell committees/services/personal_data.ON_ANONYMISE what to do with {missing}"
    assert not set(personal_data.ON_ANONYMISE) - references, "stale entries in ON_ANONYMISE"
    assert set(personal_data.ON_ANONYMISE.values()) <= {"keep", "delete", "off"}


def test_export_covers_every_table_that_refers_to_a_person_and_leaves_secrets_out(app):
    """Edge rows: row 0 of every table refers to edge person 0 in every person column, and its texts name
    their column, so a secret column's value would show up as "0-<column> ..." in the export."""
    add_edge_rows(db.engine)
    person = db.session.scalars(select(Person).where(Person.full_name.startswith("0-"))).one()
    data = personal_data.export_person_data(None, person)
    text = json.dumps(data, ensure_ascii=False)
    for table, columns in personal_data.person_references().items():
        if table == "audit_entry":
            assert data["audit_entries_by_you"], table
            continue
        rows = data["records"][table]
        assert rows, f"{table} is not in the export"
        assert set(rows[0]["_your_part"]) == set(columns)
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if any(word in column.name for word in SECRET_NAMES) and column_is_text(column):
                assert f'"0-{column.name} ' not in text, f"{table.name}.{column.name} leaked"
                assert column.name not in json.dumps(list(_keys(data))), f"{table.name}.{column.name} exported"
    assert "password_hash" not in data["person"]


def column_is_text(column) -> bool:
    from committees.backup import column_kind

    return column_kind(column.type) == "string"


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


# -- export ------------------------------------------------------------------------------------------------

def test_export_holds_their_records_with_context(world):
    life = rich_life(world)
    rep = world.representative
    data = personal_data.export_person_data(rep, rep)
    assert data["format"] == "committee-portal-personal-data"
    assert data["person"]["email"] == rep.email and data["person"]["phone"] == "+30 210 555 0100"
    assert data["organisation"]["name"] == "Solidarity Now Athens"
    assert {m["committee_name"] for m in data["organisation"]["memberships"]} == {"Access and Legal Rights"}
    records = data["records"]
    assert [r["committee_name"] for r in records["committee_role"]] == ["Access and Legal Rights"]
    assert [r["body"] for r in records["minutes_comment"]] == ["A comment by Rita on paragraph two"]
    assert [r["title"] for r in records["action_item"]] == ["Rita drafts the leaflet"]
    assert records["action_item"][0]["_your_part"] == ["owner_person_id"]
    assert [r["note"] for r in records["action_update"]] == ["Leaflet half done"]
    assert any(r["title"] == "Rita's suggestion" and set(r["_your_part"]) == {"presenter_id", "suggested_by_id"}
               for r in records["agenda_item"])
    invitation = records["invitation"][0]
    assert invitation["attended"] is True and invitation["meeting_title"] == life["meeting"].title
    assert records["notification_preference"][0]["mode"] == "digest"
    assert records["login_session"][0]["ip_address"] == "203.0.113.7"
    assert any(e["action"] == "person.update" for e in data["audit_entries_about_you"])
    assert all("ip_address" not in e and "actor_id" not in e for e in data["audit_entries_about_you"])
    assert any(e["action"] == "minutes.comment" for e in data["audit_entries_by_you"])
    assert any(m["kind"] == "password_reset" for m in data["emails_to_you"])
    assert all("body_text" not in m for m in data["emails_to_you"])


def test_export_leaves_out_secrets_and_other_people(world):
    life = rich_life(world)
    rep = world.representative
    text = json.dumps(personal_data.export_person_data(world.coordinator, rep), ensure_ascii=False)
    secrets = [rep.password_hash, sessions.hash_key(life["raw_session"]), life["raw_session"], life["raw_token"],
               life["feed"]]
    secrets += list(db.session.scalars(select(AuthToken.token_hash).where(AuthToken.person_id == rep.id)))
    for secret in secrets:
        assert secret and secret not in text
    for other in ("Omar", world.other_rep.email, "198.51.100.9", "Omar's secret plan"):
        assert other not in text
    # Who changed their account is not named (the coordinator's name is someone else's data).
    assert world.coordinator.full_name not in text


def test_export_is_audited_and_checked(world):
    rep = world.representative
    personal_data.export_person_data(world.coordinator, rep)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.export_data")).one()
    assert entry.actor_id == world.coordinator.id and entry.target_id == rep.id
    with pytest.raises(Forbidden):
        personal_data.export_person_data(world.other_rep, rep)


# -- anonymisation -------------------------------------------------------------------------------------

def anonymise(world, person=None, actor=None, **kw):
    person = person or world.representative
    kw.setdefault("confirm_email", person.email)
    kw.setdefault("reason", "Left the organisation in May; asked to be forgotten.")
    return personal_data.anonymise_person(actor or world.coordinator, person, **kw)


def test_anonymise_replaces_the_identity_and_keeps_the_records(world):
    life = rich_life(world)
    rep = world.representative
    kept = {model: count(model) for model in (ActionItem, ActionUpdate, MinutesComment, Invitation, AgendaItem)}
    anonymise(world)
    db.session.commit()
    db.session.expire_all()
    rep = db.session.get(Person, rep.id)
    assert rep.full_name == "Former member of Solidarity Now Athens"
    assert rep.email == f"former-member-{rep.id}@anonymised.invalid"
    assert (rep.phone, rep.job_title, rep.password_hash, rep.active) == ("", "", None, False)
    assert rep.anonymised_at is not None and rep.organisation_id == world.ngo.id
    assert {model: count(model) for model in kept} == kept
    assert db.session.get(ActionItem, life["item"].id).owner_person.full_name == rep.full_name
    comment = db.session.scalars(select(MinutesComment)).one()
    assert comment.person_id == rep.id and comment.body == "A comment by Rita on paragraph two"
    # Access and private settings are gone.
    assert count(CommitteeRole, CommitteeRole.person_id == rep.id) == 0
    assert count(LoginSession, LoginSession.person_id == rep.id) == 0
    assert count(AuthToken, AuthToken.person_id == rep.id) == 0
    assert sessions.load_session(life["raw_session"], idle=timedelta(hours=1), absolute=timedelta(hours=8),
                                 remember_for=timedelta(days=30)) is None
    modes = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.mode)
                                    .where(NotificationPreference.person_id == rep.id)).all())
    assert modes == {kind: DeliveryMode.OFF for kind in NotificationKind}
    assert count(OutboxMessage, OutboxMessage.to_address == "rep@example.org") == 0
    # The other person is untouched.
    assert count(LoginSession, LoginSession.person_id == world.other_rep.id) == 1


def test_anonymise_is_audited_and_scrubs_the_old_name_from_the_log(world):
    rich_life(world)
    anonymise(world)
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.anonymise")).one()
    assert entry.actor_id == world.coordinator.id and entry.target_id == world.representative.id
    assert entry.details["reason"] == "Left the organisation in May; asked to be forgotten."
    assert entry.details["committee_role"] == 1 and entry.details["login_session"] == 1
    summaries = list(db.session.scalars(select(AuditEntry.summary)))
    assert not [s for s in summaries if "Rita Rep" in s or "rep@example.org" in s]
    assert "Updated Former member of Solidarity Now Athens" in summaries


def test_anonymise_needs_the_typed_email_and_a_reason(world):
    rep = world.representative
    with pytest.raises(ValidationFailed) as wrong:
        anonymise(world, confirm_email="someone@example.org")
    assert wrong.value.field == "confirm_email"
    with pytest.raises(ValidationFailed) as no_reason:
        anonymise(world, confirm_email=" REP@example.org ", reason="  ")
    assert no_reason.value.field == "reason"
    db.session.rollback()
    assert db.session.get(Person, rep.id).full_name == "Rita Rep"


def test_anonymise_refusals(world):
    with pytest.raises(Conflict, match="yourself"):
        anonymise(world, person=world.coordinator, actor=world.coordinator)
    with pytest.raises(Forbidden):
        anonymise(world, person=world.coordinator, actor=world.representative)
    with pytest.raises(Forbidden):  # a coordinator's account is the admins'
        anonymise(world, person=world.admin, actor=world.coordinator)
    # The last admin cannot go, whoever asks (here the system itself, as a command would).
    with pytest.raises(Conflict, match="last administrator"):
        personal_data.anonymise_person(None, world.admin, confirm_email=world.admin.email, reason="Leaving")
    second = f.make_person("second.admin@example.org", role=GlobalRole.ADMIN)
    personal_data.anonymise_person(second, world.admin, confirm_email=world.admin.email, reason="Leaving")
    assert world.admin.global_role == GlobalRole.NONE
    with pytest.raises(Conflict, match="already"):
        anonymise(world, person=world.admin, actor=second)


def test_a_person_without_an_organisation_becomes_former_member(world):
    loner = f.make_person("loner@example.org", name="Lone Person")
    anonymise(world, person=loner)
    assert loner.full_name == "Former member"
