"""Attaching documents to meetings and agenda items, and removing them (soft delete)."""
from __future__ import annotations

from committees import audit
from committees.db import db, utcnow
from committees.documents import check_upload, digest, storage
from committees.errors import ValidationFailed
from committees.i18n import N_
from committees.models import Person
from committees.models.meetings import AgendaItem, Document, Meeting


def upload_document(actor: Person, meeting: Meeting, filename: str, data: bytes, *, max_bytes: int,
                    item: AgendaItem | None = None) -> Document:
    """Check the content, store the bytes under a generated key, record the document."""
    if item is not None and item.meeting_id != meeting.id:
        raise ValidationFailed(N_("Unknown agenda item."), field="agenda_item_id", code="other_meeting")
    kind, name = check_upload(data, filename, max_bytes)
    key = storage().put(data)
    document = Document(meeting_id=meeting.id, agenda_item_id=item.id if item else None, filename=name,
                        content_type=kind.content_type, size=len(data), sha256=digest(data), storage_key=key,
                        uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    audit.record(actor, "document.upload", document, f"Attached {name}", committee_id=meeting.committee_id,
                 size=len(data), content_type=kind.content_type)
    return document


def read_document(document: Document) -> bytes | None:
    return storage().get(document.storage_key)


def delete_document(actor: Person, document: Document) -> None:
    """Soft delete: hidden at once, bytes kept so a coordinator can undo."""
    document.deleted_at = utcnow()
    audit.record(actor, "document.delete", document, f"Removed {document.filename}",
                 committee_id=document.meeting.committee_id if document.meeting else None)


def restore_document(actor: Person, document: Document) -> None:
    document.deleted_at = None
    audit.record(actor, "document.restore", document, f"Restored {document.filename}",
                 committee_id=document.meeting.committee_id if document.meeting else None)
