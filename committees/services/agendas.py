"""Agenda items: added by co-chairs and secretaries, suggested by members, ordered, published.

A published agenda notifies the invited; later changes mark the item changed and notify again.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from committees import audit
from committees.db import db, utcnow
from committees.errors import Conflict, ValidationFailed
from committees.i18n import N_
from committees.markdown import render_markdown
from committees.models import CommitteeRole, GlobalRole, Membership, MembershipStatus, Person
from committees.models.meetings import AgendaItem, AgendaItemStatus, Meeting, MeetingState
from committees.services.notify import notify
from committees.validation import clean_title

ITEM_FIELDS = ("title", "description", "minutes_allotted", "presenter_id", "presenter_organisation_id")
ITEM_TITLE_MISSING = N_("Give the item a title.")
OPEN_STATES = (MeetingState.DRAFT, MeetingState.POLL, MeetingState.SCHEDULED)


def _ensure_open(meeting: Meeting) -> None:
    if meeting.state not in OPEN_STATES:
        raise Conflict(N_("The agenda of this meeting can no longer be changed."), code="agenda_closed")


def _clean(meeting: Meeting, values: dict) -> dict:
    clean = {k: v for k, v in values.items() if k in ITEM_FIELDS}
    clean_title(clean, ITEM_TITLE_MISSING, required=False)
    if "minutes_allotted" in clean:
        try:
            minutes = int(clean["minutes_allotted"])
        except (TypeError, ValueError):
            raise ValidationFailed(N_("Give the time in minutes."), field="minutes_allotted",
                                   code="invalid_number") from None
        if not 1 <= minutes <= 480:
            raise ValidationFailed(N_("Between 1 and 480 minutes."), field="minutes_allotted", code="out_of_range")
        clean["minutes_allotted"] = minutes
    if clean.get("presenter_id"):
        person = db.session.get(Person, int(clean["presenter_id"]))
        if person is None or not _may_present(person, meeting.committee_id):
            raise ValidationFailed(N_("Choose a presenter from this committee."), field="presenter_id",
                                   code="unknown_person")
    elif "presenter_id" in clean:
        clean["presenter_id"] = None
    if clean.get("presenter_organisation_id"):
        organisation_id = int(clean["presenter_organisation_id"])
        member = db.session.scalar(select(Membership.id).where(
            Membership.committee_id == meeting.committee_id, Membership.organisation_id == organisation_id,
            Membership.status == MembershipStatus.ACTIVE).limit(1))
        if member is None:
            raise ValidationFailed(N_("Choose a member organisation of this committee."),
                                   field="presenter_organisation_id", code="unknown_organisation")
    elif "presenter_organisation_id" in clean:
        clean["presenter_organisation_id"] = None
    return clean


def _may_present(person: Person, committee_id: int) -> bool:
    """Presenters come from the committee (a role in it) or are coordinators; never another committee's people."""
    if person.global_role == GlobalRole.COORDINATOR:
        return True
    return db.session.scalar(select(CommitteeRole.id).where(
        CommitteeRole.committee_id == committee_id, CommitteeRole.person_id == person.id).limit(1)) is not None


def _next_position(meeting: Meeting) -> int:
    return (db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id))
            or 0) + 1


def accepted_items(meeting: Meeting) -> list[AgendaItem]:
    return [i for i in meeting.items if i.status == AgendaItemStatus.ACCEPTED]


def _mark_changed(meeting: Meeting, item: AgendaItem | None) -> None:
    if meeting.agenda_published_at is not None:
        meeting.agenda_changed_at = utcnow()
        if item is not None:
            item.changed_after_publish = True


def add_item(actor: Person, meeting: Meeting, **values) -> AgendaItem:
    _ensure_open(meeting)
    clean = _clean(meeting, values)
    clean_title(clean, ITEM_TITLE_MISSING, required=True)
    item = AgendaItem(meeting=meeting, position=_next_position(meeting), status=AgendaItemStatus.ACCEPTED, **clean)
    item.description_html = render_markdown(item.description)
    db.session.add(item)
    _mark_changed(meeting, item)
    db.session.flush()
    audit.record(actor, "agenda.add", item, f"Added agenda item {item.title}", committee_id=meeting.committee_id)
    return item


def suggest_item(actor: Person, meeting: Meeting, **values) -> AgendaItem:
    """A member suggests an item; it waits for a co-chair's decision."""
    _ensure_open(meeting)
    clean = _clean(meeting, values)
    clean_title(clean, ITEM_TITLE_MISSING, required=True)
    item = AgendaItem(meeting=meeting, position=_next_position(meeting), status=AgendaItemStatus.SUGGESTED,
                      suggested_by_id=actor.id, **clean)
    if not item.presenter_id:
        item.presenter_id = actor.id
        item.presenter_organisation_id = item.presenter_organisation_id or actor.organisation_id
    item.description_html = render_markdown(item.description)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "agenda.suggest", item, f"Suggested agenda item {item.title}",
                 committee_id=meeting.committee_id)
    return item


