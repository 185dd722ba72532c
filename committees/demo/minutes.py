"""Demo minutes: for every committee's held demo meetings, minutes with a discussion per agenda item, one or two
decisions, action items owned by member organisations and their people, with progress updates.

The latest held meeting's minutes are under circulation (comments open until a deadline in the future, a couple
of comments in); the older ones are approved, by the next meeting or by the co-chairs, and published when the
committee is public. Action items reach every status; some are overdue, some due this week, counted from the day
of loading. The demo logins (content.DEMO_ACCOUNTS) own a few of them each.

Everything goes through the services (minutes, decisions, comments, actions, updates), so the audit log and the
meetings' states are consistent; the services stamp "now", so the dates of circulation, approval, comments and
updates are then set back to when they would have happened. A meeting that has minutes already is left alone,
which makes a second run add nothing. Flushes only: the caller commits (and throws away the demo's mail).
"""
from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from committees.db import db, utcnow
from committees.demo import minutes_content as text
from committees.demo.content import DEMO_ACCOUNTS
from committees.demo.meetings import PAST, ZONE, uid_for
from committees.models import Committee, CommitteeRoleKind, Meeting, MeetingState, Person
from committees.models.actions import ActionItem, ActionPriority, ActionStatus
from committees.models.minutes import ApprovedHow, Decision, Minutes
from committees.services import actions as action_svc
from committees.services import meetings as meeting_svc
from committees.services import minutes as svc

SEED = 2017
S = ActionStatus
# The statuses of a meeting's action items, by the meeting's age (cycled, shifted per committee).
STATUSES = {
    "past-3": (S.DONE, S.BLOCKED, S.DONE, S.IN_PROGRESS, S.CANCELLED, S.OPEN, S.DONE),
    "past-2": (S.IN_PROGRESS, S.DONE, S.OPEN, S.BLOCKED, S.IN_PROGRESS, S.DONE),
    "past-1": (S.OPEN, S.IN_PROGRESS, S.OPEN, S.IN_PROGRESS, S.OPEN),
}
PRIORITIES = (ActionPriority.NORMAL, ActionPriority.NORMAL, ActionPriority.HIGH, ActionPriority.NORMAL,
              ActionPriority.LOW)


@dataclass
class MinutesSummary:
    minutes: int = 0
    decisions: int = 0
    action_items: int = 0


@dataclass
class _People:
    chair: Person
    writer: Person  # the secretary, else the co-chair
    reps: list[tuple[Person, int]]  # representatives of active member organisations, with their organisation


def _key(n: int) -> str:
    return f"past-{n}"


def _nobody(*args, **kwargs) -> None:
    return None


@contextmanager
def _unmailed() -> Iterator[None]:
    """The minutes and actions services notify nobody while the demo writes: load_demo throws the demo's mail
    away anyway, and rendering a thousand circulation and approval messages first would triple the load time.
    (The CLI loads in its own process, so no request can run meanwhile.)"""
    saved = svc.notify, action_svc.notify
    svc.notify = action_svc.notify = _nobody
    try:
        yield
    finally:
        svc.notify, action_svc.notify = saved


