"""Workflow states and their transition tables: which moves exist, from where, to where, by whom.

Each table maps a transition name to a Transition; services apply them through `check_transition`,
and the web layer renders transition buttons from the table filtered by the policy.
"""
from __future__ import annotations

from dataclasses import dataclass

from committees.errors import Conflict, ValidationFailed
from committees.i18n import N_
from committees.models.actions import ActionStatus
from committees.models.meetings import MeetingState
from committees.models.minutes import MinutesState
from committees.models.proposals import BEFORE_DECISION_STATES, ProposalState


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: object
    action: str  # the policy action that authorises it
    title: str  # a button label, marked for translation
    needs_reason: bool = False
    button: str = "secondary"


def _table(*transitions: Transition) -> dict[str, Transition]:
    return {t.name: t for t in transitions}


M = MeetingState
MEETING_TRANSITIONS = _table(
    Transition("open_poll", frozenset({M.DRAFT}), M.POLL, "meeting.manage", N_("Open a time poll")),
    Transition("schedule", frozenset({M.DRAFT, M.POLL}), M.SCHEDULED, "meeting.manage",
               N_("Schedule and invite"), button="primary"),
    Transition("reschedule", frozenset({M.SCHEDULED}), M.SCHEDULED, "meeting.manage", N_("Reschedule")),
    Transition("cancel", frozenset({M.DRAFT, M.POLL, M.SCHEDULED}), M.CANCELLED, "meeting.manage",
               N_("Cancel the meeting"), needs_reason=True, button="danger"),
    Transition("mark_held", frozenset({M.SCHEDULED}), M.HELD, "meeting.record", N_("Mark as held")),
    Transition("mark_minuted", frozenset({M.HELD}), M.MINUTED, "meeting.record", N_("Mark as minuted")),
)

MS = MinutesState
MINUTES_TRANSITIONS = _table(
    Transition("circulate", frozenset({MS.DRAFT}), MS.CIRCULATED, "minutes.edit",
               N_("Circulate for comments"), button="primary"),
    Transition("reopen", frozenset({MS.CIRCULATED}), MS.DRAFT, "minutes.edit", N_("Back to draft")),
    Transition("approve", frozenset({MS.CIRCULATED}), MS.APPROVED, "minutes.approve", N_("Approve"),
               button="primary"),
    Transition("publish", frozenset({MS.APPROVED}), MS.PUBLISHED, "minutes.approve", N_("Publish")),
)

A = ActionStatus
ACTION_TRANSITIONS = _table(
    Transition("start", frozenset({A.OPEN, A.BLOCKED}), A.IN_PROGRESS, "action.update", N_("Start")),
    Transition("block", frozenset({A.OPEN, A.IN_PROGRESS}), A.BLOCKED, "action.update", N_("Mark as blocked")),
    Transition("complete", frozenset({A.OPEN, A.IN_PROGRESS, A.BLOCKED}), A.DONE, "action.update",
               N_("Mark as done"), button="primary"),
    Transition("cancel", frozenset({A.OPEN, A.IN_PROGRESS, A.BLOCKED}), A.CANCELLED, "action.update",
               N_("Cancel the action"), needs_reason=True, button="danger"),
    Transition("reopen", frozenset({A.DONE, A.CANCELLED}), A.OPEN, "action.update", N_("Reopen")),
)

# Proposals (committees/services/proposals.py applies them). The policy actions: "proposal.author" = the author
# organisation's representatives in the committee; "proposal.review" = the committee's co-chairs and the
# coordinators; "proposal.forward" = the coordinators (the centre speaks to the City).
P = ProposalState
PROPOSAL_TRANSITIONS = _table(
    Transition("submit", frozenset({P.DRAFT, P.RETURNED}), P.SUBMITTED, "proposal.author",
               N_("Submit to the committee"), button="primary"),
    Transition("start_review", frozenset({P.SUBMITTED}), P.UNDER_REVIEW, "proposal.review", N_("Start the review")),
    Transition("return_for_revision", frozenset({P.SUBMITTED, P.UNDER_REVIEW}), P.RETURNED, "proposal.review",
               N_("Return for revision"), needs_reason=True),
    Transition("put_on_agenda", frozenset({P.UNDER_REVIEW}), P.ON_AGENDA, "proposal.review",
               N_("Put on the agenda of a meeting"), button="primary"),
    Transition("take_off_agenda", frozenset({P.ON_AGENDA}), P.UNDER_REVIEW, "proposal.review",
               N_("Take off the agenda")),
    Transition("endorse", frozenset({P.ON_AGENDA}), P.ENDORSED, "proposal.review",
               N_("Record the committee's endorsement"), button="primary"),
    Transition("decline", frozenset({P.ON_AGENDA}), P.DECLINED, "proposal.review",
               N_("Record that the committee declined it"), needs_reason=True, button="danger"),
    Transition("forward", frozenset({P.ENDORSED}), P.FORWARDED, "proposal.forward", N_("Forward to the City"),
               button="primary"),
    Transition("adopt", frozenset({P.FORWARDED}), P.ADOPTED, "proposal.forward", N_("The City adopted it"),
               button="primary"),
    Transition("adopt_in_part", frozenset({P.FORWARDED}), P.ADOPTED_IN_PART, "proposal.forward",
               N_("The City adopted it in part")),
    Transition("not_adopt", frozenset({P.FORWARDED}), P.NOT_ADOPTED, "proposal.forward",
               N_("The City did not adopt it"), needs_reason=True, button="danger"),
    Transition("start_implementation", frozenset({P.ADOPTED, P.ADOPTED_IN_PART}), P.IN_IMPLEMENTATION,
               "proposal.review", N_("Implementation has started")),
    Transition("complete", frozenset({P.IN_IMPLEMENTATION}), P.IMPLEMENTED, "proposal.review",
               N_("Mark as implemented"), button="primary"),
    Transition("withdraw", BEFORE_DECISION_STATES, P.WITHDRAWN, "proposal.author", N_("Withdraw the proposal"),
               needs_reason=True, button="danger"),
)


def transition_to(table: dict[str, Transition], state, target) -> Transition | None:
    """The transition leading from `state` to `target`, if there is one."""
    for transition in table.values():
        if state in transition.sources and transition.target == target:
            return transition
    return None


def check_transition(table: dict[str, Transition], name: str, state, reason: str = "") -> Transition:
    """The transition `name` if it may leave `state`; Conflict (409) otherwise."""
    transition = table.get(name)
    if transition is None:
        raise Conflict(N_("Unknown step."), code="unknown_transition")
    if state not in transition.sources:
        raise Conflict(N_("That step is not possible in the current state."), code="invalid_transition")
    if transition.needs_reason and not (reason or "").strip():
        raise ValidationFailed(N_("Please give a reason."), code="reason_required", field="reason")
    return transition


def available(table: dict[str, Transition], state) -> list[Transition]:
    return [t for t in table.values() if state in t.sources]
