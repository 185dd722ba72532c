"""Retention of attachments: a coordinator sets after how many years the documents of closed items are purged.

Closed items: meetings that were held, minuted or cancelled (their end that long ago), and proposals the committee
declined, the City did not adopt, that were implemented or withdrawn (their last step that long ago). Purging
removes the file's bytes and keeps its record (name, size, who uploaded it, when it was purged), so the minutes and
timelines still say what was there. Nothing is purged until a coordinator sets the number of years.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from committees import audit, policy
from committees.db import db, utcnow
from committees.documents import DatabaseStorage, storage
from committees.errors import ValidationFailed
from committees.i18n import N_
from committees.models import Document, Meeting, MeetingState, Person, Proposal, ProposalState, Setting

KEY = "retention.document_years"
MIN_YEARS, MAX_YEARS = 1, 50
CLOSED_MEETINGS = (MeetingState.HELD, MeetingState.MINUTED, MeetingState.CANCELLED)
CLOSED_PROPOSALS = (ProposalState.DECLINED, ProposalState.NOT_ADOPTED, ProposalState.IMPLEMENTED,
                    ProposalState.WITHDRAWN)


def retention_years() -> int | None:
    row = db.session.get(Setting, KEY)
    try:
        return int(row.value) if row and row.value else None
    except ValueError:
        return None


def set_retention_years(actor: Person, years: int | None) -> None:
    """None: keep every attachment (the default)."""
    policy.ensure(actor, "retention.manage")
    if years is not None and not (isinstance(years, int) and MIN_YEARS <= years <= MAX_YEARS):
        raise ValidationFailed(N_("Give a number of years from 1 to 50, or leave it empty to keep everything."),
                               field="years", code="invalid_years")
    before = retention_years()
    row = db.session.get(Setting, KEY) or Setting(key=KEY)
    row.value = "" if years is None else str(years)
    row.updated_by_id = actor.id
    db.session.add(row)
    audit.record(actor, "retention.set", None, f"Retention of attachments: {before} → {years} years",
                 before=before, after=years)


def cutoff(years: int, now: datetime | None = None) -> datetime:
    now = now or utcnow()
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def due_documents(years: int | None = None, now: datetime | None = None, limit: int | None = None) -> list[Document]:
    """The documents of items closed more than `years` ago (the setting by default), not purged yet."""
    years = retention_years() if years is None else years
    if years is None:
        return []
    before = cutoff(years, now)
    query = (select(Document)
             .outerjoin(Meeting, Meeting.id == Document.meeting_id)
             .outerjoin(Proposal, Proposal.id == Document.proposal_id)
             .where(Document.purged_at.is_(None),
                    or_(and_(Document.meeting_id.is_not(None), Meeting.state.in_(CLOSED_MEETINGS),
                             Meeting.ends_at < before),
                        and_(Document.proposal_id.is_not(None), Proposal.state.in_(CLOSED_PROPOSALS),
                             Proposal.state_changed_at < before)))
             .options(joinedload(Document.meeting), joinedload(Document.proposal))
             .order_by(Document.id))
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


@dataclass
class Purge:
    count: int = 0
    bytes: int = 0
    files: list[str] = field(default_factory=list)  # storage keys whose files go once the transaction commits


def purge_due(actor: Person | None, now: datetime | None = None) -> Purge:
    """Purge what the setting makes due (actor None: the scheduled command). One audit entry names the documents.
    With files in a directory, call remove_files(result.files) after the commit."""
    if actor is not None:
        policy.ensure(actor, "retention.manage")
    now = now or utcnow()
    result = Purge()
    in_database = isinstance(storage(), DatabaseStorage)
    documents = due_documents(now=now)
    for document in documents:
        if in_database:
            storage().delete(document.storage_key)
        else:
            result.files.append(document.storage_key)
        document.purged_at = now
        result.count += 1
        result.bytes += document.size
    if documents:
        audit.record(actor, "retention.purge", None, f"Purged {result.count} attachments of closed items",
                     years=retention_years(), count=result.count, bytes=result.bytes,
                     documents=[d.id for d in documents[:1000]])
    db.session.flush()
    return result


def remove_files(keys: list[str]) -> None:
    for key in keys:
        storage().delete(key)


def closed_at(document: Document) -> datetime | None:
    if document.meeting is not None:
        return document.meeting.ends_at
    if document.proposal is not None:
        return document.proposal.state_changed_at
    return None

