"""Action items: created from a decision or directly, updated by their owners with a history,
reminded once a day when due soon or overdue, summarised weekly for co-chairs."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from committees import audit
from committees.db import db, utcnow
from committees.errors import Conflict, ValidationFailed
from committees.i18n import N_
from committees.markdown import render_markdown
from committees.models import (
    Committee,
    CommitteeRole,
    CommitteeRoleKind,
    GlobalRole,
    Membership,
    MembershipStatus,
    Organisation,
    Person,
)
from committees.models.actions import (
    OPEN_ACTION_STATES,
    ActionItem,
    ActionPriority,
    ActionReminder,
    ActionStatus,
    ActionUpdate,
)
from committees.models.meetings import Meeting
from committees.models.minutes import Decision
from committees.services.notify import notify
from committees.workflow import ACTION_TRANSITIONS, check_transition, transition_to
from committees.validation import clean_title

ACTION_FIELDS = ("title", "description", "owner_person_id", "owner_organisation_id", "due_on", "priority")
ACTION_TITLE_MISSING = N_("Give the action a title.")
DUE_SOON_DAYS = 3


def _member_orgs(committee_id: int) -> set[int]:
    return set(db.session.scalars(select(Membership.organisation_id).where(
        Membership.committee_id == committee_id, Membership.status == MembershipStatus.ACTIVE)))


def _clean(committee_id: int, values: dict) -> dict:
    clean = {k: v for k, v in values.items() if k in ACTION_FIELDS}
    clean_title(clean, ACTION_TITLE_MISSING, required=False)
    if "description" in clean:
        clean["description"] = (clean["description"] or "").strip()
    if "priority" in clean:
        try:
            clean["priority"] = ActionPriority(clean["priority"] or "normal")
        except ValueError:
            raise ValidationFailed(N_("Unknown priority."), field="priority", code="invalid_choice") from None
    if "due_on" in clean and clean["due_on"] is not None and not isinstance(clean["due_on"], date):
        raise ValidationFailed(N_("Give a valid date."), field="due_on", code="invalid_date")
    for key in ("owner_person_id", "owner_organisation_id"):
        if key in clean:
            clean[key] = int(clean[key]) if clean[key] else None
    orgs = None
    if clean.get("owner_person_id"):
        person = db.session.get(Person, clean["owner_person_id"])
        if person is None or not person.active:
            raise ValidationFailed(N_("Unknown person."), field="owner_person_id", code="unknown_person")
        has_role = db.session.scalar(select(CommitteeRole.id).where(
            CommitteeRole.committee_id == committee_id, CommitteeRole.person_id == person.id).limit(1))
        orgs = _member_orgs(committee_id)
        coordinator = person.global_role == GlobalRole.COORDINATOR  # the coordination centre's staff take work too
        if not has_role and not coordinator and person.organisation_id not in orgs:
            raise ValidationFailed(N_("The owner must belong to this committee."), field="owner_person_id",
                                   code="owner_not_member")
    if clean.get("owner_organisation_id"):
        if db.session.get(Organisation, clean["owner_organisation_id"]) is None:
            raise ValidationFailed(N_("Unknown organisation."), field="owner_organisation_id",
                                   code="unknown_organisation")
        if clean["owner_organisation_id"] not in (orgs if orgs is not None else _member_orgs(committee_id)):
            raise ValidationFailed(N_("The organisation must be a member of this committee."),
                                   field="owner_organisation_id", code="owner_not_member")
    return clean


def create_action(actor: Person, committee: Committee, *, decision: Decision | None = None,
                  meeting: Meeting | None = None, **values) -> ActionItem:
    """An action item, agreed with a decision (its meeting and proposal follow), or set directly — optionally
    at a meeting of the committee (then it is listed with that meeting's minutes)."""
    if decision is not None and decision.committee_id != committee.id:
        raise ValidationFailed(N_("That decision belongs to another committee."), field="decision_id",
                               code="wrong_committee")
    if meeting is not None and meeting.committee_id != committee.id:
        raise ValidationFailed(N_("That meeting belongs to another committee."), field="meeting_id",
                               code="wrong_committee")
    clean = _clean(committee.id, values)
    clean_title(clean, ACTION_TITLE_MISSING, required=True)
    if not clean.get("owner_person_id") and not clean.get("owner_organisation_id"):
        raise ValidationFailed(N_("Choose who owns this action: a person, an organisation or both."),
                               field="owner_person_id", code="owner_required")
    item = ActionItem(committee=committee, created_by_id=actor.id, **clean)
    if meeting is not None:
        item.meeting_id = meeting.id
    if decision is not None:
        item.decision_id = decision.id
        item.meeting_id = decision.meeting_id
        item.proposal_id = decision.proposal_id
    item.description_html = render_markdown(item.description or "")
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "action.create", item, f"Action {item.title} created", committee_id=committee.id)
    if item.owner_person_id:
        owner = db.session.get(Person, item.owner_person_id)
        notify(owner, "actions", "action_assigned", item=item, committee=committee)
    return item


def update_action(actor: Person, item: ActionItem, values: dict, *, expected_version: int | None = None) -> list[str]:
    if expected_version is not None and int(expected_version) != item.version:
        raise Conflict(N_("Someone else changed this action meanwhile. Reload it to see their changes."),
                       code="edit_conflict")
    clean = _clean(item.committee_id, values)
    owner_person = clean.get("owner_person_id", item.owner_person_id)
    owner_org = clean.get("owner_organisation_id", item.owner_organisation_id)
    if not owner_person and not owner_org:
        raise ValidationFailed(N_("Choose who owns this action: a person, an organisation or both."),
                               field="owner_person_id", code="owner_required")
    changed = sorted(k for k, v in clean.items() if getattr(item, k) != v)
    for key in changed:
        setattr(item, key, clean[key])
    if "description" in changed:
        item.description_html = render_markdown(item.description)
    if changed:
        try:
            db.session.flush()
        except StaleDataError:
            raise Conflict(N_("Someone else changed this action meanwhile. Reload it to see their changes."),
                           code="edit_conflict") from None
        audit.record(actor, "action.update", item, f"Action {item.title} updated", fields=changed,
                     committee_id=item.committee_id)
        if "owner_person_id" in changed and item.owner_person_id:
            notify(db.session.get(Person, item.owner_person_id), "actions", "action_assigned", item=item,
                   committee=item.committee)
    return changed


