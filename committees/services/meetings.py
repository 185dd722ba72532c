"""Meetings: creating, time polls, scheduling with invitations, rescheduling, cancelling, RSVPs, attendance.

Every change of state goes through `transition_meeting`, which checks the MEETING_TRANSITIONS table.
Mail is queued in the outbox in the same transaction, so a rolled-back change mails nobody.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from committees import audit, ics
from committees.db import db, utcnow
from committees.errors import Conflict, Forbidden, ValidationFailed
from committees.i18n import N_
from committees.markdown import render_markdown
from committees.models import (
    Committee,
    CommitteeRole,
    CommitteeRoleKind,
    Membership,
    MembershipStatus,
    Person,
)
from committees.models.meetings import (
    Invitation,
    Meeting,
    MeetingFormat,
    MeetingState,
    PollAnswer,
    PollAnswerKind,
    PollSlot,
    RsvpResponse,
)
from committees.services.notify import notify
from committees.workflow import MEETING_TRANSITIONS, check_transition
from committees.validation import clean_title

MEETING_FIELDS = ("title", "description", "format", "venue", "online_url", "timezone")
MEETING_TITLE_MISSING = N_("Give the meeting a title.")
MIN_SLOTS, MAX_SLOTS = 2, 10
CLOSED_STATES = (MeetingState.CANCELLED, MeetingState.MINUTED)  # their details can no longer change
INVITED_ROLES = (CommitteeRoleKind.COCHAIR, CommitteeRoleKind.SECRETARY, CommitteeRoleKind.REPRESENTATIVE,
                 CommitteeRoleKind.OBSERVER)


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Europe/Athens")
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(N_("Unknown time zone."), field="timezone", code="invalid_timezone") from None


def localise(value: datetime, tz: str) -> datetime:
    """A wall-clock time in `tz` (naive) or an aware datetime → aware UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(tz))
    return value.astimezone(ZoneInfo("UTC"))


def _check_times(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationFailed(N_("Give a start and an end."), field="starts_at", code="required")
    if ends_at <= starts_at:
        raise ValidationFailed(N_("The meeting must end after it starts."), field="ends_at", code="ends_before_start")
    if ends_at - starts_at > timedelta(hours=24):
        raise ValidationFailed(N_("A meeting cannot last more than a day."), field="ends_at", code="too_long")


def _clean(values: dict) -> dict:
    clean = {k: v for k, v in values.items() if k in MEETING_FIELDS}
    for key, value in list(clean.items()):
        if isinstance(value, str):
            clean[key] = value.strip()
    clean_title(clean, MEETING_TITLE_MISSING, required=False)
    if "format" in clean:
        try:
            clean["format"] = MeetingFormat(clean["format"])
        except ValueError:
            raise ValidationFailed(N_("Choose a format."), field="format", code="invalid_choice") from None
    if "timezone" in clean:
        zone(clean["timezone"])
    if clean.get("online_url") and not clean["online_url"].lower().startswith(("https://", "http://")):
        raise ValidationFailed(N_("An online link starts with https://."), field="online_url", code="invalid_url")
    return clean


def _check_format(meeting: Meeting) -> None:
    if meeting.format in (MeetingFormat.ONLINE, MeetingFormat.HYBRID) and not meeting.online_url:
        raise ValidationFailed(N_("An online or hybrid meeting needs an online link."), field="online_url",
                               code="online_url_required")
    if meeting.format in (MeetingFormat.IN_PERSON, MeetingFormat.HYBRID) and not meeting.venue:
        raise ValidationFailed(N_("An in-person or hybrid meeting needs a venue."), field="venue",
                               code="venue_required")


def create_meeting(actor: Person, committee: Committee, *, starts_at: datetime | None = None,
                   ends_at: datetime | None = None, **values) -> Meeting:
    """A draft meeting; with times it can be scheduled directly, without them a time poll picks the slot."""
    clean = _clean(values)
    clean_title(clean, MEETING_TITLE_MISSING, required=True)
    meeting = Meeting(committee=committee, uid=f"{uuid.uuid4()}@committee-portal", created_by_id=actor.id,
                      **clean)
    meeting.description_html = render_markdown(meeting.description)
    tz = meeting.timezone or "Europe/Athens"
    if starts_at is not None or ends_at is not None:
        meeting.starts_at = localise(starts_at, tz) if starts_at else None
        meeting.ends_at = localise(ends_at, tz) if ends_at else None
        _check_times(meeting.starts_at, meeting.ends_at)
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor, "meeting.create", meeting, f"Created meeting {meeting.title}")
    return meeting


