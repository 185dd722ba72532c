"""Finding the person or organisation somebody typed into a type-ahead field.

Some choices are too long to send with a page: every active person may be made an observer, secretary or co-chair
of a committee, every organisation that is not yet a member may be added (3,000 and 1,000 at the benchmark's scale:
300 KB of `<option>`s on the co-chair's roster). Such a field is a text box instead. As the user types, the page asks
for the first matches (`suggest_*`, served as JSON by the web layer) and offers them; on submit the server finds the
one meant (`resolve_*`), so the field also works without JavaScript: the full label as suggested, the exact name, or a
part of the name that only one matches. When several match, the form lists them to choose from.

Each function takes the scope (which people or organisations may be chosen at all) as SQL conditions, and issues one
statement per step (at most three), whatever the number of rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select

from committees.db import db
from committees.directory import contains_text
from committees.models import Membership, MembershipStatus, Organisation, Person

MAX_SUGGESTIONS = 20
MAX_TEXT = 200
# "Name (Organisation)": a person's label; "Name (Short name)": an organisation's.
_LABEL = re.compile(r"^(?P<name>.+?)\s*\((?P<extra>[^()]+)\)$")


@dataclass(frozen=True)
class Suggestion:
    id: int
    label: str


@dataclass
class Resolved:
    """What a typed text designates: `found` (its id and label), or nothing (`matches` empty: nobody matches;
    otherwise the first MAX_SUGGESTIONS of those that match, to choose from)."""

    found: Suggestion | None = None
    matches: list[Suggestion] = field(default_factory=list)


def person_label(full_name: str, short_name: str | None, org_name: str | None) -> str:
    """How a person is named in choices: with their organisation, which tells apart people of the same name."""
    org = short_name or org_name
    return f"{full_name} ({org})" if org else full_name


def organisation_label(name: str, short_name: str | None) -> str:
    return f"{name} ({short_name})" if short_name else name


# -- scopes ----------------------------------------------------------------------------------------------------------

def active_people() -> list[Any]:
    """Everyone who may be given a committee role (observers, secretaries, co-chairs)."""
    return [Person.active.is_(True), Person.anonymised_at.is_(None)]


def joinable_organisations(committee) -> list[Any]:
    """Active organisations that are not active members of `committee` (the add-member form)."""
    active_member = select(Membership.id).where(
        Membership.committee_id == committee.id, Membership.organisation_id == Organisation.id,
        Membership.status == MembershipStatus.ACTIVE).exists()
    return [Organisation.active.is_(True), ~active_member]


# -- people ----------------------------------------------------------------------------------------------------------

def _people(scope, condition, limit: int) -> list[Suggestion]:
    rows = db.session.execute(
        select(Person.id, Person.full_name, Organisation.short_name, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(*scope, condition).order_by(Person.full_name, Person.id).limit(limit)).all()
    return [Suggestion(r.id, person_label(r.full_name, r.short_name, r.name)) for r in rows]


def suggest_people(text: str, scope, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """People in `scope` whose name, or whose organisation's name, contains `text`, by name."""
    text = _clean(text)
    if not text:
        return []
    return _people(scope, or_(contains_text(Person.full_name, text), contains_text(Organisation.name, text),
                              contains_text(Organisation.short_name, text)), limit)


def resolve_person(text: str, scope) -> Resolved:
    """The one person in `scope` that `text` designates: their label, their exact name, or a part of their name."""
    text = _clean(text)
    if not text:
        return Resolved()
    steps = [contains_text(Person.full_name, text, whole=True), contains_text(Person.full_name, text)]
    label = _LABEL.match(text)
    if label:
        org = label["extra"].strip()
        steps.insert(0, and_(contains_text(Person.full_name, label["name"].strip(), whole=True),
                             or_(contains_text(Organisation.short_name, org, whole=True),
                                 and_(Organisation.short_name.is_(None),
                                      contains_text(Organisation.name, org, whole=True)),
                                 and_(Organisation.short_name == "",
                                      contains_text(Organisation.name, org, whole=True)))))
    return _first_single(lambda condition, limit: _people(scope, condition, limit), steps)


# -- organisations ---------------------------------------------------------------------------------------------------

def _organisations(scope, condition, limit: int) -> list[Suggestion]:
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.short_name)
        .where(*scope, condition).order_by(Organisation.name, Organisation.id).limit(limit)).all()
    return [Suggestion(r.id, organisation_label(r.name, r.short_name)) for r in rows]


def organisation_by_id(organisation_id: int, scope) -> Suggestion | None:
    """The organisation with that id if it is in `scope` (an id picked from suggestions, or sent by a script)."""
    found = _organisations(scope, Organisation.id == organisation_id, 1)
    return found[0] if found else None


def suggest_organisations(text: str, scope, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Organisations in `scope` whose name or short name contains `text`, by name."""
    text = _clean(text)
    if not text:
        return []
    return _organisations(scope, or_(contains_text(Organisation.name, text),
                                     contains_text(Organisation.short_name, text)), limit)


def resolve_organisation(text: str, scope) -> Resolved:
    """The one organisation in `scope` that `text` designates: its label, its exact name or short name, or a part
    of either."""
    text = _clean(text)
    if not text:
        return Resolved()
    steps = [or_(contains_text(Organisation.name, text, whole=True),
                 contains_text(Organisation.short_name, text, whole=True)),
             or_(contains_text(Organisation.name, text), contains_text(Organisation.short_name, text))]
    label = _LABEL.match(text)
    if label:
        steps.insert(0, and_(contains_text(Organisation.name, label["name"].strip(), whole=True),
                             contains_text(Organisation.short_name, label["extra"].strip(), whole=True)))
    return _first_single(lambda condition, limit: _organisations(scope, condition, limit), steps)


# -- shared ----------------------------------------------------------------------------------------------------------

def _clean(text: str | None) -> str:
    return " ".join((text or "").split())[:MAX_TEXT]


def _first_single(find, steps) -> Resolved:
    """Try each condition, most precise first: the first that only one row meets wins. When none does, the
    matches of the last (broadest) step are offered to choose from."""
    matches: list[Suggestion] = []
    for condition in steps:
        matches = find(condition, MAX_SUGGESTIONS)
        if len(matches) == 1:
            return Resolved(found=matches[0])
    return Resolved(matches=matches)
