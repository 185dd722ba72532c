"""Demo data for `flask --app wsgi demo-data`: six ACCMR committees, ~100 fictional organisations, 300+ people.

The plan (committees/demo/plan.py) is seeded, so it is the same on every run; loading creates only what is
missing (matched by committee slug, organisation name, email, membership and role), so a second run adds
nothing. Rows are written through the services, so the audit log shows what was created, plus one
"demo.load" summary entry. Flushes only: the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select

from committees import audit
from committees.db import db
from committees.demo.content import DEMO_ACCOUNTS
from committees.demo.meetings import MeetingLoader
from committees.demo.minutes import MinutesLoader
from committees.demo.plan import MembershipSpec, PersonSpec, Plan, build_plan
from committees.demo.proposals import ProposalLoader
from committees.errors import DomainError
from committees.models import (
    ActionItem,
    Committee,
    CommitteeRole,
    Meeting,
    Membership,
    MembershipStatus,
    Minutes,
    Organisation,
    OutboxMessage,
    Person,
    Proposal,
)
from committees.models.minutes import Decision
from committees.passwords import hash_password
from committees.services import bodies, people

KINDS = ("committees", "organisations", "people", "memberships", "roles", "meetings", "minutes", "decisions",
         "action_items", "proposals")


@dataclass
class DemoSummary:
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    totals: dict[str, int] = field(default_factory=dict)
    skipped: bool = False
    logins: list[tuple[str, str]] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())

    def describe(self) -> str:
        if self.skipped:
            return "Demo data not loaded: the database has committees already (--if-empty)."
        totals = ", ".join(f"{self.totals.get(k, 0)} {k.replace('_', ' ')}" for k in KINDS)
        if not self.created_anything:
            return f"Demo data is loaded already; nothing new created. The database holds {totals}."
        made = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in self.created.items())
        return f"Demo data loaded: created {made}. The database holds {totals}."


def load_demo(*, password: str, if_empty: bool = False) -> DemoSummary:
    """Create whatever part of the demo is missing; with if_empty, do nothing when any committee exists."""
    if if_empty and db.session.scalar(select(Committee.id).limit(1)) is not None:
        return DemoSummary(skipped=True, logins=_existing_logins())
    mail_before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    plan = build_plan()
    loader = _Loader(plan, password)
    loader.run()
    summary = loader.summary
    summary.created["meetings"] = MeetingLoader(loader.committees.values()).run().created
    written = MinutesLoader(loader.committees.values(), loader.people).run()
    summary.created.update(minutes=written.minutes, decisions=written.decisions, action_items=written.action_items)
    filed = ProposalLoader(loader.committees.values(), loader.people).run()
    summary.created["proposals"] = filed.proposals
    summary.created["action_items"] += filed.action_items
    # Demo invitations, agendas and polls must not be mailed to the fictional members.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > mail_before))
    summary.totals = _totals()
    summary.logins = _existing_logins()
    if summary.created_anything:
        audit.record(None, "demo.load", None, "Loaded the demo data", **summary.created)
        db.session.flush()
    return summary


def _totals() -> dict[str, int]:
    models = dict(zip(KINDS, (Committee, Organisation, Person, Membership, CommitteeRole, Meeting, Minutes, Decision,
                              ActionItem, Proposal)))
    return {kind: db.session.scalar(select(func.count()).select_from(model)) or 0 for kind, model in models.items()}


def _existing_logins() -> list[tuple[str, str]]:
    emails = [email for _label, email, *_ in DEMO_ACCOUNTS.values()]
    present = set(db.session.scalars(select(Person.email).where(Person.email.in_(emails))))
    return [(label, email) for label, email, *_ in DEMO_ACCOUNTS.values() if email in present]


class _Loader:
    def __init__(self, plan: Plan, password: str) -> None:
        self.plan = plan
        self.password = password
        self._hash: str | None = None
        self.summary = DemoSummary()
        self.committees = {c.slug: c for c in db.session.scalars(select(Committee))}
        self.orgs = {o.name: o for o in db.session.scalars(select(Organisation))}
        self.people = {p.email.lower(): p for p in db.session.scalars(select(Person))}
        self.memberships = {(m.committee_id, m.organisation_id): m for m in db.session.scalars(select(Membership))}
        self.roles = {tuple(row) for row in db.session.execute(
            select(CommitteeRole.committee_id, CommitteeRole.person_id, CommitteeRole.role))}

    @property
    def password_hash(self) -> str:
        """Hashed once: argon2 is slow on purpose, and every demo account shares the password."""
        if self._hash is None:
            self._hash = hash_password(self.password)
        return self._hash

    def run(self) -> None:
        for spec in self.plan.organisations:
            if spec.name not in self.orgs:
                self.orgs[spec.name] = bodies.create_organisation(
                    None, name=spec.name, short_name=spec.short_name, type=spec.type, description=spec.description,
                    website=spec.website, email=spec.email, address=spec.address)
                self.summary.created["organisations"] += 1
        for spec in self.plan.people:
            if spec.email not in self.people:
                self.people[spec.email] = self._create_person(spec)
                self.summary.created["people"] += 1
        for slug, name, public, mandate in self.plan.committees:
            if slug not in self.committees:
                self.committees[slug] = bodies.create_committee(None, name=name, slug=slug, mandate=mandate,
                                                                is_public=public)
                self.summary.created["committees"] += 1
        for spec in self.plan.memberships:
            self._membership(spec)
        for spec in self.plan.roles:
            committee, person = self.committees[spec.committee], self.people[spec.person]
            if (committee.id, person.id, spec.role) in self.roles:
                continue
            try:
                bodies.assign_role(None, committee, person, spec.role, is_primary=spec.is_primary)
            except DomainError:
                continue  # e.g. somebody has since ended the organisation's membership
            self.roles.add((committee.id, person.id, spec.role))
            self.summary.created["roles"] += 1

    def _create_person(self, spec: PersonSpec) -> Person:
        org = self.orgs[spec.org] if spec.org else None
        if spec.email.endswith(".test"):
            # The memorable demo logins use the reserved .test domain, which the email check refuses.
            person = Person(email=spec.email, full_name=spec.full_name, organisation=org,
                            global_role=spec.global_role, language=spec.language, job_title=spec.job_title,
                            is_primary_contact=spec.is_primary_contact, active=True)
            db.session.add(person)
            db.session.flush()
            audit.record(None, "person.create", person, f"Created account for {spec.full_name}",
                         role=spec.global_role.value, organisation_id=org.id if org else None)
        else:
            person = people.create_person(None, email=spec.email, full_name=spec.full_name, organisation=org,
                                          global_role=spec.global_role, language=spec.language,
                                          job_title=spec.job_title, is_primary_contact=spec.is_primary_contact)
        person.password_hash = self.password_hash
        return person

    def _membership(self, spec: MembershipSpec) -> None:
        committee, org = self.committees[spec.committee], self.orgs[spec.org]
        if (committee.id, org.id) in self.memberships:
            return
        if spec.status == MembershipStatus.REQUESTED:
            requester = self.people[spec.requested_by]
            membership = bodies.request_membership(requester, committee, note=spec.note)
        else:
            membership = bodies.add_member(None, committee, org, today=spec.joined_on)
            if spec.status != MembershipStatus.ACTIVE:
                bodies.set_membership_status(None, membership, spec.status, today=spec.changed_on)
        self.memberships[(committee.id, org.id)] = membership
        self.summary.created["memberships"] += 1
