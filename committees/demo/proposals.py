"""Demo proposals: one per agenda topic of every committee (committees/demo/meetings.py) and a few older ones
(committees/demo/proposals_content.py HISTORY), in every state of the workflow.

A topic that the demo minutes decided on (a decision in the section of that agenda topic) gives a proposal that was
on that meeting's agenda and endorsed or declined with that decision (the decision links back to it), then, by the
meeting's age, forwarded to the City, answered, implemented (with an action item from the decision); the other
topics give proposals still with the committee: drafts, submitted, under review, returned for revision (with the
authors' revision as a new version), on the agenda of a coming demo meeting (an item of its published agenda), or
withdrawn. The older proposals give the pipeline report its years and the City's overdue responses. Proposals get
co-sponsors (invited and accepted, one invitation to the demo representative's organisation left unanswered),
supports from other members and comments (one hidden by a co-chair). The demo representative files some, the
demo co-chairs review, the demo coordinator forwards and records the City's replies.

Everything goes through the services (committees/services/proposals.py: `now=` dates each step back to when it
would have happened; supports, comments, versions and co-sponsor answers are dated back afterwards), except one
step: putting a proposal on the agenda of a meeting already held (the service accepts coming meetings only, as
committees/demo/meetings.py sets held meetings directly); that step is written as the service would (event,
state, agenda item link, audit entry). A proposal whose title exists in its committee is left alone, so a second
run adds nothing. Nobody is mailed while the demo writes. Flushes only: the caller commits.
"""
from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from committees import audit, policy
from committees.db import db, utcnow
from committees.demo import proposals_content as text
from committees.demo.content import DEMO_ACCOUNTS
from committees.demo.meetings import CLOSING, OPENING, PAST, TOPICS, UPCOMING, ZONE, uid_for
from committees.models import (
    AgendaItem,
    AgendaItemStatus,
    Committee,
    CommitteeRoleKind,
    GlobalRole,
    Meeting,
    MeetingState,
    Person,
)
from committees.models.actions import ActionStatus
from committees.models.minutes import Decision, MinutesSection
from committees.models.proposals import Proposal, ProposalComment, ProposalEvent
from committees.services import actions as action_svc
from committees.services import meetings as meeting_svc
from committees.services import proposals as svc
from committees.workflow import PROPOSAL_TRANSITIONS, check_transition

SEED = 2017
DAY = timedelta(days=1)
REP_TOPICS = {"Free legal aid: referrals between members", "Update from the asylum service",
              "Registration with the public employment service", "Childcare during language courses"}
HIDDEN_COMMENT_COMMITTEE = "access-legal-rights"
# Agenda items of the demo meetings (committees/demo/meetings.py GENERIC_TOPICS) a proposal may be discussed under.
GENERAL_ITEMS = ("Proposal to the City: next steps", "Updates from the members", "Working group reports")
REASONS = {"return_for_revision": text.RETURN_REASONS, "decline": text.DECLINE_REASONS,
           "withdraw": text.WITHDRAW_REASONS, "not_adopt": [text.NOT_ADOPTED_REASON]}


@dataclass
class ProposalSummary:
    proposals: int = 0
    action_items: int = 0


@dataclass
class _Decided:
    decision: Decision
    meeting: Meeting
    item_id: int | None
    key: str  # past-1 (the latest) ... past-3


@dataclass
class _Committee:
    committee: Committee
    index: int
    chairs: list[Person]
    commenters: list[Person]
    authors: dict[int, Person]  # active member organisation -> one of its representatives (the primary first)
    coming: list[AgendaItem]  # accepted items of coming demo meetings, free to take a proposal
    decided: dict[str, _Decided]  # agenda topic -> the earliest decision on it, not linked yet


@dataclass
class _Plan:
    """One proposal to write: its text, its steps with their times, and what the steps need."""

    text: text.ProposalText
    author: Person
    chair: Person
    steps: list[tuple[str, datetime]]
    created: datetime
    rng: random.Random
    decided: _Decided | None = None
    deadline_days: int = 60
    invite: Person | None = None  # a login whose organisation is invited and does not answer
    extras: dict = field(default_factory=dict)


