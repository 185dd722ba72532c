"""A person's data: exporting everything the portal holds about them as JSON, and anonymising a person
who leaves while the committee records they took part in stay intact (their name replaced, their
organisation kept as the author).

Both find their tables from the metadata's foreign keys to person.id, so a new table is exported without
changes here; anonymisation must be told what to do with it (ON_ANONYMISE), and a test fails until it is.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, or_, select, update

from committees import audit, policy
from committees.backup import column_kind, encode_value
from committees.db import db, utcnow
from committees.errors import Conflict, ValidationFailed
from committees.i18n import N_
from committees.models import (
    AuditEntry,
    DeliveryMode,
    GlobalRole,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    Person,
)

EXPORT_FORMAT = "committee-portal-personal-data"
# Columns never exported, whatever table they are in: password and token hashes, sealed secrets, storage keys.
SECRET_COLUMN = re.compile(r"(^|_)(hash|sealed|secret|token|key)$|^last_used_step$")
PERSON_EXCLUDED = {"password_hash"}
LABELLED = {"committee": "name", "meeting": "title", "organisation": "name"}  # context added next to their ids

# What anonymisation does with each reference to the person: "keep" (a committee record: it stays, and shows
# the placeholder name and their organisation), "delete" (their access and private settings), "off" (set off).
ON_ANONYMISE: dict[tuple[str, str], str] = {
    ("action_item", "owner_person_id"): "keep",
    ("action_item", "created_by_id"): "keep",
    ("action_update", "author_id"): "keep",
    ("action_reminder", "person_id"): "delete",
    ("agenda_item", "presenter_id"): "keep",
    ("api_token", "person_id"): "delete",
    ("agenda_item", "suggested_by_id"): "keep",
    ("audit_entry", "actor_id"): "keep",
    ("auth_token", "person_id"): "delete",
    ("auth_token", "created_by_id"): "keep",
    ("calendar_feed_token", "person_id"): "delete",
    ("committee_role", "person_id"): "delete",
    ("decision", "created_by_id"): "keep",
    ("digest_entry", "person_id"): "delete",
    ("document", "uploaded_by_id"): "keep",
    ("setting", "updated_by_id"): "keep",
    ("invitation", "person_id"): "keep",
    ("login_session", "person_id"): "delete",
    ("meeting", "created_by_id"): "keep",
    ("membership", "requested_by_id"): "keep",
    ("minutes", "created_by_id"): "keep",
    ("minutes_comment", "person_id"): "keep",
    ("minutes_revision", "author_id"): "keep",
    ("notification_preference", "person_id"): "off",
    ("poll_answer", "person_id"): "keep",
    ("proposal", "created_by_id"): "keep",
    ("proposal_comment", "person_id"): "keep",
    ("proposal_comment", "hidden_by_id"): "keep",
    ("proposal_cosponsor", "invited_by_id"): "keep",
    ("proposal_cosponsor", "responded_by_id"): "keep",
    ("proposal_event", "actor_id"): "keep",
    ("proposal_reminder", "person_id"): "delete",
    ("proposal_support", "person_id"): "keep",
    ("proposal_version", "author_id"): "keep",
    ("recovery_code", "person_id"): "delete",
    ("two_factor", "person_id"): "delete",
}
PLACEHOLDER_DOMAIN = "anonymised.invalid"  # RFC 2606: can never be delivered


def person_references() -> dict[str, list[str]]:
    """Every table with a foreign key to person.id, and those columns (from the metadata)."""
    found: dict[str, list[str]] = {}
    for table in db.metadata.sorted_tables:
        if table.name == "person":
            continue
        for column in table.columns:
            if any(fk.column.table.name == "person" and fk.column.name == "id" for fk in column.foreign_keys):
                found.setdefault(table.name, []).append(column.name)
    return found


# -- export ------------------------------------------------------------------------------------------------

def _public_columns(table: Table, excluded: set[str] = frozenset()):
    return [c for c in table.columns if not SECRET_COLUMN.search(c.name) and c.name not in excluded]


def _encode(columns, row) -> dict[str, Any]:
    return {c.name: encode_value(column_kind(c.type), value) for c, value in zip(columns, row)}


def _rows(table: Table, columns, where, order=None) -> list[dict[str, Any]]:
    stmt = select(*columns).where(where).order_by(*(order or table.primary_key.columns))
    return [_encode(columns, row) for row in db.session.execute(stmt)]


def _add_labels(records: dict[str, list[dict]]) -> None:
    """Next to committee_id / meeting_id / organisation_id values, their names (one query per kind)."""
    wanted: dict[str, set[int]] = {name: set() for name in LABELLED}
    targets: dict[tuple[str, str], str] = {}
    for table_name in records:
        for column in db.metadata.tables[table_name].columns:
            for fk in column.foreign_keys:
                if fk.column.table.name in LABELLED:
                    targets[(table_name, column.name)] = fk.column.table.name
    for (table_name, column), target in targets.items():
        wanted[target].update(r[column] for r in records[table_name] if r.get(column) is not None)
    names: dict[str, dict[int, str]] = {}
    for target, ids in wanted.items():
        table = db.metadata.tables[target]
        label = table.c[LABELLED[target]]
        rows = db.session.execute(select(table.c.id, label).where(table.c.id.in_(ids))).all() if ids else []
        names[target] = {row[0]: row[1] for row in rows}
    for (table_name, column), target in targets.items():
        for row in records[table_name]:
            if row.get(column) is not None:
                row[f"{column.removesuffix('_id')}_{LABELLED[target]}"] = names[target].get(row[column])


def export_person_data(actor: Person | None, person: Person, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything the portal holds about `person`, as JSON-ready data, without hashes, tokens or secrets."""
    if actor is not None:
        policy.ensure(actor, "person.export_data", person)
    person_table = db.metadata.tables["person"]
    records: dict[str, list[dict]] = {}
    for table_name, columns in sorted(person_references().items()):
        table = db.metadata.tables[table_name]
        if table_name == "audit_entry":
            continue  # below, without other people's details
        where = or_(*(table.c[c] == person.id for c in columns))
        rows = _rows(table, _public_columns(table), where)
        for row in rows:
            row["_your_part"] = [c for c in columns if row.get(c) == person.id]
        records[table_name] = rows
    _add_labels(records)
    data = {
        "format": EXPORT_FORMAT,
        "format_version": 1,
        "exported_at": encode_value("datetime", now or utcnow()),
        "person": _rows(person_table, _public_columns(person_table, PERSON_EXCLUDED),
                        person_table.c.id == person.id)[0],
        "organisation": _organisation(person),
        "records": records,
        "audit_entries_by_you": _audit_by(person),
        "audit_entries_about_you": _audit_about(person),
        "emails_to_you": _emails(person),
    }
    audit.record(actor, "person.export_data", person, "Exported personal data",
                 by_self=bool(actor is not None and actor.id == person.id))
    return data


