"""Time polls on the web: proposing slots, answering (and changing answers), the grid, picking a slot."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from committees.db import db, utcnow
from committees.models import Meeting, MeetingState, PollAnswer, PollSlot
from committees.services import meetings as svc
from tests.conftest import ROLES
from tests.web.test_meetings import MANAGERS, MEMBERS, NEW, audit, client_for, is_login, make_meeting, outbox, reload

POLL = dict(NEW, time_mode="poll", day="", starts_at="", ends_at="",
            **{"slot_rows-0-day": "2030-04-01", "slot_rows-0-starts_at": "10:00", "slot_rows-0-ends_at": "12:00",
               "slot_rows-1-day": "2030-04-02", "slot_rows-1-starts_at": "14:00", "slot_rows-1-ends_at": "16:00",
               "slot_rows-2-day": "", "slot_rows-2-starts_at": "", "slot_rows-2-ends_at": ""})


def slot_ids(meeting) -> list[int]:
    return [s.id for s in reload(meeting).slots]


def test_new_meeting_form_shows_five_slot_rows_and_more_on_request(client, world, login_as):
    c = login_as(world.cochair)
    page = c.get("/committees/access-legal/meetings/new").get_data(as_text=True)
    assert page.count('name="slot_rows-') == 15 and "More slots" in page
    response = c.post_form("/committees/access-legal/meetings/new", dict(POLL, more_slots="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('name="slot_rows-') == 30 and "More slots" not in page
    assert 'value="2030-04-02"' in page  # what was typed is kept
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0  # nothing saved


def test_create_a_draft_with_candidate_slots_then_open_the_poll(client, world, login_as):
    c = login_as(world.cochair)
    response = c.post_form("/committees/access-legal/meetings/new",
                           dict(POLL, poll_closes_at="2030-03-20T18:00"))
    assert response.status_code == 302
    meeting = db.session.scalars(select(Meeting)).one()
    assert meeting.state == MeetingState.DRAFT and meeting.starts_at is None and len(meeting.slots) == 2
    page = c.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "/steps/open_poll" in page and "/steps/schedule" not in page  # a poll is scheduled by a pick
    assert 'value="2030-04-01"' in c.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert c.post_form(f"/meetings/{meeting.id}/steps/open_poll").status_code == 302
    meeting = reload(meeting)
    assert meeting.state == MeetingState.POLL and len(meeting.slots) == 2
    assert meeting.poll_closes_at.hour == 16  # 18:00 in Athens (UTC+2 in March)
    assert audit("meeting.open_poll")


@pytest.mark.parametrize("rows, message", [
    ({"slot_rows-1-day": ""}, "Propose between 2 and 10 slots."),
    ({"slot_rows-1-ends_at": ""}, "Give the date, the start and the end, or leave the row empty."),
    ({"slot_rows-1-day": "2030-04-01", "slot_rows-1-starts_at": "10:00", "slot_rows-1-ends_at": "12:00"},
     "Two slots are the same."),
    ({"slot_rows-1-ends_at": "13:00"}, "The meeting must end after it starts."),
    ({"poll_closes_at": "2001-01-01T10:00"}, "The poll must close in the future."),
])
def test_slot_errors_keep_input(client, world, login_as, rows, message):
    data = dict(POLL, **rows)
    if rows.get("slot_rows-1-day") == "":
        data.update({"slot_rows-1-starts_at": "", "slot_rows-1-ends_at": ""})
    response = login_as(world.cochair).post_form("/committees/access-legal/meetings/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and 'value="Planning meeting"' in page and 'value="2030-04-01"' in page
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_switching_a_draft_from_poll_to_fixed_time_drops_the_slots(client, world, login_as):
    c = login_as(world.cochair)
    c.post_form("/committees/access-legal/meetings/new", POLL)
    meeting = db.session.scalars(select(Meeting)).one()
    assert c.post_form(f"/meetings/{meeting.id}/edit", dict(NEW)).status_code == 302
    meeting = reload(meeting)
    assert meeting.starts_at is not None and not meeting.slots
    assert db.session.scalar(select(func.count()).select_from(PollSlot)) == 0


def test_poll_journey_two_representatives_answer_and_the_cochair_picks(client, world, login_as):
    meeting = make_meeting(world, "poll")
    a, b, c = slot_ids(meeting)
    rep = login_as(world.representative)
    page = rep.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'name="slot-{a}"' in page and "Save my answers" in page and "Pick this slot" not in page
    assert rep.post_form(f"/meetings/{meeting.id}/poll",
                         {f"slot-{a}": "yes", f"slot-{b}": "no", f"slot-{c}": "maybe"}).status_code == 302
    municipal = login_as(world.cochair_municipal)
    assert municipal.post_form(f"/meetings/{meeting.id}/poll",
                               {f"slot-{a}": "no", f"slot-{b}": "yes", f"slot-{c}": "yes"}).status_code == 302
    # answers can be changed while the poll is open
    page = rep.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'id="slot-{a}-yes" value="yes" checked' in page
    assert rep.post_form(f"/meetings/{meeting.id}/poll", {f"slot-{a}": "no", f"slot-{c}": "yes"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(PollAnswer)) == 6

    chair = login_as(world.cochair)
    page = chair.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    grid = page.split('class="table table-sm table-bordered align-middle poll-people"')[1].split("</table>")[0]
    assert "Rita Rep" in grid and "Maria Municipal" in grid and "If need be" not in grid  # rep changed c to yes
    header = grid.split("</thead>")[0]
    best_cells = [cell for cell in header.split("<th ")[1:] if "best-slot" in cell]
    assert len(best_cells) == 1 and "Best" in best_cells[0]
    assert grid.split("</thead>")[0].split("<th ").index(best_cells[0]) == 4  # slot c: both organisations
    orgs = page.split("poll-organisations")[1].split("</table>")[0]
    assert "Solidarity Now Athens" in orgs and "Athens Social Services Directorate" in orgs
    assert page.count("Pick this slot") == 3

    response = chair.post_form(f"/meetings/{meeting.id}/poll/pick", {"slot_id": str(c)})
    assert response.status_code == 302
    meeting = reload(meeting)
    chosen = db.session.get(PollSlot, c)
    assert meeting.state == MeetingState.SCHEDULED and meeting.starts_at == chosen.starts_at
    assert len(outbox("meeting_invitation")) == 6
    # the poll is closed now
    response = rep.post_form(f"/meetings/{meeting.id}/poll", {f"slot-{a}": "yes"})
    assert response.status_code == 409 and "The time poll is closed." in response.get_data(as_text=True)
    assert 'name="slot-' not in rep.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_poll_closes_at_its_closing_time(client, world, login_as):
    meeting = make_meeting(world, "poll")
    meeting.poll_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    rep = login_as(world.representative)
    assert 'name="slot-' not in rep.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    response = rep.post_form(f"/meetings/{meeting.id}/poll", {f"slot-{slot_ids(meeting)[0]}": "yes"})
    assert response.status_code == 409


@pytest.mark.parametrize("role", ROLES)
def test_answer_poll_by_role(client, world, login_as, role):
    meeting = make_meeting(world, "poll")
    a = slot_ids(meeting)[0]
    response = client_for(role, world, client, login_as).post_form(f"/meetings/{meeting.id}/poll",
                                                                  {f"slot-{a}": "yes"})
    if role == "public":
        assert is_login(response)
    elif role in MEMBERS:
        assert response.status_code == 302
    elif role == "non_member":
        assert response.status_code == 404  # a poll is for the committee's members only
    else:
        assert response.status_code == 403  # coordinators without a role in the committee are not invited
    assert (db.session.scalar(select(func.count()).select_from(PollAnswer)) == 1) is (role in MEMBERS)


@pytest.mark.parametrize("role", ROLES)
def test_pick_slot_by_role(client, world, login_as, role):
    meeting = make_meeting(world, "poll")
    response = client_for(role, world, client, login_as).post_form(f"/meetings/{meeting.id}/poll/pick",
                                                                  {"slot_id": str(slot_ids(meeting)[1])})
    if role == "public":
        assert is_login(response)
    elif role == "non_member":
        assert response.status_code == 404
    else:
        assert response.status_code == (302 if role in MANAGERS else 403)
    assert (reload(meeting).state == MeetingState.SCHEDULED) is (role in MANAGERS)


def test_poll_posts_need_csrf_and_valid_values(client, world, login_as):
    meeting = make_meeting(world, "poll")
    a = slot_ids(meeting)[0]
    rep = login_as(world.representative)
    assert rep.post(f"/meetings/{meeting.id}/poll", data={f"slot-{a}": "yes"}).status_code == 400
    assert rep.post_form(f"/meetings/{meeting.id}/poll", {f"slot-{a}": "certainly"}).status_code == 400
    response = rep.post_form(f"/meetings/{meeting.id}/poll", {})
    assert response.status_code == 400 and "Answer at least one slot." in response.get_data(as_text=True)
    chair = login_as(world.cochair)
    assert chair.post(f"/meetings/{meeting.id}/poll/pick", data={"slot_id": str(a)}).status_code == 400
    assert chair.post_form(f"/meetings/{meeting.id}/poll/pick", {"slot_id": "x"}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PollAnswer)) == 0
    assert reload(meeting).state == MeetingState.POLL


def test_pick_a_slot_of_another_meeting_is_refused(client, world, login_as):
    meeting = make_meeting(world, "poll")
    other = make_meeting(world, "poll", title="Other poll")
    foreign = slot_ids(other)[0]
    response = login_as(world.cochair).post_form(f"/meetings/{meeting.id}/poll/pick", {"slot_id": str(foreign)})
    assert response.status_code == 400 and "Unknown slot." in response.get_data(as_text=True)
    assert reload(meeting).state == MeetingState.POLL


def test_pick_after_the_meeting_is_scheduled_is_a_conflict(client, world, login_as):
    meeting = make_meeting(world, "poll")
    ids = slot_ids(meeting)
    chair = login_as(world.cochair)
    assert chair.post_form(f"/meetings/{meeting.id}/poll/pick", {"slot_id": str(ids[0])}).status_code == 302
    response = chair.post_form(f"/meetings/{meeting.id}/poll/pick", {"slot_id": str(ids[1])})
    assert response.status_code == 409
    assert reload(meeting).starts_at == db.session.get(PollSlot, ids[0]).starts_at


def test_plan_time_is_for_drafts_only(world):
    meeting = make_meeting(world, "scheduled")
    from committees.errors import Conflict

    with pytest.raises(Conflict):
        svc.plan_time(world.cochair, meeting, starts_at=meeting.starts_at, ends_at=meeting.ends_at)
