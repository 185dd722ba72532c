"""The retention page (issue 8): coordinators set the years, see what is due and purge it; purged files answer 410
and are listed as removed, with their record kept."""
from __future__ import annotations

from sqlalchemy import select

from committees.db import db
from committees.models import AuditEntry, Document
from committees.services import retention
from tests.domain.test_retention import PDF, _aged, _proposal_document


def test_a_coordinator_sets_the_years_and_bad_input_is_kept(world, login_as):
    client = login_as(world.coordinator)
    page = client.get("/admin/retention")
    assert page.status_code == 200 and "No retention is set" in page.get_data(as_text=True)
    bad = client.post_form("/admin/retention", {"years": "99"})
    assert bad.status_code == 400
    assert "From 1 to 50 years." in bad.get_data(as_text=True) and 'value="99"' in bad.get_data(as_text=True)
    assert client.post_form("/admin/retention", {"years": "4"}).status_code == 302
    assert retention.retention_years() == 4
    assert "/admin/retention" in client.get("/admin/").get_data(as_text=True)


def test_due_attachments_are_listed_and_purged_after_confirming(world, login_as):
    retention.set_retention_years(world.coordinator, 2)
    document = _aged(world, 3, title="Budget 2021")
    db.session.commit()
    client = login_as(world.coordinator)
    page = client.get("/admin/retention").get_data(as_text=True)
    assert "Budget 2021.pdf" in page and "Purge them now" in page
    unconfirmed = client.post_form("/admin/retention/purge", {})
    assert unconfirmed.status_code == 400 and "Tick the box to confirm." in unconfirmed.get_data(as_text=True)
    assert db.session.get(Document, document.id).purged_at is None
    done = client.post_form("/admin/retention/purge", {"confirm": "y"})
    assert done.status_code == 302
    assert "1 attachment has been purged." in client.get(done.headers["Location"]).get_data(as_text=True)
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.purge")).one()


def test_purged_files_answer_410_and_are_listed_as_removed(world, login_as):
    retention.set_retention_years(world.coordinator, 2)
    meeting_document = _aged(world, 3)
    proposal_document = _proposal_document(world, "withdrawn", 3)
    db.session.commit()
    client = login_as(world.cochair)
    assert client.get(f"/documents/{meeting_document.id}").data == PDF
    retention.purge_due(world.coordinator)
    db.session.commit()
    gone = client.get(f"/documents/{meeting_document.id}")
    assert gone.status_code == 410 and "retention policy" in gone.get_data(as_text=True)
    url = f"/proposals/{proposal_document.proposal_id}/documents/{proposal_document.id}"
    assert client.get(url).status_code == 410
    page = client.get(f"/proposals/{proposal_document.proposal_id}").get_data(as_text=True)
    assert "annex.pdf" in page and "removed under the retention policy" in page and url not in page
