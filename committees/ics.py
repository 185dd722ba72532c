"""iCalendar (RFC 5545) for meetings: invitations, updates, cancellations and feeds, via `icalendar`."""
from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from committees.db import utcnow
from committees.models.meetings import Meeting, MeetingFormat, MeetingState

PRODID = "-//Committee Portal//committees//EN"


def _location(meeting: Meeting) -> str:
    if meeting.format == MeetingFormat.ONLINE:
        return meeting.online_url
    if meeting.format == MeetingFormat.HYBRID and meeting.online_url:
        return f"{meeting.venue} / {meeting.online_url}" if meeting.venue else meeting.online_url
    return meeting.venue


def _event(meeting: Meeting, *, cancelled: bool = False, url: str = "", organiser: str = ""):
    from icalendar import Event, vText  # loaded when a calendar is first made (memory per worker, start-up)

    zone = ZoneInfo(meeting.timezone or "Europe/Athens")
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", utcnow())
    event.add("summary", f"{meeting.committee.name}: {meeting.title}")
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    if meeting.description:
        event.add("description", meeting.description)
    location = _location(meeting)
    if location:
        event.add("location", vText(location))
    if url:
        event.add("url", url)
    if organiser:
        event.add("organizer", f"mailto:{organiser}")
    event.add("status", "CANCELLED" if cancelled or meeting.state == MeetingState.CANCELLED else "CONFIRMED")
    return event


def calendar(meetings: Iterable[Meeting], *, method: str | None = None, name: str = "",
             url_for_meeting=None, organiser: str = "") -> bytes:
    """A VCALENDAR with one VEVENT per meeting (with a time) and the VTIMEZONEs they use."""
    from icalendar import Calendar
    from icalendar.cal import Timezone

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    zones = set()
    events = []
    for meeting in meetings:
        if meeting.starts_at is None or meeting.ends_at is None:
            continue
        zones.add(meeting.timezone or "Europe/Athens")
        events.append(_event(meeting, cancelled=(method == "CANCEL"),
                             url=url_for_meeting(meeting) if url_for_meeting else "", organiser=organiser))
    for zone in sorted(zones):
        cal.add_component(Timezone.from_tzid(zone))
    for event in events:
        cal.add_component(event)
    return cal.to_ical()


def invitation(meeting: Meeting, *, cancel: bool = False, url: str = "", organiser: str = "") -> bytes:
    """The .ics attached to invitations (METHOD:REQUEST) and cancellations (METHOD:CANCEL)."""
    return calendar([meeting], method="CANCEL" if cancel else "REQUEST",
                    url_for_meeting=(lambda m: url) if url else None, organiser=organiser)
