"""Each policy rule × each role, as a table (FlaskBB's tests/unit/test_requirements.py, one row per case).

A rule in committees.policy.RULES without a row here fails the suite by name. Rows name the roles
that are allowed; every other role in tests.conftest.ROLES must be denied.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from committees import policy
from committees.db import db
from committees.errors import Forbidden
from committees.models import CommitteeRoleKind
from tests import factories as f
from tests.conftest import ROLES

SIGNED_IN = set(ROLES) - {"public"}
COORDINATORS = {"coordinator", "admin"}
EVERYONE = set(ROLES)


@dataclass(frozen=True)
class Row:
    action: str
    label: str
    obj: Callable[[Any], Any]
    allowed: frozenset

    @property
    def id(self) -> str:
        return f"{self.action}[{self.label}]"


def row(action: str, label: str, obj: Callable[[Any], Any], allowed) -> Row:
    return Row(action, label, obj, frozenset(allowed))


def _inactive_committee(w):
    w.other_committee.active = False
    db.session.commit()
    return w.other_committee


def _role(person_attr: str):
    return lambda w: getattr(w, person_attr).committee_roles[0]


def _primary_contact_org(w):
    """The NGO, after its representative became its primary contact."""
    w.representative.is_primary_contact = True
    db.session.commit()
    return w.ngo


def _second_admin(w):
    from committees.models import GlobalRole

    return f.make_person("second.admin@example.org", role=GlobalRole.ADMIN)


def _inactive_org(w):
    w.ngo.active = False
    db.session.commit()
    return w.ngo


def _meeting(state: str, committee: str = "committee"):
    def make(w):
        from committees.models import Meeting, MeetingState

        m = Meeting(committee=getattr(w, committee), uid=f"{state}-{committee}@test", title="M",
                    state=MeetingState(state))
        db.session.add(m)
        db.session.commit()
        return m

    return make


def _minutes(state: str, committee: str = "committee"):
    def make(w):
        from committees.models import Meeting, MeetingState, Minutes, MinutesState

        c = getattr(w, committee)
        m = Meeting(committee=c, uid=f"min-{state}-{committee}@test", title="M", state=MeetingState.HELD)
        minutes = Minutes(meeting=m, committee_id=c.id, state=MinutesState(state))
        db.session.add(minutes)
        db.session.commit()
        return minutes

    return make


def _action(person: str | None, org: str | None):
    def make(w):
        from committees.models import ActionItem

        item = ActionItem(committee=w.committee, title="Follow up",
                          owner_person_id=getattr(w, person).id if person else None,
                          owner_organisation_id=getattr(w, org).id if org else None)
        db.session.add(item)
        db.session.commit()
        return item

    return make


def _proposal(state: str, org: str = "ngo", committee: str = "committee", *, submitted: bool = True,
              invite: str | None = None):
    """A proposal of `org` in a state (submitted once unless told), optionally inviting `invite` to co-sponsor."""
    def make(w):
        from committees.db import utcnow
        from committees.models import CosponsorStatus, Proposal, ProposalCosponsor, ProposalState

        p = Proposal(committee=getattr(w, committee), organisation=getattr(w, org), title="Legal aid desk",
                     state=ProposalState(state), submitted_at=utcnow() if submitted else None)
        if invite:
            p.cosponsors.append(ProposalCosponsor(organisation=getattr(w, invite), status=CosponsorStatus.INVITED))
        db.session.add(p)
        db.session.commit()
        return p

    return make


def _deleted(make):
    def deleted(w):
        from committees.db import utcnow

        obj = make(w)
        obj.deleted_at = utcnow()
        db.session.commit()
        return obj

    return deleted


MEMBERS = {"observer", "representative", "secretary", "cochair"}
RECORDERS = {"secretary", "cochair"} | COORDINATORS


TABLE = [
    # committees
    row("committee.view", "public committee", lambda w: w.committee, EVERYONE),
    row("committee.view", "private committee", lambda w: w.other_committee, SIGNED_IN),
    row("committee.view", "inactive committee, nobody of ours in it", _inactive_committee, COORDINATORS),
    row("committee.view_roster", "public committee", lambda w: w.committee, SIGNED_IN),
    row("committee.view_roster", "inactive committee", _inactive_committee, COORDINATORS),
    row("committee.export_roster", "own committee", lambda w: w.committee, {"secretary", "cochair"} | COORDINATORS),
    row("committee.export_roster", "another committee", lambda w: w.other_committee, COORDINATORS),
    row("committee.create", "", lambda w: None, COORDINATORS),
    row("committee.edit", "own committee", lambda w: w.committee, {"cochair"} | COORDINATORS),
    row("committee.edit", "another committee", lambda w: w.other_committee, COORDINATORS),
    row("committee.rename", "own committee", lambda w: w.committee, COORDINATORS),
    row("committee.appoint", "own committee", lambda w: w.committee, COORDINATORS),
    row("membership.manage", "own committee", lambda w: w.committee, {"cochair"} | COORDINATORS),
    row("membership.manage", "another committee", lambda w: w.other_committee, COORDINATORS),
    # The NGO and the municipal body are already members; the outsider organisation is not.
    row("membership.request", "committee of the NGO", lambda w: w.committee, {"non_member", "observer"}),
    row("membership.request", "inactive committee", _inactive_committee, set()),
    row("role.remove", "a secretary's role", _role("secretary"), {"cochair"} | COORDINATORS),
    row("role.remove", "a co-chair's role", _role("cochair_municipal"), COORDINATORS),
    row("role.remove", "a role in another committee", _role("other_rep"), COORDINATORS),
    # organisations
    row("organisation.list", "", lambda w: None, SIGNED_IN),
    row("organisation.view", "", lambda w: w.ngo, SIGNED_IN),
    row("organisation.create", "", lambda w: None, COORDINATORS),
    row("organisation.edit", "no primary contact among the roles", lambda w: w.ngo, COORDINATORS),
    row("organisation.edit", "own organisation as primary contact", _primary_contact_org,
        {"representative"} | COORDINATORS),
    row("organisation.set_active", "", lambda w: w.ngo, COORDINATORS),
    row("organisation.view_inactive", "", lambda w: None, COORDINATORS),
    row("organisation.request_membership", "own organisation", lambda w: w.ngo, {"representative", "cochair"}),
    row("organisation.request_membership", "outsider organisation", lambda w: w.outsider_org,
        {"non_member", "observer"}),
    row("organisation.request_membership", "inactive organisation", _inactive_org, set()),
    # people
    row("person.view", "", lambda w: w.representative, SIGNED_IN),
    # self, a colleague of the same organisation, people of the same committee, coordinators
    row("person.view_contact", "a representative", lambda w: w.representative,
        {"observer", "representative", "secretary", "cochair"} | COORDINATORS),
    row("person.view_contact", "someone of another committee", lambda w: w.other_rep,
        {"non_member", "observer"} | COORDINATORS),
    row("person.manage", "", lambda w: None, COORDINATORS),
    row("person.edit", "a member's account", lambda w: w.representative, COORDINATORS),
    row("person.edit", "a coordinator's account", lambda w: w.coordinator, {"admin"}),
    row("person.set_role", "", lambda w: w.representative, {"admin"}),
    row("profile.edit", "", lambda w: None, SIGNED_IN),
    row("person.export_data", "a member's", lambda w: w.representative, {"representative"} | COORDINATORS),
    row("person.export_data", "a coordinator's", lambda w: w.coordinator, COORDINATORS),
    row("person.export_data", "an admin's", lambda w: w.admin, {"admin"}),
    row("person.anonymise", "a member", lambda w: w.representative, COORDINATORS),
    row("person.anonymise", "a coordinator", lambda w: w.coordinator, {"admin"}),
    row("person.anonymise", "the only admin (oneself for the admin)", lambda w: w.admin, set()),
    row("person.anonymise", "a second admin", _second_admin, {"admin"}),
    # meetings, agendas, documents
    row("meeting.list", "public committee", lambda w: w.committee, EVERYONE),
    row("meeting.list", "private committee", lambda w: w.other_committee, SIGNED_IN),
    row("meeting.view", "scheduled, public committee", _meeting("scheduled"), EVERYONE),
    row("meeting.view", "draft", _meeting("draft"), RECORDERS),
    row("meeting.view", "open time poll", _meeting("poll"), MEMBERS | COORDINATORS),
    row("meeting.view", "scheduled, private committee", _meeting("scheduled", "other_committee"), COORDINATORS),
    row("meeting.create", "own committee", lambda w: w.committee, {"cochair"} | COORDINATORS),
    row("meeting.manage", "own committee's meeting", _meeting("scheduled"), {"cochair"} | COORDINATORS),
    row("meeting.manage", "another committee's meeting", _meeting("scheduled", "other_committee"), COORDINATORS),
    row("meeting.record", "own committee's meeting", _meeting("held"), RECORDERS),
    row("meeting.delete", "draft", _meeting("draft"), {"cochair"} | COORDINATORS),
    row("meeting.delete", "cancelled", _meeting("cancelled"), {"cochair"} | COORDINATORS),
    row("meeting.delete", "scheduled (cancel it first)", _meeting("scheduled"), set()),
    row("meeting.delete", "held (a record)", _meeting("held"), set()),
    row("meeting.delete", "another committee's draft", _meeting("draft", "other_committee"), COORDINATORS),
    row("meeting.respond", "own committee's meeting", _meeting("scheduled"), MEMBERS),
    row("meeting.view_responses", "own committee's meeting", _meeting("scheduled"), MEMBERS | COORDINATORS),
    row("agenda.edit", "own committee's meeting", _meeting("scheduled"), RECORDERS),
    row("agenda.suggest", "scheduled meeting", _meeting("scheduled"), {"representative", "secretary", "cochair"}),
    row("agenda.suggest", "held meeting", _meeting("held"), set()),
    # minutes, action items, dashboard
    row("minutes.view", "draft, public committee", _minutes("draft"), RECORDERS),
    row("minutes.view", "circulated, public committee", _minutes("circulated"), MEMBERS | COORDINATORS),
    row("minutes.view", "published, public committee", _minutes("published"), EVERYONE),
    row("minutes.view", "published, private committee", _minutes("published", "other_committee"),
        {"coordinator", "admin"}),
    row("minutes.view_history", "published, public committee", _minutes("published"), MEMBERS | COORDINATORS),
    row("minutes.view_history", "draft, public committee", _minutes("draft"), RECORDERS),
    row("minutes.edit", "own committee", _minutes("draft"), RECORDERS),
    row("minutes.approve", "own committee", _minutes("circulated"), {"cochair"} | COORDINATORS),
    row("minutes.comment", "circulated", _minutes("circulated"), MEMBERS),
    row("minutes.comment", "draft", _minutes("draft"), set()),
    row("action.create", "own committee", lambda w: w.committee, {"cochair"} | COORDINATORS),
    row("action.create", "another committee", lambda w: w.other_committee, COORDINATORS),
    row("action.update", "owned by the representative", _action("representative", None),
        {"representative", "cochair"} | COORDINATORS),
    row("action.update", "owned by the municipal body", _action(None, "municipal"),
        {"secretary", "cochair"} | COORDINATORS),
    row("action.view", "own committee", _action("representative", None), MEMBERS | COORDINATORS),
    row("dashboard.view", "all committees", lambda w: None, {"cochair"} | COORDINATORS),
    row("dashboard.view", "another committee", lambda w: w.other_committee, COORDINATORS),
    row("document.upload", "own committee's meeting", _meeting("scheduled"), RECORDERS),
    row("document.download", "draft meeting", _meeting("draft"), RECORDERS),
    row("document.download", "scheduled, public committee", _meeting("scheduled"), EVERYONE),
    # proposals (by the NGO unless told; the municipal body has no representative among the roles)
    row("proposal.create", "own committee", lambda w: w.committee, {"representative"}),
    row("proposal.create", "another committee", lambda w: w.other_committee, set()),
    row("proposal.view", "draft: the author organisation only", _proposal("draft", submitted=False),
        {"representative", "cochair"}),
    row("proposal.view", "draft of the municipal body inviting the NGO",
        _proposal("draft", "municipal", submitted=False, invite="ngo"), {"secretary", "representative", "cochair"}),
    row("proposal.view", "withdrawn before submission", _proposal("withdrawn", submitted=False),
        {"representative", "cochair"}),
    row("proposal.view", "under review, public committee", _proposal("under_review"), MEMBERS | COORDINATORS),
    row("proposal.view", "forwarded, public committee", _proposal("forwarded"), EVERYONE),
    row("proposal.view", "forwarded, private committee", _proposal("forwarded", "outsider_org", "other_committee"),
        {"observer", "non_member"} | COORDINATORS),
    row("proposal.edit", "draft", _proposal("draft", submitted=False), {"representative"}),
    row("proposal.delete", "draft never submitted", _proposal("draft", submitted=False),
        {"representative"} | COORDINATORS),
    row("proposal.delete", "returned after submission", _proposal("returned"), COORDINATORS),
    row("proposal.delete", "forwarded", _proposal("forwarded"), COORDINATORS),
    row("proposal.view", "deleted", _deleted(_proposal("submitted")), COORDINATORS),
    row("meeting.view", "deleted", _deleted(_meeting("scheduled")), COORDINATORS),
    row("trash.restore", "", lambda w: None, COORDINATORS),
    row("proposal.edit", "returned", _proposal("returned"), {"representative"}),
    row("proposal.edit", "on the agenda", _proposal("on_agenda"), set()),
    row("proposal.author", "the NGO's", _proposal("submitted"), {"representative"}),
    row("proposal.author", "the municipal body's", _proposal("submitted", "municipal"), set()),
    row("proposal.review", "submitted", _proposal("submitted"), {"cochair"} | COORDINATORS),
    row("proposal.review", "draft", _proposal("draft", submitted=False), set()),
    row("proposal.review", "another committee's", _proposal("submitted", "outsider_org", "other_committee"),
        COORDINATORS),
    row("proposal.forward", "endorsed", _proposal("endorsed"), COORDINATORS),
    row("proposal.forward", "draft", _proposal("draft", submitted=False), set()),
    row("proposal.cosponsor", "the NGO invited", _proposal("draft", "municipal", submitted=False, invite="ngo"),
        {"representative"}),
    row("proposal.cosponsor", "the municipal body invited", _proposal("draft", invite="municipal"), set()),
    row("proposal.cosponsor", "declined by the committee", _proposal("declined", "municipal", invite="ngo"), set()),
    row("proposal.support", "the municipal body's, submitted", _proposal("submitted", "municipal"),
        {"representative"}),
    row("proposal.support", "the NGO's own", _proposal("submitted"), set()),
    row("proposal.support", "the municipal body's, endorsed", _proposal("endorsed", "municipal"), set()),
    row("proposal.comment", "submitted", _proposal("submitted"), {"representative", "secretary", "cochair"}
        | COORDINATORS),
    row("proposal.comment", "draft", _proposal("draft", submitted=False), set()),
    row("proposal.comment", "withdrawn", _proposal("withdrawn"), set()),
    row("proposal.view_comments", "draft", _proposal("draft", submitted=False), {"representative", "cochair"}),
    row("proposal.view_comments", "under review", _proposal("under_review"), MEMBERS | COORDINATORS),
    row("proposal.view_comments", "forwarded, public committee", _proposal("forwarded"), MEMBERS | COORDINATORS),
    row("proposal.moderate", "submitted", _proposal("submitted"), {"cochair"} | COORDINATORS),
    row("proposal.report", "all committees", lambda w: None, {"cochair"} | COORDINATORS),
    row("proposal.report", "another committee", lambda w: w.other_committee, COORDINATORS),
    # administration
    row("audit.view", "", lambda w: None, COORDINATORS),
    row("outbox.view", "", lambda w: None, COORDINATORS),
    row("import.run", "", lambda w: None, COORDINATORS),
    row("retention.manage", "", lambda w: None, COORDINATORS),
]


def test_every_rule_has_rows():
    covered = {r.action for r in TABLE}
    missing = sorted(set(policy.RULES) - covered)
    assert not missing, "Policy rules with no row in tests/domain/test_policy.py: " + ", ".join(missing)
    unknown = sorted(covered - set(policy.RULES))
    assert not unknown, "Rows for rules that do not exist: " + ", ".join(unknown)


@pytest.mark.parametrize("case", TABLE, ids=lambda r: r.id)
def test_rule_by_role(world, case: Row):
    obj = case.obj(world)
    answers = {role: policy.can(world.person(role), case.action, obj) for role in ROLES}
    expected = {role: role in case.allowed for role in ROLES}
    assert answers == expected


@pytest.mark.parametrize("case", TABLE, ids=lambda r: r.id)
def test_inactive_person_is_treated_as_public(world, case: Row):
    obj = case.obj(world)
    public = policy.can(None, case.action, obj)
    for role in SIGNED_IN:
        person = world.person(role)
        person.active = False
        db.session.commit()
        assert policy.can(person, case.action, obj) == public, f"inactive {role}"
        person.active = True
        db.session.commit()


def test_unknown_action_raises(world):
    for user in (None, world.admin, world.representative):
        with pytest.raises(policy.UnknownAction):
            policy.can(user, "committee.veiw", world.committee)
        with pytest.raises(policy.UnknownAction):
            policy.ensure(user, "nonsense", None)


def test_ensure_raises_forbidden_with_the_rule_message(world):
    policy.ensure(world.cochair, "committee.edit", world.committee)
    with pytest.raises(Forbidden) as caught:
        policy.ensure(world.representative, "committee.edit", world.committee)
    assert caught.value.code == "forbidden"


def test_anonymous_user_object_is_public(world):
    class Anonymous:
        is_authenticated = False
        is_coordinator = True  # a lying object must not be believed
        is_admin = True
        active = True

    for case in TABLE[:8]:
        obj = case.obj(world)
        assert policy.can(Anonymous(), case.action, obj) == policy.can(None, case.action, obj), case.id


def test_roles_cache_is_refreshed_by_forget_roles(world):
    person = f.make_person("newchair@example.org", org=world.ngo)
    assert not policy.can(person, "committee.edit", world.committee)
    f.give_role(person, world.committee, CommitteeRoleKind.COCHAIR)
    policy.forget_roles(person)
    assert policy.can(person, "committee.edit", world.committee)
