"""Test data builders (gen_* style): each commits so the web layer sees the rows."""
from __future__ import annotations

import itertools
from contextlib import contextmanager
from datetime import date, timedelta

from committees.db import db, utcnow
from committees.models import (
    Committee,
    CommitteeRole,
    CommitteeRoleKind,
    GlobalRole,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationType,
    Person,
)
from committees.markdown import render_markdown
from committees.passwords import hash_password

PASSWORD = "correct horse battery staple"
_HASH: list[str] = []
_seq = itertools.count(1)
_batch: list[bool] = []


def _save(row):
    """Commit (so the web layer sees the row), or only flush inside batch()."""
    db.session.add(row)
    if _batch:
        db.session.flush()
    else:
        db.session.commit()
    return row


@contextmanager
def batch():
    """Build many rows with one commit at the end (each commit expires every loaded object, which then reloads)."""
    _batch.append(True)
    try:
        yield
        db.session.commit()
    finally:
        _batch.pop()


def password_hash() -> str:
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    return _HASH[0]


def make_org(name: str | None = None, type: OrganisationType = OrganisationType.NGO, **kw) -> Organisation:
    n = next(_seq)
    org = Organisation(name=name or f"Organisation {n}", short_name=kw.pop("short_name", f"O{n}"), type=type, **kw)
    return _save(org)


def make_person(email: str | None = None, *, org: Organisation | None = None, role: GlobalRole = GlobalRole.NONE,
                name: str | None = None, active: bool = True, **kw) -> Person:
    n = next(_seq)
    person = Person(email=(email or f"person{n}@example.org").lower(), full_name=name or f"Person {n}",
                    organisation=org, global_role=role, password_hash=password_hash(), active=active, **kw)
    return _save(person)


def make_committee(name: str | None = None, *, public: bool = False, slug: str | None = None, **kw) -> Committee:
    n = next(_seq)
    name = name or f"Committee {n}"
    mandate = kw.pop("mandate", "Works on **things**.")
    committee = Committee(name=name, slug=slug or f"committee-{n}", mandate=mandate,
                          mandate_html=render_markdown(mandate), is_public=public, **kw)
    return _save(committee)


def make_membership(committee: Committee, org: Organisation,
                    status: MembershipStatus = MembershipStatus.ACTIVE) -> Membership:
    membership = Membership(committee=committee, organisation=org, status=status, joined_on=date(2024, 1, 15))
    return _save(membership)


def give_role(person: Person, committee: Committee, role: CommitteeRoleKind, *, primary: bool = False) -> CommitteeRole:
    membership = None
    if role == CommitteeRoleKind.REPRESENTATIVE and person.organisation is not None:
        membership = db.session.query(Membership).filter_by(committee_id=committee.id,
                                                             organisation_id=person.organisation.id).first()
        if membership is None:
            membership = make_membership(committee, person.organisation)
    row = CommitteeRole(committee=committee, person=person, role=role, is_primary=primary, membership=membership)
    _save(row)
    person.__dict__.pop("_policy_roles", None)
    return row


# -- proposals: who takes each step of the workflow, and the steps that lead to each state ---------------------------
STEP_ACTOR = {"submit": "representative", "start_review": "cochair", "return_for_revision": "cochair",
              "put_on_agenda": "cochair", "take_off_agenda": "cochair", "endorse": "cochair", "decline": "cochair",
              "forward": "coordinator", "adopt": "coordinator", "adopt_in_part": "coordinator",
              "not_adopt": "coordinator", "start_implementation": "cochair", "complete": "cochair",
              "withdraw": "representative"}
_REVIEW = ["submit", "start_review"]
_AGENDA = _REVIEW + ["put_on_agenda"]
_FORWARDED = _AGENDA + ["endorse", "forward"]
PROPOSAL_PATHS = {
    "draft": [], "submitted": ["submit"], "under_review": _REVIEW, "returned": _REVIEW + ["return_for_revision"],
    "on_agenda": _AGENDA, "endorsed": _AGENDA + ["endorse"], "declined": _AGENDA + ["decline"],
    "forwarded": _FORWARDED, "adopted": _FORWARDED + ["adopt"], "adopted_in_part": _FORWARDED + ["adopt_in_part"],
    "not_adopted": _FORWARDED + ["not_adopt"], "in_implementation": _FORWARDED + ["adopt", "start_implementation"],
    "implemented": _FORWARDED + ["adopt", "start_implementation", "complete"], "withdrawn": ["withdraw"],
}


def advance_minutes(chair, minutes, state: str):
    """Minutes taken by `chair` from draft to `state` (circulated for a week, approved by the co-chairs, published)."""
    from committees.services import minutes as minutes_svc

    if state != "draft":
        minutes_svc.transition_minutes(chair, minutes, "circulate", comments_deadline=utcnow() + timedelta(days=7))
    if state in ("approved", "published"):
        minutes_svc.transition_minutes(chair, minutes, "approve", approved_how="cochairs")
    if state == "published":
        minutes_svc.transition_minutes(chair, minutes, "publish")
    return minutes
