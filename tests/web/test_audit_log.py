"""The audit log page: coordinators only, newest first, filters from allow-lists, escaped, paginated."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from committees.db import db
from committees.models import AuditEntry
from tests.conftest import ROLES
from tests.queries import count_queries

MARKER = "\"'><svg onload=x>"


def _entry(action: str, *, at: datetime | None = None, actor=None, committee=None, summary: str = "",
           target_type: str = "", ip: str = "192.0.2.1", **details) -> AuditEntry:
    entry = AuditEntry(action=action, at=at or datetime.now(timezone.utc), actor_id=actor.id if actor else None,
                       committee_id=committee.id if committee else None, summary=summary or action,
                       target_type=target_type, ip_address=ip, details=details)
    db.session.add(entry)
    db.session.commit()
    return entry


def _rows(page: str) -> int:
    return page.count("<tr>") - 1  # minus the header row


def test_audit_log_authorisation(app, world, login_as):
    for role in ROLES:
        client = app.test_client() if role == "public" else login_as(world.person(role))
        response = client.get("/admin/audit")
        if role == "public":
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code == (200 if role in ("coordinator", "admin") else 403), role


def test_audit_log_newest_first_and_not_itself_audited(world, login_as):
    client = login_as(world.coordinator)
    now = datetime.now(timezone.utc)
    _entry("committee.create", at=now - timedelta(days=2), summary="older one")
    _entry("committee.update", at=now - timedelta(days=1), summary="newer one")
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    page = client.get("/admin/audit").get_data(as_text=True)
    assert page.index("newer one") < page.index("older one")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_audit_log_escapes_everything(world, login_as):
    world.representative.full_name = MARKER
    db.session.commit()
    _entry("person.update", actor=world.representative, summary=MARKER, ip=MARKER[:60], target_type=MARKER[:40],
           note=MARKER)
    page = login_as(world.coordinator).get("/admin/audit").get_data(as_text=True)
    assert "<svg" not in page
    assert "&lt;svg onload=x&gt;" in page


def test_audit_log_filters(world, login_as):
    client = login_as(world.coordinator)
    old = datetime(2024, 3, 10, 22, 30, tzinfo=timezone.utc)  # 00:30 on 11 March in Athens
    _entry("membership.add", committee=world.committee, summary="alpha-entry", target_type="membership", at=old)
    _entry("committee.update", actor=world.cochair, summary="beta-entry", committee=world.other_committee)
    _entry("committee_x.weird", summary="gamma-entry")

    def shown(query: str) -> set[str]:
        response = client.get("/admin/audit?" + query)
        assert response.status_code == 200, query
        page = response.get_data(as_text=True)
        return {s for s in ("alpha-entry", "beta-entry", "gamma-entry") if s in page}

    assert shown("") == {"alpha-entry", "beta-entry", "gamma-entry"}
    assert shown("action=committee") == {"beta-entry"}  # a prefix up to the dot, not committee_x
    assert shown("action=membership") == {"alpha-entry"}
    assert shown("actor=CHAIR@example") == {"beta-entry"}
    assert shown("actor=%25") == set()  # LIKE wildcards are literal
    assert shown("target_type=membership") == {"alpha-entry"}
    assert shown(f"committee={world.other_committee.id}") == {"beta-entry"}
    assert shown("date_from=2024-03-11&date_to=2024-03-11") == {"alpha-entry"}  # the reader's day, Athens
    assert shown("date_to=2024-03-10") == set()


@pytest.mark.parametrize("query", ["action=secret", "action=%25", "target_type=pg_user", "committee=999999",
                                   "date_from=yesterday", "page=0", "page=abc", "per_page=x", "page=-1",
                                   "page=100001"])
def test_audit_log_refuses_unknown_filters_and_bad_pages(world, login_as, query):
    response = login_as(world.coordinator).get("/admin/audit?" + query)
    assert response.status_code == 400


def test_audit_log_pagination(world, login_as):
    client = login_as(world.coordinator)
    db.session.query(AuditEntry).delete()
    base = datetime(2025, 1, 1, tzinfo=timezone.utc)
    for i in range(7):
        _entry("committee.update", at=base + timedelta(minutes=i), summary=f"entry-{i}-end")
    first = client.get("/admin/audit?per_page=3").get_data(as_text=True)
    assert "entry-6-end" in first and "entry-4-end" in first and "entry-3-end" not in first
    assert "page=2" in first and 'rel="prev"' not in first
    third = client.get("/admin/audit?per_page=3&page=3").get_data(as_text=True)
    assert "entry-0-end" in third and 'rel="next"' not in third and 'rel="prev"' in third
    beyond = client.get("/admin/audit?per_page=3&page=50")
    assert beyond.status_code == 200 and "No entries match." in beyond.get_data(as_text=True)
    clamped = client.get("/admin/audit?per_page=100000").get_data(as_text=True)
    assert _rows(clamped) == 7  # per_page is clamped to the maximum, not refused
    assert client.get("/admin/audit?per_page=0").status_code == 400  # as every list: below 1 is refused


def test_audit_log_queries_do_not_grow_with_rows(app, world, login_as):
    client = login_as(world.coordinator)

    def queries_for_page() -> int:
        with count_queries() as statements:
            assert client.get("/admin/audit?per_page=100").status_code == 200
        return len(statements)

    for _ in range(3):
        _entry("committee.update", actor=world.cochair, committee=world.committee)
    few = queries_for_page()
    for person in (world.representative, world.secretary, world.observer, world.alternate, world.admin):
        for _ in range(5):
            _entry("person.update", actor=person, committee=world.other_committee)
    assert queries_for_page() == few
