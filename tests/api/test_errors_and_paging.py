"""Errors are JSON everywhere under /api/v1 with the right status (never HTML, never a 500 for bad input);
lists page stably with next/prev links; writes are rate-limited per token."""
from __future__ import annotations

import pytest

from tests import factories as f
from tests.api.conftest import error_of
from tests.web.routes.actions import _item

API = "/api/v1"


@pytest.mark.parametrize("method, url, status, code", [
    ("GET", "/api/v1/nothing-here", 404, "not_found"),
    ("GET", "/api/v1/proposals/999999", 404, "not_found"),
    ("GET", "/api/v1/committees/no-such-committee", 404, "not_found"),
    ("DELETE", "/api/v1/committees", 405, "method_not_allowed"),
    ("PUT", "/api/v1/me", 405, "method_not_allowed"),
    ("GET", "/api/v1/committees?page=0", 422, "invalid_input"),
    ("GET", "/api/v1/committees?page=-3", 422, "invalid_input"),
    ("GET", "/api/v1/committees?page=99999999999999999999", 422, "invalid_input"),
    ("GET", "/api/v1/committees?per_page=abc", 422, "invalid_input"),
    ("GET", "/api/v1/committees?per_page=1000", 422, "invalid_input"),
    ("GET", "/api/v1/proposals?state=%27%3B%20DROP%20TABLE%20proposal", 422, "invalid_input"),
    ("GET", "/api/v1/proposals?year=20000", 422, "invalid_input"),
    ("GET", "/api/v1/proposals?q=" + "x" * 500, 422, "invalid_input"),
    ("GET", "/api/v1/me", 401, "unauthorised"),
])
def test_errors_are_json_with_the_right_status(app, world, method, url, status, code):
    response = app.test_client().open(url, method=method)
    assert response.status_code == status
    assert error_of(response)["code"] == code
    assert "text/html" not in response.content_type


def test_hostile_text_filters_give_empty_results_not_errors(app, world, api_as):
    client = api_as("coordinator")
    for q in ("%", "_", "\\", "' OR 1=1 --", "\"*", "αθηνα", "NEAR(a b)", "\x00"):
        response = client.get(f"{API}/proposals", query_string={"q": q})
        # a NUL anywhere is refused before any query (portal/security.py): 400
        assert response.status_code in (200, 422) or (q == "\x00" and response.status_code == 400), q


def test_bad_bodies_are_422_or_400_never_500(app, world, api_as):
    item = _item(world)
    client = api_as("representative", "write")
    url = f"{API}/actions/{item.id}/updates"
    for body in ('{"note": ', "[]", '"text"', "null", '{"note": 5}', '{"note": "' + "x" * 20_000 + '"}',
                 '{"status": "done", "extra": 1}'):
        response = client.request("POST", url, data=body, headers={"Content-Type": "application/json"})
        assert response.status_code in (400, 422), (body[:30], response.status_code)
        error_of(response)
    empty = client.post(url, json={})
    assert empty.status_code == 422 and error_of(empty)["fields"] == {"note": ["Write a note or choose a new status."]}


def test_a_forbidden_write_is_403_with_the_reason(app, world, api_as):
    item = _item(world)
    response = api_as("observer", "write").post(f"{API}/actions/{item.id}/updates", json={"note": "Hi"})
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"


def test_api_refusals_are_in_the_audit_log_with_the_token_holder(app, world, api_as):
    from sqlalchemy import select

    from committees.db import db
    from committees.models import AuditEntry

    item = _item(world)
    client = api_as("observer", "write")
    assert client.post(f"{API}/actions/{item.id}/updates", json={"note": "Hi"}).status_code == 403
    assert client.patch(f"{API}/actions/{item.id}", json={"status": "done"}).status_code == 403
    db.session.expire_all()
    refused = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access.refused")).all()
    assert [(e.actor_id, e.details["rule"], e.target_type, e.target_id) for e in refused] == [
        (world.observer.id, "action.update", "action_item", item.id)] * 2


