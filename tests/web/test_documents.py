"""Documents on meetings and agenda items: upload by type and size, download headers and policy, soft delete."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from committees.db import db
from committees.models import AuditEntry
from committees.models.meetings import Document
from committees.services import agendas
from committees.services import documents as docs
from tests.web.test_meetings import make_meeting

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, meeting, data=PDF, name="minutes.pdf", **extra):
    return client.post_form(f"/meetings/{meeting.id}/documents",
                            {"upload-file": (io.BytesIO(data), name), **extra}, content_type="multipart/form-data")


def stored(meeting, name="notes.pdf", data=PDF, item=None) -> Document:
    document = docs.upload_document(_anyone(), meeting, name, data, max_bytes=10**6, item=item)
    db.session.commit()
    return document


def _anyone():
    from committees.models import Person

    return db.session.scalars(select(Person)).first()


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Document))


@pytest.mark.parametrize("role", ("secretary", "cochair", "coordinator", "admin"))
def test_editors_upload_on_the_meeting(role, world, login_as):
    meeting = make_meeting(world, "scheduled")
    client = login_as(world.person(role))
    response = upload(client, meeting)
    assert response.status_code == 302
    document = db.session.scalars(select(Document)).one()
    assert (document.filename, document.content_type, document.agenda_item_id) == ("minutes.pdf", "application/pdf",
                                                                                  None)
    assert "minutes.pdf" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "document.upload")) == 1


def test_upload_on_an_item(world, login_as):
    meeting = make_meeting(world, "scheduled")
    item = agendas.add_item(world.cochair, meeting, title="Budget", minutes_allotted=10)
    db.session.commit()
    assert upload(login_as(world.cochair), meeting, **{"upload-agenda_item_id": str(item.id)}).status_code == 302
    assert db.session.scalars(select(Document)).one().agenda_item_id == item.id


def test_upload_on_an_item_of_another_committee_is_404(world, login_as):
    meeting = make_meeting(world, "scheduled")
    other = make_meeting(world, "scheduled", committee=world.other_committee, title="Health")
    foreign = agendas.add_item(world.coordinator, other, title="Theirs", minutes_allotted=10)
    db.session.commit()
    response = upload(login_as(world.cochair), meeting, **{"upload-agenda_item_id": str(foreign.id)})
    assert response.status_code == 404
    assert count() == 0


@pytest.mark.parametrize("role", ("representative", "observer", "non_member"))
def test_others_may_not_upload(role, world, login_as):
    meeting = make_meeting(world, "scheduled")
    assert upload(login_as(world.person(role)), meeting).status_code == 403
    assert count() == 0


def test_public_upload_goes_to_login(world, client):
    meeting = make_meeting(world, "scheduled")
    response = client.post(f"/meetings/{meeting.id}/documents", data={"upload-file": (io.BytesIO(PDF), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code in (302, 400)  # no CSRF token for the public: refused either way
    assert count() == 0


def test_upload_without_csrf_is_refused(world, login_as):
    meeting = make_meeting(world, "scheduled")
    client = login_as(world.cochair)
    response = client.post(f"/meetings/{meeting.id}/documents", data={"upload-file": (io.BytesIO(PDF), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert count() == 0


def test_upload_refuses_a_type_by_content_not_name(world, login_as):
    meeting = make_meeting(world, "scheduled")
    response = upload(login_as(world.cochair), meeting, data=b"MZ\x90\x00 not a pdf", name="report.pdf")
    assert response.status_code == 400
    assert "Only PDF, DOCX, XLSX, ODT, ODS, PNG and JPEG files can be attached." in response.get_data(as_text=True)
    assert count() == 0


def test_upload_without_a_file_asks_for_one(world, login_as):
    meeting = make_meeting(world, "scheduled")
    client = login_as(world.cochair)
    response = client.post_form(f"/meetings/{meeting.id}/documents", {}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a file." in response.get_data(as_text=True)


def test_upload_over_the_document_limit_is_refused_clearly(world, login_as, app, monkeypatch):
    meeting = make_meeting(world, "scheduled")
    monkeypatch.setitem(app.config, "MAX_DOCUMENT_BYTES", 100)
    response = upload(login_as(world.cochair), meeting, data=PDF + b"x" * 200)
    assert response.status_code == 400
    assert "The file is too large." in response.get_data(as_text=True)
    assert count() == 0


def test_request_over_the_content_limit_gets_a_friendly_413(world, login_as, app, monkeypatch):
    meeting = make_meeting(world, "scheduled")
    client = login_as(world.cochair)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = upload(client, meeting, data=PDF + b"x" * 5000)
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert count() == 0


def test_download_headers(world, login_as):
    meeting = make_meeting(world, "scheduled")
    document = stored(meeting, name="Πρακτικά Μαρτίου.pdf")
    response = login_as(world.representative).get(f"/documents/{document.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" in disposition and "%CE%A0" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("role,status", [("public", 200), ("non_member", 200), ("observer", 200),
                                         ("coordinator", 200)])
def test_download_of_public_committees_scheduled_meeting(role, status, world, client, login_as):
    meeting = make_meeting(world, "scheduled")
    document = stored(meeting)
    c = client if role == "public" else login_as(world.person(role))
    assert c.get(f"/documents/{document.id}").status_code == status


def test_download_of_another_committees_document_is_404(world, client, login_as):
    meeting = make_meeting(world, "scheduled", committee=world.other_committee, title="Health")
    document = stored(meeting)
    assert login_as(world.cochair).get(f"/documents/{document.id}").status_code == 404
    assert login_as(world.non_member).get(f"/documents/{document.id}").status_code == 404
    assert client.get(f"/documents/{document.id}").status_code == 302  # the public signs in first
    assert login_as(world.other_rep).get(f"/documents/{document.id}").status_code == 200


def test_download_of_a_draft_meetings_document_only_for_recorders(world, login_as):
    meeting = make_meeting(world, "draft")
    document = stored(meeting)
    assert login_as(world.representative).get(f"/documents/{document.id}").status_code == 404
    assert login_as(world.secretary).get(f"/documents/{document.id}").status_code == 200


def test_soft_delete_by_editors(world, login_as):
    meeting = make_meeting(world, "scheduled")
    document = stored(meeting)
    assert login_as(world.representative).post_form(f"/documents/{document.id}/delete").status_code == 403
    assert login_as(world.cochair).post(f"/documents/{document.id}/delete").status_code == 400  # no CSRF
    client = login_as(world.cochair)
    assert client.post_form(f"/documents/{document.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Document, document.id).deleted_at is not None
    assert client.get(f"/documents/{document.id}").status_code == 404
    assert "notes.pdf" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "document.delete")) == 1


def test_delete_of_another_committees_document_is_404(world, login_as):
    meeting = make_meeting(world, "scheduled", committee=world.other_committee, title="Health")
    document = stored(meeting)
    assert login_as(world.cochair).post_form(f"/documents/{document.id}/delete").status_code == 404
    db.session.expire_all()
    assert db.session.get(Document, document.id).deleted_at is None


def test_pack_lists_documents(world, client):
    meeting = make_meeting(world, "scheduled")
    item = agendas.add_item(world.cochair, meeting, title="Budget", minutes_allotted=10)
    stored(meeting, name="budget.xlsx.pdf", item=item)
    stored(meeting, name="overview.pdf")
    page = client.get(f"/meetings/{meeting.id}/pack").get_data(as_text=True)
    assert "budget.xlsx.pdf" in page and "overview.pdf" in page and "item: Budget" in page