def post_update(actor: Person, item: ActionItem, note: str, new_status: ActionStatus | str | None = None,
                *, reason: str = "") -> ActionUpdate:
    """A progress note, optionally moving the status through ACTION_TRANSITIONS."""
    note = (note or "").strip()
    old = item.status
    target = ActionStatus(new_status) if new_status else None
    if target is not None and target != old:
        transition = transition_to(ACTION_TRANSITIONS, old, target)
        if transition is None:
            raise Conflict(N_("That step is not possible in the current state."), code="invalid_transition")
        check_transition(ACTION_TRANSITIONS, transition.name, old, reason or note)
        item.status = target
        item.closed_at = utcnow() if target in (ActionStatus.DONE, ActionStatus.CANCELLED) else None
    elif not note:
        raise ValidationFailed(N_("Write a note or choose a new status."), field="note", code="required")
    else:
        target = None
    if len(note) > 10_000:
        raise ValidationFailed(N_("The text is too long."), field="note", code="too_long")
    update = ActionUpdate(author_id=actor.id, note=note, old_status=old if target else None, new_status=target)
    item.updates.append(update)
    item.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "action.progress", item, f"Action {item.title}: update",
                 old_status=old.value, new_status=target.value if target else None, committee_id=item.committee_id)
    return update


# -- reminders -------------------------------------------------------------------------------------

def _already(item_id: int | None, person_id: int, kind: str, today: date) -> bool:
    query = select(ActionReminder.id).where(ActionReminder.person_id == person_id, ActionReminder.kind == kind,
                                            ActionReminder.sent_on == today)
    query = query.where(ActionReminder.item_id.is_(None) if item_id is None else ActionReminder.item_id == item_id)
    return db.session.scalar(query.limit(1)) is not None


def _owners(item: ActionItem, org_people: dict[int, list[Person]]) -> list[Person]:
    people = {}
    if item.owner_person is not None and item.owner_person.active:
        people[item.owner_person.id] = item.owner_person
    elif item.owner_organisation_id:
        for person in org_people.get(item.owner_organisation_id, []):
            people[person.id] = person
    return list(people.values())


def send_action_reminders(today: date) -> int:
    """Owners: items due within 3 days and overdue ones, once a day each; co-chairs: on Mondays a weekly
    summary of their committee's open items. Returns the number of messages queued (idempotent per day)."""
    items = list(db.session.scalars(
        select(ActionItem).where(ActionItem.status.in_(OPEN_ACTION_STATES), ActionItem.due_on.is_not(None),
                                 ActionItem.due_on <= today + timedelta(days=DUE_SOON_DAYS))
        .options(selectinload(ActionItem.owner_person), selectinload(ActionItem.committee))))
    # An organisation without a named owner: its people holding a role in the committee are reminded.
    org_people: dict[int, list[Person]] = {}
    org_ids = {i.owner_organisation_id for i in items if i.owner_person_id is None and i.owner_organisation_id}
    if org_ids:
        for person in db.session.scalars(select(Person).join(CommitteeRole, CommitteeRole.person_id == Person.id)
                                          .where(Person.organisation_id.in_(org_ids), Person.active.is_(True))
                                          .distinct()):
            org_people.setdefault(person.organisation_id, []).append(person)
    count = 0
    for item in items:
        kind = "overdue" if item.due_on < today else "due_soon"
        for person in _owners(item, org_people):
            if _already(item.id, person.id, kind, today):
                continue
            db.session.add(ActionReminder(item_id=item.id, person_id=person.id, kind=kind, sent_on=today))
            notify(person, "actions", "action_reminder", item=item, committee=item.committee,
                   overdue=(kind == "overdue"), days=(item.due_on - today).days)
            count += 1
    if today.weekday() == 0:
        count += _weekly_summaries(today)
    db.session.flush()
    return count


def _weekly_summaries(today: date) -> int:
    open_items = list(db.session.scalars(
        select(ActionItem).where(ActionItem.status.in_(OPEN_ACTION_STATES))
        .order_by(ActionItem.committee_id, ActionItem.due_on)
        .options(selectinload(ActionItem.owner_person), selectinload(ActionItem.owner_organisation))))
    by_committee: dict[int, list[ActionItem]] = {}
    for item in open_items:
        by_committee.setdefault(item.committee_id, []).append(item)
    if not by_committee:
        return 0
    roles = db.session.scalars(select(CommitteeRole).where(
        CommitteeRole.role == CommitteeRoleKind.COCHAIR, CommitteeRole.committee_id.in_(by_committee))
        .options(selectinload(CommitteeRole.person), selectinload(CommitteeRole.committee)))
    count = 0
    for role in roles:
        kind = f"weekly:{role.committee_id}"
        if not role.person.active or _already(None, role.person_id, kind, today):
            continue
        db.session.add(ActionReminder(item_id=None, person_id=role.person_id, kind=kind, sent_on=today))
        committee_items = by_committee[role.committee_id]
        notify(role.person, "actions", "action_weekly_summary", committee=role.committee, items=committee_items,
               overdue=[i for i in committee_items if i.is_overdue(today)], today=today)
        count += 1
    return count