def test_lists_page_with_next_links_in_a_stable_order(app, world, api_as):
    for i in range(7):
        f.make_org(f"Org {i:02d}")
    client = api_as("observer")
    seen, url, pages = [], f"{API}/organisations?per_page=3", 0
    while url:
        body = client.get(url).get_json()
        seen += [o["id"] for o in body["items"]]
        assert body["per_page"] == 3 and body["total"] == 10
        url, pages = body["next"], pages + 1
    assert pages == 4 and len(seen) == len(set(seen)) == 10
    second = client.get(f"{API}/organisations?per_page=3&page=2").get_json()
    assert second["prev"].endswith("page=1") and "per_page=3" in second["next"]
    beyond = client.get(f"{API}/organisations?per_page=3&page=9").get_json()
    assert beyond["items"] == [] and beyond["next"] is None


def test_next_links_never_come_from_the_host_header(app, world, api_as):
    body = api_as(None).get(f"{API}/committees?per_page=1", headers={"Host": "localhost"}).get_json()
    assert body["next"] is None or body["next"].startswith("/api/v1/")


def test_writes_are_rate_limited_per_token(app, world, api_as):
    item = _item(world)
    app.config["API_WRITE_LIMIT"] = "3 per minute"
    try:
        first, second = api_as("representative", "write"), api_as("representative", "write")
        url = f"{API}/actions/{item.id}/updates"
        statuses = [first.post(url, json={"note": f"n{i}"}).status_code for i in range(4)]
        limited = first.post(url, json={"note": "again"})
        other = second.post(url, json={"note": "another token"})
        reads = first.get(f"{API}/me")
    finally:
        app.config["API_WRITE_LIMIT"] = "60 per minute;1000 per day"
    assert statuses == [201, 201, 201, 429]
    assert limited.status_code == 429 and error_of(limited)["code"] == "too_many_requests"
    assert int(limited.headers["Retry-After"]) > 0
    assert other.status_code == 201 and reads.status_code == 200


def test_reads_are_rate_limited_too(app, world, api_as):
    app.config["API_READ_LIMIT"] = "2 per minute"
    try:
        client = api_as("representative")
        statuses = [client.get(f"{API}/me").status_code for _ in range(3)]
    finally:
        app.config["API_READ_LIMIT"] = "600 per minute"
    assert statuses == [200, 200, 429]


def test_the_document_and_the_reference(app, world):
    client = app.test_client()
    spec = client.get(f"{API}/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert {"/api/v1/committees", "/api/v1/proposals/{proposal_id}/transitions", "/api/v1/actions/{item_id}"} <= \
        set(spec["paths"])
    page = client.get(f"{API}/docs")
    assert page.status_code == 200 and "text/html" in page.content_type
    html = page.get_data(as_text=True)
    assert "/api/v1/proposals/{proposal_id}/transitions" in html and "<script>" not in html
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]


@pytest.mark.parametrize("body", [
    '{"note": "a\\u0000b"}', '{"note": "\\ud800"}', '{"note": "x", "status": "do\\u0000ne"}', '{"a\\u0000": 1}',
    '[["\\u0000"]]',
])
def test_a_json_body_with_unstorable_text_is_a_json_400(app, world, api_as, body):
    """Valid JSON that PostgreSQL cannot store (NUL, a lone surrogate) is refused before any view: found by
    schemathesis as a 500 on PATCH /actions/<id> on PostgreSQL."""
    item = _item(world)
    client = api_as("representative", "write")
    for method, url in (("PATCH", f"{API}/actions/{item.id}"), ("POST", f"{API}/actions/{item.id}/updates")):
        response = client.request(method, url, data=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400 and error_of(response)["code"] == "bad_request", (method, body)
    assert client.patch(f"{API}/actions/{item.id}", json={"note": "fine, ok"}).status_code != 400