def _nobody(*args, **kwargs) -> None:
    return None


def _no_one(*args, **kwargs) -> list:
    return []


@contextmanager
def _unmailed() -> Iterator[None]:
    """The proposals and actions services notify nobody while the demo writes (load_demo throws the demo's mail
    away anyway; finding and rendering it first would only slow loading down)."""
    saved = svc.notify, svc.stakeholders, action_svc.notify
    svc.notify = action_svc.notify = _nobody
    svc.stakeholders = _no_one
    try:
        yield
    finally:
        svc.notify, svc.stakeholders, action_svc.notify = saved


def steps_to(state: str, returned: bool = False) -> list[str]:
    """The steps from a draft to `state` (returned once for revision on the way, if `returned`)."""
    if state == "draft":
        return []
    if state == "submitted":
        return ["submit"]
    if state == "withdrawn":
        return ["submit", "withdraw"]
    if state == "returned":
        return ["submit", "start_review", "return_for_revision", "edit"]
    review = ["submit", "start_review"] + (["return_for_revision", "edit", "submit", "start_review"]
                                           if returned else [])
    if state == "under_review":
        return review
    agenda = review + ["put_on_agenda"]
    if state == "on_agenda":
        return agenda
    if state == "declined":
        return agenda + ["decline"]
    forwarded = agenda + ["endorse", "forward"]
    after = {"endorsed": agenda + ["endorse"], "forwarded": forwarded, "adopted": forwarded + ["adopt"],
             "adopted_in_part": forwarded + ["adopt_in_part"], "not_adopted": forwarded + ["not_adopt"],
             "in_implementation": forwarded + ["adopt", "start_implementation"],
             "implemented": forwarded + ["adopt", "start_implementation", "complete"]}
    return after[state]


def _spread(start: datetime, end: datetime, count: int) -> list[datetime]:
    if count <= 0:
        return []
    if count == 1:
        return [end]
    return [start + (end - start) * i / (count - 1) for i in range(count)]


