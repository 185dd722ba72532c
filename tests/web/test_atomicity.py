"""Atomicity through the web (security.md 26): a request whose service fails half-way answers a generic 500, and
nothing of it is left — not the rows its first service call wrote, not its audit entries, not its mail.

The page's own path is exercised: the view (which must commit once, after every service call), the services, and the
error handler (which rolls back). The failures are injected by a Seam (tests/security_fixtures.py) into the audit
writer or the mail queue after the first writes; the same request without the seam then succeeds. The services'
half, one by one, is tests/domain/test_atomicity.py.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from committees.db import db
from committees.services import agendas as agenda_svc
from committees.services import bodies as body_svc
from committees.services import meetings as meeting_svc
from tests.conftest import login
from tests.domain.test_atomicity import NOTHING, _draft_minutes, _meeting, _municipal_rep, _proposal
from tests.security_fixtures import Seam, snapshot


def _deadline() -> str:
    return (datetime.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


def circulate(w):
    minutes = _draft_minutes(w)
    return w.cochair, f"/meetings/{minutes.meeting_id}/minutes/transitions/circulate", {
        "circulate-comments_deadline": _deadline()}


def submit(w):
    return w.representative, f"/proposals/{_proposal(w, submitted=False).id}/steps/submit", {}


def invite_cosponsor(w):
    _municipal_rep(w)
    return w.representative, f"/proposals/{_proposal(w, submitted=True).id}/cosponsors", {
        "invite-organisation_ids": str(w.municipal.id)}


def new_action(w):
    return w.cochair, f"/committees/{w.committee.slug}/actions/new", {
        "title": "Write to the ministry", "owner_person_id": str(w.representative.id), "priority": "normal",
        "status": "in_progress"}


def schedule(w):
    return w.cochair, f"/meetings/{_meeting(w).id}/steps/schedule", {}


def publish_agenda(w):
    meeting = _meeting(w)
    agenda_svc.add_item(w.cochair, meeting, title="Legal aid")
    meeting_svc.schedule_meeting(w.cochair, meeting)
    return w.cochair, f"/meetings/{meeting.id}/agenda/publish", {}


def decide_membership(w):
    membership = body_svc.request_membership(w.non_member, w.committee, note="Please")
    return w.cochair, f"/committees/{w.committee.slug}/members/decide", {
        "membership_id": str(membership.id), "decision": "approve"}


def anonymise(w):
    return w.coordinator, f"/people/{w.alternate.id}/anonymise", {"confirm_email": w.alternate.email,
                                                                   "reason": "Left the NGO"}


CASES = [
    ("circulate minutes", circulate, "mail", 2), ("submit a proposal", submit, "mail", 2),
    ("invite a co-sponsor", invite_cosponsor, "mail", 1),
    ("new action with its first status (two services)", new_action, "audit", 2),
    ("schedule a meeting", schedule, "mail", 3), ("publish an agenda", publish_agenda, "mail", 3),
    ("approve a membership", decide_membership, "audit", 1), ("anonymise a person", anonymise, "audit", 1),
]


@pytest.mark.parametrize("name, setup, target, fail_on", CASES, ids=[c[0] for c in CASES])
def test_a_request_failing_half_way_leaves_nothing(app, world, monkeypatch, name, setup, target, fail_on):
    person, url, data = setup(world)
    db.session.commit()
    client = login(app.test_client(), person)
    token = client.csrf_token()
    before = snapshot(NOTHING)
    seam = Seam(monkeypatch, target, fail_on, before, NOTHING)
    response = client.post(url, data={**data, "csrf_token": token})
    assert seam.fired and seam.written, f"{name}: the {target} seam did not fail half-way ({seam.calls} calls)"
    assert response.status_code == 500 and "Something went wrong" in response.get_data(as_text=True)
    after = snapshot(NOTHING)
    assert after == before, sorted(t for t in after if after[t] != before[t])

    monkeypatch.undo()
    response = client.post(url, data={**data, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    after = snapshot(NOTHING)
    assert after != before
    if target == "mail":
        assert len(after["outbox_message"]) > len(before["outbox_message"])


def test_the_error_page_of_an_injected_failure_says_nothing_of_it(app, world, monkeypatch):
    """The generic 500 page: no exception text, no traceback."""
    person, url, data = schedule(world)
    db.session.commit()
    client = login(app.test_client(), person)
    token = client.csrf_token()
    Seam(monkeypatch, "mail", 1, snapshot(NOTHING), NOTHING)
    page = client.post(url, data={**data, "csrf_token": token}).get_data(as_text=True)
    assert "injected" not in page and "Traceback" not in page
