"""Minutes: pre-filled from the agenda, edited with optimistic locking, circulated for comments,
approved (by a later meeting or by the co-chairs), published; approved minutes change only by a
correction, which keeps every earlier revision. Decisions are recorded per section.
"""
from __future__ import annotations

import difflib
import html
import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from committees import audit, policy, safeguarding
from committees.db import db, utcnow
from committees.errors import Conflict, ValidationFailed
from committees.i18n import N_
from committees.languages import clean_language, default_language
from committees.markdown import render_markdown
from committees.models import Person
from committees.models.meetings import AgendaItemStatus, Meeting, MeetingState
from committees.models.minutes import (
    ApprovedHow,
    Decision,
    Minutes,
    MinutesComment,
    MinutesRevision,
    MinutesSection,
    MinutesState,
)
from committees.services.meetings import invitees
from committees.services.notify import notify
from committees.workflow import MINUTES_TRANSITIONS, check_transition

AOB_TITLE = N_("Any other business")
EDITABLE_STATES = (MinutesState.DRAFT, MinutesState.CIRCULATED)
FIXED_STATES = (MinutesState.APPROVED, MinutesState.PUBLISHED)
MAX_TEXT = 100_000


class EditConflict(Conflict):
    """The minutes moved on since the editor loaded them: `theirs` holds the stored texts,
    `yours` the texts that were submitted (nothing was saved)."""

    def __init__(self, theirs: dict[int, str], yours: dict[int, str]):
        super().__init__(N_("Someone else saved these minutes meanwhile. Their text and yours are both "
                            "shown; nothing was overwritten."), code="edit_conflict")
        self.theirs = theirs
        self.yours = yours


def minutes_for(meeting: Meeting) -> Minutes | None:
    return db.session.scalars(select(Minutes).where(Minutes.meeting_id == meeting.id)).first()


def create_minutes(actor: Person, meeting: Meeting) -> Minutes:
    """One section per accepted agenda item, in order, plus "any other business"."""
    if meeting.state not in (MeetingState.HELD, MeetingState.MINUTED):
        raise Conflict(N_("Minutes can be written once the meeting has been held."), code="meeting_not_held")
    if minutes_for(meeting) is not None:
        raise Conflict(N_("This meeting has minutes already."), code="minutes_exist")
    minutes = Minutes(meeting=meeting, committee_id=meeting.committee_id, created_by_id=actor.id,
                      language=default_language(actor))
    items = sorted((i for i in meeting.items if i.status == AgendaItemStatus.ACCEPTED), key=lambda i: i.position)
    for position, item in enumerate(items, start=1):
        minutes.sections.append(MinutesSection(position=position, title=item.title, agenda_item_id=item.id))
    minutes.sections.append(MinutesSection(position=len(items) + 1, title=str(AOB_TITLE)))
    db.session.add(minutes)
    db.session.flush()
    audit.record(actor, "minutes.create", minutes, f"Minutes started for {meeting.title}",
                 committee_id=meeting.committee_id)
    return minutes


def texts(minutes: Minutes) -> dict[int, str]:
    return {s.id: s.discussion for s in minutes.sections}


def _clean_texts(minutes: Minutes, new_texts: dict) -> dict[int, str]:
    by_id = {s.id: s for s in minutes.sections}
    clean = {}
    for key, value in new_texts.items():
        try:
            section_id = int(key)
        except (TypeError, ValueError):
            raise ValidationFailed(N_("Unknown section."), code="unknown_section") from None
        if section_id not in by_id:
            raise ValidationFailed(N_("Unknown section."), code="unknown_section")
        value = (value or "").replace("\r\n", "\n")
        if len(value) > MAX_TEXT:
            raise ValidationFailed(N_("The text is too long."), field=f"section_{section_id}", code="too_long")
        clean[section_id] = value
    return clean


def _apply(minutes: Minutes, clean: dict[int, str]) -> list[int]:
    changed = []
    for section in minutes.sections:
        if section.id in clean and section.discussion != clean[section.id]:
            section.discussion = clean[section.id]
            section.discussion_html = render_markdown(section.discussion)
            changed.append(section.id)
    return changed


def _flush_locked(minutes: Minutes, theirs: dict[int, str], yours: dict[int, str]) -> None:
    """Bump the version (the UPDATE checks the old one) and turn a lost race into an EditConflict."""
    minutes.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        raise EditConflict(theirs, yours) from None


def save_minutes(actor: Person, minutes: Minutes, new_texts: dict, expected_version: int | None,
                 *, language: str | None | object = ...) -> list[int]:
    """Save section texts (and, when given, the language they are written in: a code of
    committees.languages or None); refused with EditConflict when `expected_version` is not the stored one."""
    if minutes.state not in EDITABLE_STATES:
        raise Conflict(N_("Approved minutes change only through a correction."), code="minutes_fixed")
    clean = _clean_texts(minutes, new_texts)
    code = minutes.language if language is ... else clean_language(language)
    if expected_version is not None and int(expected_version) != minutes.version:
        raise EditConflict(texts(minutes), clean)
    theirs = texts(minutes)
    changed = _apply(minutes, clean)
    relabelled = code != minutes.language
    minutes.language = code
    if changed or relabelled:
        _flush_locked(minutes, theirs, clean)
        extra = {"language": code} if relabelled else {}
        audit.record(actor, "minutes.save", minutes, f"Minutes of {minutes.meeting.title} saved",
                     sections=changed, committee_id=minutes.committee_id, **extra)
    return changed