class MinutesLoader:
    """Writes the missing minutes (with decisions and action items) of the given committees' held demo meetings."""

    def __init__(self, committees: Iterable[Committee], people_by_email: dict[str, Person],
                 today: date | None = None) -> None:
        self.committees = sorted(committees, key=lambda c: c.slug)
        self.logins = {key: people_by_email.get(email) for key, (_label, email, *_rest) in DEMO_ACCOUNTS.items()}
        self.now = utcnow()
        self.today = today or self.now.astimezone(ZoneInfo(ZONE)).date()
        self.summary = MinutesSummary()
        self.minuted = set(db.session.scalars(select(Minutes.meeting_id)))

    def run(self) -> MinutesSummary:
        with _unmailed():
            self._run()
        return self.summary

    def _run(self) -> None:
        for index, committee in enumerate(self.committees):
            meetings = self._held(committee)
            todo = [key for key in meetings if meetings[key].id not in self.minuted]
            if not todo:
                continue
            people = self._people(committee)
            if people is None:
                continue
            for key in sorted(todo, reverse=True):  # oldest first, so numbers follow the calendar
                self._write(committee, index, key, meetings, people)

    # -- who and which meetings ------------------------------------------------------------------
    def _held(self, committee: Committee) -> dict[str, Meeting]:
        uids = {uid_for(committee.slug, _key(n)): _key(n) for n in range(1, PAST + 1)}
        rows = db.session.scalars(select(Meeting).where(
            Meeting.uid.in_(uids), Meeting.state.in_((MeetingState.HELD, MeetingState.MINUTED)),
            Meeting.starts_at < self.now, Meeting.deleted_at.is_(None)))
        return {uids[m.uid]: m for m in rows}

    def _people(self, committee: Committee) -> _People | None:
        roles = sorted(meeting_svc.invitee_roles(committee), key=lambda r: r.person_id)
        chairs = [r.person for r in roles if r.role == CommitteeRoleKind.COCHAIR]
        if not chairs:
            return None
        secretaries = [r.person for r in roles if r.role == CommitteeRoleKind.SECRETARY]
        reps = [(r.person, r.person.organisation_id) for r in roles
                if r.role == CommitteeRoleKind.REPRESENTATIVE and r.person.organisation_id]
        return _People(chairs[0], secretaries[0] if secretaries else chairs[0], reps)

    # -- one meeting -----------------------------------------------------------------------------
    def _write(self, committee: Committee, index: int, key: str, meetings: dict[str, Meeting],
               people: _People) -> None:
        meeting = meetings[key]
        rng = random.Random(f"{SEED}-{committee.slug}-{key}")
        minutes = svc.create_minutes(people.writer, meeting)
        svc.save_minutes(people.writer, minutes, self._texts(minutes, meeting, rng), None)
        topical = [s for s in minutes.sections if s.title in text.TOPICS and s.title not in (
            "Updates from the members", "Follow-up of the previous meeting's actions")] or \
            [s for s in minutes.sections if s.title in text.TOPICS]
        made = []
        for section in rng.sample(topical, min(len(topical), rng.choice((1, 2, 2)))):
            notes = text.TOPICS[section.title]
            decision = svc.add_decision(people.writer, minutes, notes.decision, section=section)
            made.append(decision)
            for title, description in notes.actions[:rng.choice((1, 2))]:
                self._action(committee, index, key, meeting, decision, people, rng, title, description,
                             presenter=self._presenter(section, meeting), first=len(made) == 1)
        for login, slug, login_key, title, days, status in text.LOGIN_ACTIONS:
            if slug == committee.slug and login_key == key and made:
                self._login_action(committee, meeting, made[0], people, login, title, days, ActionStatus(status))
        self._circulate_and_approve(committee, index, key, meetings, minutes, people, rng)
        self.minuted.add(meeting.id)
        self.summary.minutes += 1
        self.summary.decisions += len(made)

    def _presenter(self, section, meeting: Meeting) -> int | None:
        for item in meeting.items:
            if item.id == section.agenda_item_id:
                return item.presenter_organisation_id
        return None

    def _texts(self, minutes: Minutes, meeting: Meeting, rng: random.Random) -> dict[int, str]:
        present = [i for i in meeting.invitations if i.attended]
        orgs = {i.organisation_id for i in present if i.organisation_id}
        by_item = {item.id: item for item in meeting.items}
        texts = {}
        for section in minutes.sections:
            item = by_item.get(section.agenda_item_id)
            if section.title in text.TOPICS:
                intro = f"*Introduced by {item.presenter_organisation.name}.*\n\n" \
                    if item is not None and item.presenter_organisation is not None else ""
                texts[section.id] = intro + text.TOPICS[section.title].discussion
            elif item is not None and section.position == 1:
                texts[section.id] = text.OPENING.format(present=len(present), orgs=len(orgs))
            elif item is not None:
                texts[section.id] = rng.choice(text.CLOSING)
        return texts

    # -- action items ----------------------------------------------------------------------------
    def _owner(self, people: _People, presenter_org: int | None, n: int) -> tuple[int | None, int | None]:
        """(person, organisation): the presenting organisation's representative where there is one, else the
        members in turn; some items are owned by an organisation only, some by a person only."""
        if not people.reps:
            return people.chair.id, None
        match = [(p, org) for p, org in people.reps if org == presenter_org]
        person, org = match[0] if match else people.reps[n % len(people.reps)]
        return [(person.id, org), (None, org), (person.id, None)][n % 3]

    def _due(self, key: str, meeting: Meeting, first: bool, rng: random.Random) -> date:
        """The latest meeting's first action is due this week, its others later; older meetings' actions
        fell due two to seven weeks after the meeting (so the open ones among them are overdue or nearly)."""
        held = meeting.starts_at.astimezone(ZoneInfo(ZONE)).date()
        if key == _key(1):
            return self.today + timedelta(days=rng.randint(1, 6) if first else rng.randint(9, 40))
        return held + timedelta(days=rng.randint(14, 40) if key == _key(3) else rng.randint(21, 50))

    def _action(self, committee: Committee, index: int, key: str, meeting: Meeting, decision: Decision,
                people: _People, rng: random.Random, title: str, description: str, presenter: int | None,
                first: bool) -> None:
        n = self.summary.action_items + index
        person_id, org_id = self._owner(people, presenter, n)
        cycle = STATUSES.get(key, STATUSES[_key(1)])
        item = action_svc.create_action(
            people.chair, committee, decision=decision, title=title, description=description,
            owner_person_id=person_id, owner_organisation_id=org_id, due_on=self._due(key, meeting, first, rng),
            priority=PRIORITIES[n % len(PRIORITIES)])
        self._progress(item, cycle[n % len(cycle)], people, meeting, rng)

    def _login_action(self, committee: Committee, meeting: Meeting, decision: Decision, people: _People,
                      login: str, title: str, days: int, status: ActionStatus) -> None:
        person = self.logins.get(login)
        if person is None:
            return
        due = self.today + timedelta(days=days)
        org = person.organisation_id if any(org == person.organisation_id for _p, org in people.reps) else None
        item = action_svc.create_action(people.chair, committee, decision=decision, title=title,
                                        owner_person_id=person.id, owner_organisation_id=org, due_on=due,
                                        priority=ActionPriority.HIGH if days < 0 else ActionPriority.NORMAL)
        self._progress(item, status, people, meeting, random.Random(f"{SEED}-{login}-{title}"), actor=person)

    def _progress(self, item: ActionItem, status: ActionStatus, people: _People, meeting: Meeting,
                  rng: random.Random, actor: Person | None = None) -> None:
        """Updates leading to `status`, dated between the meeting and today."""
        actor = actor or (db.session.get(Person, item.owner_person_id) if item.owner_person_id else None) \
            or next((p for p, org in people.reps if org == item.owner_organisation_id), people.chair)
        steps: list[tuple[str, ActionStatus | None, str]] = []
        if status == S.CANCELLED:
            steps.append(("", S.CANCELLED, rng.choice(text.CANCEL_REASONS)))
        elif status == S.OPEN:
            if rng.random() < 0.5:
                steps.append((rng.choice(text.PROGRESS_NOTES), None, ""))
        else:
            steps.append((rng.choice(text.START_NOTES), S.IN_PROGRESS, ""))
            if status in (S.IN_PROGRESS, S.DONE) and rng.random() < 0.6:
                steps.append((rng.choice(text.PROGRESS_NOTES), None, ""))
            if status == S.BLOCKED:
                steps.append((rng.choice(text.BLOCK_NOTES), S.BLOCKED, ""))
            elif status == S.DONE:
                steps.append((rng.choice(text.DONE_NOTES), S.DONE, ""))
        start = meeting.ends_at or meeting.starts_at
        span = (self.now - timedelta(hours=6)) - start
        item.created_at = start + timedelta(hours=3)
        for number, (note, target, reason) in enumerate(steps, start=1):
            update = action_svc.post_update(actor, item, note or reason, target, reason=reason)
            update.created_at = start + span * number / (len(steps) + 1)
        if item.status in (S.DONE, S.CANCELLED) and item.updates:
            item.closed_at = item.updates[-1].created_at
        self.summary.action_items += 1

    # -- circulation, comments, approval ---------------------------------------------------------
    def _deadline(self, day: date) -> datetime:
        return datetime.combine(day, time(17, 0), tzinfo=ZoneInfo(ZONE)).astimezone(ZoneInfo("UTC"))

    def _circulate_and_approve(self, committee: Committee, index: int, key: str, meetings: dict[str, Meeting],
                               minutes: Minutes, people: _People, rng: random.Random) -> None:
        meeting = meetings[key]
        svc.transition_minutes(people.writer, minutes, "circulate",
                               comments_deadline=self._deadline(self.today + timedelta(days=7)))
        circulated = min(meeting.starts_at + timedelta(days=3), self.now - timedelta(days=2))
        minutes.circulated_at = circulated
        minutes.revisions[-1].created_at = circulated
        if key == _key(1):
            commenters = [p for p, _org in people.reps if p.id != people.chair.id][:6]
            for n, person in enumerate(rng.sample(commenters, min(2, len(commenters))), start=1):
                section = rng.choice(minutes.sections[:-1] or minutes.sections)
                row = svc.comment(person, minutes, text.COMMENTS[(index + n) % len(text.COMMENTS)], section)
                row.created_at = circulated + timedelta(hours=20 * n)
            return
        minutes.comments_deadline = self._deadline((circulated + timedelta(days=10)).date())
        later = meetings.get(_key(int(key.split("-")[1]) - 1))
        by_meeting = later is not None and (index + int(key.split("-")[1])) % 2 == 1
        if by_meeting:
            svc.transition_minutes(people.chair, minutes, "approve", approved_how=ApprovedHow.MEETING,
                                   approved_at_meeting=later)
            approved = later.ends_at or later.starts_at
        else:
            svc.transition_minutes(people.chair, minutes, "approve", approved_how=ApprovedHow.COCHAIRS)
            approved = minutes.comments_deadline + timedelta(days=2)
        approved = min(approved, self.now - timedelta(days=1))
        minutes.approved_at = approved
        minutes.revisions[-1].created_at = approved
        if committee.is_public:
            svc.transition_minutes(people.chair, minutes, "publish")
            minutes.published_at = min(approved + timedelta(days=1), self.now - timedelta(hours=12))
