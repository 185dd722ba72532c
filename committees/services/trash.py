"""Deleting is a soft delete: meetings, proposals and documents are hidden (from everyone but coordinators) and a
coordinator restores them from the trash (/admin/trash). Every delete and restore is audited."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from committees import audit, policy
from committees.db import db, utcnow
from committees.errors import Conflict
from committees.i18n import N_
from committees.models import Document, Meeting, Minutes, Person, Proposal
from committees.services.documents import restore_document


def delete_meeting(actor: Person, meeting: Meeting) -> None:
    policy.ensure(actor, "meeting.delete", meeting)
    if db.session.scalar(select(Minutes.id).where(Minutes.meeting_id == meeting.id)) is not None:
        raise Conflict(N_("This meeting has minutes: it is a record and cannot be deleted."), code="has_minutes")
    meeting.deleted_at = utcnow()
    audit.record(actor, "meeting.delete", meeting, f"Deleted the meeting {meeting.title}", state=meeting.state.value)


def delete_proposal(actor: Person, proposal: Proposal) -> None:
    policy.ensure(actor, "proposal.delete", proposal)
    proposal.deleted_at = utcnow()
    audit.record(actor, "proposal.delete", proposal, f"Deleted the proposal {proposal.title}",
                 state=proposal.state.value)


def restore(actor: Person, obj: Meeting | Proposal | Document) -> None:
    """Undo a delete (coordinators)."""
    policy.ensure(actor, "trash.restore")
    if obj.deleted_at is None:
        raise Conflict(N_("This is not deleted."), code="not_deleted")
    if isinstance(obj, Document):
        restore_document(actor, obj)
        return
    obj.deleted_at = None
    audit.record(actor, f"{obj.__tablename__}.restore", obj, f"Restored the {obj.__tablename__} {obj.title}")


@dataclass
class Trash:
    meetings: list[Meeting]
    proposals: list[Proposal]
    documents: list[Document]


def trash(limit: int = 200) -> Trash:
    """What is deleted, newest first (at most `limit` of each kind)."""
    return Trash(
        meetings=list(db.session.scalars(select(Meeting).where(Meeting.deleted_at.is_not(None))
                                         .options(joinedload(Meeting.committee))
                                         .order_by(Meeting.deleted_at.desc()).limit(limit))),
        proposals=list(db.session.scalars(select(Proposal).where(Proposal.deleted_at.is_not(None))
                                          .options(joinedload(Proposal.committee), joinedload(Proposal.organisation))
                                          .order_by(Proposal.deleted_at.desc()).limit(limit))),
        documents=list(db.session.scalars(select(Document).where(Document.deleted_at.is_not(None))
                                          .options(joinedload(Document.meeting), joinedload(Document.proposal))
                                          .order_by(Document.deleted_at.desc()).limit(limit))),
    )
