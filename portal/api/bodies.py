"""Committees (with co-chairs, secretaries and the roster), organisations, people, and the caller (/me)."""
from __future__ import annotations

import marshmallow as ma
from flask import url_for
from sqlalchemy import select

from committees import directory, policy, queries
from committees.db import db
from committees.models import Committee, Organisation, OrganisationType, Person
from committees.services import people
from portal.api import bp
from portal.api.auth import caller, current_token, ensure, require_person
from portal.api.errors import not_found
from portal.api.paging import PageArgs, page_body, page_schema
from portal.api.schemas import CommitteeRef, OrganisationRef, PersonRef, enum_field

F = ma.fields
TAG = ["Committees and people"]


# -- schemas -----------------------------------------------------------------------------------------------

class CommitteeSummary(ma.Schema):
    id = F.Integer(required=True)
    slug = F.String(required=True)
    name = F.String(required=True)
    is_public = F.Boolean(required=True)
    active = F.Boolean(required=True)
    cochairs = F.List(F.Nested(PersonRef), required=True)
    member_count = F.Integer(required=True, metadata={"description": "Active member organisations."})
    url = F.String(required=True, metadata={"description": "This committee in the API."})


class CommitteeDetail(CommitteeSummary):
    mandate = F.String(required=True, metadata={"description": "Markdown."})
    mandate_html = F.String(required=True, metadata={"description": "The mandate rendered and sanitised."})
    secretaries = F.List(F.Nested(PersonRef), required=True)
    representatives = F.Integer(required=True)
    observers = F.Integer(required=True)
    calendar_feed = F.String(allow_none=True, required=True,
                             metadata={"description": "The public .ics feed (public committees only)."})
    links = F.Dict(keys=F.String(), values=F.String(), required=True)


class RosterRepresentative(ma.Schema):
    person = F.Nested(PersonRef, required=True)
    primary = F.Boolean(required=True)


class RosterMember(ma.Schema):
    organisation = F.Nested(OrganisationRef, required=True)
    status = F.String(required=True)
    joined_on = F.Date(allow_none=True, required=True)
    representatives = F.List(F.Nested(RosterRepresentative), required=True)


class RosterPage(page_schema(RosterMember, "RosterMembers")):
    cochairs = F.List(F.Nested(PersonRef), required=True)
    secretaries = F.List(F.Nested(PersonRef), required=True)
    observers = F.List(F.Nested(PersonRef), required=True)


class RosterArgs(PageArgs):
    view = F.String(load_default="current", validate=ma.validate.OneOf(list(queries.ROSTER_VIEWS)),
                    metadata={"description": "current (active and suspended), former or all."})


class OrganisationSummary(OrganisationRef):
    type = enum_field(OrganisationType, required=True)
    active = F.Boolean(required=True)
    committees = F.List(F.Nested(CommitteeRef), required=True)


class OrganisationDetail(OrganisationSummary):
    description = F.String(required=True)
    website = F.String(required=True)
    people = F.List(F.Nested(PersonRef), required=True, metadata={"description": "Its active people."})


class OrganisationArgs(PageArgs):
    q = F.String(load_default="", validate=ma.validate.Length(max=200), metadata={"description": "Name contains."})
    type = enum_field(OrganisationType, load_default=None)
    committee = F.String(load_default=None, validate=ma.validate.Length(max=100),
                         metadata={"description": "Active members of the committee with this slug."})


class Contact(ma.Schema):
    email = F.String(required=True)
    phone = F.String(required=True)


class RoleOut(ma.Schema):
    committee = F.Nested(CommitteeRef, required=True)
    role = F.String(required=True)
    primary = F.Boolean(required=True)


class PersonDetail(PersonRef):
    job_title = F.String(required=True)
    active = F.Boolean(required=True)
    roles = F.List(F.Nested(RoleOut), required=True, metadata={"description": "In committees the caller may see."})
    contact = F.Nested(Contact, allow_none=True, required=True,
                       metadata={"description": "Only for those who may see contact details (else null)."})


class Me(PersonDetail):
    global_role = F.String(required=True)
    token = F.Dict(allow_none=True, required=True, metadata={
        "description": "The token of this request (id, name, scope, expires_at), or null for a browser session."})


# -- helpers -----------------------------------------------------------------------------------------------

def committee_or_404(slug: str, action: str = "committee.view") -> Committee:
    """The committee if the caller may see it and do `action`; 404 otherwise (never reveals hidden ones)."""
    committee = db.session.scalars(select(Committee).where(Committee.slug == slug)).first()
    if committee is None or not policy.can(caller(), "committee.view", committee):
        not_found()
    if action != "committee.view":
        ensure(action, committee)
    return committee


def _api_url(endpoint: str, **values) -> str:
    return url_for(f"api.{endpoint}", **values)


def _committee_summary(card) -> dict:
    c = card.committee
    return {"id": c.id, "slug": c.slug, "name": c.name, "is_public": c.is_public, "active": c.active,
            "cochairs": card.cochairs, "member_count": card.member_count,
            "url": _api_url("get_committee", slug=c.slug)}


# -- committees --------------------------------------------------------------------------------------------