def decide_suggestion(actor: Person, item: AgendaItem, accept: bool, reason: str = "") -> None:
    if item.status != AgendaItemStatus.SUGGESTED:
        raise Conflict(N_("This suggestion has been decided already."), code="already_decided")
    _ensure_open(item.meeting)
    if accept:
        item.status = AgendaItemStatus.ACCEPTED
        _mark_changed(item.meeting, item)
    else:
        if not (reason or "").strip():
            raise ValidationFailed(N_("Please give a reason."), field="reason", code="reason_required")
        item.status = AgendaItemStatus.DECLINED
        item.decline_reason = reason.strip()
    if item.suggested_by_id:
        suggester = db.session.get(Person, item.suggested_by_id)
        if suggester is not None:
            notify(suggester, "agendas", "agenda_suggestion_decided", item=item, meeting=item.meeting,
                   committee=item.meeting.committee, accepted=accept, reason=reason)
    verb = "accepted" if accept else "declined"
    audit.record(actor, f"agenda.{verb}", item, f"Suggestion {item.title} {verb}", reason=reason or None,
                 committee_id=item.meeting.committee_id)


def update_item(actor: Person, item: AgendaItem, values: dict, *, expected_version: int | None = None) -> AgendaItem:
    _ensure_open(item.meeting)
    if expected_version is not None and expected_version != item.version:
        raise Conflict(N_("Someone else changed this item meanwhile. Reload it to see their changes."),
                       code="edit_conflict")
    clean = _clean(item.meeting, values)
    changed = sorted(k for k, v in clean.items() if getattr(item, k) != v)
    for key in changed:
        setattr(item, key, clean[key])
    if "description" in changed:
        item.description_html = render_markdown(item.description)
    if changed:
        if item.status == AgendaItemStatus.ACCEPTED:
            _mark_changed(item.meeting, item)
        audit.record(actor, "agenda.update", item, f"Updated agenda item {item.title}", fields=changed,
                     committee_id=item.meeting.committee_id)
    return item


def remove_item(actor: Person, item: AgendaItem) -> None:
    meeting = item.meeting
    _ensure_open(meeting)
    audit.record(actor, "agenda.remove", item, f"Removed agenda item {item.title}",
                 committee_id=meeting.committee_id)
    _mark_changed(meeting, None)
    meeting.items.remove(item)
    db.session.delete(item)
    _renumber(meeting)


def move_item(actor: Person, item: AgendaItem, direction: int) -> None:
    """Move an accepted item one place up (-1) or down (+1)."""
    meeting = item.meeting
    _ensure_open(meeting)
    items = sorted(meeting.items, key=lambda i: i.position)
    index = items.index(item)
    target = index + (1 if direction > 0 else -1)
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, row in enumerate(items, start=1):
        row.position = position
    _mark_changed(meeting, item)
    audit.record(actor, "agenda.move", item, f"Moved agenda item {item.title}", committee_id=meeting.committee_id)


def _renumber(meeting: Meeting) -> None:
    for position, row in enumerate(sorted(meeting.items, key=lambda i: i.position), start=1):
        row.position = position


def schedule_times(meeting: Meeting) -> list[tuple[AgendaItem, datetime | None]]:
    """Each accepted item with its planned start, counted from the meeting's start."""
    clock = meeting.starts_at
    result = []
    for item in sorted(accepted_items(meeting), key=lambda i: i.position):
        result.append((item, clock))
        if clock is not None:
            clock = clock + timedelta(minutes=item.minutes_allotted)
    return result


def publish_agenda(actor: Person, meeting: Meeting) -> int:
    """Publish (or re-publish after changes): every invited person is told. Returns how many."""
    _ensure_open(meeting)
    if not accepted_items(meeting):
        raise ValidationFailed(N_("Add at least one item before publishing the agenda."), code="agenda_empty")
    republished = meeting.agenda_published_at is not None
    meeting.agenda_published_at = utcnow()
    meeting.agenda_changed_at = None
    # Items stay marked as changed after the first publication, so readers see what moved.
    changed = [i.title for i in meeting.items if i.changed_after_publish]
    count = 0
    for invitation in meeting.invitations:
        notify(invitation.person, "agendas", "agenda_published", meeting=meeting, committee=meeting.committee,
               items=schedule_times(meeting), republished=republished, changed=changed)
        count += 1
    audit.record(actor, "agenda.publish", meeting, f"Published the agenda of {meeting.title}",
                 republished=republished)
    return count


def copy_agenda(actor: Person, source: Meeting, target: Meeting) -> int:
    """Reuse a previous meeting's agenda as a template (accepted items, without documents)."""
    _ensure_open(target)
    if source.committee_id != target.committee_id:
        raise ValidationFailed(N_("Choose a meeting of the same committee."), field="source_id",
                               code="other_committee")
    position = _next_position(target)
    copied = 0
    for item in sorted(accepted_items(source), key=lambda i: i.position):
        db.session.add(AgendaItem(meeting=target, position=position, title=item.title,
                                  description=item.description, description_html=item.description_html,
                                  minutes_allotted=item.minutes_allotted, presenter_id=item.presenter_id,
                                  presenter_organisation_id=item.presenter_organisation_id,
                                  status=AgendaItemStatus.ACCEPTED))
        position += 1
        copied += 1
    db.session.flush()
    audit.record(actor, "agenda.copy", target, f"Copied {copied} items from {source.title}",
                 source_id=source.id)
    return copied
