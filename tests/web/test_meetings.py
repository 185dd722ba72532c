"""Meeting pages: the committee's list, creating and editing, the workflow steps, RSVPs, attendance, .ics."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from committees.db import db, utcnow
from committees.models import AuditEntry, Invitation, Meeting, MeetingState, OutboxMessage, RsvpResponse
from committees.services import meetings as svc
from committees.workflow import MEETING_TRANSITIONS, available
from tests.conftest import ROLES
from tests import factories as f
from tests.queries import count_queries as counting

MANAGERS = ("cochair", "coordinator", "admin")
RECORDERS = ("secretary", "cochair", "coordinator", "admin")
MEMBERS = ("observer", "representative", "secretary", "cochair")


def client_for(role, world, client, login_as):
    person = world.person(role)
    return client if person is None else login_as(person)


def days(n: int, hour: int = 10) -> datetime:
    """A naive wall-clock time n days from today (read in the meeting's zone by the services)."""
    return datetime.now().replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(days=n)


def make_meeting(world, state: str = "draft", committee=None, title: str = "Monthly meeting", start_days: int = 7,
                 **kw) -> Meeting:
    """A meeting in the given state, through the services, committed."""
    committee = committee or world.committee
    chair = world.cochair if committee is world.committee else world.coordinator
    values = dict(title=title, format="in_person", venue="City Hall, room 3")
    values.update(kw)
    if state == "poll":
        meeting = svc.create_meeting(chair, committee, **values)
        svc.open_poll(chair, meeting, [(days(start_days), days(start_days, 12)),
                                       (days(start_days + 1), days(start_days + 1, 12)),
                                       (days(start_days + 2), days(start_days + 2, 12))])
    else:
        meeting = svc.create_meeting(chair, committee, starts_at=days(start_days), ends_at=days(start_days, 12),
                                     **values)
    if state in ("scheduled", "held", "minuted", "cancelled"):
        svc.schedule_meeting(chair, meeting)
    if state == "cancelled":
        svc.cancel_meeting(chair, meeting, "No room")
    if state in ("held", "minuted"):
        svc.transition_meeting(chair, meeting, "mark_held")
    if state == "minuted":
        svc.transition_meeting(chair, meeting, "mark_minuted")
    db.session.commit()
    return meeting


def reload(meeting: Meeting) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, meeting.id)


