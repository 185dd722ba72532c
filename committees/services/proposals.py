"""Proposals: filed by a member organisation's representative, co-sponsored by invited organisations, supported by
other members, moved through PROPOSAL_TRANSITIONS (committees/workflow.py) with a timeline event, an audit entry and
mail to the authors, co-sponsors and co-chairs for every step; forwarded to the City with a department and a response
deadline (coordinators are reminded when it passes), and the City's reply recorded.

Every function checks the policy itself (committees/policy.py, proposal.*), flushes and never commits.
After the first submission every edit is a new version (a snapshot in the format of the minutes' revisions, so
`committees.services.minutes.diff_revisions` compares any two).
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from committees import audit, policy, safeguarding
from committees.db import db, utcnow
from committees.documents import check_upload, digest, storage
from committees.errors import Conflict, ValidationFailed
from committees.i18n import N_
from committees.languages import clean_language, default_language
from committees.markdown import render_markdown
from committees.models import (
    AgendaItem,
    AgendaItemStatus,
    Committee,
    CommitteeRole,
    CommitteeRoleKind,
    Decision,
    Document,
    GlobalRole,
    Meeting,
    Membership,
    MembershipStatus,
    Organisation,
    Person,
)
from committees.models.proposals import (
    BEFORE_DECISION_STATES,
    CosponsorStatus,
    Proposal,
    ProposalComment,
    ProposalCosponsor,
    ProposalEvent,
    ProposalReminder,
    ProposalState,
    ProposalSupport,
    ProposalVersion,
)
from committees.services import agendas
from committees.services.minutes import diff_revisions
from committees.services.notify import notify
from committees.validation import clean_title
from committees.workflow import PROPOSAL_TRANSITIONS, Transition, check_transition

# The fields the authors write, in the order of a version's snapshot, with their labels (marked for translation).
FIELD_TITLES: dict[str, str] = {
    "title": N_("Title"),
    "summary": N_("Summary"),
    "body": N_("Full text"),
    "target_group": N_("Target group"),
    "expected_impact": N_("Expected impact"),
    "budget_eur": N_("Estimated budget (EUR)"),
    "timeframe": N_("Timeframe"),
}
PROPOSAL_FIELDS = (*FIELD_TITLES, "language")  # language: the tag of the text (committees/languages.py)
TEXT_LIMITS = {"summary": 500, "body": 100_000, "target_group": 300, "expected_impact": 20_000, "timeframe": 200}
REQUIRED_TO_SUBMIT = ("summary", "body", "target_group", "expected_impact", "timeframe")
TITLE_MISSING = N_("Give the proposal a title.")
BUDGET_MAX = Decimal("9999999999.99")
COMMENT_MAX = 10_000
REPLY_MAX = 50_000
DEPARTMENT_MAX = 200
RESPONSE_REMINDER_KIND = "response_overdue"
RESPONSE_REMINDER_EVERY_DAYS = 7  # after the deadline: a reminder on the first run, then once a week
OPEN_MEETING_STATES = agendas.OPEN_STATES
CITY_RESPONSES = ("adopt", "adopt_in_part", "not_adopt")


# -- input -------------------------------------------------------------------------------------------------------

def parse_budget(value: Any) -> Decimal | None:
    """Euros as typed ("12500", "12 500,50", "12,500.50") -> Decimal with cents; empty -> None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationFailed(N_("Give the budget in euros, for example 12500 or 12500.50."), field="budget_eur",
                               code="invalid_number")
    if isinstance(value, (int, Decimal)):
        amount = Decimal(value)
    else:
        text = str(value).replace(" ", "").replace("\u00a0", "").replace("€", "").replace("EUR", "")
        if "," in text and "." in text:
            text = text.replace(",", "")
        elif "," in text:
            text = text.replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationFailed(N_("Give the budget in euros, for example 12500 or 12500.50."),
                                   field="budget_eur", code="invalid_number") from None
    if not amount.is_finite() or amount < 0 or amount > BUDGET_MAX:
        raise ValidationFailed(N_("Give the budget in euros, for example 12500 or 12500.50."), field="budget_eur",
                               code="invalid_number")
    return amount.quantize(Decimal("0.01"))


