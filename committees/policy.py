"""The permission policy: every rule, once. `can(user, action, obj)` answers; `ensure` raises.

`user` is a Person, or None / an anonymous user object for the public. Rules are named
`<noun>.<verb>`; an unknown name raises UnknownAction so a typo can never silently allow or deny.
Templates reach the same rules through the `can` Jinja global.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from committees.errors import Forbidden
from committees.i18n import N_
from committees.models import Committee, CommitteeRole, CommitteeRoleKind, MembershipStatus, Organisation, Person
from committees.models.proposals import (
    BEFORE_DECISION_STATES,
    EDITABLE_STATES,
    PUBLIC_STATES,
    SUPPORTABLE_STATES,
    ProposalState,
)

COCHAIR = CommitteeRoleKind.COCHAIR
SECRETARY = CommitteeRoleKind.SECRETARY
REPRESENTATIVE = CommitteeRoleKind.REPRESENTATIVE
OBSERVER = CommitteeRoleKind.OBSERVER
OPEN_MEMBERSHIP = {MembershipStatus.REQUESTED, MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED}


class UnknownAction(KeyError):
    pass


def person_of(user: Any) -> Person | None:
    """The signed-in, active Person behind `user`, or None for the public."""
    if isinstance(user, Person) and user.active:
        return user
    return None


def committee_roles(user: Any, committee: Committee | int | None) -> set[CommitteeRoleKind]:
    """The user's roles in a committee, from one query per person object (cached on it)."""
    person = person_of(user)
    if person is None or committee is None:
        return set()
    committee_id = committee if isinstance(committee, int) else committee.id
    cache = person.__dict__.get("_policy_roles")
    if cache is None:
        cache = {}
        for role in person.committee_roles:
            cache.setdefault(role.committee_id, set()).add(role.role)
        person.__dict__["_policy_roles"] = cache
    return cache.get(committee_id, set())


def forget_roles(user: Any) -> None:
    """Drop the cached roles after a change of committee roles."""
    if isinstance(user, Person):
        user.__dict__.pop("_policy_roles", None)


def is_coordinator(user: Any) -> bool:
    person = person_of(user)
    return bool(person and person.is_coordinator)


def is_admin(user: Any) -> bool:
    person = person_of(user)
    return bool(person and person.is_admin)


def signed_in(user: Any, obj: Any = None) -> bool:
    return person_of(user) is not None


def coordinator(user: Any, obj: Any = None) -> bool:
    return is_coordinator(user)


def admin(user: Any, obj: Any = None) -> bool:
    return is_admin(user)


def _committee_visible(user: Any, committee: Committee) -> bool:
    if is_coordinator(user):
        return True
    if not committee.active:
        return bool(committee_roles(user, committee))
    return committee.is_public or signed_in(user)


def _cochair(user: Any, committee: Committee) -> bool:
    return is_coordinator(user) or COCHAIR in committee_roles(user, committee)


def _roster_editor(user: Any, committee: Committee) -> bool:
    return is_coordinator(user) or bool({COCHAIR, SECRETARY} & committee_roles(user, committee))


def _may_request_membership(user: Any, committee: Committee) -> bool:
    """An active organisation's staff may ask to join an active committee it is not (asking to be) in."""
    person = person_of(user)
    if not (person and committee.active and person.organisation is not None and person.organisation.active):
        return False
    return not any(m.committee_id == committee.id and m.status in OPEN_MEMBERSHIP
                   for m in person.organisation.memberships)


def _remove_role(user: Any, role: CommitteeRole) -> bool:
    """Co-chairs manage a committee's roles, except co-chairs: coordinators appoint and remove those."""
    if is_coordinator(user):
        return True
    return role.role != COCHAIR and COCHAIR in committee_roles(user, role.committee_id)


def _shares_committee(viewer: Person, other: Person) -> bool:
    mine = {r.committee_id for r in viewer.committee_roles}
    return any(r.committee_id in mine for r in other.committee_roles)


def _view_contact(user: Any, other: Person) -> bool:
    person = person_of(user)
    if person is None:
        return False
    if person.id == other.id or person.is_coordinator:
        return True
    if person.organisation_id and person.organisation_id == other.organisation_id:
        return True
    return _shares_committee(person, other)