class ProposalLoader:
    """Writes the missing demo proposals of the given committees."""

    def __init__(self, committees: Iterable[Committee], people_by_email: dict[str, Person],
                 today: date | None = None) -> None:
        self.committees = sorted(committees, key=lambda c: c.slug)
        self.logins = {key: people_by_email.get(email) for key, (_label, email, *_rest) in DEMO_ACCOUNTS.items()}
        self.now = utcnow().replace(microsecond=0)
        self.today = today or self.now.astimezone(ZoneInfo(ZONE)).date()
        self.coordinator = self.logins.get("coordinator") or db.session.scalars(
            select(Person).where(Person.global_role == GlobalRole.COORDINATOR, Person.active.is_(True))
            .order_by(Person.id)).first()
        self.existing = {tuple(row) for row in db.session.execute(select(Proposal.committee_id, Proposal.title))}
        self.hide_pending = db.session.scalar(select(ProposalComment.id).where(
            ProposalComment.hidden_at.is_not(None)).limit(1)) is None
        self.summary = ProposalSummary()
        self.cycles = {"pre": 0, **{key: 0 for key in text.DECIDED_CYCLE}}
        self.invitations = 0

    def run(self) -> ProposalSummary:
        with _unmailed():
            for index, committee in enumerate(self.committees):
                self._committee(index, committee)
        return self.summary

    # -- one committee ---------------------------------------------------------------------------------------------
    def _committee(self, index: int, committee: Committee) -> None:
        topics = [t for t in TOPICS.get(committee.slug, []) if t in text.TOPIC_PROPOSALS]
        history = [h for h in text.HISTORY if h.committee == committee.slug]
        missing = [t for t in topics if (committee.id, text.TOPIC_PROPOSALS[t].title) not in self.existing] + \
            [h for h in history if (committee.id, h.text.title) not in self.existing]
        if not missing or not committee.active:
            return
        ctx = self._context(index, committee)
        if ctx is None:
            return
        for n, topic in enumerate(topics):
            decided = ctx.decided.get(topic)
            if decided is not None:
                cycle = text.DECIDED_CYCLE[decided.key]
                state = cycle[self.cycles[decided.key] % len(cycle)]
                self.cycles[decided.key] += 1
            elif any(item.title == topic for item in ctx.coming):
                state = "on_agenda"  # the topic is on a coming meeting's agenda: for this proposal
            else:
                state = text.PRE_DECISION_CYCLE[(index + self.cycles["pre"]) % len(text.PRE_DECISION_CYCLE)]
                self.cycles["pre"] += 1
            body = text.TOPIC_PROPOSALS[topic]
            if (committee.id, body.title) in self.existing:
                continue
            rng = random.Random(f"{SEED}-{committee.slug}-{topic}")
            author = self._author(ctx, rng, "rep" if topic in REP_TOPICS else "")
            if author is None:
                continue
            chair = ctx.chairs[n % len(ctx.chairs)]
            if decided is not None:
                plan = self._decided_plan(body, author, chair, state, decided, rng)
            else:
                start, end = self.now - rng.randint(25, 60) * DAY, self.now - rng.randint(1, 6) * DAY
                steps = steps_to(state, returned=state == "on_agenda" and rng.random() < 0.5)
                plan = self._plan(body, author, chair, steps, start, end, rng)
            plan.extras["topic"] = topic
            self._write(ctx, plan)
        for spec in history:
            if (committee.id, spec.text.title) in self.existing:
                continue
            rng = random.Random(f"{SEED}-{committee.slug}-{spec.text.title}")
            author = self._author(ctx, rng, spec.author, avoid=self.logins.get(spec.invite))
            if author is None:
                continue
            plan = self._plan(spec.text, author, ctx.chairs[len(spec.text.title) % len(ctx.chairs)],
                              steps_to(spec.state, spec.returned), self.now - spec.start_days * DAY,
                              self.now - spec.end_days * DAY, rng)
            plan.deadline_days = spec.deadline_days
            plan.invite = self.logins.get(spec.invite) if spec.invite else None
            self._write(ctx, plan)

    def _context(self, index: int, committee: Committee) -> _Committee | None:
        roles = sorted(meeting_svc.invitee_roles(committee), key=lambda r: (not r.is_primary, r.person_id))
        chairs = sorted((r.person for r in roles if r.role == CommitteeRoleKind.COCHAIR), key=lambda p: p.id)
        if not chairs:
            return None
        authors: dict[int, Person] = {}
        for role in roles:
            if role.role == CommitteeRoleKind.REPRESENTATIVE and role.person.organisation_id:
                authors.setdefault(role.person.organisation_id, role.person)
        if len(authors) < 2:
            return None
        commenters = sorted({r.person for r in roles if r.role in (
            CommitteeRoleKind.COCHAIR, CommitteeRoleKind.SECRETARY, CommitteeRoleKind.REPRESENTATIVE)},
            key=lambda p: p.id)
        return _Committee(committee, index, chairs, commenters, authors, self._coming_items(committee),
                          self._decisions(committee))

    def _coming_items(self, committee: Committee) -> list[AgendaItem]:
        uids = [uid_for(committee.slug, f"next-{n}") for n in range(1, UPCOMING + 1)]
        return list(db.session.scalars(
            select(AgendaItem).join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(Meeting.uid.in_(uids), Meeting.state == MeetingState.SCHEDULED, Meeting.starts_at > self.now,
                   Meeting.deleted_at.is_(None), AgendaItem.status == AgendaItemStatus.ACCEPTED,
                   AgendaItem.proposal_id.is_(None), AgendaItem.title.not_in((OPENING[0], CLOSING[0])))
            .order_by(Meeting.starts_at, AgendaItem.position)))

    def _decisions(self, committee: Committee) -> dict[str, _Decided]:
        keys = {uid_for(committee.slug, f"past-{n}"): f"past-{n}" for n in range(1, PAST + 1)}
        rows = db.session.execute(
            select(Decision, MinutesSection.title, MinutesSection.agenda_item_id, Meeting)
            .join(MinutesSection, MinutesSection.id == Decision.section_id)
            .join(Meeting, Meeting.id == Decision.meeting_id)
            .where(Decision.committee_id == committee.id, Decision.proposal_id.is_(None), Meeting.uid.in_(keys),
                   Meeting.starts_at < self.now - 2 * DAY)
            .order_by(Meeting.starts_at, Decision.id))
        decided: dict[str, _Decided] = {}
        for decision, topic, item_id, meeting in rows:
            decided.setdefault(topic, _Decided(decision, meeting, item_id, keys[meeting.uid]))
        return decided

    def _author(self, ctx: _Committee, rng: random.Random, login: str = "",
                avoid: Person | None = None) -> Person | None:
        person = self.logins.get(login) if login else None
        if person is not None and ctx.authors.get(person.organisation_id) is not None:
            return person
        orgs = sorted(o for o in ctx.authors if avoid is None or o != avoid.organisation_id)
        return ctx.authors[rng.choice(orgs)] if orgs else None

    # -- the plan of one proposal ----------------------------------------------------------------------------------
    def _plan(self, body, author, chair, steps: list[str], start: datetime, end: datetime,
              rng: random.Random) -> _Plan:
        times = _spread(start, end, len(steps))
        created = (times[0] if times else start) - rng.randint(2, 12) * DAY
        return _Plan(body, author, chair, list(zip(steps, times)), created, rng)

    def _decided_plan(self, body, author, chair, state: str, decided: _Decided, rng: random.Random) -> _Plan:
        """Steps before the decision lead to the meeting's agenda; the decision is taken at the meeting; the
        steps after it are spread from three days later to a few days ago."""
        steps = steps_to(state, returned=rng.random() < 0.3)
        cut = next(i for i, name in enumerate(steps) if name in ("endorse", "decline"))
        held = decided.meeting.ends_at or decided.meeting.starts_at + timedelta(hours=2)
        start = decided.meeting.starts_at
        before = _spread(start - rng.randint(35, 50) * DAY, start - rng.randint(3, 14) * DAY, cut)
        after = _spread(held + 3 * DAY, max(held + 3 * DAY, self.now - rng.randint(1, 10) * DAY),
                        len(steps) - cut - 1)
        return _Plan(body, author, chair, list(zip(steps, [*before, held, *after])),
                     before[0] - rng.randint(2, 12) * DAY, rng, decided=decided)

    # -- writing -----------------------------------------------------------------------------------------------------
    def _write(self, ctx: _Committee, plan: _Plan) -> None:
        body = plan.text
        proposal = svc.create_proposal(plan.author, ctx.committee, now=plan.created, title=body.title,
                                       summary=body.summary, body=body.body(), target_group=body.target_group,
                                       expected_impact=body.impact, budget_eur=body.budget or None,
                                       timeframe=body.timeframe, language="en")
        first = plan.steps[0][1] if plan.steps else self.now - DAY
        self._cosponsors(ctx, proposal, plan, plan.created, first)
        for i, (name, at) in enumerate(plan.steps):
            following = plan.steps[i + 1][1] if i + 1 < len(plan.steps) else self.now - timedelta(hours=1)
            if not self._step(ctx, proposal, plan, name, at, last=i + 1 == len(plan.steps)):
                break
            if name == "submit" and proposal.current_version == 1 and len(proposal.versions) == 1:
                self._members_react(ctx, proposal, plan, at, following)
            if name == "start_implementation" and plan.decided is not None:
                self._implementation(ctx, proposal, plan, at, self._complete_at(plan))
        self.existing.add((ctx.committee.id, body.title))
        self.summary.proposals += 1

    def _complete_at(self, plan: _Plan) -> datetime | None:
        return next((at for name, at in plan.steps if name == "complete"), None)

    def _step(self, ctx: _Committee, proposal: Proposal, plan: _Plan, name: str, at: datetime,
              last: bool) -> bool:
        """Take one step; False when it cannot be taken (no coming meeting, no coordinator): the proposal stays.
        A proposal that stays on the agenda is on a coming meeting's; one that went further, on a held one's."""
        if name == "edit":
            note = plan.rng.choice(text.REVISION_NOTES)
            svc.update_proposal(plan.author, proposal, {"expected_impact": f"{plan.text.impact} {note}"}, note=note)
            proposal.versions[-1].created_at = at
            return True
        transition = PROPOSAL_TRANSITIONS[name]
        if transition.action == "proposal.forward":
            actor = self.coordinator
        elif transition.action == "proposal.author":
            actor = plan.author
        else:
            actor = plan.chair
        if actor is None:
            return False
        kwargs: dict = {}
        if transition.needs_reason:
            kwargs["reason"] = plan.rng.choice(REASONS[name])
        if name == "put_on_agenda":
            if not last:
                self._past_agenda(proposal, plan, actor, at)
                return True
            item = self._coming_item(ctx, plan.extras.get("topic"))
            if item is None:
                return False
            kwargs["agenda_item"] = item
        elif name in ("endorse", "decline") and plan.decided is not None:
            kwargs["decision"] = plan.decided.decision
        elif name == "forward":
            kwargs.update(department=text.DEPARTMENTS.get(ctx.committee.slug, "Mayor's Office"),
                          response_deadline=at.astimezone(ZoneInfo(ZONE)).date() + plan.deadline_days * DAY)
        elif name in svc.CITY_RESPONSES:
            kwargs["reply"] = text.CITY_REPLIES[name].format(
                department=text.DEPARTMENTS.get(ctx.committee.slug, "Mayor's Office"))
        svc.transition_proposal(actor, proposal, name, now=at, **kwargs)
        return True

    def _coming_item(self, ctx: _Committee, topic: str | None) -> AgendaItem | None:
        """The coming agenda item on the proposal's topic, else one for proposals or members' updates."""
        item = next((i for i in ctx.coming if i.title == topic), None) or next(
            (i for title in GENERAL_ITEMS for i in ctx.coming if i.title == title), None)
        if item is not None:
            ctx.coming.remove(item)
        return item

    def _past_agenda(self, proposal: Proposal, plan: _Plan, actor: Person, at: datetime) -> None:
        """On the agenda of a meeting already held (the decision's), written as transition_proposal would: the
        service accepts coming meetings only."""
        policy.ensure(actor, "proposal.review", proposal)
        transition = check_transition(PROPOSAL_TRANSITIONS, "put_on_agenda", proposal.state)
        item = db.session.get(AgendaItem, plan.decided.item_id) if plan.decided and plan.decided.item_id else None
        if item is not None and item.proposal_id is None:
            item.proposal_id = proposal.id
        old = proposal.state
        proposal.state, proposal.state_changed_at, proposal.state_reason = transition.target, at, ""
        proposal.events.append(ProposalEvent(kind="put_on_agenda", from_state=old, to_state=transition.target,
                                             actor_id=actor.id, agenda_item_id=item.id if item else None,
                                             created_at=at))
        db.session.flush()
        audit.record(actor, "proposal.put_on_agenda", proposal,
                     f"Proposal {proposal.title}: {old.value} → {transition.target.value}",
                     committee_id=proposal.committee_id, agenda_item_id=item.id if item else None)

    # -- co-sponsors, supports, comments -----------------------------------------------------------------------------
    def _cosponsors(self, ctx: _Committee, proposal: Proposal, plan: _Plan, start: datetime,
                    end: datetime) -> None:
        """While a draft: some members invited and answering; the `invite` login's organisation not answering."""
        others = sorted(o for o in ctx.authors if o != proposal.organisation_id
                        and (plan.invite is None or o != plan.invite.organisation_id))
        count = plan.rng.choice((0, 0, 1, 1, 2)) if others else 0
        invited = []
        for org in plan.rng.sample(others, count):
            self.invitations += 1
            invited.append((ctx.authors[org], self.invitations % 6 != 0))  # one invitation in six declined
        if plan.invite is not None and plan.invite.organisation_id in ctx.authors:
            invited.append((plan.invite, None))
        times = _spread(start + timedelta(hours=6), end - timedelta(hours=6), 2 * len(invited))
        for n, (person, accept) in enumerate(invited):
            row = svc.invite_cosponsor(plan.author, proposal, person.organisation)
            row.invited_at = proposal.events[-1].created_at = times[2 * n]
            if accept is not None:
                row = svc.respond_cosponsor(person, proposal, accept)
                row.responded_at = proposal.events[-1].created_at = times[2 * n + 1]

    def _members_react(self, ctx: _Committee, proposal: Proposal, plan: _Plan, start: datetime,
                       end: datetime) -> None:
        """Right after the first submission: other members support it, some comment (one comment hidden)."""
        rng = plan.rng
        taken = {proposal.organisation_id, *(c.organisation_id for c in proposal.accepted_cosponsors)}
        free = sorted(o for o in ctx.authors if o not in taken)
        supporters = [ctx.authors[o] for o in rng.sample(free, min(len(free), rng.randint(0, 5)))]
        commenters = [p for p in ctx.commenters if p.organisation_id != proposal.organisation_id]
        writers = rng.sample(commenters, min(len(commenters), rng.choice((0, 1, 1, 2))))
        hide = self.hide_pending and ctx.committee.slug == HIDDEN_COMMENT_COMMITTEE and bool(commenters)
        times = _spread(start + timedelta(hours=2), end - timedelta(hours=2),
                        len(supporters) + len(writers) + (2 if hide else 0))
        for person in supporters:
            svc.support(person, proposal).created_at = times.pop(0)
        for n, person in enumerate(writers):
            row = svc.add_comment(person, proposal, text.COMMENTS[(ctx.index + n + len(proposal.title))
                                                                 % len(text.COMMENTS)])
            row.created_at = times.pop(0)
        if hide:
            row = svc.add_comment(commenters[-1], proposal, text.HIDDEN_COMMENT)
            row.created_at = times.pop(0)
            svc.hide_comment(plan.chair, row, text.HIDE_REASON)
            row.hidden_at = times.pop(0)
            self.hide_pending = False

    # -- implementation --------------------------------------------------------------------------------------------
    def _implementation(self, ctx: _Committee, proposal: Proposal, plan: _Plan, start: datetime,
                        done: datetime | None) -> None:
        """An action item from the proposal's decision, owned by the authors: in progress, or done when the
        proposal is implemented."""
        department = text.DEPARTMENTS.get(ctx.committee.slug, "Mayor's Office")
        due = (done.astimezone(ZoneInfo(ZONE)).date() if done else self.today + 30 * DAY)
        item = action_svc.create_action(plan.chair, ctx.committee, decision=plan.decided.decision,
                                        title=text.IMPLEMENTATION_ACTION.format(department=department),
                                        owner_person_id=plan.author.id,
                                        owner_organisation_id=plan.author.organisation_id, due_on=due)
        item.created_at = start + timedelta(hours=1)
        update = action_svc.post_update(plan.author, item, "First meeting with the department held.",
                                        ActionStatus.IN_PROGRESS)
        update.created_at = start + timedelta(hours=2)
        if done is not None:
            update = action_svc.post_update(plan.author, item, "Implemented and reported to the committee.",
                                            ActionStatus.DONE)
            update.created_at = item.closed_at = done - timedelta(hours=1)
        self.summary.action_items += 1

