"""Races (security.md 25): ten parallel requests creating the same row leave exactly one, and every other request
gets a clean answer (a redirect, 400/403/409, or 429 from the throttle) — never a 5xx.

The requests are real ones through the test client, each in its own thread with its own signed-in session, app
context and database connection, released together by a barrier; every request commits (or rolls back) its own
transaction. Only PostgreSQL runs them concurrently (SQLite serialises writers on one file), so they are marked
`postgres` and skipped on SQLite. The unique constraints behind them are checked on every database.
"""
from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select

from committees.db import db
from committees.models import CommitteeRole, CommitteeRoleKind, Invitation, Membership, PollAnswer
from committees.models.proposals import ProposalCosponsor, ProposalSupport
from committees.services import meetings as meeting_svc
from committees.services import proposals as proposal_svc
from tests import factories as f
from tests.conftest import login
from tests.security_fixtures import PROPOSAL_TEXT

PARALLEL = 10
CLEAN = {200, 302, 303, 400, 403, 409, 429}
# The row each race creates, and the columns that make it unique.
UNIQUE = {
    "membership": ("committee_id", "organisation_id"),
    "invitation": ("meeting_id", "person_id"),
    "poll_answer": ("slot_id", "person_id"),
    "proposal_support": ("proposal_id", "organisation_id"),
    "proposal_cosponsor": ("proposal_id", "organisation_id"),
    "committee_role": ("committee_id", "person_id", "role"),
}

postgres_only = pytest.mark.skipif(not (os.environ.get("DATABASE_URL") or "").startswith("postgres"),
                                   reason="concurrent transactions need PostgreSQL (SQLite serialises writers)")


@pytest.mark.parametrize("table, columns", sorted(UNIQUE.items()))
def test_the_unique_constraints_exist(app, table, columns):
    """The database refuses a second row, whatever the code checks before inserting."""
    inspector = inspect(db.engine)
    uniques = [tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)]
    uniques += [tuple(i["column_names"]) for i in inspector.get_indexes(table) if i.get("unique")]
    assert any(set(u) == set(columns) for u in uniques), f"{table}: no unique constraint on {columns}: {uniques}"


