"""Writing the audit log. The web layer sets the request's address with `audit_context`."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from committees.db import db
from committees.models import AuditEntry, Person

_address: ContextVar[str] = ContextVar("audit_address", default="")

SECRET_KEYS = {"password", "password_hash", "token", "token_hash", "secret", "key_hash"}


def set_address(address: str) -> None:
    _address.set((address or "")[:64])


@contextmanager
def audit_context(address: str):
    token = _address.set((address or "")[:64])
    try:
        yield
    finally:
        _address.reset(token)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\r", " ").replace("\n", " ")[:500]
    if isinstance(value, dict):
        return {k: ("[redacted]" if k in SECRET_KEYS else _clean(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return str(value)


def record(
    actor: Person | None,
    action: str,
    target: Any = None,
    summary: str = "",
    *,
    committee_id: int | None = None,
    **details: Any,
) -> AuditEntry:
    """Add one audit entry to the current transaction (it commits or rolls back with the change)."""
    target_type = ""
    target_id = None
    if target is not None:
        if getattr(target, "id", 0) is None:
            db.session.flush()
        target_type = getattr(target, "__tablename__", type(target).__name__.lower())
        target_id = getattr(target, "id", None)
    if committee_id is None and target is not None:
        committee_id = getattr(target, "committee_id", None)
        if target_type == "committee":
            committee_id = target_id
    entry = AuditEntry(
        actor_id=actor.id if isinstance(actor, Person) else None,
        ip_address=_address.get(),
        action=action,
        target_type=target_type,
        target_id=target_id,
        committee_id=committee_id,
        summary=_clean(summary),
        details=_clean(details),
    )
    db.session.add(entry)
    return entry


# -- reading the log (the coordinators' audit page) --------------------------------------------------

# Audit actions are `<noun>.<verb>`; the nouns beyond the policy's rules:
EXTRA_PREFIXES = ("auth", "role", "import", "export", "token", "access")


def action_prefixes() -> list[str]:
    from committees import policy

    return sorted({name.split(".")[0] for name in policy.RULES} | set(EXTRA_PREFIXES))


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page asks for; `since`/`before` are UTC instants (the reader's day bounds)."""

    action_prefix: str = ""
    actor_email: str = ""
    target_type: str = ""
    committee_id: int | None = None
    since: datetime | None = None
    before: datetime | None = None


def entries_statement(wanted: AuditFilter):
    """Newest first, filtered with bound parameters only (LIKE wildcards in the input are literal)."""
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if wanted.action_prefix:
        stmt = stmt.where(AuditEntry.action.startswith(wanted.action_prefix + ".", autoescape=True))
    if wanted.actor_email:
        actor_ids = select(Person.id).where(Person.email.contains(wanted.actor_email.strip().lower(), autoescape=True))
        stmt = stmt.where(AuditEntry.actor_id.in_(actor_ids))
    if wanted.target_type:
        stmt = stmt.where(AuditEntry.target_type == wanted.target_type)
    if wanted.committee_id:
        stmt = stmt.where(AuditEntry.committee_id == wanted.committee_id)
    if wanted.since:
        stmt = stmt.where(AuditEntry.at >= wanted.since)
    if wanted.before:
        stmt = stmt.where(AuditEntry.at < wanted.before)
    return stmt