def _edit_organisation(user: Any, org: Organisation) -> bool:
    person = person_of(user)
    if person is None:
        return False
    return person.is_coordinator or (person.is_primary_contact and person.organisation_id == org.id)


def _asks_for_own_organisation(user: Any, org: Organisation) -> bool:
    person = person_of(user)
    return bool(person and org is not None and org.active and person.organisation_id == org.id)


def _set_role(user: Any, other: Person | None = None) -> bool:
    return is_admin(user)


def _edit_person(user: Any, other: Person | None = None) -> bool:
    """Coordinators edit members' accounts; only admins touch coordinators' and admins' accounts."""
    if other is not None and other.is_coordinator:
        return is_admin(user)
    return is_coordinator(user)


Rule = Callable[[Any, Any], bool]

RULES: dict[str, tuple[Rule, str]] = {
    # committees
    "committee.view": (_committee_visible, N_("see this committee")),
    "committee.view_roster": (lambda u, c: signed_in(u) and _committee_visible(u, c), N_("see the roster")),
    "committee.export_roster": (_roster_editor, N_("export the roster")),
    "committee.create": (coordinator, N_("create committees")),
    "committee.edit": (_cochair, N_("edit this committee")),
    "committee.rename": (coordinator, N_("rename this committee or change its address or status")),
    "committee.appoint": (coordinator, N_("appoint co-chairs and secretaries")),
    "membership.manage": (_cochair, N_("manage the members of this committee")),
    "membership.request": (_may_request_membership, N_("ask to join this committee")),
    "role.remove": (_remove_role, N_("remove this role")),
    # organisations
    "organisation.list": (signed_in, N_("see the organisation directory")),
    "organisation.view": (signed_in, N_("see this organisation")),
    "organisation.create": (coordinator, N_("create organisations")),
    "organisation.edit": (_edit_organisation, N_("edit this organisation")),
    "organisation.set_active": (coordinator, N_("activate or deactivate organisations")),
    "organisation.view_inactive": (coordinator, N_("see inactive organisations in the directory")),
    "organisation.request_membership": (_asks_for_own_organisation,
                                        N_("ask for this organisation to join a committee")),
    # people
    "person.view": (signed_in, N_("see this person")),
    "person.view_contact": (_view_contact, N_("see this person's contact details")),
    "person.manage": (coordinator, N_("manage accounts")),
    "person.edit": (_edit_person, N_("change this account")),
    "person.set_role": (_set_role, N_("change global roles")),
    "profile.edit": (signed_in, N_("edit your profile")),
    # administration
    "audit.view": (coordinator, N_("read the audit log")),
    "outbox.view": (coordinator, N_("read the outbox")),
    "import.run": (coordinator, N_("import organisations and people")),
    "retention.manage": (coordinator, N_("set the retention of attachments and purge them")),
    "trash.restore": (coordinator, N_("restore deleted meetings, proposals and documents")),
}


# -- meetings, agendas and documents --------------------------------------------------------------
# `obj` is a Meeting (or, for meeting.create, a Committee; for agenda items and documents, their meeting).

VISIBLE_MEETING_STATES = ("scheduled", "held", "minuted", "cancelled")


def _meeting_committee(obj: Any):
    return obj if isinstance(obj, Committee) else getattr(obj, "committee", None)


def _meeting_editor(user: Any, obj: Any) -> bool:
    committee = _meeting_committee(obj)
    return committee is not None and _cochair(user, committee)


def _meeting_recorder(user: Any, obj: Any) -> bool:
    committee = _meeting_committee(obj)
    return committee is not None and _roster_editor(user, committee)


def _meeting_member(user: Any, obj: Any) -> bool:
    committee = _meeting_committee(obj)
    return committee is not None and (is_coordinator(user) or bool(committee_roles(user, committee)))


def _meeting_visible(user: Any, meeting: Any) -> bool:
    committee = meeting.committee
    if getattr(meeting, "deleted_at", None) is not None:
        return is_coordinator(user)
    if _meeting_recorder(user, meeting):
        return True
    if meeting.state.value not in VISIBLE_MEETING_STATES and meeting.state.value != "poll":
        return False
    if _meeting_member(user, meeting):
        return True
    if meeting.state.value == "poll":
        return False
    return committee.active and committee.is_public


def _meeting_participant(user: Any, meeting: Any) -> bool:
    """Invited people answer for a meeting (RSVP, time poll): everyone with a role in the committee,
    observers included (they attend, they just do not vote or file)."""
    return bool(committee_roles(user, meeting.committee))


