"""Atomicity (security.md 26): a failure half-way through a multi-step service leaves nothing written and mails
nobody (mail is an outbox row in the same transaction, sent only after it commits).

Each case runs a service that writes several rows and mails people (minutes circulation, a proposal's steps and
co-sponsor invitation, scheduling a meeting, publishing an agenda, an action item with its first status, an
invitation to a new account, a membership decision, anonymising a person) with a Seam (tests/security_fixtures.py)
that makes the audit writer or the mail queue raise after the service's first writes — flushed, and noted, so the
failure is really half-way. After the rollback the web layer does, every table equals its state before, the outbox
included. The same call without the seam then commits and mails (the case is real). Services never commit nor
open their own connection (checked in the source). The web layer's half (views commit once, the error page rolls
back) is tests/web/test_atomicity.py; a restore failing on a row rolls back the whole restore in
tests/domain/test_backup.py.
"""
from __future__ import annotations

import ast
import pathlib
from datetime import datetime, timedelta

import pytest

from committees.db import db, utcnow
from committees.models import CommitteeRoleKind, MembershipStatus, OutboxMessage
from committees.services import actions as action_svc
from committees.services import agendas as agenda_svc
from committees.services import bodies as body_svc
from committees.services import meetings as meeting_svc
from committees.services import minutes as minutes_svc
from committees.services import people as people_svc
from committees.services import personal_data
from committees.services import proposals as proposal_svc
from tests import factories as f
from tests.security_fixtures import PROPOSAL_TEXT, Injected, Seam, snapshot

NOTHING = {"login_session"}  # nothing else may differ: the audit log is part of the transaction too