def update_meeting(actor: Person, meeting: Meeting, values: dict) -> Meeting:
    """Edit the details (not the time: that is `reschedule_meeting` once scheduled)."""
    if meeting.state in CLOSED_STATES:
        raise Conflict(N_("This meeting can no longer be changed."), code="meeting_closed")
    clean = _clean(values)
    changed = sorted(k for k, v in clean.items() if getattr(meeting, k) != v)
    for key in changed:
        setattr(meeting, key, clean[key])
    if "description" in changed:
        meeting.description_html = render_markdown(meeting.description)
    if meeting.state == MeetingState.SCHEDULED:
        _check_format(meeting)
        if set(changed) & {"venue", "online_url", "format", "title"}:
            meeting.sequence += 1
            _mail_invitees(meeting, "meeting_updated", method="REQUEST")
    if changed:
        audit.record(actor, "meeting.update", meeting, f"Updated meeting {meeting.title}", fields=changed)
    return meeting


# -- invitees ----------------------------------------------------------------------------------

def invitee_roles(committee: Committee) -> list[CommitteeRole]:
    """Active co-chairs, secretaries, observers and representatives of active member organisations."""
    roles = db.session.scalars(
        select(CommitteeRole)
        .join(Person, Person.id == CommitteeRole.person_id)
        .outerjoin(Membership, Membership.id == CommitteeRole.membership_id)
        .where(CommitteeRole.committee_id == committee.id, CommitteeRole.role.in_(INVITED_ROLES),
               Person.active.is_(True),
               (CommitteeRole.role != CommitteeRoleKind.REPRESENTATIVE)
               | (Membership.status == MembershipStatus.ACTIVE))
        .options(selectinload(CommitteeRole.person))
    )
    return list(roles)


def invitees(committee: Committee) -> list[Person]:
    seen: dict[int, Person] = {}
    for role in invitee_roles(committee):
        seen.setdefault(role.person_id, role.person)
    return sorted(seen.values(), key=lambda p: p.full_name)


def is_invitee(person: Person | None, meeting: Meeting) -> bool:
    if person is None:
        return False
    return any(p.id == person.id for p in invitees(meeting.committee))


def _ensure_invitations(meeting: Meeting) -> list[Invitation]:
    existing = {i.person_id: i for i in meeting.invitations}
    for person in invitees(meeting.committee):
        if person.id not in existing:
            invitation = Invitation(meeting=meeting, person=person, organisation_id=person.organisation_id)
            db.session.add(invitation)
            existing[person.id] = invitation
    db.session.flush()
    return list(existing.values())


def _mail_invitees(meeting: Meeting, template: str, *, method: str, extra: dict | None = None) -> int:
    """Mail every invited person with the .ics (REQUEST or CANCEL); meeting mail cannot be turned off."""
    attachment = ("meeting.ics", f"text/calendar; method={method}",
                  ics.invitation(meeting, cancel=(method == "CANCEL")).decode("utf-8"))
    count = 0
    for invitation in meeting.invitations:
        if not invitation.person.active:
            continue
        notify(invitation.person, "meetings", template, mandatory=True, attachment=attachment,
               meeting=meeting, committee=meeting.committee, **(extra or {}))
        count += 1
    return count


# -- transitions -------------------------------------------------------------------------------

def transition_meeting(actor: Person, meeting: Meeting, name: str, *, reason: str = "") -> None:
    """Check the move against the table, set the state and record it."""
    transition = check_transition(MEETING_TRANSITIONS, name, meeting.state, reason)
    old = meeting.state
    meeting.state = transition.target
    audit.record(actor, f"meeting.{name}", meeting, f"{meeting.title}: {old.value} → {transition.target.value}",
                 reason=reason or None)