def _organisation(person: Person) -> dict[str, Any] | None:
    """Their organisation, and its memberships of committees (which they act in as its staff)."""
    if person.organisation_id is None:
        return None
    org_table = db.metadata.tables["organisation"]
    membership = db.metadata.tables["membership"]
    committee = db.metadata.tables["committee"]
    data = _rows(org_table, _public_columns(org_table), org_table.c.id == person.organisation_id)[0]
    columns = _public_columns(membership)
    stmt = (select(*columns, committee.c.name).join(committee, committee.c.id == membership.c.committee_id)
            .where(membership.c.organisation_id == person.organisation_id).order_by(committee.c.name))
    data["memberships"] = [{**_encode(columns, row[:-1]), "committee_name": row[-1]}
                           for row in db.session.execute(stmt)]
    return data


def _audit_by(person: Person) -> list[dict[str, Any]]:
    """What they did; summaries only where the entry is about themselves (others' names stay out)."""
    table = AuditEntry.__table__
    columns = [table.c[n] for n in ("id", "at", "action", "target_type", "target_id", "committee_id",
                                    "ip_address", "summary")]
    rows = _rows(table, columns, table.c.actor_id == person.id)
    for row in rows:
        if not (row["target_type"] == "person" and row["target_id"] == person.id):
            row.pop("summary")
    return rows


def _audit_about(person: Person) -> list[dict[str, Any]]:
    """What others did to their account; not who exactly, nor from where."""
    table = AuditEntry.__table__
    columns = [table.c[n] for n in ("id", "at", "action", "summary")]
    return _rows(table, columns, (table.c.target_type == "person") & (table.c.target_id == person.id)
                 & or_(table.c.actor_id.is_(None), table.c.actor_id != person.id))


def _emails(person: Person) -> list[dict[str, Any]]:
    """Emails addressed to them: subjects and dates (bodies may hold sign-in links)."""
    table = OutboxMessage.__table__
    columns = [table.c[n] for n in ("id", "subject", "kind", "status", "created_at", "sent_at")]
    return _rows(table, columns, func.lower(table.c.to_address) == person.email.lower())


