"""Proposals of the benchmark's data set, each with the timeline its state needs (PROPOSAL_TRANSITIONS):

created -> submit (version 1; sometimes returned for revision, edited as version 2 and submitted again) -> review ->
on the agenda of a meeting (a coming one for "on the agenda"; an agenda item of a held, minuted meeting for the
decided ones, whose decision in the minutes is linked) -> endorsed / declined -> forwarded to a City department with
a response deadline -> the City's reply -> implementation. Withdrawn ones stop before a decision. Timestamps
(submitted_at, decided_at, forwarded_at, city_responded_at, state_changed_at) match the events; co-sponsors, supports
(support_count) and comments come from the committee's active member organisations.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal

from bench.data import Data
from bench.gen_bodies import Bodies
from bench.gen_meetings import MeetingsOut
from bench.gen_minutes import MinutesOut
from committees.demo import content as demo
from committees.demo import minutes_content as notes
from committees.models import AgendaItemStatus, CosponsorStatus, MeetingState, ProposalState
from committees.services.proposals import FIELD_TITLES

P = ProposalState
WEIGHTS = [(P.DRAFT, 6), (P.SUBMITTED, 6), (P.UNDER_REVIEW, 6), (P.RETURNED, 4), (P.ON_AGENDA, 4), (P.ENDORSED, 6),
           (P.DECLINED, 8), (P.FORWARDED, 10), (P.ADOPTED, 12), (P.ADOPTED_IN_PART, 8), (P.NOT_ADOPTED, 8),
           (P.IN_IMPLEMENTATION, 8), (P.IMPLEMENTED, 8), (P.WITHDRAWN, 6)]
# The steps after the committee's decision, and how old the meeting must be (days) for them to have happened.
AFTER_DECISION = {
    P.ENDORSED: (["endorse"], 3), P.DECLINED: (["decline"], 3), P.FORWARDED: (["endorse", "forward"], 40),
    P.ADOPTED: (["endorse", "forward", "adopt"], 130),
    P.ADOPTED_IN_PART: (["endorse", "forward", "adopt_in_part"], 130),
    P.NOT_ADOPTED: (["endorse", "forward", "not_adopt"], 130),
    P.IN_IMPLEMENTATION: (["endorse", "forward", "adopt", "start_implementation"], 200),
    P.IMPLEMENTED: (["endorse", "forward", "adopt", "start_implementation", "complete"], 420),
}
TARGETS = {"created": P.DRAFT, "submit": P.SUBMITTED, "start_review": P.UNDER_REVIEW, "return_for_revision":
           P.RETURNED, "put_on_agenda": P.ON_AGENDA, "endorse": P.ENDORSED, "decline": P.DECLINED, "forward":
           P.FORWARDED, "adopt": P.ADOPTED, "adopt_in_part": P.ADOPTED_IN_PART, "not_adopt": P.NOT_ADOPTED,
           "start_implementation": P.IN_IMPLEMENTATION, "complete": P.IMPLEMENTED, "withdraw": P.WITHDRAWN}
REASONS = {"return_for_revision": "Please add a budget breakdown and the partners' roles.",
           "decline": "The committee found the proposal outside its mandate.",
           "not_adopt": "The City has no budget line for this in the current year.",
           "withdraw": "We will resubmit it together with other members next year."}
KINDS = ["Pilot programme", "Information campaign", "Training series", "Joint referral system", "Community project",
         "Mapping study", "Support scheme"]
DEPARTMENTS = ["Directorate of Social Solidarity", "Directorate of Education", "Office of the Deputy Mayor for "
               "Migrants and Refugees", "Directorate of Public Health", "Employment and Development Agency"]
BODIES = [
    "## Background\n\n{topic} remains a concern raised by many members. {extra}\n\n## What we propose\n\n"
    "- a {kind_l} run with the municipal services\n- regular reporting to the committee\n- materials in Greek, "
    "English, Arabic and Farsi\n\n## Partners\n\nThe author organisation leads; co-sponsors contribute staff time.",
    "## Problem\n\n{extra}\n\n## Proposal\n\nA {kind_l} on *{topic_l}* in the neighbourhood of {hood}, with "
    "**clear targets** and a budget line for interpreters.\n\n## Evaluation\n\nA short report to the committee after "
    "six months and at the end.",
]
COMMENTS = ["We support this and can offer interpreters for two sessions.", "Could the budget include childcare?",
            "Our members in {hood} raised the same need last month.", "Please coordinate with the municipal "
            "employment office before the pilot starts.", "Good idea; the timeframe looks short to us."]


class ProposalsBuilder:
    def __init__(self, data: Data, bodies: Bodies, meetings: MeetingsOut, minutes: MinutesOut) -> None:
        self.d = data
        self.b = bodies
        self.m = meetings
        self.mi = minutes
        self.rng = data.rng
        self.states = [s for s, w in WEIGHTS for _ in range(w)]
        self.actions_by_decision: dict[int, list[dict]] = {}
        for item in data.rows["action_item"]:
            if item["decision_id"]:
                self.actions_by_decision.setdefault(item["decision_id"], []).append(item)
        self.topics = [t for t in notes.TOPICS]

    def run(self) -> None:
        committees = [c for c in self.b.committees if self.b.reps.get(c["id"])]
        for n in range(self.d.counts.proposals):
            # Each committee's first proposals go through every state once (so even a small data set shows every
            # kind of page); the rest are drawn by weight.
            rank = n // len(committees)
            self._proposal(committees[n % len(committees)], WEIGHTS[rank][0] if rank < len(WEIGHTS) else None)

    # -- one proposal -----------------------------------------------------------------------------------------
    def _proposal(self, committee: dict, state: ProposalState | None) -> None:
        rng, cid = self.rng, committee["id"]
        author, org = rng.choice(self.b.reps[cid])
        rich = state is not None  # the first of its state: at least one co-sponsor, support and comment
        state = state or rng.choice(self.states)
        plan = self._plan(cid, state)
        if plan is None:
            state = P.UNDER_REVIEW
            plan = self._plan(cid, state)
        steps, meeting_item, decision = plan
        topic = rng.choice(self.topics)
        kind = rng.choice(KINDS)
        hood = rng.choice(demo.NEIGHBOURHOODS)[0]
        fields = {
            "title": f"{kind}: {topic}"[:200],
            "summary": f"A {kind.lower()} on {topic.lower()} for the people the members serve in {hood}.",
            "body": rng.choice(BODIES).format(topic=topic, topic_l=topic.lower(), kind_l=kind.lower(), hood=hood,
                                              extra=notes.TOPICS[topic].discussion.split("\n\n")[0]),
            "target_group": rng.choice(["Asylum seekers and refugees", "Women refugees", "Unaccompanied minors",
                                        "Migrant workers", "Families in supported accommodation"]),
            "expected_impact": f"Better access for about {rng.randint(2, 40) * 10} people a year; figures reported to "
                               "the committee.",
            "budget_eur": Decimal(rng.randint(0, 400) * 500) if rng.random() < 0.85 else None,
            "timeframe": rng.choice(["6 months", "12 months", "One school year", "18 months"]),
        }
        if state == P.DRAFT and rng.random() < 0.4:
            fields["body"] = ""
        times = self._times(steps, meeting_item, decision)
        chair = (self.b.cochairs.get(cid) or self.b.coordinators)[0]
        coordinator = self.b.coordinators[-1]
        proposal = self.d.add(
            "proposal", committee_id=cid, organisation_id=org, created_by_id=author, **fields,
            body_html=self.d.html(fields["body"]), state=state, state_changed_at=times[-1], state_reason="",
            submitted_at=None, decided_at=None, forwarded_at=None, city_department="", response_deadline=None,
            city_responded_at=None, city_reply="", city_reply_html="", current_version=0, support_count=0,
            created_at=times[0], updated_at=times[-1], version=1)
        pid = proposal["id"]
        self.pending: list[dict] = []
        for step, when in zip(steps, times):
            self._step(proposal, step, when, author, chair, coordinator, meeting_item, decision)
        if proposal["submitted_at"] is not None:
            self._cosponsors_supports_comments(proposal, cid, org, author, chair, rich)
        for event in sorted(self.pending, key=lambda e: e["created_at"]):  # ids in the order things happened
            self.d.add("proposal_event", **event)
        if meeting_item is not None:
            meeting_item["proposal_id"] = pid
        if decision is not None:
            decision["proposal_id"] = pid
            if state in (P.IN_IMPLEMENTATION, P.IMPLEMENTED):
                for item in self.actions_by_decision.get(decision["id"], [])[:2]:
                    item["proposal_id"] = pid

    def _plan(self, cid: int, state: ProposalState) -> tuple[list[str], dict | None, dict | None] | None:
        rng = self.rng
        steps = ["created"]
        if state == P.DRAFT:
            return steps, None, None
        steps.append("submit")
        if rng.random() < 0.25 and state != P.SUBMITTED:
            steps += ["return_for_revision", "submit"]
        if state == P.SUBMITTED:
            return steps, None, None
        if state == P.WITHDRAWN:
            return steps + (["start_review"] if rng.random() < 0.5 else []) + ["withdraw"], None, None
        steps.append("start_review")
        if state == P.UNDER_REVIEW:
            return steps, None, None
        if state == P.RETURNED:
            return steps + ["return_for_revision"], None, None
        if state == P.ON_AGENDA:
            item = self._free_item(self.m.by_committee[cid], (MeetingState.SCHEDULED,))
            return (steps + ["put_on_agenda"], item, None) if item else None
        after, age = AFTER_DECISION[state]
        minuted = [m for m in self.m.by_committee[cid] if m["state"] == MeetingState.MINUTED
                   and m["starts_at"] < self.d.now - timedelta(days=age)]
        rng.shuffle(minuted)
        for meeting in minuted[:6]:
            decision = next((x for x in self.mi.decisions.get(meeting["id"], []) if x["proposal_id"] is None), None)
            item = None
            if decision is not None:
                section = self.d.rows["minutes_section"][decision["section_id"] - 1]
                item = next((i for i in self.m.items[meeting["id"]] if i["id"] == section["agenda_item_id"]
                             and i["proposal_id"] is None), None)
            if item is None:
                decision, item = None, self._free_item([meeting], (MeetingState.MINUTED,))
            if item is not None:
                return steps + ["put_on_agenda"] + after, item, decision
        return None

    def _free_item(self, meetings: list[dict], states: tuple) -> dict | None:
        for meeting in meetings:
            if meeting["state"] not in states:
                continue
            items = self.m.items[meeting["id"]]
            for item in items[1:-1]:
                if item["proposal_id"] is None and item["status"] == AgendaItemStatus.ACCEPTED:
                    return item
        return None

    def _times(self, steps: list[str], item: dict | None, decision: dict | None) -> list[datetime]:
        """One timestamp per step, increasing, all in the past; anchored on the meeting when there is one."""
        rng, now = self.rng, self.d.now
        limit = now - timedelta(hours=1)
        days = {"created": 0, "submit": rng.randint(2, 20), "return_for_revision": rng.randint(3, 15),
                "start_review": rng.randint(1, 10), "put_on_agenda": rng.randint(3, 20), "withdraw": rng.randint(5, 60),
                "forward": rng.randint(7, 30), "adopt": rng.randint(20, 90), "adopt_in_part": rng.randint(20, 90),
                "not_adopt": rng.randint(20, 90), "start_implementation": rng.randint(10, 60),
                "complete": rng.randint(60, 200)}
        meeting = self._meeting_cache[item["meeting_id"]] if item is not None else None
        if meeting is not None and meeting["state"] == MeetingState.MINUTED:
            # Backwards from the meeting: put on the agenda ten days before, the earlier steps before that.
            agenda_at = meeting["starts_at"] - timedelta(days=10)
            index = steps.index("put_on_agenda")
            times = [agenda_at]
            for step in reversed(steps[1:index + 1]):
                times.insert(0, times[0] - timedelta(days=days[step], hours=rng.randint(1, 8)))
            decided = (decision["created_at"] if decision else meeting["ends_at"] + timedelta(days=1)) + \
                timedelta(hours=1)
            times.append(decided)
            for step in steps[index + 2:]:
                times.append(min(times[-1] + timedelta(days=days[step]), limit))
            return self._monotonic(times, limit)
        total = sum(days.get(s, 1) for s in steps) + 2
        start = now - timedelta(days=total + rng.randint(0, 300))
        times = []
        for step in steps:
            start = start + timedelta(days=days.get(step, 1), hours=rng.randint(0, 8))
            times.append(min(start, limit))
        return self._monotonic(times, limit)

    @property
    def _meeting_cache(self) -> dict[int, dict]:
        if not hasattr(self, "_meetings"):
            self._meetings = {m["id"]: m for ms in self.m.by_committee.values() for m in ms}
        return self._meetings

    @staticmethod
    def _monotonic(times: list[datetime], limit: datetime) -> list[datetime]:
        out: list[datetime] = []
        for n, when in enumerate(times):
            when = min(when, limit - timedelta(minutes=len(times) - n))
            if out and when <= out[-1]:
                when = out[-1] + timedelta(minutes=1)
            out.append(when)
        return out

    # -- the events -------------------------------------------------------------------------------------------
    def _step(self, proposal: dict, step: str, when: datetime, author: int, chair: int, coordinator: int,
              item: dict | None, decision: dict | None) -> None:
        actor = author if step in ("created", "submit", "withdraw") else \
            coordinator if step in ("forward", "adopt", "adopt_in_part", "not_adopt") else chair
        old = proposal["state"] if step != "created" else None
        target = TARGETS[step]
        extra: dict = {}
        reason = REASONS.get(step, "")
        if step == "submit":
            if proposal["submitted_at"] is None:
                proposal["submitted_at"] = when
                self._version(proposal, author, when, "")
            else:
                self._version(proposal, author, when - timedelta(hours=2), "Revised after the co-chairs' comments.")
        elif step == "put_on_agenda":
            extra["agenda_item_id"] = item["id"] if item else None
        elif step in ("endorse", "decline"):
            proposal["decided_at"] = when
            extra["decision_id"] = decision["id"] if decision else None
        elif step == "forward":
            department = self.rng.choice(DEPARTMENTS)
            deadline = (when + timedelta(days=60)).date()
            proposal.update(city_department=department, response_deadline=deadline, forwarded_at=when)
            extra.update(department=department, response_deadline=deadline)
        elif step in ("adopt", "adopt_in_part", "not_adopt"):
            reply = reason or "The City adopts the proposal and asks the committee to follow its implementation."
            proposal.update(city_reply=reply, city_reply_html=self.d.html(reply), city_responded_at=when)
        self.pending.append(dict(
            proposal_id=proposal["id"], kind=step, from_state=old, to_state=target, actor_id=actor, reason=reason,
            organisation_id=None, agenda_item_id=extra.get("agenda_item_id"), decision_id=extra.get("decision_id"),
            document_id=None, department=extra.get("department", ""), response_deadline=extra.get("response_deadline"),
            created_at=when))
        proposal["state"] = target
        if proposal["state"] == P.DRAFT and step == "created":
            return
        proposal["state_reason"] = reason
        proposal["state_changed_at"] = when

    def _version(self, proposal: dict, author: int, when: datetime, note: str) -> None:
        proposal["current_version"] += 1
        snapshot = json.dumps([{"section_id": key, "title": title, "text": "" if proposal[key] is None
                                else str(proposal[key])} for key, title in FIELD_TITLES.items()], ensure_ascii=False)
        self.d.add("proposal_version", proposal_id=proposal["id"], number=proposal["current_version"],
                   snapshot=snapshot, note=note, author_id=author, created_at=when)

    def _cosponsors_supports_comments(self, proposal: dict, cid: int, org: int, author: int, chair: int,
                                      rich: bool) -> None:
        rng = self.rng
        reps: dict[int, int] = {}
        for person, member in self.b.reps[cid]:
            reps.setdefault(member, person)
        others = [o for o in reps if o != org]
        submitted, last = proposal["submitted_at"], proposal["state_changed_at"]
        decided = proposal["decided_at"] is not None or proposal["state"] == P.WITHDRAWN
        cosponsors = rng.sample(others, min(len(others), 1 if rich else rng.choice((0, 0, 1, 2))))
        for n, member in enumerate(cosponsors):
            invited = proposal["created_at"] + timedelta(hours=n + 1)
            status = CosponsorStatus.ACCEPTED if rich else rng.choice(
                [CosponsorStatus.ACCEPTED] * 7 + [CosponsorStatus.DECLINED] +
                ([] if decided else [CosponsorStatus.INVITED] * 2))
            responded = invited + timedelta(hours=6) if status != CosponsorStatus.INVITED else None
            self.d.add("proposal_cosponsor", proposal_id=proposal["id"], organisation_id=member, status=status,
                       invited_by_id=author, invited_at=invited, responded_by_id=reps[member] if responded else None,
                       responded_at=responded)
            self._event(proposal, "cosponsor_invited", author, member, invited)
            if responded:
                kind = "cosponsor_accepted" if status == CosponsorStatus.ACCEPTED else "cosponsor_declined"
                self._event(proposal, kind, reps[member], member, responded)
        supporters = [o for o in others if o not in cosponsors]
        supporters = rng.sample(supporters, min(len(supporters), rng.randint(1 if rich else 0, 6)))
        for member in supporters:
            self.d.add("proposal_support", proposal_id=proposal["id"], organisation_id=member,
                       person_id=reps[member], created_at=self.d.between(submitted, max(last, submitted)))
        proposal["support_count"] = len(supporters)
        for _ in range(rng.choice((1, 2, 3) if rich else (0, 1, 2, 3, 5))):
            person, member = rng.choice(self.b.reps[cid])
            body = rng.choice(COMMENTS).format(hood=rng.choice(demo.NEIGHBOURHOODS)[0])
            hidden = rng.random() < 0.05
            at = self.d.between(submitted, max(last, submitted + timedelta(hours=1)))
            self.d.add("proposal_comment", proposal_id=proposal["id"], person_id=person, organisation_id=member,
                       body=body, body_html=self.d.html(body), created_at=at,
                       hidden_at=at + timedelta(hours=3) if hidden else None, hidden_by_id=chair if hidden else None,
                       hidden_reason="Off topic for this proposal." if hidden else "")

    def _event(self, proposal: dict, kind: str, actor: int, org: int, when: datetime) -> None:
        self.pending.append(dict(
            proposal_id=proposal["id"], kind=kind, from_state=None, to_state=None, actor_id=actor, reason="",
            organisation_id=org, agenda_item_id=None, decision_id=None, document_id=None, department="",
            response_deadline=None, created_at=when))