def _candidate_slots(meeting: Meeting, slots: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    if not MIN_SLOTS <= len(slots) <= MAX_SLOTS:
        raise ValidationFailed(N_("Propose between 2 and 10 slots."), field="slots", code="slot_count")
    converted = []
    for start, end in slots:
        start, end = localise(start, meeting.timezone), localise(end, meeting.timezone)
        _check_times(start, end)
        converted.append((start, end))
    if len(set(converted)) != len(converted):
        raise ValidationFailed(N_("Two slots are the same."), field="slots", code="duplicate_slot")
    return sorted(converted)


def _poll_closing(meeting: Meeting, closes_at: datetime | None) -> datetime | None:
    closes = localise(closes_at, meeting.timezone) if closes_at else None
    if closes is not None and closes <= utcnow():
        raise ValidationFailed(N_("The poll must close in the future."), field="poll_closes_at", code="in_the_past")
    return closes


def plan_time(actor: Person, meeting: Meeting, *, starts_at: datetime | None = None, ends_at: datetime | None = None,
              slots: list[tuple[datetime, datetime]] | None = None, closes_at: datetime | None = None) -> None:
    """A draft's time: either a fixed start and end, or 2-10 candidate slots kept for `open_poll`."""
    if meeting.state != MeetingState.DRAFT:
        raise Conflict(N_("Only a draft's time is set here; a scheduled meeting is rescheduled."), code="not_draft")
    if slots is not None:
        candidates = _candidate_slots(meeting, slots)
        meeting.poll_closes_at = _poll_closing(meeting, closes_at)
        meeting.slots = [PollSlot(starts_at=s, ends_at=e) for s, e in candidates]
        meeting.starts_at = meeting.ends_at = None
    else:
        start = localise(starts_at, meeting.timezone) if starts_at else None
        end = localise(ends_at, meeting.timezone) if ends_at else None
        _check_times(start, end)
        meeting.starts_at, meeting.ends_at = start, end
        meeting.slots = []
        meeting.poll_closes_at = None
    db.session.flush()
    audit.record(actor, "meeting.plan_time", meeting, f"Planned the time of {meeting.title}",
                 slots=len(meeting.slots) or None)


def open_poll(actor: Person, meeting: Meeting, slots: list[tuple[datetime, datetime]] | None = None,
              closes_at: datetime | None = None) -> list[PollSlot]:
    """Propose 2-10 candidate slots (by default those kept by `plan_time`); invited people answer
    yes / if need be / no."""
    check_transition(MEETING_TRANSITIONS, "open_poll", meeting.state)  # the state first: 409 before 400
    if slots is None:
        slots = [(s.starts_at, s.ends_at) for s in meeting.slots]
        closes_at = meeting.poll_closes_at
    converted = _candidate_slots(meeting, slots)
    closes = _poll_closing(meeting, closes_at)
    transition_meeting(actor, meeting, "open_poll")
    meeting.slots = [PollSlot(starts_at=s, ends_at=e) for s, e in converted]
    meeting.poll_closes_at = closes
    _ensure_invitations(meeting)
    for invitation in meeting.invitations:
        notify(invitation.person, "meetings", "poll_opened", meeting=meeting, committee=meeting.committee)
    db.session.flush()
    return meeting.slots


def poll_is_open(meeting: Meeting, now: datetime | None = None) -> bool:
    if meeting.state != MeetingState.POLL:
        return False
    return meeting.poll_closes_at is None or (now or utcnow()) < meeting.poll_closes_at


def answer_poll(person: Person, meeting: Meeting, answers: dict[int, PollAnswerKind]) -> None:
    """Record (or change) a person's answers, slot by slot, while the poll is open."""
    if not poll_is_open(meeting):
        raise Conflict(N_("The time poll is closed."), code="poll_closed")
    if not is_invitee(person, meeting):
        raise Forbidden(N_("Only invited members answer the time poll."), code="not_invited")
    slots = {s.id: s for s in meeting.slots}
    unknown = set(answers) - set(slots)
    if unknown:
        raise ValidationFailed(N_("Unknown slot."), field="slots", code="unknown_slot")
    current = {a.slot_id: a for a in db.session.scalars(
        select(PollAnswer).where(PollAnswer.person_id == person.id, PollAnswer.slot_id.in_(list(slots))))}
    for slot_id, answer in answers.items():
        answer = PollAnswerKind(answer)
        row = current.get(slot_id)
        if row is None:
            db.session.add(PollAnswer(slot_id=slot_id, person_id=person.id, organisation_id=person.organisation_id,
                                      answer=answer))
        else:
            row.answer = answer
    db.session.flush()
    audit.record(person, "meeting.poll_answer", meeting, f"{person.full_name} answered the time poll",
                 answers={str(k): PollAnswerKind(v).value for k, v in answers.items()})


@dataclass
class SlotTally:
    slot: PollSlot
    yes: int = 0
    maybe: int = 0
    no: int = 0
    organisations: set[int] = field(default_factory=set)  # organisations with a yes or if-need-be
    best: bool = False


@dataclass
class PollTally:
    slots: list[SlotTally]
    answers: dict[tuple[int, int], PollAnswerKind]  # (person_id, slot_id) -> answer
    people: list[Person]
    by_organisation: dict[int, dict[int, PollAnswerKind]]  # org -> slot -> best answer in the org

    @property
    def best(self) -> SlotTally | None:
        return next((s for s in self.slots if s.best), None)


_RANK = {PollAnswerKind.YES: 2, PollAnswerKind.MAYBE: 1, PollAnswerKind.NO: 0}


def poll_tally(meeting: Meeting) -> PollTally:
    """Answers by person and by organisation; the best slot covers the most organisations (then most yes)."""
    slots = list(meeting.slots)
    tallies = {s.id: SlotTally(s) for s in slots}
    rows = list(db.session.scalars(select(PollAnswer).where(PollAnswer.slot_id.in_(list(tallies)))
                                   .options(selectinload(PollAnswer.person)))) if tallies else []
    answers: dict[tuple[int, int], PollAnswerKind] = {}
    by_org: dict[int, dict[int, PollAnswerKind]] = defaultdict(dict)
    people: dict[int, Person] = {}
    for row in rows:
        tally = tallies[row.slot_id]
        answers[(row.person_id, row.slot_id)] = row.answer
        people[row.person_id] = row.person
        if row.answer == PollAnswerKind.YES:
            tally.yes += 1
        elif row.answer == PollAnswerKind.MAYBE:
            tally.maybe += 1
        else:
            tally.no += 1
        if row.organisation_id:
            if row.answer != PollAnswerKind.NO:
                tally.organisations.add(row.organisation_id)
            previous = by_org[row.organisation_id].get(row.slot_id)
            if previous is None or _RANK[row.answer] > _RANK[previous]:
                by_org[row.organisation_id][row.slot_id] = row.answer
    ordered = [tallies[s.id] for s in slots]
    if rows:
        best = max(ordered, key=lambda t: (len(t.organisations), t.yes, -t.no, -t.slot.starts_at.timestamp()))
        if best.yes or best.maybe:
            best.best = True
    return PollTally(ordered, answers, sorted(people.values(), key=lambda p: p.full_name), dict(by_org))


def pick_slot(actor: Person, meeting: Meeting, slot_id: int) -> None:
    """Close the poll by choosing a slot: the meeting is scheduled for it and everyone is invited."""
    slot = next((s for s in meeting.slots if s.id == slot_id), None)
    if slot is None:
        raise ValidationFailed(N_("Unknown slot."), field="slot_id", code="unknown_slot")
    if meeting.state != MeetingState.POLL:
        raise Conflict(N_("That step is not possible in the current state."), code="invalid_transition")
    meeting.starts_at, meeting.ends_at = slot.starts_at, slot.ends_at
    schedule_meeting(actor, meeting)


def schedule_meeting(actor: Person, meeting: Meeting) -> int:
    """Fix the time and invite every member (email with an .ics). Returns the number invited."""
    _check_times(meeting.starts_at, meeting.ends_at)
    _check_format(meeting)
    transition_meeting(actor, meeting, "schedule")
    meeting.poll_closes_at = meeting.poll_closes_at or utcnow()
    _ensure_invitations(meeting)
    return _mail_invitees(meeting, "meeting_invitation", method="REQUEST")


def reschedule_meeting(actor: Person, meeting: Meeting, starts_at: datetime, ends_at: datetime,
                       reason: str = "") -> None:
    """Move a scheduled meeting: same UID, higher SEQUENCE, everyone invited is told."""
    start, end = localise(starts_at, meeting.timezone), localise(ends_at, meeting.timezone)
    _check_times(start, end)
    if (start, end) == (meeting.starts_at, meeting.ends_at):
        raise ValidationFailed(N_("That is the current time."), field="starts_at", code="unchanged")
    transition_meeting(actor, meeting, "reschedule", reason=reason)
    old = meeting.starts_at
    meeting.starts_at, meeting.ends_at = start, end
    meeting.sequence += 1
    for invitation in meeting.invitations:  # a new time needs a new answer
        invitation.response = None
        invitation.responded_at = None
        invitation.reminded_at = None
    _ensure_invitations(meeting)
    _mail_invitees(meeting, "meeting_rescheduled", method="REQUEST",
                   extra={"previous_start": old, "reason": reason})


def cancel_meeting(actor: Person, meeting: Meeting, reason: str) -> None:
    was_scheduled = meeting.state == MeetingState.SCHEDULED
    transition_meeting(actor, meeting, "cancel", reason=reason)
    meeting.cancel_reason = reason.strip()
    meeting.sequence += 1
    if was_scheduled or meeting.invitations:
        if meeting.starts_at is None and meeting.slots:
            meeting.starts_at, meeting.ends_at = meeting.slots[0].starts_at, meeting.slots[0].ends_at
        if meeting.starts_at is not None:
            _mail_invitees(meeting, "meeting_cancelled", method="CANCEL", extra={"reason": reason})


# -- RSVPs and attendance ----------------------------------------------------------------------

def rsvp(person: Person, meeting: Meeting, response: RsvpResponse, interpretation: str = "") -> Invitation:
    if meeting.state != MeetingState.SCHEDULED or (meeting.starts_at and meeting.starts_at < utcnow()):
        raise Conflict(N_("Answers are closed for this meeting."), code="rsvp_closed")
    invitation = db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id,
                                                             Invitation.person_id == person.id)).first()
    if invitation is None:
        if not is_invitee(person, meeting):
            raise Forbidden(N_("You are not invited to this meeting."), code="not_invited")
        invitation = Invitation(meeting=meeting, person=person, organisation_id=person.organisation_id)
        db.session.add(invitation)
    invitation.response = RsvpResponse(response)
    invitation.interpretation = (interpretation or "").strip()[:40]
    invitation.responded_at = utcnow()
    db.session.flush()
    audit.record(person, "meeting.rsvp", meeting, f"{person.full_name}: {invitation.response.value}",
                 interpretation=invitation.interpretation or None)
    return invitation