def _at(days: int, hour: int = 10) -> datetime:
    return (datetime.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _meeting(world, days: int = 7):
    return meeting_svc.create_meeting(world.cochair, world.committee, title="Monthly meeting", venue="City Hall",
                                      format="in_person", starts_at=_at(days), ends_at=_at(days, 12))


def _draft_minutes(world):
    meeting = _meeting(world, -2)
    agenda_svc.add_item(world.cochair, meeting, title="Legal aid")
    meeting.state = meeting_svc.MeetingState.HELD
    return minutes_svc.create_minutes(world.cochair, meeting)


def _municipal_rep(world):
    person = f.make_person("municipal.rep@example.org", org=world.municipal, name="Mia Municipal")
    f.give_role(person, world.committee, CommitteeRoleKind.REPRESENTATIVE, primary=True)
    return person


def _proposal(world, submitted: bool):
    proposal = proposal_svc.create_proposal(world.representative, world.committee, title="Legal desk",
                                            **PROPOSAL_TEXT)
    if submitted:
        proposal_svc.transition_proposal(world.representative, proposal, "submit")
    return proposal


def circulate(world):
    minutes = _draft_minutes(world)
    return lambda: minutes_svc.transition_minutes(world.cochair, minutes, "circulate",
                                                  comments_deadline=utcnow() + timedelta(days=7))


def submit(world):
    proposal = _proposal(world, submitted=False)
    return lambda: proposal_svc.transition_proposal(world.representative, proposal, "submit")


def start_review(world):
    proposal = _proposal(world, submitted=True)
    return lambda: proposal_svc.transition_proposal(world.cochair, proposal, "start_review")


def invite_cosponsor(world):
    _municipal_rep(world)
    proposal = _proposal(world, submitted=True)
    return lambda: proposal_svc.invite_cosponsor(world.representative, proposal, world.municipal)


def schedule(world):
    meeting = _meeting(world)
    return lambda: meeting_svc.schedule_meeting(world.cochair, meeting)


def publish_agenda(world):
    meeting = _meeting(world)
    agenda_svc.add_item(world.cochair, meeting, title="Legal aid")
    meeting_svc.schedule_meeting(world.cochair, meeting)
    return lambda: agenda_svc.publish_agenda(world.cochair, meeting)


def action_with_first_status(world):
    """As the new-action page does: create, then the initial status through the history."""
    def run():
        item = action_svc.create_action(world.cochair, world.committee, title="Write to the ministry",
                                        owner_person_id=world.representative.id)
        action_svc.post_update(world.cochair, item, "", "in_progress")

    return run


def invite_new_account(world):
    def run():
        person = people_svc.create_person(world.coordinator, email="new.member@example.org",
                                          full_name="New Member", organisation=world.ngo)
        people_svc.invite_person(world.coordinator, person, timedelta(days=7))

    return run


def approve_membership(world):
    membership = body_svc.request_membership(world.non_member, world.committee, note="Please")
    return lambda: body_svc.decide_membership(world.cochair, membership, True)


def anonymise(world):
    return lambda: personal_data.anonymise_person(world.coordinator, world.alternate,
                                                  confirm_email=world.alternate.email, reason="Left the NGO")


# (name, setup, seam, fail on call n): n > 1 lets the first calls (and their rows) through.
CASES = [
    ("circulate minutes", circulate, "mail", 2), ("circulate minutes", circulate, "audit", 1),
    ("submit a proposal", submit, "mail", 2), ("submit a proposal", submit, "audit", 1),
    ("start the review", start_review, "mail", 1),
    ("invite a co-sponsor", invite_cosponsor, "mail", 1),
    ("schedule a meeting", schedule, "mail", 3), ("schedule a meeting", schedule, "audit", 1),
    ("publish an agenda", publish_agenda, "mail", 3), ("publish an agenda", publish_agenda, "audit", 1),
    ("action item with its first status", action_with_first_status, "audit", 2),
    ("action item with its first status", action_with_first_status, "mail", 1),
    ("invite a new account", invite_new_account, "mail", 1),
    ("approve a membership", approve_membership, "audit", 1),
    ("anonymise a person", anonymise, "audit", 1),
]


@pytest.mark.parametrize("name, setup, target, fail_on", CASES,
                         ids=[f"{c[0]} ({c[2]} {c[3]})" for c in CASES])
def test_a_failure_half_way_leaves_nothing(world, monkeypatch, name, setup, target, fail_on):
    run = setup(world)
    db.session.commit()
    before = snapshot(NOTHING)
    seam = Seam(monkeypatch, target, fail_on, before, NOTHING)
    with pytest.raises(Injected):
        run()
    assert seam.written, f"{name}: nothing was written before the {target} call {fail_on}: not half-way"
    db.session.rollback()  # what the web layer does with an unexpected error
    after = snapshot(NOTHING)
    assert after == before, {t: "changed" for t in after if after[t] != before[t]}

    monkeypatch.undo()  # the same call, without the failure, commits and mails: the case is real
    mails = len(before["outbox_message"])
    run()
    db.session.commit()
    db.session.expire_all()
    written = db.session.query(OutboxMessage).count() - mails
    assert written >= (1 if target == "mail" else 0) and snapshot(NOTHING) != before


def test_the_cases_cover_the_multi_step_services():
    assert {c[2] for c in CASES} == {"audit", "mail"} and len({c[0] for c in CASES}) >= 10


def test_services_never_commit_nor_open_their_own_connection():
    """A commit (or a second connection) inside a service would make its first writes stick whatever follows."""
    root = pathlib.Path(__file__).resolve().parents[2] / "committees"
    allowed = {"backup.py": "restore runs its own transaction (one for the whole restore)",
               "demo": "the demo loader commits in batches (a command, not a request)"}
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name in allowed or any(part in allowed for part in path.relative_to(root).parts[:-1]):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "commit", "begin", "connect") and not _is_nested_begin(node):
                found.append(f"{path.relative_to(root)}:{node.lineno} .{node.func.attr}()")
    assert not found, found


def _is_nested_begin(node: ast.Call) -> bool:
    """session.begin_nested() is a savepoint inside the request's transaction: fine."""
    return node.func.attr == "begin_nested"


def test_membership_decision_really_failed_half_way(world, monkeypatch):
    """The rolled-back decision left the request as it was (its status row was written, then undone)."""
    membership = body_svc.request_membership(world.non_member, world.committee, note="Please")
    db.session.commit()
    before = snapshot(NOTHING)
    seam = Seam(monkeypatch, "audit", 1, before, NOTHING)
    with pytest.raises(Injected):
        body_svc.decide_membership(world.cochair, membership, True)
    assert seam.written == ["membership"]
    db.session.rollback()
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.REQUESTED
