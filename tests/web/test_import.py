"""The CSV import pages: authorisation, CSRF, the dry run writes nothing, confirm writes all or nothing."""
from __future__ import annotations

import base64
import io
import re
import zlib
from html import unescape

import pytest
from sqlalchemy import func, select

from committees.db import db
from committees.models import AuditEntry, Organisation, OutboxMessage, Person
from tests.conftest import ROLES

ORGS_CSV = "name;short_name;type\nPraksis;PRK;NGO\nIOM Greece;IOM;international organisation\n"


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _upload(client, text: str | bytes, kind: str = "organisations", **extra):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post_form("/admin/import", {"kind": kind, "file": (io.BytesIO(data), "list.csv"), **extra},
                            content_type="multipart/form-data")


def _payload(page: str) -> str:
    match = re.search(r'<input[^>]*name="payload"[^>]*>', page)
    assert match, "no confirm form"
    return unescape(re.search(r'value="([^"]*)"', match.group(0)).group(1))


@pytest.mark.parametrize("url", ["/admin/import", "/admin/import/template/organisations.csv",
                                 "/admin/import/template/people.csv"])
def test_import_get_authorisation(app, world, login_as, url):
    for role in ROLES:
        client = app.test_client() if role == "public" else login_as(world.person(role))
        response = client.get(url)
        if role == "public":
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        elif role in ("coordinator", "admin"):
            assert response.status_code == 200, role
        else:
            assert response.status_code == 403, role


@pytest.mark.parametrize("url", ["/admin/import", "/admin/import/confirm"])
def test_import_posts_are_denied_to_members_and_the_public(app, world, login_as, client, url):
    response = client.post_form(url, {"kind": "organisations"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for role in ("representative", "cochair", "secretary"):
        assert login_as(world.person(role)).post_form(url, {"kind": "organisations"}).status_code == 403


def test_import_posts_need_csrf(world, login_as):
    client = login_as(world.coordinator)
    data = {"kind": "organisations", "file": (io.BytesIO(ORGS_CSV.encode()), "x.csv")}
    assert client.post("/admin/import", data=data, content_type="multipart/form-data").status_code == 400
    payload = base64.b64encode(zlib.compress(ORGS_CSV.encode())).decode()
    response = client.post("/admin/import/confirm", data={"kind": "organisations", "payload": payload})
    assert response.status_code == 400
    assert _count(Organisation) == 3  # the world's


def test_template_download_is_an_attachment(world, login_as):
    response = login_as(world.coordinator).get("/admin/import/template/people.csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="people-template.csv"'
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).lstrip("\ufeff").startswith("email,full_name,organisation")
    assert login_as(world.coordinator).get("/admin/import/template/secrets.csv").status_code == 404


def test_dry_run_writes_nothing_then_confirm_imports_everything(world, login_as):
    client = login_as(world.coordinator)
    before = _count(AuditEntry)
    response = _upload(client, ORGS_CSV)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Praksis" in page and "IOM Greece" in page and "Every row is valid" in page
    assert _count(Organisation) == 3 and _count(AuditEntry) == before

    response = client.post_form("/admin/import/confirm", {"kind": "organisations", "payload": _payload(page)})
    assert response.status_code == 302
    assert _count(Organisation) == 5
    org = db.session.scalars(select(Organisation).where(Organisation.short_name == "IOM")).one()
    assert org.type.value == "international"
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))[-3:]
    assert actions == ["organisation.create", "organisation.create", "import.organisations"]
    assert "Imported 2 organisations" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_dry_run_lists_errors_and_offers_no_confirm(world, login_as):
    client = login_as(world.coordinator)
    text = "name,type\nSolidarity Now Athens,ngo\n<b>New</b>,planet\n"
    response = _upload(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'name="payload"' not in page
    assert "An organisation with this name exists already." in page
    assert "&lt;b&gt;New&lt;/b&gt;" in page and "<b>New</b>" not in page
    assert "Unknown type “planet”" in page
    assert _count(Organisation) == 3


def test_file_level_errors_keep_the_form(world, login_as, app, monkeypatch):
    client = login_as(world.coordinator)
    response = _upload(client, "nom,type\nX,ngo\n", kind="people")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Unknown column(s): nom" in page
    assert '<option selected value="people">' in page or 'value="people" selected' in page
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 30)
    response = _upload(client, ORGS_CSV)
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert _upload(client, b"", kind="organisations").status_code == 400


def test_confirm_revalidates_and_is_all_or_nothing(world, login_as):
    client = login_as(world.coordinator)
    page = _upload(client, ORGS_CSV).get_data(as_text=True)
    payload = _payload(page)
    # Between the dry run and the confirmation, somebody creates one of the organisations.
    db.session.add(Organisation(name="IOM Greece", type="international"))
    db.session.commit()
    response = client.post_form("/admin/import/confirm", {"kind": "organisations", "payload": payload})
    assert response.status_code == 409
    assert "An organisation with this name exists already." in response.get_data(as_text=True)
    assert _count(Organisation) == 4  # the world's three and the one made meanwhile; Praksis not written


def test_confirm_with_tampered_payload_is_refused(world, login_as):
    client = login_as(world.coordinator)
    for payload in ["not base64!", base64.b64encode(b"not zlib").decode()]:
        response = client.post_form("/admin/import/confirm", {"kind": "organisations", "payload": payload})
        assert response.status_code == 400
    forged = base64.b64encode(zlib.compress(b"name,type\nForged,ngo\n")).decode()
    response = client.post_form("/admin/import/confirm", {"kind": "spaceships", "payload": forged})
    assert response.status_code == 400
    # A forged but valid payload is just an import the coordinator could have uploaded: validated, then written.
    response = client.post_form("/admin/import/confirm", {"kind": "organisations", "payload": forged})
    assert response.status_code == 302 and _count(Organisation) == 4


def test_people_import_with_invitations_and_role_rules(world, login_as):
    text = ("email,full_name,organisation,role,invite\n"
            "new.one@example.org,New One,SNA,,yes\n"
            "boss@example.org,Big Boss,ASSD,coordinator,no\n")
    coordinator = login_as(world.coordinator)
    page = _upload(coordinator, text, kind="people").get_data(as_text=True)
    assert "Only administrators may import coordinators or administrators." in page
    assert 'name="payload"' not in page

    admin = login_as(world.admin)
    page = _upload(admin, text, kind="people").get_data(as_text=True)
    response = admin.post_form("/admin/import/confirm", {"kind": "people", "payload": _payload(page)})
    assert response.status_code == 302
    new = db.session.scalars(select(Person).where(Person.email == "new.one@example.org")).one()
    assert new.organisation_id == world.ngo.id
    assert db.session.scalars(select(Person).where(Person.email == "boss@example.org")).one().global_role.value \
        == "coordinator"
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.to_address == "new.one@example.org" and "/invitation/" in mail.body_text
