"""Organisations, committees, memberships and committee roles."""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from sqlalchemy import func, select

from committees import audit
from committees.db import db
from committees.errors import Conflict, Forbidden, ValidationFailed
from committees.i18n import N_
from committees.markdown import render_markdown
from committees.models import (
    Committee,
    CommitteeRole,
    CommitteeRoleKind,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationType,
    Person,
)
from committees.policy import forget_roles

ORGANISATION_FIELDS = ("name", "short_name", "type", "description", "website", "email", "phone", "address", "active")
COMMITTEE_FIELDS = ("name", "slug", "mandate", "is_public", "active", "quorum_organisations")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"new"}  # /committees/new is the creation form


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "committee"


# -- organisations -----------------------------------------------------------------------------

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WEBSITE_RE = re.compile(r"^https?://[^\s/?#]+\.[^\s]*$", re.I)


def _clean_organisation(values: dict) -> dict:
    clean = {k: v for k, v in values.items() if k in ORGANISATION_FIELDS}
    for key, value in list(clean.items()):
        if isinstance(value, str):
            clean[key] = value.strip()
        elif value is None and key not in ("type", "active"):
            clean[key] = ""
    if "name" in clean and not clean["name"]:
        raise ValidationFailed(N_("Enter the organisation's name."), field="name", code="required")
    if "type" in clean:
        try:
            clean["type"] = OrganisationType(clean["type"])
        except ValueError:
            raise ValidationFailed(N_("Choose a type of organisation."), field="type", code="invalid_choice") from None
    if "active" in clean:
        clean["active"] = bool(clean["active"])
    for key, value in clean.items():
        limit = getattr(Organisation.__table__.c[key].type, "length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            raise ValidationFailed(N_("This is too long."), field=key, code="too_long")
    if clean.get("website") and not WEBSITE_RE.match(clean["website"]):
        raise ValidationFailed(N_("A website starts with http:// or https://."), field="website", code="invalid_url")
    if clean.get("email") and not EMAIL_RE.match(clean["email"]):
        raise ValidationFailed(N_("Enter a valid email address."), field="email", code="invalid_email")
    return clean


def _organisation_name_taken(name: str, except_id: int | None = None) -> bool:
    """Names are unique regardless of case, so "Solidarity Now" and "solidarity now" cannot both exist."""
    stmt = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if except_id:
        stmt = stmt.where(Organisation.id != except_id)
    return db.session.scalars(stmt).first() is not None


def create_organisation(actor: Person | None, **values) -> Organisation:
    clean = _clean_organisation(values)
    if not clean.get("name"):
        raise ValidationFailed(N_("Enter the organisation's name."), field="name", code="required")
    if "type" not in clean:
        raise ValidationFailed(N_("Choose a type of organisation."), field="type", code="required")
    if _organisation_name_taken(clean["name"]):
        raise Conflict(N_("An organisation with this name exists already."), field="name", code="name_taken")
    org = Organisation(**clean)
    db.session.add(org)
    db.session.flush()
    audit.record(actor, "organisation.create", org, f"Created organisation {org.name}")
    return org


def update_organisation(actor: Person, org: Organisation, values: dict, *,
                        may_set_active: bool = True) -> Organisation:
    """Change an organisation's details; without `may_set_active` its active flag stays as it is."""
    clean = _clean_organisation(values)
    if not may_set_active and "active" in clean and clean["active"] != org.active:
        raise Forbidden(N_("Only a coordinator may activate or deactivate an organisation."), field="active",
                        code="forbidden_field")
    if "name" in clean and _organisation_name_taken(clean["name"], org.id):
        raise Conflict(N_("An organisation with this name exists already."), field="name", code="name_taken")
    changed = sorted(k for k, v in clean.items() if getattr(org, k) != v)
    for key in changed:
        setattr(org, key, clean[key])
    if changed:
        audit.record(actor, "organisation.update", org, f"Updated organisation {org.name}", fields=changed)
    return org


# -- committees --------------------------------------------------------------------------------

def _clean_committee(values: dict) -> dict:
    clean = {k: v for k, v in values.items() if k in COMMITTEE_FIELDS}
    if "quorum_organisations" in clean:
        quorum = clean["quorum_organisations"]
        if quorum in ("", None):
            clean["quorum_organisations"] = None
        else:
            try:
                clean["quorum_organisations"] = int(quorum)
            except (TypeError, ValueError):
                raise ValidationFailed(N_("Give a whole number."), field="quorum_organisations",
                                       code="invalid_number") from None
            if not 1 <= clean["quorum_organisations"] <= 1000:
                raise ValidationFailed(N_("Between 1 and 1000 organisations."), field="quorum_organisations",
                                       code="out_of_range")
    if "name" in clean:
        clean["name"] = (clean["name"] or "").strip()
        if not clean["name"]:
            raise ValidationFailed(N_("Enter the committee's name."), field="name", code="required")
    if "slug" in clean:
        clean["slug"] = (clean["slug"] or "").strip().lower()
        if not SLUG_RE.match(clean["slug"]) or clean["slug"] in RESERVED_SLUGS:
            raise ValidationFailed(N_("Use lower-case letters, digits and hyphens."), field="slug",
                                   code="invalid_slug")
    return clean


def create_committee(actor: Person | None, **values) -> Committee:
    clean = _clean_committee(values)
    if not clean.get("name"):
        raise ValidationFailed(N_("Enter the committee's name."), field="name", code="required")
    clean.setdefault("slug", slugify(clean["name"]))
    if db.session.scalars(select(Committee.id).where(
            (Committee.slug == clean["slug"]) | (Committee.name == clean["name"]))).first():
        raise Conflict(N_("A committee with this name or address exists already."), field="name",
                       code="name_taken")
    committee = Committee(**clean)
    committee.mandate_html = render_markdown(committee.mandate)
    db.session.add(committee)
    db.session.flush()
    audit.record(actor, "committee.create", committee, f"Created committee {committee.name}")
    return committee


def update_committee(actor: Person, committee: Committee, values: dict) -> Committee:
    clean = _clean_committee(values)
    for key in ("slug", "name"):
        if key in clean and db.session.scalars(select(Committee.id).where(
                getattr(Committee, key) == clean[key], Committee.id != committee.id)).first():
            raise Conflict(N_("A committee with this name or address exists already."), field=key,
                           code="name_taken")
    changed = sorted(k for k, v in clean.items() if getattr(committee, k) != v)
    for key in changed:
        setattr(committee, key, clean[key])
    if "mandate" in changed:
        committee.mandate_html = render_markdown(committee.mandate)
    if changed:
        audit.record(actor, "committee.update", committee, f"Updated committee {committee.name}", fields=changed)
    return committee


# -- memberships -------------------------------------------------------------------------------

def get_membership(committee: Committee, organisation: Organisation) -> Membership | None:
    return db.session.scalars(select(Membership).where(
        Membership.committee_id == committee.id, Membership.organisation_id == organisation.id)).first()


def add_member(actor: Person, committee: Committee, organisation: Organisation, *, note: str = "",
               today: date | None = None) -> Membership:
    """Make an organisation an active member (creating or reactivating its membership)."""
    if not organisation.active:
        raise ValidationFailed(N_("This organisation is inactive."), field="organisation_id",
                               code="inactive_organisation")
    membership = get_membership(committee, organisation)
    if membership is not None and membership.status == MembershipStatus.ACTIVE:
        raise Conflict(N_("This organisation is already a member."), field="organisation_id", code="already_member")
    if membership is None:
        membership = Membership(committee=committee, organisation=organisation)
        db.session.add(membership)
    membership.status = MembershipStatus.ACTIVE
    membership.joined_on = today or date.today()
    membership.left_on = None
    if note:
        membership.note = note.strip()
    db.session.flush()
    audit.record(actor, "membership.add", membership, f"{organisation.name} joined {committee.name}",
                 organisation_id=organisation.id)
    return membership


def request_membership(actor: Person, committee: Committee, *, note: str = "") -> Membership:
    """A representative asks for their organisation to join; co-chairs see the request."""
    organisation = actor.organisation
    if organisation is None:
        raise ValidationFailed(N_("Your account is not linked to an organisation."), code="no_organisation")
    membership = get_membership(committee, organisation)
    if membership is not None and membership.status in (MembershipStatus.ACTIVE, MembershipStatus.REQUESTED,
                                                        MembershipStatus.SUSPENDED):
        raise Conflict(N_("Your organisation is already a member or has asked to join."), code="already_member")
    if membership is None:
        membership = Membership(committee=committee, organisation=organisation)
        db.session.add(membership)
    membership.status = MembershipStatus.REQUESTED
    membership.requested_by_id = actor.id
    membership.note = (note or "").strip()
    db.session.flush()
    audit.record(actor, "membership.request", membership, f"{organisation.name} asked to join {committee.name}",
                 organisation_id=organisation.id)
    return membership


def decide_membership(actor: Person, membership: Membership, approve: bool, *, today: date | None = None) -> None:
    if membership.status != MembershipStatus.REQUESTED:
        raise Conflict(N_("This request has been decided already."), code="not_requested")
    if approve:
        membership.status = MembershipStatus.ACTIVE
        membership.joined_on = today or date.today()
    else:
        membership.status = MembershipStatus.DECLINED
    verb = "approved" if approve else "declined"
    audit.record(actor, f"membership.{verb}", membership,
                 f"Request of {membership.organisation.name} {verb}", organisation_id=membership.organisation_id)


MEMBERSHIP_MOVES = {
    # new status: statuses it may come from
    MembershipStatus.SUSPENDED: {MembershipStatus.ACTIVE},
    MembershipStatus.ACTIVE: {MembershipStatus.SUSPENDED, MembershipStatus.LEFT},
    MembershipStatus.LEFT: {MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED},
}


def set_membership_status(actor: Person, membership: Membership, status: MembershipStatus, *,
                          today: date | None = None) -> None:
    """Suspend, end or restore a membership; ending it also ends its representatives' roles."""
    sources = MEMBERSHIP_MOVES.get(status)
    if sources is None or membership.status not in sources:
        raise Conflict(N_("That change of membership status is not possible."), code="invalid_transition")
    old = membership.status
    membership.status = status
    if status == MembershipStatus.LEFT:
        membership.left_on = today or date.today()
        for role in db.session.scalars(select(CommitteeRole).where(CommitteeRole.membership_id == membership.id)):
            db.session.delete(role)
    elif status == MembershipStatus.ACTIVE:
        membership.left_on = None
    audit.record(actor, "membership.status", membership,
                 f"{membership.organisation.name}: {old.value} → {status.value}", old=old.value, new=status.value)


# -- committee roles ---------------------------------------------------------------------------

def assign_role(actor: Person, committee: Committee, person: Person, role: CommitteeRoleKind, *,
                is_primary: bool = False) -> CommitteeRole:
    """Give a person a role. Representatives must belong to an active member organisation."""
    if not person.active or person.anonymised_at is not None:
        raise ValidationFailed(N_("This account is deactivated."), field="person_id", code="inactive_person")
    membership = None
    if role == CommitteeRoleKind.REPRESENTATIVE:
        if person.organisation is None:
            raise ValidationFailed(N_("A representative must belong to an organisation."), field="person_id",
                                   code="no_organisation")
        membership = get_membership(committee, person.organisation)
        if membership is None or membership.status != MembershipStatus.ACTIVE:
            raise ValidationFailed(N_("The person's organisation is not an active member of this committee."),
                                   field="person_id", code="not_member")
    existing = db.session.scalars(select(CommitteeRole).where(
        CommitteeRole.committee_id == committee.id, CommitteeRole.person_id == person.id,
        CommitteeRole.role == role)).first()
    if existing is not None:
        if role == CommitteeRoleKind.REPRESENTATIVE and existing.is_primary != is_primary:
            existing.is_primary = is_primary
            if is_primary:
                _demote_other_primaries(existing)
            audit.record(actor, "role.update", existing, f"{person.full_name} primary={is_primary}",
                         committee_id=committee.id)
            return existing
        raise Conflict(N_("This person already has that role."), field="person_id", code="role_exists")
    row = CommitteeRole(committee=committee, person=person, role=role,
                        is_primary=is_primary and role == CommitteeRoleKind.REPRESENTATIVE, membership=membership)
    db.session.add(row)
    db.session.flush()
    if row.is_primary:
        _demote_other_primaries(row)
    forget_roles(person)
    audit.record(actor, "role.assign", row, f"{person.full_name} is now {role.value} of {committee.name}",
                 committee_id=committee.id, person_id=person.id, role=role.value)
    return row


def _demote_other_primaries(row: CommitteeRole) -> None:
    """An organisation has one primary representative per committee."""
    for other in db.session.scalars(select(CommitteeRole).where(
            CommitteeRole.membership_id == row.membership_id, CommitteeRole.id != row.id,
            CommitteeRole.is_primary.is_(True))):
        other.is_primary = False


def remove_role(actor: Person, role: CommitteeRole) -> None:
    person = role.person
    audit.record(actor, "role.remove", role, f"{person.full_name} is no longer {role.role.value}",
                 committee_id=role.committee_id, person_id=person.id, role=role.role.value)
    db.session.delete(role)
    db.session.flush()
    forget_roles(person)


def record_roster_export(actor: Person, committee: Committee, rows: int) -> None:
    """A roster export holds contact details: who took it, and when, is kept in the audit log."""
    audit.record(actor, "committee.export_roster", committee, f"Exported the roster of {committee.name}", rows=rows)