def _clean(values: dict) -> dict:
    clean = {k: v for k, v in values.items() if k in PROPOSAL_FIELDS}
    clean_title(clean, TITLE_MISSING, required=False)
    for key, limit in TEXT_LIMITS.items():
        if key in clean:
            text = (clean[key] or "").replace("\r\n", "\n").replace("\x00", "").strip()
            if len(text) > limit:
                raise ValidationFailed(N_("The text is too long."), field=key, code="too_long")
            clean[key] = text
    if "budget_eur" in clean:
        clean["budget_eur"] = parse_budget(clean["budget_eur"])
    if "language" in clean:
        clean["language"] = clean_language(clean["language"])
    return clean


SAFEGUARDED_FIELDS = ("title", "summary", "body", "target_group", "expected_impact", "timeframe")


def _texts(proposal: Proposal) -> dict[str, str]:
    """The proposal's texts others read."""
    return {k: getattr(proposal, k) or "" for k in SAFEGUARDED_FIELDS}


def _check_complete(proposal: Proposal) -> None:
    for key in REQUIRED_TO_SUBMIT:
        if not (getattr(proposal, key) or "").strip():
            raise ValidationFailed(N_("Fill in every part of the proposal before submitting it (the budget is "
                                      "optional)."), field=key, code="incomplete")


# -- people ------------------------------------------------------------------------------------------------------

def _representatives(committee_id: int, organisation_ids: set[int]) -> list[Person]:
    """Active people representing these organisations in the committee."""
    if not organisation_ids:
        return []
    return list(db.session.scalars(
        select(Person).join(CommitteeRole, CommitteeRole.person_id == Person.id)
        .where(CommitteeRole.committee_id == committee_id, CommitteeRole.role == CommitteeRoleKind.REPRESENTATIVE,
               Person.organisation_id.in_(sorted(organisation_ids)), Person.active.is_(True))
        .distinct().order_by(Person.full_name, Person.id)))


def stakeholders(proposal: Proposal) -> list[Person]:
    """Who hears of every step: the authors (the author organisation's representatives), the accepted co-sponsors'
    representatives and the committee's co-chairs (active people, each once). A draft never submitted is private:
    the co-chairs do not hear of it (withdrawing a draft tells the authors and co-sponsors only)."""
    orgs = {proposal.organisation_id} | {c.organisation_id for c in proposal.accepted_cosponsors}
    who = (CommitteeRole.role == CommitteeRoleKind.REPRESENTATIVE) & Person.organisation_id.in_(sorted(orgs))
    if proposal.submitted_at is not None:
        who = or_(CommitteeRole.role == CommitteeRoleKind.COCHAIR, who)
    people = db.session.scalars(
        select(Person).join(CommitteeRole, CommitteeRole.person_id == Person.id)
        .where(CommitteeRole.committee_id == proposal.committee_id, Person.active.is_(True), who)
        .distinct().order_by(Person.full_name, Person.id))
    return list(people)


def _notify_all(people: list[Person], skip: Person | None, template: str, **context: Any) -> int:
    count = 0
    for person in people:
        if skip is not None and person.id == skip.id:
            continue  # they did it
        notify(person, "proposals", template, **context)
        count += 1
    return count


def _active_member(committee_id: int, organisation_id: int) -> bool:
    return db.session.scalar(select(Membership.id).where(
        Membership.committee_id == committee_id, Membership.organisation_id == organisation_id,
        Membership.status == MembershipStatus.ACTIVE).limit(1)) is not None


# -- filing and editing ------------------------------------------------------------------------------------------

def _event(proposal: Proposal, actor: Person | None, kind: str, *, now: datetime | None = None,
           **values: Any) -> ProposalEvent:
    event = ProposalEvent(kind=kind, actor_id=actor.id if actor else None, created_at=now or utcnow(), **values)
    proposal.events.append(event)
    return event