def audit(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def outbox(kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def is_login(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


NEW = {"title": "Planning meeting", "description": "About **housing**", "format": "in_person",
       "venue": "City Hall", "online_url": "", "timezone": "Europe/Athens", "time_mode": "fixed",
       "day": "2030-03-05", "starts_at": "10:00", "ends_at": "12:00", "submit": "1"}


# -- the committee's meetings ----------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_list_meetings_by_role(client, world, login_as, role):
    scheduled = make_meeting(world, "scheduled", title="Scheduled one")
    make_meeting(world, "draft", title="Draft one")
    make_meeting(world, "poll", title="Poll one")
    c = client_for(role, world, client, login_as)
    response = c.get("/committees/access-legal/meetings")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Scheduled one" in page and f"/meetings/{scheduled.id}" in page
    assert ("Draft one" in page) is (role in RECORDERS)
    assert ("Poll one" in page) is (role in RECORDERS + ("observer", "representative"))
    assert ("New meeting" in page) is (role in MANAGERS)
    assert ("Meeting rhythm" in page) is (role in MANAGERS)
    assert ("Attendance over the last 12 months" in page) is (role != "public")


@pytest.mark.parametrize("role", ROLES)
def test_list_meetings_of_a_private_committee(client, world, login_as, role):
    make_meeting(world, "scheduled", committee=world.other_committee, title="Private business")
    response = client_for(role, world, client, login_as).get("/committees/health/meetings")
    if role == "public":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    # a signed-in person outside the committee sees the committee, not its meetings
    assert ("Private business" in response.get_data(as_text=True)) is (role in ("coordinator", "admin"))


def test_list_upcoming_and_past_are_paginated(client, world, login_as):
    for n in range(3):
        make_meeting(world, "scheduled", title=f"Future {n}", start_days=10 + n)
    past = make_meeting(world, "draft", title="Old one", start_days=-20)
    c = login_as(world.cochair)
    page = c.get("/committees/access-legal/meetings?per_page=2").get_data(as_text=True)
    assert "Future 0" in page and "Future 1" in page and "Future 2" not in page and "Old one" not in page
    assert "Page 1 of 2" in page
    page = c.get("/committees/access-legal/meetings?per_page=2&page=2").get_data(as_text=True)
    assert "Future 2" in page and "Future 0" not in page
    page = c.get("/committees/access-legal/meetings?when=past").get_data(as_text=True)
    assert "Old one" in page and f"/meetings/{past.id}" in page and "Future 0" not in page
    for bad in ("page=0", "page=x", "per_page=-1", "when=later", "view=year", "view=month&month=2027-13",
                "view=month&month=march"):
        assert c.get(f"/committees/access-legal/meetings?{bad}").status_code == 400, bad
    assert c.get("/committees/access-legal/meetings?per_page=100000").status_code == 200  # clamped


def test_list_meetings_queries_do_not_grow_with_rows(client, world, login_as, app):
    c = login_as(world.cochair)

    def count_queries() -> int:
        with counting() as statements:
            assert c.get("/committees/access-legal/meetings").status_code == 200
        return len(statements)

    make_meeting(world, "scheduled", title="One")
    one = count_queries()
    # Issue 9: the committee, the session (with the person's roles), the count and page of meetings, the rhythm
    # and the member organisations' attendance rates (one statement).
    assert one <= 6, one
    for n in range(6):
        make_meeting(world, "scheduled", title=f"More {n}", start_days=8 + n)
        f.make_membership(world.committee, f.make_org())
    db.session.commit()
    assert count_queries() == one


def test_month_view_places_meetings_on_their_day_in_the_readers_zone(client, world, login_as):
    meeting = svc.create_meeting(world.cochair, world.committee, title="March meeting", venue="Hall",
                                 starts_at=datetime(2027, 3, 9, 10, 0), ends_at=datetime(2027, 3, 9, 12, 0))
    svc.create_meeting(world.cochair, world.committee, title="April meeting", venue="Hall",
                       starts_at=datetime(2027, 4, 13, 10, 0), ends_at=datetime(2027, 4, 13, 12, 0))
    db.session.commit()
    page = login_as(world.cochair).get("/committees/access-legal/meetings?view=month&month=2027-03").get_data(
        as_text=True)
    assert "March 2027" in page and "<table" in page and '<th scope="col">Monday</th>' in page
    cell = page.split(f"/meetings/{meeting.id}")[0].rsplit("<td", 1)[1]
    assert '<span class="d-block small">9</span>' in cell
    assert "10:00 March meeting" in page and "April meeting" not in page
    assert "month=2027-02" in page and "month=2027-04" in page


# -- creating and editing --------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_new_meeting_form_by_role(client, world, login_as, role):
    response = client_for(role, world, client, login_as).get("/committees/access-legal/meetings/new")
    if role == "public":
        assert is_login(response)
    else:
        assert response.status_code == (200 if role in MANAGERS else 403)


def test_new_meeting_for_a_committee_one_cannot_see_is_404(client, world, login_as):
    assert client.get("/committees/health/meetings/new").status_code == 404
    assert login_as(world.cochair).get("/committees/health/meetings/new").status_code == 403
    assert login_as(world.cochair).post_form("/committees/health/meetings/new", NEW).status_code == 403
    assert login_as(world.cochair).get("/committees/nowhere/meetings/new").status_code == 404


def test_create_meeting_with_a_fixed_time_in_the_chosen_zone(client, world, login_as):
    c = login_as(world.cochair)
    response = c.post_form("/committees/access-legal/meetings/new", dict(NEW, timezone="Europe/London"))
    assert response.status_code == 302
    meeting = db.session.scalars(select(Meeting)).one()
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert meeting.state == MeetingState.DRAFT and meeting.timezone == "Europe/London"
    assert meeting.starts_at == datetime(2030, 3, 5, 10, 0, tzinfo=timezone.utc)  # London is UTC in March
    assert "<strong>housing</strong>" in meeting.description_html
    assert len(audit("meeting.create")) == 1
    page = c.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "12:00" in page  # shown in the reader's zone (Athens, UTC+2)


def test_create_meeting_refused_without_csrf(client, world, login_as):
    c = login_as(world.cochair)
    data = dict(NEW)
    assert c.post("/committees/access-legal/meetings/new", data=data).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


@pytest.mark.parametrize("change, field_error", [
    ({"title": ""}, "This field is required."),
    ({"ends_at": "09:00"}, "The meeting must end after it starts."),
    ({"day": ""}, "Give the date."),
    ({"day": "not-a-date"}, "Not a valid date value."),
    ({"online_url": "javascript:alert(1)"}, "An online link starts with https://."),
    ({"timezone": "Mars/Olympus"}, "Not a valid choice"),
])
def test_create_meeting_validation_keeps_input(client, world, login_as, change, field_error):
    c = login_as(world.cochair)
    data = dict(NEW, venue="Kept venue \"'><b>", **change)
    response = c.post_form("/committees/access-legal/meetings/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_error.split(" starts")[0] in page
    assert "Kept venue &#34;&#39;&gt;&lt;b&gt;" in page  # kept, and escaped
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_online_meeting_needs_a_link_to_be_scheduled(client, world, login_as):
    c = login_as(world.cochair)
    assert c.post_form("/committees/access-legal/meetings/new",
                       dict(NEW, format="online", venue="")).status_code == 302
    meeting = db.session.scalars(select(Meeting)).one()
    response = c.post_form(f"/meetings/{meeting.id}/steps/schedule")
    assert response.status_code == 400
    assert "An online or hybrid meeting needs an online link." in response.get_data(as_text=True)
    assert reload(meeting).state == MeetingState.DRAFT and not outbox("meeting_invitation")


def test_edit_meeting_prefills_and_saves(client, world, login_as):
    meeting = make_meeting(world, "draft")
    c = login_as(world.cochair)
    page = c.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="Monthly meeting"' in page and 'value="10:00"' in page and "Save as draft" in page
    response = c.post_form(f"/meetings/{meeting.id}/edit", dict(NEW, title="Renamed", starts_at="11:00",
                                                                ends_at="13:00"))
    assert response.status_code == 302
    meeting = reload(meeting)
    assert meeting.title == "Renamed" and meeting.starts_at == datetime(2030, 3, 5, 9, 0, tzinfo=timezone.utc)
    assert audit("meeting.update") and audit("meeting.plan_time")


def test_edit_a_scheduled_meeting_keeps_its_time(client, world, login_as):
    meeting = make_meeting(world, "scheduled")
    start = meeting.starts_at
    c = login_as(world.cochair)
    page = c.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert "reschedule it from the meeting page" in page and 'name="day"' not in page
    response = c.post_form(f"/meetings/{meeting.id}/edit", dict(NEW, venue="Another room", day="2031-01-01"))
    assert response.status_code == 302
    meeting = reload(meeting)
    assert meeting.venue == "Another room" and meeting.starts_at == start
    assert len(outbox("meeting_updated")) == 6  # a changed venue is an update for everyone invited


@pytest.mark.parametrize("role", ROLES)
def test_edit_meeting_by_role(client, world, login_as, role):
    meeting = make_meeting(world, "scheduled")
    response = client_for(role, world, client, login_as).get(f"/meetings/{meeting.id}/edit")
    if role == "public":
        assert is_login(response)
    else:
        assert response.status_code == (200 if role in MANAGERS else 403)


def test_edit_of_a_cancelled_meeting_is_a_conflict(client, world, login_as):
    meeting = make_meeting(world, "cancelled")
    c = login_as(world.cochair)
    assert "Edit" not in c.get(f"/meetings/{meeting.id}").get_data(as_text=True).split("<h1")[1].split("</div>")[0]
    response = c.post_form(f"/meetings/{meeting.id}/edit", dict(NEW, title="Too late"))
    assert response.status_code == 409
    assert "This meeting can no longer be changed." in response.get_data(as_text=True)
    assert reload(meeting).title == "Monthly meeting"


# -- the meeting page and its steps ----------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["draft", "poll", "scheduled", "held", "cancelled"])
def test_meeting_page_by_role_and_state(client, world, login_as, role, state):
    meeting = make_meeting(world, state)
    c = client_for(role, world, client, login_as)
    response = c.get(f"/meetings/{meeting.id}")
    sees = (role in RECORDERS or (state == "poll" and role in MEMBERS)
            or state in ("scheduled", "held", "cancelled"))
    if not sees:
        assert is_login(response) if role == "public" else response.status_code == 404
        return
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    person = world.person(role)
    from committees.policy import can

    expected = {t.name for t in available(MEETING_TRANSITIONS, meeting.state) if can(person, t.action, meeting)
                and not (t.name == "schedule" and meeting.starts_at is None)}
    shown = {name for name in MEETING_TRANSITIONS if f"/steps/{name}" in page}
    assert shown == expected


@pytest.mark.parametrize("role", ROLES)
def test_meeting_of_another_committee_is_hidden(client, world, login_as, role):
    meeting = make_meeting(world, "scheduled", committee=world.other_committee)
    c = client_for(role, world, client, login_as)
    urls = [f"/meetings/{meeting.id}", f"/meetings/{meeting.id}.ics", f"/meetings/{meeting.id}/edit",
            f"/meetings/{meeting.id}/attendance"]
    for url in urls:
        response = c.get(url)
        if role == "public":
            assert is_login(response), url
        elif role in ("coordinator", "admin"):
            assert response.status_code in (200, 409), url
        else:
            assert response.status_code == 404, url
    if role not in ("public", "coordinator", "admin"):
        for url in (f"/meetings/{meeting.id}/rsvp", f"/meetings/{meeting.id}/steps/cancel",
                    f"/meetings/{meeting.id}/poll", f"/meetings/{meeting.id}/poll/pick"):
            assert c.post_form(url, {"response": "attending", "cancel-reason": "x", "slot_id": "1"}
                               ).status_code == 404, url


def test_schedule_invites_everyone(client, world, login_as):
    meeting = make_meeting(world, "draft")
    c = login_as(world.cochair)
    response = c.post_form(f"/meetings/{meeting.id}/steps/schedule")
    assert response.status_code == 302
    assert reload(meeting).state == MeetingState.SCHEDULED
    mails = outbox("meeting_invitation")
    assert len(mails) == 6
    assert Calendar.from_ical(mails[0].attachment)["method"] == "REQUEST"
    assert audit("meeting.schedule")
    assert "Done: Schedule and invite." in c.get(f"/meetings/{meeting.id}").get_data(as_text=True)


@pytest.mark.parametrize("name", list(MEETING_TRANSITIONS))
def test_every_step_needs_a_csrf_token(client, world, login_as, name):
    meeting = make_meeting(world, "scheduled")
    response = login_as(world.cochair).post(f"/meetings/{meeting.id}/steps/{name}",
                                            data={"cancel-reason": "x", "reschedule-day": "2030-01-01"})
    assert response.status_code == 400
    assert reload(meeting).state == MeetingState.SCHEDULED


@pytest.mark.parametrize("role", ROLES)
def test_steps_by_role(client, world, login_as, role):
    meeting = make_meeting(world, "scheduled")
    response = client_for(role, world, client, login_as).post_form(f"/meetings/{meeting.id}/steps/mark_held")
    if role == "public":
        assert is_login(response)
    else:
        assert response.status_code == (302 if role in RECORDERS else 403)
    assert (reload(meeting).state == MeetingState.HELD) is (role in RECORDERS)


@pytest.mark.parametrize("state, name", [("draft", "mark_minuted"), ("draft", "mark_held"),
                                         ("draft", "reschedule"), ("cancelled", "schedule"),
                                         ("held", "cancel"), ("scheduled", "open_poll")])
def test_step_from_the_wrong_state_is_a_clear_conflict(client, world, login_as, state, name):
    meeting = make_meeting(world, state)
    data = {"cancel-reason": "Because", "reschedule-day": "2031-01-01", "reschedule-starts_at": "10:00",
            "reschedule-ends_at": "11:00"}
    response = login_as(world.coordinator).post_form(f"/meetings/{meeting.id}/steps/{name}", data)
    assert response.status_code == 409
    assert "That step is not possible in the current state." in response.get_data(as_text=True)
    assert reload(meeting).state.value == state


def test_unknown_step_is_404(client, world, login_as):
    meeting = make_meeting(world, "draft")
    assert login_as(world.cochair).post_form(f"/meetings/{meeting.id}/steps/delete").status_code == 404
    assert login_as(world.cochair).get(f"/meetings/{meeting.id}/steps/schedule").status_code == 405


def test_reschedule_with_a_reason(client, world, login_as):
    meeting = make_meeting(world, "scheduled")
    c = login_as(world.cochair)
    response = c.post_form(f"/meetings/{meeting.id}/steps/reschedule", {
        "reschedule-day": "2031-06-02", "reschedule-starts_at": "09:30", "reschedule-ends_at": "11:00",
        "reschedule-reason": "The hall is closed"})
    assert response.status_code == 302
    meeting = reload(meeting)
    assert meeting.starts_at == datetime(2031, 6, 2, 6, 30, tzinfo=timezone.utc) and meeting.sequence == 1
    updates = outbox("meeting_rescheduled")
    assert len(updates) == 6
    assert int(Calendar.from_ical(updates[0].attachment).walk("VEVENT")[0]["sequence"]) == 1
    assert audit("meeting.reschedule")[0].details.get("reason") == "The hall is closed"


def test_reschedule_errors_keep_input(client, world, login_as):
    meeting = make_meeting(world, "scheduled")
    response = login_as(world.cochair).post_form(f"/meetings/{meeting.id}/steps/reschedule", {
        "reschedule-day": "2031-06-02", "reschedule-starts_at": "11:00", "reschedule-ends_at": "10:00",
        "reschedule-reason": "Kept reason"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The meeting must end after it starts." in page and "Kept reason" in page
    assert 'value="2031-06-02"' in page and "<details class=\"w-100 border rounded p-2\" open>" in page
    assert reload(meeting).sequence == 0


def test_cancel_needs_a_reason_and_tells_everyone(client, world, login_as):
    meeting = make_meeting(world, "scheduled")
    c = login_as(world.cochair)
    response = c.post_form(f"/meetings/{meeting.id}/steps/cancel", {"cancel-reason": "  "})
    assert response.status_code == 400
    assert reload(meeting).state == MeetingState.SCHEDULED
    response = c.post_form(f"/meetings/{meeting.id}/steps/cancel", {"cancel-reason": "Transport strike <b>"})
    assert response.status_code == 302
    assert reload(meeting).state == MeetingState.CANCELLED
    cancels = outbox("meeting_cancelled")
    assert len(cancels) == 6 and Calendar.from_ical(cancels[0].attachment)["method"] == "CANCEL"
    page = login_as(world.representative).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Transport strike &lt;b&gt;" in page and "/steps/" not in page


# -- RSVPs -----------------------------------------------------------------------------------------

def test_rsvp_counts_organisations_and_interpretation(client, world, login_as):
    meeting = make_meeting(world, "scheduled")
    rep = login_as(world.representative)
    assert "Will you attend?" in rep.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert rep.post_form(f"/meetings/{meeting.id}/rsvp", {"response": "attending",
                                                          "interpretation": "ar"}).status_code == 302
    assert login_as(world.alternate).post_form(f"/meetings/{meeting.id}/rsvp",
                                               {"response": "maybe", "interpretation": "fa"}).status_code == 302
    assert login_as(world.secretary).post_form(f"/meetings/{meeting.id}/rsvp",
                                               {"response": "not_attending"}).status_code == 302
    page = login_as(world.cochair).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    counts = page.split('class="list-inline rsvp-counts"')[1].split("</ul>")[0]
    assert "Attending: <strong>1</strong>" in counts and "Maybe: <strong>1</strong>" in counts
    assert "Not attending: <strong>1</strong>" in counts and "No answer yet: <strong>3</strong>" in counts
    coming = page.split('class="orgs-coming"')[1].split("</ul>")[0]
    missing = page.split('class="orgs-missing"')[1].split("</ul>")[0]
    assert "Solidarity Now Athens" in coming and "Athens Social Services Directorate" in missing
    assert "nobody coming" in missing
    interpretation = page.split('class="interpretation"')[1].split("</ul>")[0]
    assert "Arabic: 1 person" in interpretation and "Farsi: 1 person" in interpretation
    # the answer is shown back, and can be changed
    page = rep.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "You answered: Attending." in page and '<option selected value="ar">' in page
    assert rep.post_form(f"/meetings/{meeting.id}/rsvp", {"response": "not_attending"}).status_code == 302
    rows = db.session.scalars(select(Invitation).where(Invitation.person_id == world.representative.id)).all()
    assert len(rows) == 1 and rows[0].response == RsvpResponse.NOT_ATTENDING
    assert len(audit("meeting.rsvp")) == 4


def test_rsvp_details_are_for_organisers(client, world, login_as):
    meeting = make_meeting(world, "scheduled")
    page = login_as(world.observer).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "rsvp-counts" in page and "orgs-missing" not in page and "Interpretation needed" not in page
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)  # public committee
    assert "rsvp-counts" not in page and "Will you attend?" not in page


@pytest.mark.parametrize("role", ROLES)
def test_rsvp_by_role(client, world, login_as, role):
    meeting = make_meeting(world, "scheduled")
    response = client_for(role, world, client, login_as).post_form(f"/meetings/{meeting.id}/rsvp",
                                                                  {"response": "attending"})
    if role == "public":
        assert is_login(response)
    elif role in MEMBERS:
        assert response.status_code == 302
    else:
        assert response.status_code == 403


def test_rsvp_validation_and_csrf(client, world, login_as):
    meeting = make_meeting(world, "scheduled")
    rep = login_as(world.representative)
    assert rep.post(f"/meetings/{meeting.id}/rsvp", data={"response": "attending"}).status_code == 400
    response = rep.post_form(f"/meetings/{meeting.id}/rsvp", {"response": "perhaps", "interpretation": "ar"})
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    assert not db.session.scalars(select(Invitation).where(Invitation.response.is_not(None))).all()


def test_rsvp_to_a_held_meeting_is_a_conflict(client, world, login_as):
    meeting = make_meeting(world, "held")
    response = login_as(world.representative).post_form(f"/meetings/{meeting.id}/rsvp", {"response": "attending"})
    assert response.status_code == 409 and "Answers are closed for this meeting." in response.get_data(as_text=True)


# -- attendance and quorum -------------------------------------------------------------------------

def past_meeting(world) -> Meeting:
    meeting = make_meeting(world, "scheduled", start_days=-1)
    return meeting


@pytest.mark.parametrize("role", ROLES)
def test_attendance_page_by_role(client, world, login_as, role):
    meeting = past_meeting(world)
    response = client_for(role, world, client, login_as).get(f"/meetings/{meeting.id}/attendance")
    if role == "public":
        assert is_login(response)
    else:
        assert response.status_code == (200 if role in RECORDERS else 403)


def test_attendance_starts_from_rsvps_and_shows_quorum(client, world, login_as):
    meeting = make_meeting(world, "scheduled", start_days=1)
    svc.rsvp(world.representative, meeting, RsvpResponse.ATTENDING)
    svc.rsvp(world.alternate, meeting, RsvpResponse.NOT_ATTENDING)
    meeting.starts_at, meeting.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
    db.session.commit()
    c = login_as(world.secretary)
    page = c.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert f'value="{world.representative.id}" id="present-{world.representative.id}" checked' in page
    assert f'value="{world.alternate.id}" id="present-{world.alternate.id}">' in page
    assert page.index("Athens Social Services Directorate") < page.index("Solidarity Now Athens")  # by organisation
    response = c.post_form(f"/meetings/{meeting.id}/attendance", {"present": [str(world.representative.id)]})
    assert response.status_code == 302
    assert reload(meeting).state == MeetingState.HELD
    page = c.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Quorum not reached: 1 of 2 member organisations represented (2 needed)." in page
    assert "1 person attended" in page and "Rita Rep (Solidarity Now Athens)" in page
    response = c.post_form(f"/meetings/{meeting.id}/attendance",
                           {"present": [str(world.representative.id), str(world.secretary.id)]})
    assert response.status_code == 302
    page = c.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Quorum reached: 2 of 2 member organisations represented (2 needed)." in page
    page = c.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True)  # now from the record
    assert f'id="present-{world.secretary.id}" checked' in page
    assert len(audit("meeting.attendance")) == 2


def test_attendance_refuses_outsiders_and_future_meetings(client, world, login_as):
    meeting = past_meeting(world)
    c = login_as(world.secretary)
    response = c.post_form(f"/meetings/{meeting.id}/attendance", {"present": [str(world.non_member.id)]})
    assert response.status_code == 400
    assert "Only invited people can be marked present." in response.get_data(as_text=True)
    assert c.post_form(f"/meetings/{meeting.id}/attendance", {"present": ["x"]}).status_code == 400
    assert c.post(f"/meetings/{meeting.id}/attendance",
                  data={"present": [str(world.representative.id)]}).status_code == 400  # no CSRF token
    future = make_meeting(world, "scheduled", start_days=3)
    response = c.post_form(f"/meetings/{future.id}/attendance", {"present": [str(world.representative.id)]})
    assert response.status_code == 409 and "The meeting has not started yet." in response.get_data(as_text=True)
    assert reload(meeting).attendance_recorded_at is None


# -- .ics download ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_meeting_ics_download(client, world, login_as, role):
    meeting = make_meeting(world, "scheduled")
    response = client_for(role, world, client, login_as).get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200  # a public committee's scheduled meeting
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert str(event["uid"]) == meeting.uid
    assert event.decoded("dtstart") == meeting.starts_at
    assert str(event["url"]) == f"http://portal.test/meetings/{meeting.id}"


def test_ics_of_a_draft_is_hidden_and_of_an_undated_meeting_missing(client, world, login_as):
    draft = make_meeting(world, "draft")
    assert login_as(world.representative).get(f"/meetings/{draft.id}.ics").status_code == 404
    undated = svc.create_meeting(world.cochair, world.committee, title="Undated", venue="Hall")
    db.session.commit()
    assert login_as(world.cochair).get(f"/meetings/{undated.id}.ics").status_code == 404


def test_committee_page_links_to_its_meetings(client, world, login_as):
    page = client.get("/committees/access-legal").get_data(as_text=True)
    assert 'href="/committees/access-legal/meetings"' in page
    page = login_as(world.representative).get("/").get_data(as_text=True)
    assert 'href="/calendar/subscription"' in page
