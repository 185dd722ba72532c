"""Scheduled jobs on several servers at once (issue 9, "Scaling out"): the cron commands may run on every app
server; each run takes a PostgreSQL advisory lock named after its job for the length of its transaction, so a run
that starts while another holds it leaves the work to that one (nothing is sent twice). What a run has done stays
done (reminded_at, ActionReminder and ProposalReminder rows, DigestEntry.sent_at), so a later run finds nothing left.
The outbox and the meeting reminders also lock their rows with SKIP LOCKED (portal/mailer.py,
services/calendars.py). On SQLite (one server) the lock is always granted.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import text

from committees.db import db


def lock_key(job: str) -> int:
    """A stable signed 64-bit key for the job's name (pg_try_advisory_xact_lock takes a bigint)."""
    return int.from_bytes(hashlib.sha256(f"committee-portal:{job}".encode()).digest()[:8], "big", signed=True)


def try_job_lock(job: str) -> bool:
    """True when this transaction now holds the job's lock (released at its commit or rollback); False when
    another server's run holds it."""
    if db.engine.dialect.name != "postgresql":
        return True
    return bool(db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": lock_key(job)}))
