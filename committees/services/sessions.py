"""Server-side login sessions: created at sign-in, checked on every request, revoked on logout,
password change and deactivation, bounded by an idle timeout and an absolute lifetime."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from committees.db import db, utcnow
from committees.models import LoginSession, Person

# Refresh last_seen_at at most this often, so reading a page does not write every time.
TOUCH_EVERY = timedelta(minutes=1)


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_session(person: Person, *, remember: bool = False, ip: str = "", user_agent: str = "") -> str:
    """Start a session and return its raw key (256 bits); only its hash is stored."""
    raw = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            person_id=person.id,
            key_hash=hash_key(raw),
            remember=remember,
            ip_address=(ip or "")[:64],
            user_agent=(user_agent or "")[:255],
        )
    )
    db.session.flush()
    person.session_key = raw
    return raw


def load_session(raw: str | None, *, idle: timedelta, absolute: timedelta, remember_for: timedelta,
                 now: datetime | None = None) -> Person | None:
    """The active person behind a session key, or None when it is unknown, revoked or expired."""
    if not raw or len(raw) > 100:
        return None
    now = now or utcnow()
    # One statement for the session, its person, their organisation and their committee roles: every page asks
    # the policy (committees.policy.committee_roles reads person.committee_roles), so load them with the person.
    row = db.session.scalars(
        select(LoginSession).where(LoginSession.key_hash == hash_key(raw))
        .options(joinedload(LoginSession.person).joinedload(Person.committee_roles))).unique().first()
    if row is None or row.revoked_at is not None or not row.person.active:
        return None
    lifetime = max(absolute, remember_for) if row.remember else absolute
    if now - row.created_at > lifetime:
        return None
    if not row.remember and now - row.last_seen_at > idle:
        return None
    person = row.person
    person.session_key = raw
    # The web layer stores the new last-seen time after the request (see touch_session).
    person.__dict__["_touch_session_id"] = row.id if now - row.last_seen_at > TOUCH_EVERY else None
    return person


def touch_session(session_id: int, now: datetime | None = None) -> None:
    """Move a session's last-seen time forward (activity postpones the idle timeout)."""
    db.session.execute(update(LoginSession).where(LoginSession.id == session_id)
                       .values(last_seen_at=now or utcnow()))


def revoke_session(raw: str | None) -> None:
    if not raw:
        return
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.key_hash == hash_key(raw), LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_all_sessions(person: Person, *, except_raw: str | None = None) -> int:
    stmt = update(LoginSession).where(LoginSession.person_id == person.id, LoginSession.revoked_at.is_(None))
    if except_raw:
        stmt = stmt.where(LoginSession.key_hash != hash_key(except_raw))
    result = db.session.execute(stmt.values(revoked_at=utcnow()))
    return result.rowcount or 0
