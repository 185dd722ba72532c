"""The outbox pages: coordinators only, only where SHOW_OUTBOX is set, bodies escaped, paginated."""
from __future__ import annotations

import pytest

from committees.db import db
from committees.models import OutboxMessage, OutboxStatus
from tests.conftest import ROLES

MARKER = "\"'><svg onload=x>"


def _message(**kw) -> OutboxMessage:
    values = dict(to_address="rita@example.org", subject="You are invited", body_text="Hello\nclick here",
                  kind="invitation")
    values.update(kw)
    message = OutboxMessage(**values)
    db.session.add(message)
    db.session.commit()
    return message


@pytest.mark.parametrize("path", ["/admin/outbox", "/admin/outbox/{id}"])
def test_outbox_authorisation(app, world, login_as, path):
    url = path.format(id=_message().id)
    for role in ROLES:
        client = app.test_client() if role == "public" else login_as(world.person(role))
        response = client.get(url)
        if role == "public":
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code == (200 if role in ("coordinator", "admin") else 403), role


@pytest.mark.parametrize("path", ["/admin/outbox", "/admin/outbox/{id}"])
def test_outbox_is_404_when_not_shown(app, world, login_as, monkeypatch, path):
    url = path.format(id=_message().id)
    monkeypatch.setitem(app.config, "SHOW_OUTBOX", False)
    assert login_as(world.admin).get(url).status_code == 404
    assert app.test_client().get(url).status_code == 404


def test_outbox_list_and_detail(world, login_as):
    client = login_as(world.coordinator)
    sent = _message(status=OutboxStatus.SENT, attempts=1, subject="Minutes are out", kind="minutes")
    _message(status=OutboxStatus.FAILED, attempts=5, subject="Bounced", last_error="SMTPRecipientsRefused")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Minutes are out" in page and "Bounced" in page and "rita@example.org" in page
    assert page.index("Bounced") < page.index("Minutes are out")  # newest first
    page = client.get("/admin/outbox?status=sent").get_data(as_text=True)
    assert "Minutes are out" in page and "Bounced" not in page
    detail = client.get(f"/admin/outbox/{sent.id}").get_data(as_text=True)
    assert "Hello\nclick here" in detail and "Minutes are out" in detail
    assert client.get("/admin/outbox/999999").status_code == 404
    assert client.get("/admin/outbox?status=lost").status_code == 400


def test_outbox_escapes_everything(world, login_as):
    client = login_as(world.coordinator)
    message = _message(to_address=MARKER, subject=MARKER, kind=MARKER[:40], body_text=MARKER,
                       body_html=f"<p>{MARKER}</p>", last_error=MARKER)
    for url in ("/admin/outbox", f"/admin/outbox/{message.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "<svg" not in page and "&lt;svg onload=x&gt;" in page


def test_outbox_pagination(world, login_as):
    client = login_as(world.coordinator)
    for i in range(5):
        _message(subject=f"subject-{i}-end")
    first = client.get("/admin/outbox?per_page=2").get_data(as_text=True)
    assert "subject-4-end" in first and "subject-3-end" in first and "subject-2-end" not in first
    last = client.get("/admin/outbox?per_page=2&page=3").get_data(as_text=True)
    assert "subject-0-end" in last and 'rel="next"' not in last
    assert client.get("/admin/outbox?page=0").status_code == 400
    assert client.get("/admin/outbox?per_page=abc").status_code == 400