@bp.route("/committees", tags=TAG)
@bp.arguments(PageArgs, location="query", as_kwargs=True)
@bp.response(200, page_schema(CommitteeSummary, "CommitteePage"))
def list_committees(page: int, per_page: int):
    """Committees the caller may see, by name."""
    cards, total = queries.page_committee_cards(caller(), page, per_page)
    return page_body([_committee_summary(c) for c in cards], page, per_page, total)


@bp.route("/committees/<slug>", tags=TAG)
@bp.response(200, CommitteeDetail)
def get_committee(slug: str):
    """One committee: mandate, co-chairs, secretaries and the roster in numbers."""
    committee = committee_or_404(slug)
    overview = queries.get_committee_overview(committee)
    body = _committee_summary(overview.card)
    public_feed = committee.active and committee.is_public
    body.update(mandate=committee.mandate, mandate_html=committee.mandate_html, secretaries=overview.secretaries,
                representatives=overview.representatives, observers=overview.observers,
                calendar_feed=url_for("meetings.committee_feed", slug=slug) if public_feed else None,
                links={"roster": _api_url("get_roster", slug=slug),
                       "meetings": _api_url("list_meetings", slug=slug),
                       "proposals": _api_url("list_committee_proposals", slug=slug),
                       "actions": _api_url("list_committee_actions", slug=slug),
                       "decisions": _api_url("list_decisions", slug=slug),
                       "page": url_for("bodies.show_committee", slug=slug)})
    return body


@bp.route("/committees/<slug>/roster", tags=TAG)
@bp.arguments(RosterArgs, location="query", as_kwargs=True)
@bp.response(200, RosterPage)
def get_roster(slug: str, page: int, per_page: int, view: str):
    """The member organisations with their representatives, and the co-chairs, secretaries and observers
    (signed-in callers who may see the committee)."""
    require_person()
    committee = committee_or_404(slug, "committee.view_roster")
    roster = queries.get_roster(committee, view=view, page=page, per_page=per_page)
    items = [{"organisation": row.membership.organisation, "status": row.membership.status.value,
              "joined_on": row.membership.joined_on,
              "representatives": [{"person": r.person, "primary": r.is_primary} for r in row.representatives]}
             for row in roster.members]
    body = page_body(items, page, per_page, roster.total)
    body.update(cochairs=[r.person for r in roster.cochairs], secretaries=[r.person for r in roster.secretaries],
                observers=[r.person for r in roster.observers])
    return body


# -- organisations -----------------------------------------------------------------------------------------

def _organisation(org: Organisation, committees: list[Committee]) -> dict:
    return {"id": org.id, "name": org.name, "short_name": org.short_name, "type": org.type, "active": org.active,
            "committees": committees}


@bp.route("/organisations", tags=TAG)
@bp.arguments(OrganisationArgs, location="query", as_kwargs=True)
@bp.response(200, page_schema(OrganisationSummary, "OrganisationPage"))
def list_organisations(page: int, per_page: int, q: str, type, committee: str | None):  # noqa: A002
    """The organisation directory (signed-in callers), by name; filters as on the directory page."""
    ensure("organisation.list")
    committee_id = None
    if committee:
        found = committee_or_404(committee)
        committee_id = found.id
    query = directory.DirectoryQuery(text=q, type=type, committee_id=committee_id, page=page, per_page=per_page)
    result = directory.list_organisations(caller(), query)
    items = [_organisation(row.organisation, row.committees) for row in result.rows] if result.page == page else []
    return page_body(items, page, per_page, result.total)


@bp.route("/organisations/<int:org_id>", tags=TAG)
@bp.response(200, OrganisationDetail)
def get_organisation(org_id: int):
    """One organisation: its committees (those the caller may see) and its active people."""
    person = require_person()
    org = db.session.get(Organisation, org_id)
    if org is None or not policy.can(person, "organisation.view", org) or (
            not org.active and not policy.can(person, "organisation.view_inactive")):
        not_found()
    data = directory.get_organisation_page(person, org)
    body = _organisation(org, [m.committee for m in data.memberships if m.status.value == "active"])
    body.update(description=org.description, website=org.website, people=data.representatives)
    return body


# -- people ------------------------------------------------------------------------------------------------

def _person(person: Person) -> dict:
    me = caller()
    roles = [r for r in people.roles_of(person) if policy.can(me, "committee.view", r.committee)]
    contact = ({"email": person.email, "phone": person.phone}
               if policy.can(me, "person.view_contact", person) else None)
    return {"id": person.id, "full_name": person.full_name, "organisation": person.organisation,
            "job_title": person.job_title, "active": person.active, "contact": contact,
            "roles": [{"committee": r.committee, "role": r.role.value, "primary": r.is_primary} for r in roles]}


@bp.route("/people/<int:person_id>", tags=TAG)
@bp.response(200, PersonDetail)
def get_person(person_id: int):
    """A person as members see them; contact details only for those who may see them."""
    me = require_person()
    person = db.session.get(Person, person_id)
    if person is None or not policy.can(me, "person.view", person):
        not_found()
    return _person(person)


@bp.route("/me", tags=TAG)
@bp.response(200, Me)
def get_me():
    """The caller, and the token used."""
    me = require_person()
    body = _person(me)
    token = current_token()
    body["global_role"] = me.global_role.value
    body["token"] = ({"id": token.id, "name": token.name, "scope": token.scope.value,
                      "expires_at": token.expires_at.isoformat()} if token else None)
    return body
