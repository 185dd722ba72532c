"""Demo meetings: for every committee, held meetings with agendas and attendance, upcoming scheduled meetings
with published agendas and RSVPs, and one open time poll.

Dates are counted from the day of loading, so the demo always has a past and a future; everything else is
seeded per committee. Each demo meeting has a fixed iCalendar UID (`demo-<slug>-<key>@committee-portal`),
which is how a second run knows it exists already. Upcoming meetings and the poll go through the services
(scheduling, agenda, RSVPs, poll answers, as people would); the services refuse times in the past, so held
meetings get their times, state and attendance set directly. Flushes only: the caller commits (and throws
away the demo's mail, see committees/demo/__init__.py).
"""
from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from committees import audit
from committees.db import db, utcnow
from committees.models import Committee, CommitteeRoleKind, Membership, MembershipStatus, Person
from committees.models.meetings import (
    Invitation,
    Meeting,
    MeetingFormat,
    MeetingState,
    PollAnswerKind,
    RsvpResponse,
)
from committees.services import agendas
from committees.services import meetings as svc

SEED = 2017
ZONE = "Europe/Athens"
PAST, UPCOMING = 3, 2  # meetings per committee
INTERPRETATION = ("ar", "fa", "fr", "en", "el", "ur")
VENUES = ("City Hall, Athinas 63, meeting room B (demo)", "Coordination Centre, Kotzia Square 7 (demo)",
          "Community Centre of Kypseli, Fokionos Negri 12 (demo)")

OPENING = ("Welcome and approval of the agenda", 10)
CLOSING = ("Any other business", 15)
TOPICS = {
    "access-legal-rights": [
        "Delays in renewing residence permits", "Free legal aid: referrals between members",
        "Access to tax and social security numbers", "Interpreters at the citizens' service centres",
        "Update from the asylum service", "Guide to municipal services for newcomers",
    ],
    "livelihoods-labour-market": [
        "Recognition of qualifications gained abroad", "Apprenticeships with local employers",
        "Job fair in the spring", "Registration with the public employment service",
        "Mapping vocational training places", "Microcredit and self-employment",
    ],
    "urbanisation-peaceful-coexistence": [
        "Housing after the end of accommodation programmes", "Neighbourhood festival planning",
        "Use of municipal spaces by community groups", "Reports of tension in public squares",
        "Rental support scheme", "Community mediators in schools",
    ],
    "education-learning": [
        "Enrolment of children in the new school year", "Reception classes: places and teachers",
        "Greek language courses for adults", "Homework support in libraries",
        "School transport from accommodation sites", "Access to higher education",
    ],
    "health-wellbeing": [
        "Access to primary health care without a social security number", "Mental health referrals",
        "Vaccination campaign", "Cultural mediators in hospitals",
        "Psychosocial support for unaccompanied children", "Health information in community languages",
    ],
    "women-refugees-gender": [
        "Safe spaces for women and girls", "Referral pathway for gender-based violence",
        "Childcare during language courses", "Women's employment programme",
        "Sexual and reproductive health information", "16 days of activism: joint activities",
    ],
}
GENERIC_TOPICS = ["Updates from the members", "Follow-up of the previous meeting's actions",
                  "Working group reports", "Proposal to the City: next steps"]


@dataclass(frozen=True)
class ItemSpec:
    title: str
    minutes: int
    presenter_org_index: int | None = None  # index into the committee's member organisations


@dataclass(frozen=True)
class MeetingSpec:
    key: str  # stable per committee: "past-1", "next-1", "poll"
    kind: str  # "past", "upcoming" or "poll"
    title: str
    starts: datetime | None  # naive wall-clock time in ZONE
    minutes: int = 120
    format: MeetingFormat = MeetingFormat.IN_PERSON
    venue: str = ""
    items: tuple[ItemSpec, ...] = ()
    slots: tuple[datetime, ...] = ()
    poll_closes: datetime | None = None
    seed: int = 0  # for the choices made against the database (attendance, RSVPs, answers)


