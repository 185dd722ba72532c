"""Soft delete and undo (issue 8): deleting a meeting or a proposal hides it from everyone but coordinators (pages,
lists, search), a coordinator restores it as it was, and each step is audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from committees import policy, proposal_lists, search
from committees.db import db
from committees.errors import Conflict, Forbidden
from committees.models import AuditEntry, Committee, Meeting, MeetingState, Proposal
from committees.services import minutes as minutes_svc
from committees.services import trash
from committees.visibility import visible_meetings
from tests.conftest import ROLES
from tests.domain.test_minutes import _held
from tests.domain.test_proposals import file_proposal, proposal_in


def _actions(prefix: str) -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action.like(f"{prefix}.%"))
                                                 .order_by(AuditEntry.id))]


def _visible_proposal_ids(user) -> set[int]:
    return set(db.session.scalars(select(Proposal.id).join(Committee, Committee.id == Proposal.committee_id)
                                  .where(proposal_lists.visible_proposals(user))))


def test_a_deleted_proposal_is_hidden_but_from_coordinators_and_restored_as_it_was(world):
    proposal = proposal_in(world, "forwarded", title="Zebra crossings near schools")
    before = {role: policy.can(world.person(role), "proposal.view", proposal) for role in ROLES}
    trash.delete_proposal(world.coordinator, proposal)
    db.session.commit()
    for role in ROLES:
        person = world.person(role)
        allowed = role in ("coordinator", "admin")
        assert policy.can(person, "proposal.view", proposal) is allowed, role
        assert (proposal.id in _visible_proposal_ids(person)) is allowed, role  # the SQL twin agrees
        found = search.search(person, "zebra").hits
        assert bool([h for h in found if h.kind == "proposal"]) is allowed, role
    with pytest.raises(Forbidden):
        trash.restore(world.cochair, proposal)
    trash.restore(world.coordinator, proposal)
    db.session.commit()
    assert {role: policy.can(world.person(role), "proposal.view", proposal) for role in ROLES} == before
    assert _actions("proposal") [-2:] == ["proposal.delete", "proposal.restore"]


def test_authors_delete_only_their_drafts_never_submitted(world):
    draft = file_proposal(world)
    submitted = proposal_in(world, "submitted")
    with pytest.raises(Forbidden):
        trash.delete_proposal(world.representative, submitted)
    with pytest.raises(Forbidden):
        trash.delete_proposal(world.cochair, draft)  # the same organisation, not a representative
    trash.delete_proposal(world.representative, draft)
    db.session.commit()
    assert draft.id not in _visible_proposal_ids(world.representative)
    with pytest.raises(Forbidden):  # already deleted
        trash.delete_proposal(world.coordinator, draft)


def test_only_meetings_that_never_took_place_are_deleted(world):
    held = _held(world)
    minutes_svc.create_minutes(world.secretary, held)
    held.state = MeetingState.CANCELLED  # even cancelled afterwards: it has minutes
    db.session.commit()
    with pytest.raises(Conflict):
        trash.delete_meeting(world.cochair, held)
    db.session.rollback()
    draft = Meeting(committee=world.committee, uid="draft@test", title="Planning", state=MeetingState.DRAFT)
    db.session.add(draft)
    db.session.commit()
    with pytest.raises(Forbidden):
        trash.delete_meeting(world.secretary, draft)
    trash.delete_meeting(world.cochair, draft)
    db.session.commit()
    assert not policy.can(world.cochair, "meeting.view", draft)
    ids = set(db.session.scalars(select(Meeting.id).join(Committee, Committee.id == Meeting.committee_id)
                                 .where(visible_meetings(world.cochair))))
    assert draft.id not in ids and held.id in ids
    assert draft in trash.trash().meetings
    trash.restore(world.coordinator, draft)
    with pytest.raises(Conflict):
        trash.restore(world.coordinator, draft)  # not deleted any more
    assert _actions("meeting")[-2:] == ["meeting.delete", "meeting.restore"]