def create_proposal(actor: Person, committee: Committee, *, now: datetime | None = None, **values) -> Proposal:
    """A draft on behalf of the actor's organisation (private to it until submitted)."""
    policy.ensure(actor, "proposal.create", committee)
    clean = _clean(values)
    clean_title(clean, TITLE_MISSING, required=True)
    clean.setdefault("language", default_language(actor))
    now = now or utcnow()
    proposal = Proposal(committee=committee, organisation_id=actor.organisation_id, created_by_id=actor.id,
                        state=ProposalState.DRAFT, state_changed_at=now, created_at=now, **clean)
    proposal.body_html = render_markdown(proposal.body or "")
    db.session.add(proposal)
    _event(proposal, actor, "created", to_state=ProposalState.DRAFT, now=now)
    db.session.flush()
    audit.record(actor, "proposal.create", proposal, f"Proposal {proposal.title} drafted",
                 committee_id=committee.id, organisation_id=proposal.organisation_id)
    return proposal


def snapshot_of(proposal: Proposal) -> str:
    """The text as JSON in the minutes' revision format: [{"section_id", "title", "text"}] per field."""
    data = []
    for key, title in FIELD_TITLES.items():
        value = getattr(proposal, key)
        data.append({"section_id": key, "title": title, "text": "" if value is None else str(value)})
    return json.dumps(data, ensure_ascii=False)


def _new_version(actor: Person, proposal: Proposal, note: str, now: datetime | None = None) -> ProposalVersion:
    proposal.current_version = (proposal.current_version or 0) + 1
    version = ProposalVersion(number=proposal.current_version, snapshot=snapshot_of(proposal), note=note,
                              author_id=actor.id, created_at=now or utcnow())
    proposal.versions.append(version)
    return version


def update_proposal(actor: Person, proposal: Proposal, values: dict, *, expected_version: int | None = None,
                    note: str = "", safeguarding_reason: str | None = None) -> list[str]:
    """Edit the text (authors, while editable); after the first submission a change is a new version.
    Returns the changed fields; a stale `expected_version` -> Conflict (nothing saved). Once submitted, the text
    goes to the committee: changed text that looks like a beneficiary's personal data needs `safeguarding_reason`
    (committees.safeguarding)."""
    policy.ensure(actor, "proposal.edit", proposal)
    clean = _clean(values)
    if expected_version is not None and int(expected_version) != proposal.version:
        raise Conflict(N_("Someone else changed this proposal meanwhile. Reload it to see their changes."),
                       code="edit_conflict")
    changed = [k for k in PROPOSAL_FIELDS if k in clean and getattr(proposal, k) != clean[k]]
    if not changed:
        return []
    if proposal.submitted_at is not None:
        safeguarding.confirm(actor, proposal, {k: clean[k] for k in changed if k in SAFEGUARDED_FIELDS},
                             safeguarding_reason, step="proposal.update")
    for key in changed:
        setattr(proposal, key, clean[key])
    if "body" in changed:
        proposal.body_html = render_markdown(proposal.body)
    version = None
    if proposal.submitted_at is not None:
        version = _new_version(actor, proposal, (note or "").strip()[:2000])
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(N_("Someone else changed this proposal meanwhile. Reload it to see their changes."),
                       code="edit_conflict") from None
    audit.record(actor, "proposal.update", proposal, f"Proposal {proposal.title} edited", fields=changed,
                 version=version.number if version else None, committee_id=proposal.committee_id)
    return changed


# -- the workflow ------------------------------------------------------------------------------------------------

def _open_meeting(meeting: Meeting, proposal: Proposal, now: datetime) -> None:
    if meeting.committee_id != proposal.committee_id or meeting.deleted_at is not None:
        raise ValidationFailed(N_("Choose a meeting of this proposal's committee."), field="agenda_item_id",
                               code="wrong_committee")
    if meeting.state not in OPEN_MEETING_STATES or (meeting.starts_at is not None and meeting.starts_at <= now):
        raise ValidationFailed(N_("Choose a coming meeting."), field="agenda_item_id", code="meeting_not_coming")