def _snapshot(actor: Person, minutes: Minutes, reason: str) -> MinutesRevision:
    data = [{"section_id": s.id, "title": s.title, "text": s.discussion} for s in minutes.sections]
    minutes.current_revision = (minutes.current_revision or 0) + 1
    revision = MinutesRevision(number=minutes.current_revision, snapshot=json.dumps(data, ensure_ascii=False),
                               reason=reason, author_id=actor.id)
    minutes.revisions.append(revision)
    return revision


def transition_minutes(actor: Person, minutes: Minutes, name: str, *, reason: str = "",
                       comments_deadline: datetime | None = None, approved_how: ApprovedHow | str | None = None,
                       approved_at_meeting: Meeting | None = None, safeguarding_reason: str | None = None) -> int:
    """Move the minutes through MINUTES_TRANSITIONS; returns how many members were notified. Circulating and
    publishing text that looks like a beneficiary's personal data needs `safeguarding_reason`."""
    transition = check_transition(MINUTES_TRANSITIONS, name, minutes.state, reason)
    if name in ("circulate", "publish"):
        safeguarding.confirm(actor, minutes, safeguarded_texts(minutes), safeguarding_reason,
                             step=f"minutes.{name}")
    old = minutes.state
    now = utcnow()
    template = None
    if name == "circulate":
        if comments_deadline is None or comments_deadline <= now:
            raise ValidationFailed(N_("Give a deadline for comments in the future."), field="comments_deadline",
                                   code="invalid_deadline")
        minutes.comments_deadline = comments_deadline
        minutes.circulated_at = now
        template = "minutes_circulated"
    elif name == "approve":
        try:
            how = ApprovedHow(approved_how)
        except ValueError:
            raise ValidationFailed(N_("Say how the minutes were approved."), field="approved_how",
                                   code="approved_how_required") from None
        if how == ApprovedHow.MEETING:
            if approved_at_meeting is None or approved_at_meeting.committee_id != minutes.committee_id \
                    or approved_at_meeting.id == minutes.meeting_id:
                raise ValidationFailed(N_("Choose the later meeting of this committee that approved them."),
                                       field="approved_at_meeting_id", code="approving_meeting_required")
            minutes.approved_at_meeting_id = approved_at_meeting.id
        else:
            minutes.approved_at_meeting_id = None
        minutes.approved_how = how
        minutes.approved_at = now
        template = "minutes_approved"
    elif name == "publish":
        minutes.published_at = now
    minutes.state = transition.target
    if name in ("circulate", "approve"):
        _snapshot(actor, minutes, reason or name)
    if name == "approve" and minutes.meeting.state == MeetingState.HELD:
        minutes.meeting.state = MeetingState.MINUTED
    db.session.flush()
    audit.record(actor, f"minutes.{name}", minutes,
                 f"Minutes of {minutes.meeting.title}: {old.value} → {transition.target.value}",
                 reason=reason or None, committee_id=minutes.committee_id)
    count = 0
    if template:
        for person in invitees(minutes.meeting.committee):
            notify(person, "minutes", template, minutes=minutes, meeting=minutes.meeting,
                   committee=minutes.meeting.committee)
            count += 1
    return count


def correct_approved(actor: Person, minutes: Minutes, new_texts: dict, reason: str,
                     expected_version: int | None = None) -> MinutesRevision:
    """Correct approved (or published) minutes: a new revision with a reason; earlier ones are kept."""
    if minutes.state not in FIXED_STATES:
        raise Conflict(N_("Only approved minutes are corrected; edit the draft instead."), code="not_approved")
    if not (reason or "").strip():
        raise ValidationFailed(N_("Please give a reason."), field="reason", code="reason_required")
    clean = _clean_texts(minutes, new_texts)
    if expected_version is not None and int(expected_version) != minutes.version:
        raise EditConflict(texts(minutes), clean)
    theirs = texts(minutes)
    changed = _apply(minutes, clean)
    if not changed:
        raise ValidationFailed(N_("Nothing was changed."), code="no_change")
    revision = _snapshot(actor, minutes, reason.strip())
    _flush_locked(minutes, theirs, clean)
    audit.record(actor, "minutes.correct", minutes, f"Minutes of {minutes.meeting.title} corrected",
                 reason=reason.strip(), revision=revision.number, committee_id=minutes.committee_id)
    return revision


def visible_revisions(user, minutes: Minutes) -> list[MinutesRevision]:
    """The versions `user` may read: all of them for the committee (minutes.view_history); for anyone else
    (the public reading published minutes) only those kept from the approval on: the text as circulated
    stays the committee's."""
    if policy.can(user, "minutes.view_history", minutes):
        return list(minutes.revisions)
    if minutes.approved_at is None:
        return []
    return [rev for rev in minutes.revisions if rev.created_at >= minutes.approved_at]