@dataclass
class MeetingSummary:
    created: int = 0
    uids: list[str] = field(default_factory=list)


def uid_for(slug: str, key: str) -> str:
    return f"demo-{slug}-{key}@committee-portal"


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0))


def _items(rng: random.Random, slug: str) -> tuple[ItemSpec, ...]:
    topics = rng.sample(TOPICS.get(slug, GENERIC_TOPICS), rng.randint(1, 3)) + rng.sample(GENERIC_TOPICS, 1)
    middle = [ItemSpec(title, rng.choice((15, 20, 25, 30)), rng.randrange(20)) for title in topics]
    return (ItemSpec(*OPENING), *middle, ItemSpec(*CLOSING))


def plan_meetings(slug: str, today: date) -> list[MeetingSpec]:
    """The demo meetings of one committee, the same for the same slug and day."""
    rng = random.Random(f"{SEED}-{slug}")
    weekday_shift = rng.randrange(5)  # each committee keeps its own weekday
    venue = rng.choice(VENUES)
    specs = []
    for n in range(PAST, 0, -1):
        day = today - timedelta(days=7 + 28 * (n - 1) + weekday_shift)
        specs.append(MeetingSpec(f"past-{n}", "past", f"Regular meeting, {day:%B %Y}", _at(day, 10),
                                 venue=venue, items=_items(rng, slug), seed=rng.randrange(10**6)))
    for n in range(1, UPCOMING + 1):
        day = today + timedelta(days=5 + 28 * (n - 1) + weekday_shift)
        fmt = MeetingFormat.HYBRID if n == 1 else MeetingFormat.IN_PERSON
        specs.append(MeetingSpec(f"next-{n}", "upcoming", f"Regular meeting, {day:%B %Y}", _at(day, 10),
                                 format=fmt, venue=venue, items=_items(rng, slug), seed=rng.randrange(10**6)))
    first = today + timedelta(days=40 + weekday_shift)
    slots = (_at(first, 10), _at(first + timedelta(days=1), 14), _at(first + timedelta(days=7), 10))
    topic = rng.choice(TOPICS.get(slug, GENERIC_TOPICS))
    specs.append(MeetingSpec("poll", "poll", f"Working session: {topic}", None, venue=venue, slots=slots,
                             poll_closes=_at(today + timedelta(days=14), 17), seed=rng.randrange(10**6)))
    return specs