def _agenda_item(actor: Person, proposal: Proposal, item: AgendaItem | None, meeting: Meeting | None,
                 now: datetime) -> AgendaItem:
    """The agenda item the proposal is discussed under: the given one, or a new item on `meeting`."""
    if item is None and meeting is None:
        raise ValidationFailed(N_("Choose a coming meeting of this committee or one of its agenda items."),
                               field="agenda_item_id", code="agenda_item_required")
    if item is not None:
        _open_meeting(item.meeting, proposal, now)
        if item.status != AgendaItemStatus.ACCEPTED:
            raise ValidationFailed(N_("Choose an item on the agenda (not a suggestion)."), field="agenda_item_id",
                                   code="item_not_accepted")
        if item.proposal_id not in (None, proposal.id):
            raise ValidationFailed(N_("That agenda item is about another proposal."), field="agenda_item_id",
                                   code="item_taken")
    else:
        _open_meeting(meeting, proposal, now)
        item = agendas.add_item(actor, meeting, title=proposal.title, description=proposal.summary)
    item.proposal_id = proposal.id
    return item


def _linked_open_items(proposal: Proposal) -> list[AgendaItem]:
    return list(db.session.scalars(
        select(AgendaItem).join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.proposal_id == proposal.id, Meeting.state.in_(OPEN_MEETING_STATES))
        .order_by(AgendaItem.id)))


def _link_decision(proposal: Proposal, decision: Decision | None) -> Decision | None:
    if decision is None:
        return None
    if decision.committee_id != proposal.committee_id:
        raise ValidationFailed(N_("That decision belongs to another committee."), field="decision_id",
                               code="wrong_committee")
    if decision.proposal_id not in (None, proposal.id):
        raise ValidationFailed(N_("That decision is about another proposal."), field="decision_id",
                               code="decision_taken")
    decision.proposal_id = proposal.id
    return decision


