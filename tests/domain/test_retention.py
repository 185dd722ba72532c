"""Retention of attachments (issue 8): a coordinator sets the years; the documents of items closed longer ago are
purged (bytes gone, record kept, one audit entry); open items and recent ones keep theirs; nothing is purged without
a setting."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from committees import documents
from committees.db import db, utcnow
from committees.errors import Forbidden, ValidationFailed
from committees.models import AuditEntry, Document, DocumentBlob, MeetingState
from committees.services import documents as document_svc
from committees.services import proposals as proposal_svc
from committees.services import retention
from tests.domain.test_minutes import _held
from tests.domain.test_proposals import proposal_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LIMIT = 1024 * 1024


def _aged(world, years_ago: float, state=MeetingState.HELD, title="Old meeting") -> Document:
    meeting = _held(world, title)
    meeting.state = state
    meeting.starts_at = utcnow() - timedelta(days=365 * years_ago)
    meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    return document_svc.upload_document(world.cochair, meeting, f"{title}.pdf", PDF, max_bytes=LIMIT)


def _proposal_document(world, state: str, years_ago: float) -> Document:
    proposal = proposal_in(world, state)
    document = proposal_svc.attach_document(world.representative, proposal, "annex.pdf", PDF, max_bytes=LIMIT) \
        if state in ("draft", "submitted") else None
    if document is None:
        document = Document(proposal_id=proposal.id, filename="annex.pdf", content_type="application/pdf",
                            size=len(PDF), sha256=documents.digest(PDF), storage_key=documents.storage().put(PDF),
                            uploaded_by_id=world.representative.id)
        db.session.add(document)
    proposal.state_changed_at = utcnow() - timedelta(days=365 * years_ago)
    db.session.flush()
    return document


def test_the_setting_is_for_coordinators_validated_and_audited(world):
    assert retention.retention_years() is None
    with pytest.raises(Forbidden):
        retention.set_retention_years(world.cochair, 5)
    for bad in (0, 51, -1):
        with pytest.raises(ValidationFailed):
            retention.set_retention_years(world.coordinator, bad)
    retention.set_retention_years(world.coordinator, 5)
    assert retention.retention_years() == 5
    retention.set_retention_years(world.coordinator, None)
    assert retention.retention_years() is None
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.set")).all()
    assert [(e.details["before"], e.details["after"]) for e in entries] == [(None, 5), (5, None)]


def test_without_a_setting_nothing_is_due(world):
    _aged(world, 20)
    assert retention.due_documents() == []
    assert retention.purge_due(world.coordinator).count == 0


def test_only_closed_items_older_than_the_setting_are_purged(world):
    retention.set_retention_years(world.coordinator, 3)
    old_meeting = _aged(world, 4, title="Old held")
    old_cancelled = _aged(world, 5, MeetingState.CANCELLED, title="Old cancelled")
    recent = _aged(world, 1, title="Recent held")
    old_but_open = _aged(world, 4, MeetingState.SCHEDULED, title="Still scheduled")
    withdrawn = _proposal_document(world, "withdrawn", 4)
    forwarded = _proposal_document(world, "forwarded", 4)  # waiting for the City: not closed
    db.session.commit()
    due = retention.due_documents()
    assert {d.id for d in due} == {old_meeting.id, old_cancelled.id, withdrawn.id}
    result = retention.purge_due(world.coordinator)
    db.session.commit()
    assert result.count == 3 and result.bytes == 3 * len(PDF) and result.files == []  # bytes in the database
    db.session.expire_all()
    for document in (old_meeting, old_cancelled, withdrawn):
        assert document.purged_at is not None and document_svc.read_document(document) is None
        assert db.session.get(DocumentBlob, document.storage_key) is None
        assert db.session.get(Document, document.id).filename  # the record stays
    for document in (recent, old_but_open, forwarded):
        assert document.purged_at is None and document_svc.read_document(document) == PDF
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.purge")).all()
    assert entry.actor_id == world.coordinator.id and entry.details["count"] == 3
    assert sorted(entry.details["documents"]) == sorted([old_meeting.id, old_cancelled.id, withdrawn.id])
    assert retention.purge_due(world.coordinator).count == 0  # purged once


def test_files_in_a_directory_go_only_after_the_commit(world, tmp_path):
    documents.configure_storage(str(tmp_path))
    try:
        retention.set_retention_years(world.coordinator, 2)
        document = _aged(world, 3)
        db.session.commit()
        path = tmp_path / document.storage_key[:2] / document.storage_key
        assert path.exists()
        result = retention.purge_due(None)  # the scheduled command
        assert result.files == [document.storage_key] and path.exists()
        db.session.rollback()  # a failed transaction leaves the file and the record as they were
        assert path.exists() and db.session.get(Document, document.id).purged_at is None
        result = retention.purge_due(None)
        db.session.commit()
        retention.remove_files(result.files)
        assert not path.exists()
    finally:
        documents.configure_storage(None)


def test_the_command_purges_what_is_due(app, world):
    runner = app.test_cli_runner()
    assert "No retention is set" in runner.invoke(args=["retention", "purge"]).output
    retention.set_retention_years(world.coordinator, 2)
    document = _aged(world, 3)
    db.session.commit()
    listed = runner.invoke(args=["retention", "purge", "--dry-run"])
    assert "1 attachments" in listed.output and "Old meeting.pdf" in listed.output
    assert db.session.get(Document, document.id).purged_at is None
    done = runner.invoke(args=["retention", "purge"])
    assert done.exit_code == 0 and "Purged 1 attachments" in done.output
    db.session.expire_all()
    assert db.session.get(Document, document.id).purged_at is not None