def revision(minutes: Minutes, number: int, revisions: list[MinutesRevision] | None = None) -> MinutesRevision:
    for rev in (minutes.revisions if revisions is None else revisions):
        if rev.number == number:
            return rev
    raise ValidationFailed(N_("Unknown version."), code="unknown_revision")


def diff_revisions(a: MinutesRevision, b: MinutesRevision) -> list[dict]:
    """Per section: {"title", "changed", "rows": [(tag, left_html, right_html)]}, text HTML-escaped,
    tags 'equal', 'replace', 'delete', 'insert' (for side-by-side tables)."""
    left = {s["section_id"]: s for s in json.loads(a.snapshot)}
    right = {s["section_id"]: s for s in json.loads(b.snapshot)}
    order = list(left) + [k for k in right if k not in left]
    result = []
    for key in order:
        old = left.get(key, {}).get("text", "").splitlines()
        new = right.get(key, {}).get("text", "").splitlines()
        title = (right.get(key) or left.get(key))["title"]
        rows = []
        matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            olds, news = old[i1:i2], new[j1:j2]
            for n in range(max(len(olds), len(news))):
                rows.append((tag, html.escape(olds[n]) if n < len(olds) else "",
                             html.escape(news[n]) if n < len(news) else ""))
        result.append({"title": title, "changed": any(r[0] != "equal" for r in rows), "rows": rows})
    return result


# -- decisions -------------------------------------------------------------------------------------

def _next_number(minutes: Minutes) -> str:
    start = minutes.meeting.starts_at or utcnow()
    prefix = f"{start:%Y/%m}-"
    numbers = db.session.scalars(select(Decision.number).where(Decision.committee_id == minutes.committee_id,
                                                               Decision.number.like(prefix + "%")))
    highest = max((int(n[len(prefix):]) for n in numbers if n[len(prefix):].isdigit()), default=0)
    return f"{prefix}{highest + 1}"


def add_decision(actor: Person, minutes: Minutes, text: str, *, section: MinutesSection | None = None,
                 proposal_id: int | None = None) -> Decision:
    if minutes.state not in EDITABLE_STATES:
        raise Conflict(N_("Decisions of approved minutes can no longer change."), code="minutes_fixed")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(N_("Write the decision."), field="text", code="required")
    if len(text) > 5000:
        raise ValidationFailed(N_("The text is too long."), field="text", code="too_long")
    if section is not None and section.minutes_id != minutes.id:
        raise ValidationFailed(N_("Unknown section."), field="section_id", code="unknown_section")
    decision = Decision(committee_id=minutes.committee_id, meeting_id=minutes.meeting_id, minutes=minutes,
                        section=section, number=_next_number(minutes), text=text, proposal_id=proposal_id,
                        created_by_id=actor.id)
    db.session.add(decision)
    db.session.flush()
    audit.record(actor, "decision.add", decision, f"Decision {decision.number} recorded",
                 committee_id=minutes.committee_id)
    return decision


def remove_decision(actor: Person, decision: Decision) -> None:
    if decision.minutes.state not in EDITABLE_STATES:
        raise Conflict(N_("Decisions of approved minutes can no longer change."), code="minutes_fixed")
    audit.record(actor, "decision.remove", decision, f"Decision {decision.number} removed",
                 committee_id=decision.committee_id)
    decision.minutes.decisions.remove(decision)
    db.session.delete(decision)
    db.session.flush()


# -- comments --------------------------------------------------------------------------------------

def safeguarded_texts(minutes: Minutes) -> dict[str, str]:
    """The minutes' texts others read, by a key the page can name: sections' titles and discussions, decisions."""
    texts = {}
    for section in minutes.sections:
        texts[f"section-{section.id}"] = f"{section.title}\n{section.discussion or ''}"
    for decision in minutes.decisions:
        texts[f"decision-{decision.number}"] = decision.text
    return texts


def comment(actor: Person, minutes: Minutes, body: str, section: MinutesSection | None = None,
            now: datetime | None = None, safeguarding_reason: str | None = None) -> MinutesComment:
    now = now or utcnow()
    if minutes.state != MinutesState.CIRCULATED:
        raise Conflict(N_("These minutes are not open for comments."), code="not_circulated")
    if minutes.comments_deadline is not None and now > minutes.comments_deadline:
        raise Conflict(N_("The deadline for comments has passed."), code="deadline_passed")
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(N_("Write a comment."), field="body", code="required")
    if len(body) > 10_000:
        raise ValidationFailed(N_("The text is too long."), field="body", code="too_long")
    if section is not None and section.minutes_id != minutes.id:
        raise ValidationFailed(N_("Unknown section."), field="section_id", code="unknown_section")
    safeguarding.confirm(actor, minutes, {"body": body}, safeguarding_reason, step="minutes.comment")
    row = MinutesComment(minutes=minutes, section_id=section.id if section else None, person_id=actor.id, body=body)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "minutes.comment", row, f"Comment on the minutes of {minutes.meeting.title}",
                 committee_id=minutes.committee_id)
    return row
