"""Minutes, decisions and action items of the benchmark's data set, for held meetings only.

Per committee: the latest held meeting has no minutes yet, the one before has minutes circulated for comments (open
until next week), older ones are approved (by the next meeting or by the co-chairs; the meeting is then "minuted") and,
in public committees, mostly published. As the services do: a section per accepted agenda item plus "any other
business", a revision at circulation and at approval, decisions numbered YYYY/MM-n per committee. Action items come
from the decisions (most) or are set directly; their status follows their age, with the updates that lead there.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bench.data import ZONE, Data
from bench.gen_bodies import Bodies
from bench.gen_meetings import MeetingsOut
from committees.demo import minutes_content as notes
from committees.models import (
    ActionPriority,
    ActionStatus,
    AgendaItemStatus,
    ApprovedHow,
    MeetingState,
    MinutesState,
)

S = ActionStatus
AOB = "Any other business"
OLD_STATUSES = ([S.DONE] * 72 + [S.CANCELLED] * 8 + [S.IN_PROGRESS] * 8 + [S.BLOCKED] * 4 + [S.OPEN] * 8)
NEW_STATUSES = ([S.OPEN] * 35 + [S.IN_PROGRESS] * 35 + [S.BLOCKED] * 10 + [S.DONE] * 20)
PRIORITIES = [ActionPriority.NORMAL] * 6 + [ActionPriority.HIGH] * 2 + [ActionPriority.LOW] * 2


@dataclass
class MinutesOut:
    by_meeting: dict[int, dict] = field(default_factory=dict)
    decisions: dict[int, list[dict]] = field(default_factory=dict)  # meeting id -> decisions
    all_decisions: list[dict] = field(default_factory=list)


def generic_discussion(title: str) -> str:
    return (f"Members exchanged updates on *{title.lower()}*. The co-chairs summarised the points raised and the "
            "open questions; the secretariat will circulate the figures collected by the members.")


class MinutesBuilder:
    def __init__(self, data: Data, bodies: Bodies, meetings: MeetingsOut) -> None:
        self.d = data
        self.b = bodies
        self.m = meetings
        self.rng = data.rng
        self.out = MinutesOut()
        self.numbers: dict[tuple[int, str], int] = {}

    def run(self) -> MinutesOut:
        for committee in self.b.committees:
            held = [m for m in self.m.by_committee[committee["id"]] if m["state"] == MeetingState.HELD]
            for n, meeting in enumerate(held[:-1]):  # the latest held meeting has no minutes yet
                later = held[n + 1]
                self._minutes(committee, meeting, later, circulated_only=(n == len(held) - 2))
        self._actions()
        return self.out

    # -- minutes ----------------------------------------------------------------------------------------------
    def _writer(self, cid: int) -> int:
        return (self.b.secretaries.get(cid) or self.b.cochairs.get(cid) or self.b.coordinators)[0]

    def _minutes(self, committee: dict, meeting: dict, later: dict, circulated_only: bool) -> None:
        rng, now, cid = self.rng, self.d.now, committee["id"]
        writer, chair = self._writer(cid), (self.b.cochairs.get(cid) or self.b.coordinators)[0]
        ends = meeting["ends_at"]
        circulated = min(ends + timedelta(days=3), now - timedelta(days=2))
        if circulated_only:
            deadline = self.d.local(self.d.today + timedelta(days=7), 17)
            state = MinutesState.CIRCULATED
        else:
            deadline = self.d.local((circulated + timedelta(days=10)).date(), 17)
            published = committee["is_public"] and rng.random() < 0.9
            state = MinutesState.PUBLISHED if published else MinutesState.APPROVED
        by_meeting = not circulated_only and rng.random() < 0.5
        approved = None if circulated_only else min(later["ends_at"] if by_meeting else deadline + timedelta(days=2),
                                                     now - timedelta(days=1))
        minutes = self.d.add(
            "minutes", meeting_id=meeting["id"], committee_id=cid, state=state, comments_deadline=deadline,
            circulated_at=circulated, approved_at=approved,
            approved_how=None if circulated_only else (ApprovedHow.MEETING if by_meeting else ApprovedHow.COCHAIRS),
            approved_at_meeting_id=later["id"] if by_meeting else None,
            published_at=min(approved + timedelta(days=1), now - timedelta(hours=12))
            if state == MinutesState.PUBLISHED else None,
            current_revision=1 if circulated_only else 2, created_by_id=writer, created_at=ends + timedelta(days=1),
            updated_at=approved or circulated, version=1)
        self.out.by_meeting[meeting["id"]] = minutes
        if not circulated_only:
            meeting["state"] = MeetingState.MINUTED
            meeting["updated_at"] = approved
        sections = self._sections(meeting, minutes)
        snapshot = json.dumps([{"section_id": s["id"], "title": s["title"], "text": s["discussion"]}
                               for s in sections], ensure_ascii=False)
        self.d.add("minutes_revision", minutes_id=minutes["id"], number=1, snapshot=snapshot, reason="circulate",
                   author_id=writer, created_at=circulated)
        if approved is not None:
            self.d.add("minutes_revision", minutes_id=minutes["id"], number=2, snapshot=snapshot, reason="approve",
                       author_id=chair, created_at=approved)
        self._comments(cid, minutes, sections, circulated, 2 if circulated_only else int(rng.random() < 0.3))
        self._decisions(cid, meeting, minutes, sections, writer)

    def _sections(self, meeting: dict, minutes: dict) -> list[dict]:
        items = [i for i in self.m.items[meeting["id"]] if i["status"] == AgendaItemStatus.ACCEPTED]
        present = [i for i in self.m.invitations.get(meeting["id"], []) if i["attended"]]
        orgs = {i["organisation_id"] for i in present if i["organisation_id"]}
        sections = []
        for position, item in enumerate(items, start=1):
            title = item["title"]
            if position == 1:
                text = notes.OPENING.format(present=len(present), orgs=len(orgs))
            elif title == AOB:
                text = self.rng.choice(notes.CLOSING)
            elif title in notes.TOPICS:
                text = notes.TOPICS[title].discussion
            else:
                text = generic_discussion(title.split(" (part")[0])
            sections.append(self.d.add("minutes_section", minutes_id=minutes["id"], position=position, title=title,
                                       agenda_item_id=item["id"], discussion=text, discussion_html=self.d.html(text)))
        sections.append(self.d.add("minutes_section", minutes_id=minutes["id"], position=len(items) + 1, title=AOB,
                                   agenda_item_id=None, discussion="", discussion_html=""))
        return sections

    def _comments(self, cid: int, minutes: dict, sections: list[dict], circulated: datetime, count: int) -> None:
        reps = self.b.reps.get(cid, [])
        for n in range(min(count, len(reps))):
            person, _org = self.rng.choice(reps)
            self.d.add("minutes_comment", minutes_id=minutes["id"], section_id=self.rng.choice(sections)["id"],
                       person_id=person, body=self.rng.choice(notes.COMMENTS),
                       created_at=circulated + timedelta(hours=20 * (n + 1)))

    def _decisions(self, cid: int, meeting: dict, minutes: dict, sections: list[dict], writer: int) -> None:
        topical = [s for s in sections[1:-2] if s["title"] != AOB] or sections[:1]
        chosen = self.rng.sample(topical, min(len(topical), self.rng.choice((1, 2, 2, 3))))
        prefix = f"{meeting['starts_at']:%Y/%m}-"
        rows = []
        for section in sorted(chosen, key=lambda s: s["position"]):
            key = (cid, prefix)
            self.numbers[key] = self.numbers.get(key, 0) + 1
            title = section["title"]
            text = notes.TOPICS[title].decision if title in notes.TOPICS else \
                f"The committee agreed the next steps on {title.split(' (part')[0].lower()} and asked the members " \
                "concerned to report at the next meeting."
            row = self.d.add("decision", committee_id=cid, meeting_id=meeting["id"], minutes_id=minutes["id"],
                             section_id=section["id"], number=f"{prefix}{self.numbers[key]}", text=text,
                             proposal_id=None, created_by_id=writer,
                             created_at=meeting["ends_at"] + timedelta(days=1, hours=len(rows)))
            row["_section_title"] = title
            rows.append(row)
        self.out.decisions[meeting["id"]] = rows
        self.out.all_decisions.extend(rows)

    # -- action items -----------------------------------------------------------------------------------------
    def _actions(self) -> None:
        total = self.d.counts.action_items
        decisions = self.out.all_decisions
        from_decisions = round(total * 0.85) if decisions else 0
        meetings = {m["id"]: m for ms in self.m.by_committee.values() for m in ms}
        for n in range(from_decisions):
            decision = decisions[n % len(decisions)]
            self._action(decision["committee_id"], meetings[decision["meeting_id"]], decision)
        held = [m for m in meetings.values() if m["state"] in (MeetingState.HELD, MeetingState.MINUTED)]
        for n in range(total - from_decisions):
            meeting = held[self.rng.randrange(len(held))] if held else None
            if meeting is None:
                break
            self._action(meeting["committee_id"], meeting if n % 2 == 0 else None, None, anchor=meeting)

    def _owner(self, cid: int) -> tuple[int | None, int | None]:
        reps = self.b.reps.get(cid)
        if not reps:
            return (self.b.cochairs.get(cid) or self.b.coordinators)[0], None
        person, org = self.rng.choice(reps)
        return [(person, org), (None, org), (person, None), (person, org)][self.rng.randrange(4)]

    def _action(self, cid: int, meeting: dict | None, decision: dict | None, anchor: dict | None = None) -> None:
        rng, today = self.rng, self.d.today
        source = meeting or anchor
        held_on = source["starts_at"].astimezone(ZONE).date()
        due = held_on + timedelta(days=rng.randint(14, 60))
        status = rng.choice(OLD_STATUSES if due < today - timedelta(days=30) else NEW_STATUSES)
        title_key = decision["_section_title"] if decision else source["title"]
        topic = notes.TOPICS.get(title_key)
        title, text = rng.choice(topic.actions) if topic else (
            f"Follow up: {title_key.split(' (part')[0]}"[:200], "Report back to the co-chairs.")
        person, org = self._owner(cid)
        chair = (self.b.cochairs.get(cid) or self.b.coordinators)[0]
        created = source["ends_at"] + timedelta(hours=3)
        item = self.d.add(
            "action_item", committee_id=cid, title=title, description=text, description_html=self.d.html(text),
            meeting_id=meeting["id"] if meeting else None, decision_id=decision["id"] if decision else None,
            proposal_id=None, owner_person_id=person, owner_organisation_id=org, due_on=due,
            priority=rng.choice(PRIORITIES), status=status, created_by_id=chair, created_at=created,
            updated_at=created, closed_at=None, version=1)
        self._updates(item, status, person or self._org_person(cid, org) or chair, created, due)

    def _org_person(self, cid: int, org: int | None) -> int | None:
        return next((p for p, o in self.b.reps.get(cid, []) if o == org), None)

    def _updates(self, item: dict, status: ActionStatus, author: int, created: datetime, due) -> None:
        rng = self.rng
        steps: list[tuple[str, ActionStatus | None, ActionStatus | None]] = []
        if status == S.CANCELLED:
            steps.append((rng.choice(notes.CANCEL_REASONS), S.OPEN, S.CANCELLED))
        elif status == S.OPEN:
            if rng.random() < 0.5:
                steps.append((rng.choice(notes.PROGRESS_NOTES), None, None))
        else:
            steps.append((rng.choice(notes.START_NOTES), S.OPEN, S.IN_PROGRESS))
            if status in (S.IN_PROGRESS, S.DONE) and rng.random() < 0.6:
                steps.append((rng.choice(notes.PROGRESS_NOTES), None, None))
            if status == S.BLOCKED:
                steps.append((rng.choice(notes.BLOCK_NOTES), S.IN_PROGRESS, S.BLOCKED))
            elif status == S.DONE:
                steps.append((rng.choice(notes.DONE_NOTES), S.IN_PROGRESS, S.DONE))
        end = min(self.d.now - timedelta(hours=1), self.d.local(due, 12) + timedelta(days=5))
        span = max(end - created, timedelta(hours=len(steps) + 1))
        when = created
        for number, (note, old, new) in enumerate(steps, start=1):
            when = created + span * number / (len(steps) + 1)
            self.d.add("action_update", item_id=item["id"], author_id=author, note=note, old_status=old,
                       new_status=new, created_at=when)
        item["updated_at"] = when
        if status in (S.DONE, S.CANCELLED):
            item["closed_at"] = when