def _store_document(actor: Person, proposal: Proposal, filename: str, data: bytes, max_bytes: int) -> Document:
    """The meeting documents' rules (committees/documents.py): type from the content, size, name, storage."""
    kind, name = check_upload(data, filename, max_bytes)
    key = storage().put(data)
    document = Document(meeting_id=None, proposal_id=proposal.id, filename=name, content_type=kind.content_type,
                        size=len(data), sha256=digest(data), storage_key=key, uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    audit.record(actor, "document.upload", document, f"Attached {name}", committee_id=proposal.committee_id,
                 proposal_id=proposal.id, size=len(data), content_type=kind.content_type)
    return document


def allowed_transitions(user: Any, proposal: Proposal) -> list[Transition]:
    """The steps `user` may take now (for buttons): possible from the state and allowed by the policy."""
    return [t for t in PROPOSAL_TRANSITIONS.values()
            if proposal.state in t.sources and policy.can(user, t.action, proposal)]


def transition_proposal(actor: Person, proposal: Proposal, name: str, *, reason: str = "",
                        agenda_item: AgendaItem | None = None, meeting: Meeting | None = None,
                        decision: Decision | None = None, department: str = "", response_deadline: date | None = None,
                        reply: str = "", reply_document: tuple[str, bytes] | None = None,
                        max_bytes: int = 20 * 1024 * 1024, now: datetime | None = None,
                        safeguarding_reason: str | None = None) -> ProposalEvent:
    """Take the step `name` of PROPOSAL_TRANSITIONS: who may (the policy action in the table), from which states,
    whether a reason is needed; then what the step needs:

    - submit: every part filled in (the budget is optional); the first submission makes it visible to the committee
      and records version 1; text that looks like a beneficiary's personal data needs `safeguarding_reason`;
    - put_on_agenda: `agenda_item` (an accepted item of a coming meeting of the committee) or `meeting` (a coming
      meeting: an item is added to its agenda);  take_off_agenda unlinks the items of meetings not yet held;
    - endorse / decline: optionally the `decision` in the minutes (linked back to the proposal);
    - forward: the City `department` addressed and the `response_deadline` (today or later);
    - adopt / adopt_in_part / not_adopt: the City's formal `reply` (text) and optionally its document
      (`reply_document` = (filename, bytes), checked like meeting documents).

    Records a timeline event (who, when, why), an audit entry, and mails the authors, co-sponsors and co-chairs
    (not the actor). Errors: Forbidden, Conflict (state, stale), ValidationFailed (reason and inputs)."""
    transition = PROPOSAL_TRANSITIONS.get(name)
    if transition is not None:
        policy.ensure(actor, transition.action, proposal)
    transition = check_transition(PROPOSAL_TRANSITIONS, name, proposal.state, reason)
    now = now or utcnow()
    reason = (reason or "").strip()
    if len(reason) > 5000:
        raise ValidationFailed(N_("The text is too long."), field="reason", code="too_long")
    old = proposal.state
    extra: dict[str, Any] = {}
    discussed_at = None  # the meeting, when put on its agenda
    if name == "submit":
        _check_complete(proposal)
        safeguarding.confirm(actor, proposal, _texts(proposal), safeguarding_reason, step="proposal.submit")
    elif name == "put_on_agenda":
        item = _agenda_item(actor, proposal, agenda_item, meeting, now)
        extra["agenda_item_id"] = item.id
        discussed_at = item.meeting
    elif name == "take_off_agenda":
        items = _linked_open_items(proposal)
        for item in items:
            item.proposal_id = None
        extra["agenda_item_id"] = items[0].id if items else None
    elif name in ("endorse", "decline"):
        linked = _link_decision(proposal, decision)
        extra["decision_id"] = linked.id if linked else None
    elif name == "forward":
        department = " ".join((department or "").split())
        if not department:
            raise ValidationFailed(N_("Name the City department the proposal is addressed to."), field="department",
                                   code="required")
        if len(department) > DEPARTMENT_MAX:
            raise ValidationFailed(N_("The text is too long."), field="department", code="too_long")
        if not isinstance(response_deadline, date) or isinstance(response_deadline, datetime) \
                or response_deadline < now.date():
            raise ValidationFailed(N_("Give a response deadline, today or later."), field="response_deadline",
                                   code="invalid_deadline")
        extra.update(department=department, response_deadline=response_deadline)
    elif name in CITY_RESPONSES:
        reply = (reply or "").replace("\r\n", "\n").strip()
        if not reply:
            raise ValidationFailed(N_("Record the City's reply."), field="reply", code="required")
        if len(reply) > REPLY_MAX:
            raise ValidationFailed(N_("The text is too long."), field="reply", code="too_long")
        if reply_document is not None:
            extra["document_id"] = _store_document(actor, proposal, reply_document[0], reply_document[1],
                                                   max_bytes).id

    proposal.state = transition.target
    proposal.state_changed_at = now
    proposal.state_reason = reason
    if name == "submit":
        if proposal.submitted_at is None:
            proposal.submitted_at = now
            _new_version(actor, proposal, "", now)
    elif name in ("endorse", "decline"):
        proposal.decided_at = now
    elif name == "forward":
        proposal.city_department = extra["department"]
        proposal.response_deadline = extra["response_deadline"]
        proposal.forwarded_at = now
    elif name in CITY_RESPONSES:
        proposal.city_reply = reply
        proposal.city_reply_html = render_markdown(reply)
        proposal.city_responded_at = now
    event = _event(proposal, actor, name, from_state=old, to_state=transition.target, reason=reason, now=now,
                   **extra)
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(N_("Someone else changed this proposal meanwhile. Reload it to see their changes."),
                       code="edit_conflict") from None
    audit.record(actor, f"proposal.{name}", proposal,
                 f"Proposal {proposal.title}: {old.value} → {transition.target.value}", reason=reason or None,
                 committee_id=proposal.committee_id, **{k: v for k, v in extra.items() if v is not None})
    _notify_all(stakeholders(proposal), actor, "proposal_transition", proposal=proposal,
                committee=proposal.committee, event=event, actor=actor, meeting=discussed_at)
    return event


# -- co-sponsors -------------------------------------------------------------------------------------------------

def _cosponsor_row(proposal: Proposal, organisation_id: int | None) -> ProposalCosponsor | None:
    return next((c for c in proposal.cosponsors if c.organisation_id == organisation_id), None)


def _before_decision(proposal: Proposal) -> None:
    if proposal.state not in BEFORE_DECISION_STATES:
        raise Conflict(N_("The committee has decided on this proposal; this can no longer change."),
                       code="proposal_decided")


def invite_cosponsor(actor: Person, proposal: Proposal, organisation: Organisation) -> ProposalCosponsor:
    """The authors invite another active member organisation of the committee; its representatives are told."""
    policy.ensure(actor, "proposal.author", proposal)
    _before_decision(proposal)
    if organisation.id == proposal.organisation_id:
        raise ValidationFailed(N_("Your own organisation is the author already."), field="organisation_id",
                               code="own_organisation")
    if not organisation.active or not _active_member(proposal.committee_id, organisation.id):
        raise ValidationFailed(N_("Only member organisations of this committee can co-sponsor."),
                               field="organisation_id", code="not_member")
    row = _cosponsor_row(proposal, organisation.id)
    if row is not None and row.status != CosponsorStatus.DECLINED:
        raise Conflict(N_("That organisation has been invited already."), code="already_invited")
    if row is None:
        row = ProposalCosponsor(organisation=organisation)
        proposal.cosponsors.append(row)
    row.status = CosponsorStatus.INVITED
    row.invited_by_id = actor.id
    row.invited_at = utcnow()
    row.responded_by_id = None
    row.responded_at = None
    _event(proposal, actor, "cosponsor_invited", organisation_id=organisation.id)
    db.session.flush()
    audit.record(actor, "proposal.invite_cosponsor", proposal, f"{organisation.name} invited to co-sponsor "
                 f"{proposal.title}", organisation_id=organisation.id, committee_id=proposal.committee_id)
    for person in _representatives(proposal.committee_id, {organisation.id}):
        notify(person, "proposals", "proposal_cosponsor_invited", proposal=proposal, committee=proposal.committee,
               organisation=organisation, author=proposal.organisation)
    return row


def respond_cosponsor(actor: Person, proposal: Proposal, accept: bool) -> ProposalCosponsor:
    """A representative of an invited organisation accepts or declines; the authors are told. Accepting replaces
    the organisation's support, if it gave one (co-sponsors are on the proposal itself)."""
    policy.ensure(actor, "proposal.cosponsor", proposal)
    row = _cosponsor_row(proposal, actor.organisation_id)
    row.status = CosponsorStatus.ACCEPTED if accept else CosponsorStatus.DECLINED
    row.responded_by_id = actor.id
    row.responded_at = utcnow()
    kind = "cosponsor_accepted" if accept else "cosponsor_declined"
    _event(proposal, actor, kind, organisation_id=row.organisation_id)
    if accept:
        support_row = next((s for s in proposal.supports if s.organisation_id == row.organisation_id), None)
        if support_row is not None:
            proposal.supports.remove(support_row)
    db.session.flush()
    if accept:
        _recount(proposal)
    audit.record(actor, f"proposal.{kind}", proposal, f"{row.organisation.name} "
                 f"{'accepted' if accept else 'declined'} to co-sponsor {proposal.title}",
                 organisation_id=row.organisation_id, committee_id=proposal.committee_id)
    _notify_all(_representatives(proposal.committee_id, {proposal.organisation_id}), actor,
                "proposal_cosponsor_answered", proposal=proposal, committee=proposal.committee,
                organisation=row.organisation, accepted=accept)
    return row


def remove_cosponsor(actor: Person, proposal: Proposal, organisation: Organisation) -> None:
    """The authors withdraw an invitation or part with a co-sponsor (before the committee's decision)."""
    policy.ensure(actor, "proposal.author", proposal)
    _before_decision(proposal)
    row = _cosponsor_row(proposal, organisation.id)
    if row is None:
        raise ValidationFailed(N_("That organisation is not a co-sponsor."), field="organisation_id",
                               code="not_cosponsor")
    proposal.cosponsors.remove(row)
    _event(proposal, actor, "cosponsor_removed", organisation_id=organisation.id)
    db.session.flush()
    audit.record(actor, "proposal.remove_cosponsor", proposal, f"{organisation.name} no longer co-sponsors "
                 f"{proposal.title}", organisation_id=organisation.id, committee_id=proposal.committee_id)


# -- supports ----------------------------------------------------------------------------------------------------

def _recount(proposal: Proposal) -> int:
    """Store the number of supporting organisations without bumping the proposal's edit version."""
    count = db.session.scalar(select(func.count()).select_from(ProposalSupport)
                              .where(ProposalSupport.proposal_id == proposal.id)) or 0
    db.session.execute(update(Proposal).where(Proposal.id == proposal.id)
                       .values(support_count=count, updated_at=Proposal.updated_at)
                       .execution_options(synchronize_session=False))
    set_committed_value(proposal, "support_count", count)
    return count


def support(actor: Person, proposal: Proposal) -> ProposalSupport:
    """The actor's organisation supports the proposal (once; a second time -> Conflict)."""
    policy.ensure(actor, "proposal.support", proposal)
    if any(s.organisation_id == actor.organisation_id for s in proposal.supports):
        raise Conflict(N_("Your organisation supports this proposal already."), code="already_supported")
    row = ProposalSupport(proposal_id=proposal.id, organisation_id=actor.organisation_id, person_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        db.session.expire(proposal, ["supports"])
        raise Conflict(N_("Your organisation supports this proposal already."), code="already_supported") from None
    db.session.expire(proposal, ["supports"])
    _recount(proposal)
    audit.record(actor, "proposal.support", proposal, f"Support for {proposal.title}",
                 organisation_id=actor.organisation_id, committee_id=proposal.committee_id)
    return row


def withdraw_support(actor: Person, proposal: Proposal) -> None:
    """The actor's organisation no longer supports the proposal (no support -> Conflict)."""
    policy.ensure(actor, "proposal.support", proposal)
    row = next((s for s in proposal.supports if s.organisation_id == actor.organisation_id), None)
    if row is None:
        raise Conflict(N_("Your organisation does not support this proposal."), code="not_supported")
    proposal.supports.remove(row)
    db.session.flush()
    _recount(proposal)
    audit.record(actor, "proposal.withdraw_support", proposal, f"Support for {proposal.title} withdrawn",
                 organisation_id=actor.organisation_id, committee_id=proposal.committee_id)


# -- documents ---------------------------------------------------------------------------------------------------

def attach_document(actor: Person, proposal: Proposal, filename: str, data: bytes, *, max_bytes: int) -> Document:
    """The authors attach a document (until the committee's decision), under the meeting documents' rules."""
    policy.ensure(actor, "proposal.author", proposal)
    _before_decision(proposal)
    return _store_document(actor, proposal, filename, data, max_bytes)


def remove_document(actor: Person, proposal: Proposal, document: Document) -> None:
    """Soft delete (the bytes stay, as for meeting documents)."""
    policy.ensure(actor, "proposal.author", proposal)
    _before_decision(proposal)
    if document.proposal_id != proposal.id or document.deleted_at is not None:
        raise ValidationFailed(N_("Unknown document."), field="document_id", code="unknown_document")
    document.deleted_at = utcnow()
    audit.record(actor, "document.delete", document, f"Removed {document.filename}",
                 committee_id=proposal.committee_id, proposal_id=proposal.id)


def proposal_documents(proposal: Proposal) -> list[Document]:
    """The proposal's documents not removed, oldest first (the City's reply documents included: see the events).
    From `proposal.documents`, so a page that loaded them with the proposal issues no statement for them."""
    return sorted((d for d in proposal.documents if d.deleted_at is None), key=lambda d: (d.created_at, d.id))


# -- versions ----------------------------------------------------------------------------------------------------

def version(proposal: Proposal, number: int) -> ProposalVersion:
    for row in proposal.versions:
        if row.number == number:
            return row
    raise ValidationFailed(N_("Unknown version."), code="unknown_version")


def compare_versions(proposal: Proposal, a: int, b: int) -> list[dict]:
    """Field by field: {"title", "changed", "rows": [(tag, left_html, right_html)]} (escaped text), as for minutes."""
    return diff_revisions(version(proposal, a), version(proposal, b))


# -- comments ----------------------------------------------------------------------------------------------------

def add_comment(actor: Person, proposal: Proposal, body: str, *,
                safeguarding_reason: str | None = None) -> ProposalComment:
    policy.ensure(actor, "proposal.comment", proposal)
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationFailed(N_("Write a comment."), field="body", code="required")
    if len(body) > COMMENT_MAX:
        raise ValidationFailed(N_("The text is too long."), field="body", code="too_long")
    safeguarding.confirm(actor, proposal, {"body": body}, safeguarding_reason, step="proposal.comment")
    row = ProposalComment(person_id=actor.id, organisation_id=actor.organisation_id, body=body,
                          body_html=render_markdown(body))
    proposal.comments.append(row)
    db.session.flush()
    audit.record(actor, "proposal.comment", row, f"Comment on the proposal {proposal.title}",
                 committee_id=proposal.committee_id, proposal_id=proposal.id)
    return row


def hide_comment(actor: Person, comment: ProposalComment, reason: str) -> None:
    """Co-chairs (and coordinators) hide a comment with a reason; its author still sees it, marked hidden."""
    policy.ensure(actor, "proposal.moderate", comment.proposal)
    if comment.hidden:
        raise Conflict(N_("This comment is hidden already."), code="already_hidden")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(N_("Please give a reason."), field="reason", code="reason_required")
    if len(reason) > 2000:
        raise ValidationFailed(N_("The text is too long."), field="reason", code="too_long")
    comment.hidden_at = utcnow()
    comment.hidden_by_id = actor.id
    comment.hidden_reason = reason
    db.session.flush()
    audit.record(actor, "proposal.hide_comment", comment, "Comment hidden", reason=reason,
                 committee_id=comment.proposal.committee_id, proposal_id=comment.proposal_id)


def unhide_comment(actor: Person, comment: ProposalComment) -> None:
    policy.ensure(actor, "proposal.moderate", comment.proposal)
    if not comment.hidden:
        raise Conflict(N_("This comment is not hidden."), code="not_hidden")
    comment.hidden_at = None
    comment.hidden_by_id = None
    comment.hidden_reason = ""
    db.session.flush()
    audit.record(actor, "proposal.unhide_comment", comment, "Comment shown again",
                 committee_id=comment.proposal.committee_id, proposal_id=comment.proposal_id)


# -- the City's response deadline -------------------------------------------------------------------------------

def _coordinators() -> list[Person]:
    people = list(db.session.scalars(select(Person).where(Person.global_role == GlobalRole.COORDINATOR,
                                                          Person.active.is_(True)).order_by(Person.id)))
    if not people:  # an installation run by its administrators alone
        people = list(db.session.scalars(select(Person).where(Person.global_role == GlobalRole.ADMIN,
                                                              Person.active.is_(True)).order_by(Person.id)))
    return people


def send_proposal_reminders(today: date) -> int:
    """Coordinators are reminded of proposals forwarded to the City whose response deadline has passed without a
    response: on the first run after the deadline, then every RESPONSE_REMINDER_EVERY_DAYS days while it lasts.
    Idempotent per day (run from `flask reminders send`). Returns the number of messages queued."""
    overdue = list(db.session.scalars(
        select(Proposal).where(Proposal.state == ProposalState.FORWARDED, Proposal.response_deadline.is_not(None),
                               Proposal.response_deadline < today)
        .order_by(Proposal.response_deadline, Proposal.id)))
    if not overdue:
        return 0
    people = _coordinators()
    since = today - timedelta(days=RESPONSE_REMINDER_EVERY_DAYS - 1)
    recent = {(row[0], row[1]) for row in db.session.execute(
        select(ProposalReminder.proposal_id, ProposalReminder.person_id)
        .where(ProposalReminder.kind == RESPONSE_REMINDER_KIND, ProposalReminder.sent_on >= since,
               ProposalReminder.proposal_id.in_([p.id for p in overdue])))}
    count = 0
    for proposal in overdue:
        for person in people:
            if (proposal.id, person.id) in recent:
                continue
            db.session.add(ProposalReminder(proposal_id=proposal.id, person_id=person.id,
                                            kind=RESPONSE_REMINDER_KIND, sent_on=today))
            notify(person, "proposals", "proposal_response_overdue", proposal=proposal,
                   committee=proposal.committee, days=(today - proposal.response_deadline).days)
            count += 1
    db.session.flush()
    return count
