"""Deleting and restoring on the pages (issue 8): the delete buttons, what people see afterwards, the trash."""
from __future__ import annotations

from committees.db import db
from committees.models import Meeting, MeetingState, Proposal
from tests.web.routes.proposals import make_proposal


def test_an_author_deletes_a_draft_and_a_coordinator_restores_it(world, login_as):
    proposal = make_proposal(world, "draft", title="A mistaken draft")
    db.session.commit()
    author = login_as(world.representative)
    page = author.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'action="/proposals/{proposal.id}/delete"' in page
    done = author.post_form(f"/proposals/{proposal.id}/delete")
    assert done.status_code == 302 and done.headers["Location"].endswith("/committees/access-legal/proposals")
    assert author.get(f"/proposals/{proposal.id}").status_code == 404
    assert "A mistaken draft" not in author.get("/committees/access-legal/proposals").get_data(as_text=True)
    coordinator = login_as(world.coordinator)
    trash = coordinator.get("/admin/trash").get_data(as_text=True)
    assert "A mistaken draft" in trash
    shown = coordinator.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "This proposal was deleted on" in shown
    assert coordinator.post_form(f"/admin/trash/proposals/{proposal.id}/restore").status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).deleted_at is None
    assert author.get(f"/proposals/{proposal.id}").status_code == 200
    again = coordinator.post_form(f"/admin/trash/proposals/{proposal.id}/restore", follow_redirects=True)
    assert "This is not deleted." in again.get_data(as_text=True)


def test_a_cochair_deletes_a_draft_meeting_but_not_a_scheduled_one(world, login_as):
    draft = Meeting(committee=world.committee, uid="draft@test", title="Planning session", state=MeetingState.DRAFT)
    scheduled = Meeting(committee=world.committee, uid="sched@test", title="June", state=MeetingState.SCHEDULED)
    db.session.add_all([draft, scheduled])
    db.session.commit()
    chair = login_as(world.cochair)
    assert f'action="/meetings/{draft.id}/delete"' in chair.get(f"/meetings/{draft.id}").get_data(as_text=True)
    assert "/delete" not in chair.get(f"/meetings/{scheduled.id}").get_data(as_text=True)
    assert chair.post_form(f"/meetings/{scheduled.id}/delete").status_code == 403
    done = chair.post_form(f"/meetings/{draft.id}/delete")
    assert done.status_code == 302 and done.headers["Location"].endswith("/committees/access-legal/meetings")
    assert chair.get(f"/meetings/{draft.id}").status_code == 404
    restored = login_as(world.coordinator).post_form(f"/admin/trash/meetings/{draft.id}/restore")
    assert restored.status_code == 302
    assert chair.get(f"/meetings/{draft.id}").status_code == 200
