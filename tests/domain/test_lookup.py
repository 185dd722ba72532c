"""Type-ahead suggestions and resolving typed text to one person or organisation (committees.lookup)."""
from __future__ import annotations

from committees import lookup
from committees.db import db, utcnow
from committees.models import MembershipStatus
from tests import factories as f
from tests.queries import count_queries


def labels(suggestions) -> list[str]:
    return [s.label for s in suggestions]


def test_people_suggestions_match_name_or_organisation_in_any_case_and_script(world):
    greek_org = f.make_org("Ελληνικό Συμβούλιο για τους Πρόσφυγες", short_name="ΕΣΠ")
    f.make_person(org=greek_org, name="Ελένη Παπαδοπούλου")
    scope = lookup.active_people()
    assert labels(lookup.suggest_people("ΕΛΈΝΗ", scope)) == ["Ελένη Παπαδοπούλου (ΕΣΠ)"]
    assert labels(lookup.suggest_people("εσπ", scope)) == ["Ελένη Παπαδοπούλου (ΕΣΠ)"]
    assert labels(lookup.suggest_people("rita", scope)) == ["Rita Rep (SNA)"]
    # people without an organisation (the coordinator) are named alone
    assert labels(lookup.suggest_people("cora", scope)) == ["Cora Coordinator"]
    assert lookup.suggest_people("   ", scope) == []


def test_suggestions_take_wildcards_literally_and_stop_at_the_limit(world):
    for n in range(25):
        f.make_person(org=world.ngo, name=f"Petros {n:02d}")
    scope = lookup.active_people()
    assert labels(lookup.suggest_people("petros", scope)) == [f"Petros {n:02d} (SNA)" for n in range(20)]
    assert len(lookup.suggest_people("petros", scope, limit=5)) == 5
    assert lookup.suggest_people("%", scope) == [] and lookup.suggest_people("_", scope) == []


def test_scopes_leave_out_who_may_not_be_chosen(world):
    gone = f.make_person(org=world.ngo, name="Rita Gone")
    gone.active = False
    erased = f.make_person(org=world.ngo, name="Rita Erased")
    erased.anonymised_at = utcnow()
    retired = f.make_org("Unrelated Retired Institute", active=False)
    suspended = f.make_org("Unrelated Suspended Institute", short_name=None)
    f.make_membership(world.committee, suspended, status=MembershipStatus.SUSPENDED)
    db.session.commit()
    assert labels(lookup.suggest_people("rita", lookup.active_people())) == ["Rita Rep (SNA)"]
    joinable = lookup.joinable_organisations(world.committee)
    # active members and inactive organisations cannot be added; a suspended member can be made active again
    assert labels(lookup.suggest_organisations("unrelated", joinable)) == [
        "Unrelated Academic Institute (UAI)", "Unrelated Suspended Institute"]
    assert lookup.suggest_organisations("solidarity", joinable) == []
    assert lookup.resolve_organisation(retired.name, joinable) == lookup.Resolved()


def test_resolving_a_person_from_most_to_least_precise(world):
    scope = lookup.active_people()
    twin = f.make_person(org=world.outsider_org, name="Rita Rep")  # the same name, another organisation
    db.session.commit()
    # the label as suggested tells the two apart
    assert lookup.resolve_person("Rita Rep (SNA)", scope).found == lookup.Suggestion(world.representative.id,
                                                                                    "Rita Rep (SNA)")
    assert lookup.resolve_person("rita rep (uai)", scope).found.id == twin.id
    # the exact name alone does not: both are offered
    both = lookup.resolve_person("Rita Rep", scope)
    assert both.found is None and {m.id for m in both.matches} == {world.representative.id, twin.id}
    # a part of a name that only one person has
    assert lookup.resolve_person("  nick   nob ", scope).found.id == world.non_member.id
    assert lookup.resolve_person("Nobody Nick", scope) == lookup.Resolved()


def test_an_exact_name_wins_over_longer_names_that_contain_it(world):
    longer = f.make_person(org=world.ngo, name="Alex Alternate-Smith")
    db.session.commit()
    scope = lookup.active_people()
    assert lookup.resolve_person("alex alternate", scope).found.id == world.alternate.id
    assert lookup.resolve_person("alternate-smith", scope).found.id == longer.id


def test_resolving_an_organisation_by_label_name_short_name_or_part(world):
    bracketed = f.make_org("Doctors of the World (Greece)", short_name=None)  # parentheses in the name, no short name
    db.session.commit()
    scope = lookup.joinable_organisations(world.committee)
    for typed in ("Unrelated Academic Institute (UAI)", "UNRELATED ACADEMIC INSTITUTE", "uai", "academic"):
        assert lookup.resolve_organisation(typed, scope).found.id == world.outsider_org.id, typed
    assert lookup.resolve_organisation("Doctors of the World (Greece)", scope).found.id == bracketed.id
    several = lookup.resolve_organisation("t", scope)
    assert several.found is None and {m.id for m in several.matches} == {world.outsider_org.id, bracketed.id}


def test_resolving_costs_one_statement_per_step(world):
    scope = lookup.active_people()
    with count_queries() as statements:
        lookup.resolve_person("Rita Rep (SNA)", scope)
    assert len(statements) == 1
    with count_queries() as statements:
        lookup.resolve_person("nobody at all", scope)
    assert len(statements) == 2