def race(app, person, url: str, data: dict | list, times: int = PARALLEL) -> list[int]:
    """`times` signed-in sessions of `person` post `data` to `url` at the same moment; their statuses."""
    clients = []
    for _ in range(times):
        client = login(app.test_client(), person)
        clients.append((client, client.csrf_token()))
    barrier, statuses, errors = threading.Barrier(times), [None] * times, []

    def run(index: int, client, token: str):
        try:
            barrier.wait(timeout=30)
            payload = data if isinstance(data, dict) else dict(data)
            statuses[index] = client.post(url, data={**payload, "csrf_token": token}).status_code
        except Exception as error:  # noqa: BLE001 - reported below with the others
            errors.append(repr(error))

    threads = [threading.Thread(target=run, args=(i, c, t)) for i, (c, t) in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return statuses


def count(model, **where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def _clean(statuses: list[int]) -> list[int]:
    return [s for s in statuses if s not in CLEAN]


def _at(days: int, hour: int = 10) -> datetime:
    return (datetime.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _municipal_rep(world):
    person = f.make_person("municipal.rep@example.org", org=world.municipal, name="Mia Municipal")
    f.give_role(person, world.committee, CommitteeRoleKind.REPRESENTATIVE, primary=True)
    return person


def _submitted(world):
    proposal = proposal_svc.create_proposal(world.representative, world.committee, title="Legal desk",
                                            **PROPOSAL_TEXT)
    proposal_svc.transition_proposal(world.representative, proposal, "submit")
    db.session.commit()
    return proposal


@pytest.mark.postgres
@postgres_only
def test_ten_membership_requests_make_one(app, world):
    statuses = race(app, world.non_member, f"/committees/{world.committee.slug}/join", {"note": "Please"})
    assert count(Membership, committee_id=world.committee.id, organisation_id=world.outsider_org.id) == 1
    assert statuses.count(302) >= 1 and not _clean(statuses), statuses


@pytest.mark.postgres
@postgres_only
def test_ten_rsvps_make_one_answer(app, world):
    meeting = meeting_svc.create_meeting(world.cochair, world.committee, title="Monthly", venue="City Hall",
                                         format="in_person", starts_at=_at(7), ends_at=_at(7, 12))
    meeting_svc.schedule_meeting(world.cochair, meeting)
    db.session.execute(Invitation.__table__.delete().where(Invitation.person_id == world.representative.id))
    db.session.commit()  # no invitation row yet: the answers create it
    statuses = race(app, world.representative, f"/meetings/{meeting.id}/rsvp", {"response": "attending"})
    assert count(Invitation, meeting_id=meeting.id, person_id=world.representative.id) == 1
    assert statuses.count(302) >= 1 and not _clean(statuses), statuses


@pytest.mark.postgres
@postgres_only
def test_ten_poll_answers_make_one_per_slot(app, world):
    meeting = meeting_svc.create_meeting(world.cochair, world.committee, title="Poll", venue="City Hall",
                                         format="in_person")
    meeting_svc.open_poll(world.cochair, meeting, [(_at(5), _at(5, 12)), (_at(6), _at(6, 12))])
    db.session.commit()
    answers = {f"slot-{slot.id}": "yes" for slot in meeting.slots}
    statuses = race(app, world.representative, f"/meetings/{meeting.id}/poll", answers)
    for slot in meeting.slots:
        assert count(PollAnswer, slot_id=slot.id, person_id=world.representative.id) == 1
    assert statuses.count(302) >= 1 and not _clean(statuses), statuses


@pytest.mark.postgres
@postgres_only
def test_ten_supports_make_one(app, world):
    supporter = _municipal_rep(world)
    proposal = _submitted(world)
    statuses = race(app, supporter, f"/proposals/{proposal.id}/support", {})
    assert count(ProposalSupport, proposal_id=proposal.id, organisation_id=world.municipal.id) == 1
    db.session.refresh(proposal)
    assert proposal.support_count == 1
    assert statuses.count(302) >= 1 and not _clean(statuses), statuses


@pytest.mark.postgres
@postgres_only
def test_ten_cosponsor_invitations_make_one(app, world):
    _municipal_rep(world)
    proposal = _submitted(world)
    statuses = race(app, world.representative, f"/proposals/{proposal.id}/cosponsors",
                    {"invite-organisation_ids": str(world.municipal.id)})
    assert count(ProposalCosponsor, proposal_id=proposal.id, organisation_id=world.municipal.id) == 1
    assert statuses.count(302) >= 1 and not _clean(statuses), statuses


@pytest.mark.postgres
@postgres_only
def test_ten_role_grants_make_one(app, world):
    newcomer = f.make_person("newcomer@example.org", org=world.ngo, name="Nina Newcomer")
    statuses = race(app, world.cochair, f"/committees/{world.committee.slug}/roles",
                    {"person_id": str(newcomer.id), "role": "observer"})
    assert count(CommitteeRole, committee_id=world.committee.id, person_id=newcomer.id,
                 role=CommitteeRoleKind.OBSERVER) == 1
    assert statuses.count(302) >= 1 and not _clean(statuses), statuses


@pytest.mark.parametrize("message, status", [("UNIQUE constraint failed: membership.committee_id", 409),
                                             ("NOT NULL constraint failed: membership.status", 500)])
def test_a_unique_violation_is_a_409_other_integrity_errors_a_500(app, message, status):
    """portal/errors.handle_integrity: the loser of a race is told; a broken row is a bug (500, logged)."""
    import sqlite3

    from sqlalchemy.exc import IntegrityError

    from portal.errors import handle_integrity

    with app.test_request_context("/committees/access-legal/join", method="POST"):
        response = handle_integrity(IntegrityError("INSERT ...", {}, sqlite3.IntegrityError(message)))
    assert response.status_code == status
