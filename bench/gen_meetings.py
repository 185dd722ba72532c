"""Meetings of the benchmark's data set: per committee a monthly history going back years (held, a few cancelled),
then the coming ones: two scheduled with published agendas and RSVPs (the next one with a 20-item agenda), an open
time poll and a draft. Every held or scheduled meeting has an invitation per invitee; held ones have attendance.

States follow the services: a held meeting has its times in the past, a published agenda and attendance recorded;
the ones with approved minutes become "minuted" (bench/gen_minutes.py decides which).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bench.data import Data
from bench.gen_bodies import Bodies
from committees.demo import minutes_content as notes
from committees.demo.meetings import GENERIC_TOPICS, TOPICS, VENUES
from committees.models import AgendaItemStatus, MeetingFormat, MeetingState, PollAnswerKind, RsvpResponse

OPENING = ("Welcome and approval of the agenda", 10)
CLOSING = ("Any other business", 15)
EXTRA_TOPICS = [t for t in notes.TOPICS if t not in GENERIC_TOPICS]
ITEM_TEXTS = ["Short introduction by the presenter, then discussion.",
              "Papers attached. The presenter will summarise the **main points** and the questions for the members.",
              "Update since the last meeting:\n\n- what was done\n- what is pending\n- what the committee "
              "should decide"]
INTERPRETATION = ("ar", "fa", "fr", "en", "el", "ur")
CANCEL_REASONS = ["Cancelled: the co-chairs are at the national conference that week.",
                  "Cancelled because of the public transport strike.", "Postponed to next month: no quorum expected."]
UPCOMING_AGENDA = 20  # the next meeting's agenda: the in-process benchmark's meeting page


@dataclass
class MeetingsOut:
    by_committee: dict[int, list[dict]] = field(default_factory=dict)  # oldest first
    items: dict[int, list[dict]] = field(default_factory=dict)  # meeting id -> agenda items
    invitations: dict[int, list[dict]] = field(default_factory=dict)  # meeting id -> invitations


class MeetingsBuilder:
    def __init__(self, data: Data, bodies: Bodies) -> None:
        self.d = data
        self.b = bodies
        self.rng = data.rng
        self.out = MeetingsOut()

    def run(self) -> MeetingsOut:
        committees = self.b.committees
        total = self.d.counts.meetings
        per_item = self.d.counts.agenda_items / total
        for n, committee in enumerate(committees):
            count = total // len(committees) + (1 if n < total % len(committees) else 0)
            self._committee(committee, max(count, 8), per_item)
        return self.out

    # -- one committee ----------------------------------------------------------------------------------------
    def _committee(self, committee: dict, count: int, per_item: float) -> None:
        cid = committee["id"]
        chair = (self.b.cochairs.get(cid) or self.b.coordinators)[0]
        venue = self.rng.choice(VENUES)
        weekday_shift = self.rng.randrange(5)
        past = count - 4
        rows = []
        for k in range(past, 0, -1):  # k months ago, oldest first
            day = self.d.today - timedelta(days=30 * k - 3 + weekday_shift)
            cancelled = self.rng.random() < 0.04 and k > 3
            rows.append(self._meeting(cid, chair, venue, day, MeetingState.CANCELLED if cancelled else
                                      MeetingState.HELD, per_item))
        for k, state in enumerate((MeetingState.SCHEDULED, MeetingState.SCHEDULED), start=1):
            day = self.d.today + timedelta(days=5 + 28 * (k - 1) + weekday_shift)
            rows.append(self._meeting(cid, chair, venue, day, state, per_item, items=UPCOMING_AGENDA if k == 1
                                      else None))
        rows.append(self._meeting(cid, chair, venue, None, MeetingState.POLL, per_item, items=3))
        rows.append(self._meeting(cid, chair, venue, None, MeetingState.DRAFT, per_item, items=3))
        self.out.by_committee[cid] = rows

    def _meeting(self, cid: int, chair: int, venue: str, day: date | None, state: MeetingState, per_item: float,
                 items: int | None = None) -> dict:
        rng, now = self.rng, self.d.now
        fmt = rng.choice((MeetingFormat.IN_PERSON, MeetingFormat.IN_PERSON, MeetingFormat.HYBRID,
                          MeetingFormat.ONLINE))
        starts = self.d.local(day, 10) if day else None
        ends = starts + timedelta(hours=2) if starts else None
        created = (starts - timedelta(days=35)) if starts else now - timedelta(days=rng.randint(2, 10))
        title = f"Regular meeting, {day:%B %Y}" if day else "Working session: " + rng.choice(GENERIC_TOPICS)
        description = "Regular meeting of the committee. Papers are attached to the agenda items."
        meeting = self.d.add(
            "meeting", committee_id=cid, uid="", sequence=1 if state == MeetingState.CANCELLED else 0, title=title,
            description=description, description_html=self.d.html(description), starts_at=starts, ends_at=ends,
            timezone="Europe/Athens", format=fmt, venue="" if fmt == MeetingFormat.ONLINE else venue,
            online_url="" if fmt == MeetingFormat.IN_PERSON else f"https://meet.example.org/c{cid}",
            state=state, cancel_reason=rng.choice(CANCEL_REASONS) if state == MeetingState.CANCELLED else "",
            poll_closes_at=(starts - timedelta(days=28)) if starts else
            (now + timedelta(days=10) if state == MeetingState.POLL else None),
            agenda_published_at=(starts - timedelta(days=7)) if starts and state != MeetingState.CANCELLED else None,
            agenda_changed_at=None,
            attendance_recorded_at=ends + timedelta(hours=2) if state == MeetingState.HELD else None,
            created_by_id=chair, created_at=created, updated_at=created, deleted_at=None, version=1)
        meeting["uid"] = f"bench-{meeting['id']}@committee-portal"
        if items is None:
            items = 4 if state == MeetingState.CANCELLED else \
                (20 if rng.random() < 0.08 else max(3, round(rng.gauss(per_item - 0.8, 2))))
        self._agenda(meeting, chair, items)
        if state in (MeetingState.HELD, MeetingState.SCHEDULED, MeetingState.CANCELLED):
            self._invitations(meeting)
        if state == MeetingState.POLL:
            self._poll(meeting)
        if state == MeetingState.HELD:
            meeting["updated_at"] = meeting["attendance_recorded_at"]
        return meeting

    def _agenda(self, meeting: dict, chair: int, count: int) -> None:
        rng, cid = self.rng, meeting["committee_id"]
        reps = self.b.reps.get(cid, [])
        pool = TOPICS.get(self.b.theme[cid], GENERIC_TOPICS) + GENERIC_TOPICS + EXTRA_TOPICS
        middle = rng.sample(pool, min(len(pool), max(0, count - 2)))
        while len(middle) < count - 2:
            middle.append(f"{rng.choice(pool)} (part {len(middle)})")
        titles = [OPENING] + [(t, rng.choice((10, 15, 20, 25, 30))) for t in middle] + [CLOSING]
        upcoming = meeting["state"] == MeetingState.SCHEDULED
        rows = []
        for position, (title, minutes) in enumerate(titles[:max(count, 2)], start=1):
            topical = 1 < position < count
            presenter = rng.choice(reps) if reps and topical and rng.random() < 0.7 else None
            text = rng.choice(ITEM_TEXTS) if topical and rng.random() < 0.6 else ""
            status, suggested_by, reason = AgendaItemStatus.ACCEPTED, None, ""
            if upcoming and topical and presenter and position > count - 3:
                suggested_by = presenter[0]
                if position == count - 1:
                    status, reason = AgendaItemStatus.DECLINED, "Better discussed in the working group first."
            rows.append(self.d.add(
                "agenda_item", meeting_id=meeting["id"], position=position, title=title, description=text,
                description_html=self.d.html(text), presenter_id=presenter[0] if presenter else None,
                presenter_organisation_id=presenter[1] if presenter else None, minutes_allotted=minutes,
                status=status, suggested_by_id=suggested_by, decline_reason=reason, proposal_id=None,
                changed_after_publish=False, created_at=meeting["created_at"] + timedelta(hours=position), version=1))
        self.out.items[meeting["id"]] = rows

    def _invitations(self, meeting: dict) -> None:
        rng = self.rng
        invitees = self.b.invitees.get(meeting["committee_id"], [])
        start = meeting["starts_at"]
        held = meeting["state"] == MeetingState.HELD
        represented = {org for _p, org in invitees if rng.random() < 0.75}
        rows = []
        for person_id, org_id in invitees:
            attended = held and org_id in represented and rng.random() < 0.8
            if held:
                response = RsvpResponse.ATTENDING if attended else rng.choice(
                    (RsvpResponse.NOT_ATTENDING, RsvpResponse.MAYBE, None))
            elif meeting["state"] == MeetingState.SCHEDULED and rng.random() < 0.6:
                response = rng.choices(list(RsvpResponse), weights=(6, 2, 2))[0]
            else:
                response = None
            responded = start - timedelta(days=3) if held else self.d.now - timedelta(hours=rng.randint(1, 90))
            rows.append(self.d.add(
                "invitation", meeting_id=meeting["id"], person_id=person_id, organisation_id=org_id,
                response=response, interpretation=rng.choice(INTERPRETATION) if response and rng.random() < 0.12
                else "", responded_at=responded if response else None, attended=attended, reminded_at=None,
                invited_at=start - timedelta(days=21)))
        self.out.invitations[meeting["id"]] = rows

    def _poll(self, meeting: dict) -> None:
        rng, now = self.rng, self.d.now
        first = self.d.today + timedelta(days=40)
        slots = []
        for offset, hour in ((0, 10), (1, 14), (7, 10)):
            start = self.d.local(first + timedelta(days=offset), hour)
            slots.append(self.d.add("poll_slot", meeting_id=meeting["id"], starts_at=start,
                                    ends_at=start + timedelta(hours=2)))
        for person_id, org_id in self.b.invitees.get(meeting["committee_id"], []):
            if rng.random() < 0.5:
                for slot in slots:
                    self.d.add("poll_answer", slot_id=slot["id"], person_id=person_id, organisation_id=org_id,
                               answer=rng.choices(list(PollAnswerKind), weights=(5, 2, 3))[0],
                               answered_at=now - timedelta(hours=rng.randint(1, 48)))
