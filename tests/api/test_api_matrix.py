"""Every API route × every role, with Bearer tokens: reads as in tests/web/routes/api.py (a token reads exactly what
the session would), writes per role with write tokens. A route of the api blueprint without a row here fails.
Also: no API write route accepts the session cookie (nothing is written without a token)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from committees.db import db
from tests.api.conftest import error_of
from tests.conftest import ROLES, login
from tests.web.routes import LOGIN, Expect
from tests.web.routes import api as rows

COORDINATORS = ("coordinator", "admin")
UPDATERS = ("representative", "cochair", *COORDINATORS)  # the owner, the co-chair, coordinators
READERS = rows.READERS


def _statuses(allowed, ok: int, *, hidden=("non_member",)) -> dict:
    result = {"public": 401}
    for role in ROLES[1:]:
        result[role] = ok if role in allowed else (404 if role in hidden else 403)
    return result


WRITES = [
    Expect("api.post_proposal_transition", "POST", rows.proposal_url("submitted", "/transitions"),
           _statuses(("cochair", *COORDINATORS), 200), data=lambda w: {"transition": "start_review"}),
    Expect("api.post_action_update", "POST", rows.action_url("/updates"), _statuses(UPDATERS, 201),
           data=lambda w: {"note": "Letter sent"}),
    Expect("api.patch_action", "PATCH", rows.action_url(), _statuses(UPDATERS, 200),
           data=lambda w: {"status": "in_progress"}),
]
READS = [e for e in rows.EXPECTATIONS if e.endpoint.startswith("api.") and e.method == "GET"]


def _api_routes(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_api_route_has_token_expectations(app):
    listed = {(e.endpoint, e.method) for e in READS + WRITES}
    missing = _api_routes(app) - listed
    assert not missing, f"API routes without a row in tests/api/test_api_matrix.py: {sorted(missing)}"


@pytest.mark.parametrize("expectation", READS, ids=lambda e: e.id)
def test_reads_with_tokens(app, world, api_as, expectation: Expect):
    wrong = []
    for role in ROLES:
        client = api_as(None if role == "public" else role)
        response = client.get(expectation.url(world))
        expected = expectation.status_for(role)
        expected = 401 if expected == LOGIN else expected
        if response.status_code != expected:
            wrong.append(f"{role}: expected {expected}, got {response.status_code}")
        if response.status_code >= 400:
            error_of(response)
    assert not wrong, f"{expectation.id}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("expectation, role", [(e, r) for e in WRITES for r in ROLES],
                         ids=lambda v: v.id if isinstance(v, Expect) else v)
def test_writes_with_write_tokens(app, world, api_as, expectation: Expect, role: str):
    client = api_as(None if role == "public" else role, "write")
    response = client.request(expectation.method, expectation.url(world), json=expectation.data(world))
    assert response.status_code == expectation.status_for(role), response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        error_of(response)


def _counts() -> dict[str, int]:
    db.session.expire_all()
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


@pytest.mark.parametrize("role", ["public", "representative", "cochair", "admin"])
def test_no_api_write_accepts_the_session_cookie(app, world, role):
    client = app.test_client()
    if role != "public":
        login(client, world.person(role))
    urls = [(e, e.url(world)) for e in WRITES]
    db.session.commit()
    before = _counts()
    for expectation, url in urls:
        response = client.open(url, method=expectation.method, json=expectation.data(world))
        assert response.status_code == 401, (expectation.id, response.status_code)
        assert error_of(response)["code"] in ("token_required", "unauthorised")
    after = _counts()
    after.pop("login_session", None), before.pop("login_session", None)
    assert after == before