def _suggest_item(user: Any, meeting: Any) -> bool:
    roles = committee_roles(user, meeting.committee)
    return bool(roles & {REPRESENTATIVE, COCHAIR, SECRETARY}) and meeting.state.value in ("draft", "poll",
                                                                                           "scheduled")


RULES.update({
    "meeting.list": (_committee_visible, N_("see this committee's meetings")),
    "meeting.view": (_meeting_visible, N_("see this meeting")),
    "meeting.create": (_meeting_editor, N_("create meetings for this committee")),
    "meeting.manage": (_meeting_editor, N_("schedule, reschedule or cancel this meeting")),
    "meeting.record": (_meeting_recorder, N_("record attendance and minutes")),
    "meeting.respond": (_meeting_participant, N_("answer for this meeting")),
    "meeting.view_responses": (_meeting_member, N_("see who is coming")),
    "agenda.edit": (_meeting_recorder, N_("edit the agenda")),
    "agenda.suggest": (_suggest_item, N_("suggest an agenda item")),
    "document.upload": (_meeting_recorder, N_("attach documents")),
    "document.download": (_meeting_visible, N_("download this document")),
})


# -- minutes, action items and the dashboard -------------------------------------------------------
# minutes.* take Minutes (or, for minutes.edit when creating them, a Meeting); action.create takes a
# Committee; action.update/view an ActionItem; dashboard.view a Committee or None (the dashboard as a whole).


def _minutes_visible(user: Any, minutes: Any) -> bool:
    """Drafts: their editors only; from circulation on: the committee's members; published: the public too
    (when the committee is public)."""
    committee = minutes.meeting.committee
    if minutes.state.value == "draft":
        return _roster_editor(user, committee)
    if _meeting_member(user, committee):
        return True
    return minutes.state.value == "published" and committee.active and committee.is_public


def _minutes_editor(user: Any, obj: Any) -> bool:
    committee = _meeting_committee(getattr(obj, "meeting", obj))
    return committee is not None and _roster_editor(user, committee)


def _minutes_approver(user: Any, minutes: Any) -> bool:
    return _cochair(user, minutes.meeting.committee)


def _minutes_commenter(user: Any, minutes: Any) -> bool:
    return minutes.state.value == "circulated" and bool(committee_roles(user, minutes.meeting.committee))


def _action_committee(obj: Any):
    return obj if isinstance(obj, Committee) else getattr(obj, "committee", None)


def _action_creator(user: Any, obj: Any) -> bool:
    committee = _action_committee(obj)
    return committee is not None and _cochair(user, committee)


def _action_updater(user: Any, item: Any) -> bool:
    person = person_of(user)
    if person is None:
        return False
    if _cochair(user, item.committee):
        return True
    if item.owner_person_id is not None and item.owner_person_id == person.id:
        return True
    return bool(item.owner_organisation_id and person.organisation_id == item.owner_organisation_id)


def _action_viewer(user: Any, obj: Any) -> bool:
    """The committee's members and coordinators; an item also its updaters (an owner organisation's staff
    need not hold a role in the committee)."""
    committee = _action_committee(obj)
    if committee is None:
        return False
    if is_coordinator(user) or committee_roles(user, committee):
        return True
    return not isinstance(obj, Committee) and _action_updater(user, obj)


def _minutes_history(user: Any, minutes: Any) -> bool:
    """Every version, who saved it and the text as circulated: the committee's members and the coordinators.
    Other readers of published minutes see the versions from the approval on, without names."""
    return _minutes_visible(user, minutes) and _meeting_member(user, minutes.meeting)


def _dashboard_viewer(user: Any, committee: Any = None) -> bool:
    if is_coordinator(user):
        return True
    person = person_of(user)
    if person is None:
        return False
    if committee is None:
        return any(r.role == COCHAIR for r in person.committee_roles)
    return COCHAIR in committee_roles(user, committee)


RULES.update({
    "minutes.view": (_minutes_visible, N_("read these minutes")),
    "minutes.view_history": (_minutes_history, N_("see how these minutes were drafted")),
    "minutes.edit": (_minutes_editor, N_("edit the minutes")),
    "minutes.approve": (_minutes_approver, N_("approve and publish the minutes")),
    "minutes.comment": (_minutes_commenter, N_("comment on these minutes")),
    "action.create": (_action_creator, N_("create action items")),
    "action.update": (_action_updater, N_("update this action item")),
    "action.view": (_action_viewer, N_("see this committee's action items")),
    "dashboard.view": (_dashboard_viewer, N_("see the action dashboard")),
})