# -- anonymisation -------------------------------------------------------------------------------------------

def placeholder_name(person: Person) -> str:
    if person.organisation is not None:
        return f"Former member of {person.organisation.name}"[:200]
    return "Former member"


def placeholder_email(person: Person) -> str:
    return f"former-member-{person.id}@{PLACEHOLDER_DOMAIN}"


def _last_admin(person: Person) -> bool:
    if person.global_role != GlobalRole.ADMIN:
        return False
    return not db.session.scalar(select(func.count()).select_from(Person).where(
        Person.global_role == GlobalRole.ADMIN, Person.active.is_(True), Person.id != person.id))


def anonymise_person(actor: Person | None, person: Person, *, confirm_email: str, reason: str) -> dict[str, int]:
    """Irreversibly replace a leaving person's identity; their committee records stay, shown as
    "Former member of <organisation>". Needs their email typed again and a reason; audited."""
    if actor is not None:
        if actor.id == person.id:
            raise Conflict(N_("You cannot anonymise yourself."), code="self_anonymise")
        policy.ensure(actor, "person.anonymise", person)
    if person.anonymised_at is not None:
        raise Conflict(N_("This person has been anonymised already."), code="already_anonymised")
    if _last_admin(person):
        raise Conflict(N_("The last administrator cannot be anonymised; make someone else an administrator "
                          "first."), code="last_admin")
    if (confirm_email or "").strip().lower() != person.email.lower():
        raise ValidationFailed(N_("Type this person's email address exactly to confirm."), field="confirm_email",
                               code="confirmation_mismatch")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(N_("Give a reason (it is kept in the audit log)."), field="reason",
                               code="required")
    if len(reason) > 500:
        raise ValidationFailed(N_("Keep the reason under 500 characters."), field="reason", code="too_long")
    unplanned = sorted(f"{t}.{c}" for t, cols in person_references().items() for c in cols
                       if (t, c) not in ON_ANONYMISE)
    if unplanned:
        raise RuntimeError(f"ON_ANONYMISE has no entry for {', '.join(unplanned)}")
    old_name, old_email = person.full_name, person.email
    counts = _remove_references(person)
    counts["emails"] = db.session.execute(
        delete(OutboxMessage).where(func.lower(OutboxMessage.to_address) == old_email.lower())).rowcount or 0
    new_name = placeholder_name(person)
    person.full_name = new_name
    person.email = placeholder_email(person)
    person.phone = person.job_title = person.timezone = ""
    person.language = "en"
    person.password_hash = None
    person.active = False
    person.is_primary_contact = False
    person.global_role = GlobalRole.NONE
    person.last_login_at = None
    person.anonymised_at = utcnow()
    counts["audit_summaries"] = _scrub_audit(person, old_name, old_email, new_name)
    db.session.flush()
    db.session.expire(person, ["committee_roles"])
    policy.forget_roles(person)
    audit.record(actor, "person.anonymise", person, f"Anonymised: now {new_name}", reason=reason, **counts)
    return counts


def _remove_references(person: Person) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table_name, columns in person_references().items():
        table = db.metadata.tables[table_name]
        for column in columns:
            what = ON_ANONYMISE[(table_name, column)]
            if what == "delete":
                result = db.session.execute(delete(table).where(table.c[column] == person.id))
                counts[table_name] = counts.get(table_name, 0) + (result.rowcount or 0)
            elif what == "off":
                _notifications_off(person)
    return counts


def _notifications_off(person: Person) -> None:
    existing = {p.kind: p for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.person_id == person.id))}
    for kind in NotificationKind:
        if kind in existing:
            existing[kind].mode = DeliveryMode.OFF
        else:
            db.session.add(NotificationPreference(person_id=person.id, kind=kind, mode=DeliveryMode.OFF))


def _scrub_audit(person: Person, old_name: str, old_email: str, new_name: str) -> int:
    """Their former name and email leave the summaries of entries by them, about them or about their roles."""
    entry = AuditEntry.__table__
    scope = or_(entry.c.actor_id == person.id,
                (entry.c.target_type == "person") & (entry.c.target_id == person.id),
                entry.c.target_type == "committee_role")
    changed = 0
    for old, new in ((old_name, new_name), (old_email, placeholder_email(person))):
        if len(old) < 3:
            continue
        result = db.session.execute(update(entry).where(scope, entry.c.summary.contains(old, autoescape=True))
                                    .values(summary=func.replace(entry.c.summary, old, new)))
        changed += result.rowcount or 0
    return changed