class MeetingLoader:
    """Creates the missing demo meetings of the given committees."""

    def __init__(self, committees: Iterable[Committee], today: date | None = None) -> None:
        self.committees = sorted(committees, key=lambda c: c.slug)
        self.today = today or utcnow().astimezone(ZoneInfo(ZONE)).date()
        self.summary = MeetingSummary()
        self.existing = set(db.session.scalars(select(Meeting.uid).where(Meeting.uid.like("demo-%"))))

    def run(self) -> MeetingSummary:
        for committee in self.committees:
            specs = [s for s in plan_meetings(committee.slug, self.today)
                     if uid_for(committee.slug, s.key) not in self.existing]
            if not specs:
                continue
            people = svc.invitees(committee)
            chairs = [r.person for r in svc.invitee_roles(committee) if r.role == CommitteeRoleKind.COCHAIR]
            if not people or not chairs:
                continue  # a committee without co-chairs or members has nobody to meet
            chair = min(chairs, key=lambda p: p.id)
            members = set(db.session.scalars(select(Membership.organisation_id).where(
                Membership.committee_id == committee.id, Membership.status == MembershipStatus.ACTIVE)))
            orgs = sorted({p.organisation_id for p in people if p.organisation_id} & members)  # presenters
            for spec in specs:
                self._create(committee, spec, chair, people, orgs)
        return self.summary

    def _create(self, committee: Committee, spec: MeetingSpec, chair: Person, people: list[Person],
                orgs: list[int]) -> None:
        rng = random.Random(spec.seed)
        online = f"https://meet.example.org/{committee.slug}" if spec.format != MeetingFormat.IN_PERSON else ""
        details = dict(title=spec.title, venue=spec.venue, format=spec.format, online_url=online, timezone=ZONE,
                       description="Regular meeting of the committee. Papers are attached to the agenda items.")
        if spec.kind == "upcoming":
            meeting = svc.create_meeting(chair, committee, starts_at=spec.starts,
                                         ends_at=spec.starts + timedelta(minutes=spec.minutes), **details)
        else:
            meeting = svc.create_meeting(chair, committee, **details)
        meeting.uid = uid_for(committee.slug, spec.key)
        for item in spec.items:
            org_id = orgs[item.presenter_org_index % len(orgs)] if item.presenter_org_index is not None and orgs \
                else None
            agendas.add_item(chair, meeting, title=item.title, minutes_allotted=item.minutes,
                             presenter_organisation_id=org_id,
                             description="Short introduction by the presenter, then discussion."
                             if org_id else "")
        if spec.kind == "past":
            self._hold(meeting, spec, people, rng)
        elif spec.kind == "upcoming":
            self._schedule(meeting, chair, people, rng)
        else:
            self._poll(meeting, spec, chair, people, rng)
        self.existing.add(meeting.uid)
        self.summary.created += 1
        self.summary.uids.append(meeting.uid)

    def _hold(self, meeting: Meeting, spec: MeetingSpec, people: list[Person], rng: random.Random) -> None:
        """A meeting in the past: times, state and attendance set directly (services refuse the past)."""
        start = svc.localise(spec.starts, ZONE)
        meeting.starts_at, meeting.ends_at = start, start + timedelta(minutes=spec.minutes)
        meeting.state = MeetingState.HELD
        meeting.poll_closes_at = start - timedelta(days=21)
        meeting.agenda_published_at = start - timedelta(days=7)
        meeting.attendance_recorded_at = meeting.ends_at + timedelta(hours=2)
        represented = {org for org in {p.organisation_id for p in people} if rng.random() < 0.75}
        invitations = []
        for person in people:
            attended = person.organisation_id in represented and rng.random() < 0.8
            response = RsvpResponse.ATTENDING if attended else rng.choice(
                (RsvpResponse.NOT_ATTENDING, RsvpResponse.MAYBE, None))
            invitations.append(Invitation(
                meeting=meeting, person_id=person.id, organisation_id=person.organisation_id, response=response,
                responded_at=start - timedelta(days=3) if response else None, attended=attended,
                interpretation=rng.choice(INTERPRETATION) if attended and rng.random() < 0.15 else "",
                invited_at=start - timedelta(days=21)))
        db.session.add_all(invitations)
        db.session.flush()
        audit.record(None, "meeting.demo_history", meeting, f"Demo: {meeting.title} held",
                     present=sum(i.attended for i in invitations))

    def _schedule(self, meeting: Meeting, chair: Person, people: list[Person], rng: random.Random) -> None:
        svc.schedule_meeting(chair, meeting)
        agendas.publish_agenda(chair, meeting)
        for person in people:
            if rng.random() < 0.6:
                response = rng.choices(list(RsvpResponse), weights=(6, 2, 2))[0]
                need = rng.choice(INTERPRETATION) if response != RsvpResponse.NOT_ATTENDING and \
                    rng.random() < 0.2 else ""
                svc.rsvp(person, meeting, response, need)

    def _poll(self, meeting: Meeting, spec: MeetingSpec, chair: Person, people: list[Person],
              rng: random.Random) -> None:
        slots = [(s, s + timedelta(minutes=spec.minutes)) for s in spec.slots]
        created = svc.open_poll(chair, meeting, slots, closes_at=spec.poll_closes)
        db.session.flush()
        for person in people:
            if rng.random() < 0.5:
                answers = {slot.id: rng.choices(list(PollAnswerKind), weights=(5, 2, 3))[0] for slot in created}
                svc.answer_poll(person, meeting, answers)