# -- personal data: export and anonymisation (committees/services/personal_data.py) ---------------------
# Both take the Person whose data it is.


def _export_data(user: Any, other: Person | None) -> bool:
    """One's own data; a member's for coordinators; a coordinator's or admin's for admins."""
    person = person_of(user)
    if person is None or other is None:
        return False
    return person.id == other.id or _edit_person(user, other)


def _last_admin(other: Person) -> bool:
    from sqlalchemy import func, select

    from committees.db import db
    from committees.models import GlobalRole

    if not other.is_admin:
        return False
    others = db.session.scalar(select(func.count()).select_from(Person).where(
        Person.global_role == GlobalRole.ADMIN, Person.active.is_(True), Person.id != other.id))
    return not others


def _anonymise(user: Any, other: Person | None) -> bool:
    """Coordinators anonymise members, admins anyone else; never oneself, never the last admin."""
    person = person_of(user)
    if person is None or other is None or person.id == other.id:
        return False
    return _edit_person(user, other) and not _last_admin(other)


RULES.update({
    "person.export_data": (_export_data, N_("download this person's data")),
    "person.anonymise": (_anonymise, N_("anonymise this person")),
})


# -- proposals (committees/services/proposals.py; lists and reports in committees/proposal_lists.py) ----------
# proposal.create takes a Committee, proposal.report a Committee or None, the others a Proposal.
# The authors are the author organisation's representatives in the committee. Drafts (never submitted) are private
# to the author organisation and the organisations it invited to co-sponsor, coordinators included; once
# submitted, the committee's members and the coordinators see a proposal, and the public too once it has been
# forwarded to the City by a public committee. committees/proposal_lists.visible_proposals is the SQL twin of
# proposal.view (tests/domain/test_proposal_lists.py checks they agree).

def _representative_of(user: Any, committee_id: int, organisation_id: int | None) -> bool:
    person = person_of(user)
    return bool(person and organisation_id and person.organisation_id == organisation_id
                and REPRESENTATIVE in committee_roles(user, committee_id))


def _active_member(committee_id: int, organisation: Organisation | None) -> bool:
    return bool(organisation is not None and organisation.active and any(
        m.committee_id == committee_id and m.status == MembershipStatus.ACTIVE for m in organisation.memberships))


def _cosponsor_org_ids(proposal: Any, *statuses: str) -> set[int]:
    return {c.organisation_id for c in proposal.cosponsors if c.status.value in statuses}


def _proposal_author(user: Any, proposal: Any) -> bool:
    return _representative_of(user, proposal.committee_id, proposal.organisation_id)


def _proposal_visible(user: Any, proposal: Any) -> bool:
    if getattr(proposal, "deleted_at", None) is not None:
        return is_coordinator(user)
    person = person_of(user)
    if person is not None and person.organisation_id is not None and (
            person.organisation_id == proposal.organisation_id
            or person.organisation_id in _cosponsor_org_ids(proposal, "invited", "accepted")):
        return True
    if proposal.submitted_at is None:
        return False
    if is_coordinator(user) or committee_roles(user, proposal.committee_id):
        return True
    committee = proposal.committee
    return proposal.state in PUBLIC_STATES and committee.active and committee.is_public


def _proposal_view_comments(user: Any, proposal: Any) -> bool:
    """The discussion is the members': those who see the proposal other than as the public."""
    person = person_of(user)
    if person is None:
        return False
    if person.organisation_id is not None and person.organisation_id in {
            proposal.organisation_id, *_cosponsor_org_ids(proposal, "invited", "accepted")}:
        return True
    return proposal.submitted_at is not None and (is_coordinator(user)
                                                  or bool(committee_roles(user, proposal.committee_id)))


def _proposal_create(user: Any, committee: Any) -> bool:
    person = person_of(user)
    return bool(person and isinstance(committee, Committee) and committee.active
                and REPRESENTATIVE in committee_roles(user, committee)
                and _active_member(committee.id, person.organisation))


