"""Calendars on the web: feeds (personal, public), the subscription page, home's upcoming meetings,
rhythms proposing dates, attendance rates, and Europe/Athens wall-clock times across daylight saving."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from committees import queries
from committees.db import db
from committees.models import MeetingRhythm
from committees.services import calendars
from committees.services import meetings as svc
from tests.conftest import ROLES
from tests.web.test_meetings import MANAGERS, audit, client_for, is_login, make_meeting

FEED_RE = re.compile(r'value="(http://portal\.test/calendar/[^"]+\.ics)"')


def events(response) -> list:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data).walk("VEVENT")


# -- the personal feed -----------------------------------------------------------------------------

def test_subscription_page_needs_signing_in(client, world):
    assert is_login(client.get("/calendar/subscription"))
    assert is_login(client.post_form("/calendar/subscription"))


def test_feed_url_is_shown_once_and_lists_the_persons_meetings(client, world, login_as):
    mine = make_meeting(world, "scheduled", title="Ours")
    make_meeting(world, "scheduled", committee=world.other_committee, title="Not ours")
    make_meeting(world, "draft", title="Draft")
    c = login_as(world.representative)
    page = c.get("/calendar/subscription").get_data(as_text=True)
    assert "Create my feed address" in page and not FEED_RE.search(page)
    page = c.post_form("/calendar/subscription").get_data(as_text=True)
    url = FEED_RE.search(page).group(1)  # PORTAL_BASE_URL, not the request's host
    page = c.get("/calendar/subscription").get_data(as_text=True)
    assert not FEED_RE.search(page) and "Make a new feed address" in page  # shown only once
    feed = client.get(url.removeprefix("http://portal.test"))  # no session needed: the token is the key
    assert "attachment" not in feed.headers.get("Content-Disposition", "")
    found = events(feed)
    assert [str(e["uid"]) for e in found] == [mine.uid]
    assert str(found[0]["summary"]) == "Access and Legal Rights: Ours"
    assert audit("calendar.token_reset")


def test_reset_feed_url_stops_the_old_one(client, world, login_as):
    c = login_as(world.representative)
    first = FEED_RE.search(c.post_form("/calendar/subscription").get_data(as_text=True)).group(1)
    second = FEED_RE.search(c.post_form("/calendar/subscription").get_data(as_text=True)).group(1)
    assert first != second
    assert client.get(first.removeprefix("http://portal.test")).status_code == 404
    assert client.get(second.removeprefix("http://portal.test")).status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_subscription_reset_needs_csrf(client, world, login_as):
    c = login_as(world.representative)
    assert c.post("/calendar/subscription").status_code == 400
    assert not audit("calendar.token_reset")


def test_feed_of_a_deactivated_person_is_gone(client, world, login_as):
    token = calendars.reset_feed_token(world.representative)
    world.representative.active = False
    db.session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


# -- the public feed -------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_public_committee_feed(client, world, login_as, role):
    scheduled = make_meeting(world, "scheduled", title="Open meeting")
    cancelled = make_meeting(world, "cancelled", title="Called off")
    make_meeting(world, "draft", title="Secret draft")
    make_meeting(world, "poll", title="Secret poll")
    found = events(client_for(role, world, client, login_as).get("/committees/access-legal/calendar.ics"))
    by_uid = {str(e["uid"]): e for e in found}
    assert set(by_uid) == {scheduled.uid, cancelled.uid}
    assert str(by_uid[cancelled.uid]["status"]) == "CANCELLED"
    assert str(by_uid[scheduled.uid]["url"]) == f"http://portal.test/meetings/{scheduled.id}"


@pytest.mark.parametrize("role", ROLES)
def test_private_committee_has_no_public_feed(client, world, login_as, role):
    make_meeting(world, "scheduled", committee=world.other_committee)
    c = client_for(role, world, client, login_as)
    assert c.get("/committees/health/calendar.ics").status_code == 404
    assert c.get("/committees/nowhere/calendar.ics").status_code == 404


def test_feeds_keep_athens_wall_clock_time_across_daylight_saving(client, world):
    # Europe/Athens leaves summer time on 31 October 2027
    for day in (28, 4):
        month = 10 if day == 28 else 11
        meeting = svc.create_meeting(world.cochair, world.committee, title=f"On {day}", venue="Hall",
                                     starts_at=datetime(2027, month, day, 10, 0),
                                     ends_at=datetime(2027, month, day, 12, 0))
        svc.schedule_meeting(world.cochair, meeting)
    token = calendars.reset_feed_token(world.representative)
    db.session.commit()
    for response in (client.get("/committees/access-legal/calendar.ics"), client.get(f"/calendar/{token}.ics")):
        cal = Calendar.from_ical(response.data)
        assert [str(z["tzid"]) for z in cal.walk("VTIMEZONE")] == ["Europe/Athens"]
        starts = sorted(e.decoded("dtstart") for e in cal.walk("VEVENT"))
        assert [(s.hour, s.minute) for s in starts] == [(10, 0), (10, 0)]
        assert [s.utcoffset() for s in starts] == [timedelta(hours=3), timedelta(hours=2)]


# -- home: my upcoming meetings --------------------------------------------------------------------

def test_home_lists_the_next_five_scheduled_meetings(client, world, login_as):
    for n in range(6):
        make_meeting(world, "scheduled", title=f"Session {n}", start_days=3 + n)
    make_meeting(world, "draft", title="Unscheduled")
    make_meeting(world, "scheduled", committee=world.other_committee, title="Elsewhere")
    page = login_as(world.representative).get("/").get_data(as_text=True)
    section = page.split('class="mb-4 my-meetings"')[1].split("</section>")[0]
    assert [f"Session {n}" in section for n in range(6)] == [True] * 5 + [False]
    assert "Unscheduled" not in section and "Elsewhere" not in section
    assert section.index("Session 0") < section.index("Session 4")
    page = login_as(world.non_member).get("/").get_data(as_text=True)
    assert "No meetings scheduled." in page
    assert "my-meetings" not in client.get("/").get_data(as_text=True)


# -- rhythm ----------------------------------------------------------------------------------------

RHYTHM = {"weekday": "1", "week_of_month": "2", "every_months": "1", "start_time": "10:00",
          "duration_minutes": "120", "timezone": "Europe/Athens", "starts_on": ""}


@pytest.mark.parametrize("role", ROLES)
def test_set_rhythm_by_role(client, world, login_as, role):
    response = client_for(role, world, client, login_as).post_form("/committees/access-legal/meetings/rhythm",
                                                                  RHYTHM)
    if role == "public":
        assert is_login(response)
    else:
        assert response.status_code == (302 if role in MANAGERS else 403)
    assert (db.session.scalar(select(MeetingRhythm.id)) is not None) is (role in MANAGERS)


def test_rhythm_proposes_next_dates_as_prefilled_new_meetings(client, world, login_as):
    c = login_as(world.cochair)
    assert c.post_form("/committees/access-legal/meetings/rhythm", RHYTHM).status_code == 302
    assert audit("committee.rhythm")
    page = c.get("/committees/access-legal/meetings").get_data(as_text=True)
    links = re.findall(r'href="(/committees/access-legal/meetings/new\?[^"]+)"', page)
    assert len(links) == 3
    rhythm = db.session.scalars(select(MeetingRhythm)).one()
    first = calendars.next_dates(rhythm, 1)[0][0]
    assert first.astimezone(ZoneInfo("Europe/Athens")).weekday() == 1
    prefilled = c.get(links[0].replace("&amp;", "&")).get_data(as_text=True)
    assert 'value="10:00"' in prefilled and 'value="12:00"' in prefilled and 'checked' in prefilled
    assert "Second" in page and 'value="10:00"' in page  # the form shows the saved rhythm


def test_rhythm_errors_keep_input(client, world, login_as):
    c = login_as(world.cochair)
    response = c.post_form("/committees/access-legal/meetings/rhythm", dict(RHYTHM, duration_minutes="5",
                                                                            start_time="09:45"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Number must be between 15 and 600." in page
    assert 'value="09:45"' in page
    assert c.post("/committees/access-legal/meetings/rhythm", data=RHYTHM).status_code == 400  # no CSRF token
    assert db.session.scalar(select(MeetingRhythm.id)) is None


def test_rhythm_of_a_committee_one_cannot_see(client, world, login_as):
    assert client.post_form("/committees/health/meetings/rhythm", RHYTHM).status_code == 404
    assert login_as(world.cochair).post_form("/committees/health/meetings/rhythm", RHYTHM).status_code == 403


# -- attendance rates ------------------------------------------------------------------------------

def test_attendance_rates_per_organisation_over_twelve_months(client, world, login_as):
    def held(days_ago: int, present: set[int]):
        meeting = make_meeting(world, "scheduled", start_days=-days_ago, title=f"Held {days_ago}")
        svc.record_attendance(world.secretary, meeting, present)
        db.session.commit()

    held(10, {world.representative.id, world.secretary.id})
    held(40, {world.representative.id})
    held(400, {world.secretary.id})  # older than a year: not counted
    rates = {r.organisation.name: (r.attended, r.meetings, r.percent)
             for r in queries.attendance_rates(world.committee)}
    assert rates == {"Solidarity Now Athens": (2, 2, 100), "Athens Social Services Directorate": (1, 2, 50)}
    page = login_as(world.representative).get("/committees/access-legal/meetings").get_data(as_text=True)
    table = page.split("attendance-rates")[1].split("</table>")[0]
    assert "Athens Social Services Directorate</th><td>1 of 2</td><td>50%" in table
    assert "Solidarity Now Athens</th><td>2 of 2</td><td>100%" in table
    # The roster brings the same figures in its page statement (RosterRow.attendance).
    roster = queries.get_roster(world.committee, with_attendance=True)
    assert {row.membership.organisation.name: (row.attendance.attended, row.attendance.meetings)
            for row in roster.members} == {"Solidarity Now Athens": (2, 2),
                                           "Athens Social Services Directorate": (1, 2)}
    roster_page = login_as(world.representative).get("/committees/access-legal/roster").get_data(as_text=True)
    assert "50% (1 of 2)" in roster_page and "100% (2 of 2)" in roster_page


def test_upcoming_meetings_query(world):
    make_meeting(world, "scheduled", title="Soon", start_days=2)
    make_meeting(world, "scheduled", title="Before", start_days=-2)
    assert [m.title for m in queries.upcoming_meetings_for(world.representative)] == ["Soon"]
    assert queries.upcoming_meetings_for(None) == []
    assert queries.upcoming_meetings_for(world.non_member) == []