def record_attendance(actor: Person, meeting: Meeting, person_ids: set[int]) -> None:
    """Record who attended (invited people only) and mark the meeting held."""
    if meeting.state not in (MeetingState.SCHEDULED, MeetingState.HELD):
        raise Conflict(N_("Attendance is recorded for a scheduled or held meeting."), code="invalid_transition")
    if meeting.starts_at and meeting.starts_at > utcnow():
        raise Conflict(N_("The meeting has not started yet."), code="not_started")
    _ensure_invitations(meeting)
    known = {i.person_id for i in meeting.invitations}
    if set(person_ids) - known:
        raise ValidationFailed(N_("Only invited people can be marked present."), field="present",
                               code="not_invited")
    for invitation in meeting.invitations:
        invitation.attended = invitation.person_id in person_ids
    meeting.attendance_recorded_at = utcnow()
    if meeting.state == MeetingState.SCHEDULED:
        transition_meeting(actor, meeting, "mark_held")
    audit.record(actor, "meeting.attendance", meeting, f"Attendance recorded: {len(person_ids)} present",
                 present=sorted(person_ids))


@dataclass
class Quorum:
    represented: set[int]
    members: set[int]
    required: int

    @property
    def count(self) -> int:
        """Member organisations represented."""
        return len(self.represented & self.members)

    @property
    def reached(self) -> bool:
        return self.count >= self.required


def quorum(meeting: Meeting) -> Quorum:
    """The committee's own quorum (a number of organisations), by default more than half of its
    active member organisations represented."""
    members = set(db.session.scalars(select(Membership.organisation_id).where(
        Membership.committee_id == meeting.committee_id, Membership.status == MembershipStatus.ACTIVE)))
    represented = {i.organisation_id for i in meeting.invitations if i.attended and i.organisation_id}
    required = meeting.committee.quorum_organisations or (len(members) // 2 + 1 if members else 1)
    return Quorum(represented, members, required)