def _proposal_edit(user: Any, proposal: Any) -> bool:
    return proposal.state in EDITABLE_STATES and _proposal_author(user, proposal)


def _proposal_delete(user: Any, proposal: Any) -> bool:
    """Authors delete a draft never submitted (a mistake); coordinators any proposal (a duplicate, spam)."""
    if proposal.deleted_at is not None:
        return False
    return is_coordinator(user) or (proposal.submitted_at is None and _proposal_author(user, proposal))


def _meeting_delete(user: Any, meeting: Any) -> bool:
    """Co-chairs (and coordinators) delete a meeting that never took place: a draft, a time poll or a cancelled
    one (a scheduled meeting is cancelled first, which tells the invitees; held meetings are records)."""
    return (meeting.deleted_at is None and meeting.state.value in ("draft", "poll", "cancelled")
            and _meeting_editor(user, meeting))


def _proposal_review(user: Any, proposal: Any) -> bool:
    return proposal.submitted_at is not None and _cochair(user, proposal.committee_id)


def _proposal_forward(user: Any, proposal: Any) -> bool:
    return proposal.submitted_at is not None and is_coordinator(user)


def _proposal_cosponsor(user: Any, proposal: Any) -> bool:
    """A representative of an organisation invited to co-sponsor (and not yet answering) accepts or declines."""
    person = person_of(user)
    return bool(person and proposal.state in BEFORE_DECISION_STATES
                and person.organisation_id in _cosponsor_org_ids(proposal, "invited")
                and _representative_of(user, proposal.committee_id, person.organisation_id))


def _proposal_support(user: Any, proposal: Any) -> bool:
    """Representatives of the committee's other active member organisations (neither the authors nor accepted
    co-sponsors) support a submitted proposal, or withdraw their organisation's support, until the decision."""
    person = person_of(user)
    if person is None or proposal.state not in SUPPORTABLE_STATES:
        return False
    org_id = person.organisation_id
    if org_id is None or org_id == proposal.organisation_id or org_id in _cosponsor_org_ids(proposal, "accepted"):
        return False
    return _representative_of(user, proposal.committee_id, org_id) and _active_member(proposal.committee_id,
                                                                                      person.organisation)


def _proposal_comment(user: Any, proposal: Any) -> bool:
    """The committee's representatives, secretaries and co-chairs, and the coordinators (observers read only)."""
    if proposal.submitted_at is None or proposal.state == ProposalState.WITHDRAWN:
        return False
    return is_coordinator(user) or bool(committee_roles(user, proposal.committee_id) & {REPRESENTATIVE, SECRETARY,
                                                                                        COCHAIR})


def _proposal_moderate(user: Any, proposal: Any) -> bool:
    return proposal.submitted_at is not None and _cochair(user, proposal.committee_id)


RULES.update({
    "proposal.create": (_proposal_create, N_("file a proposal to this committee")),
    "proposal.view": (_proposal_visible, N_("see this proposal")),
    "proposal.delete": (_proposal_delete, N_("delete this proposal")),
    "meeting.delete": (_meeting_delete, N_("delete this meeting")),
    "proposal.edit": (_proposal_edit, N_("edit this proposal")),
    "proposal.author": (_proposal_author, N_("act for the authors of this proposal")),
    "proposal.review": (_proposal_review, N_("review this proposal for the committee")),
    "proposal.forward": (_proposal_forward, N_("forward this proposal to the City and record its response")),
    "proposal.cosponsor": (_proposal_cosponsor, N_("answer the invitation to co-sponsor this proposal")),
    "proposal.support": (_proposal_support, N_("support this proposal for your organisation")),
    "proposal.comment": (_proposal_comment, N_("comment on this proposal")),
    "proposal.view_comments": (_proposal_view_comments, N_("read the comments on this proposal")),
    "proposal.moderate": (_proposal_moderate, N_("hide comments on this proposal")),
    "proposal.report": (_dashboard_viewer, N_("see the proposals report")),
})


def can(user: Any, action: str, obj: Any = None) -> bool:
    try:
        rule = RULES[action][0]
    except KeyError:
        raise UnknownAction(action) from None
    return bool(rule(user, obj))


def ensure(user: Any, action: str, obj: Any = None) -> None:
    """Raise Forbidden unless `user` may perform `action` on `obj`."""
    if not can(user, action, obj):
        raise Forbidden(RULES[action][1], code="forbidden")
