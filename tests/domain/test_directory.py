"""The organisation directory and organisation page reads (committees.directory), without HTTP."""
from __future__ import annotations


import pytest

from committees import directory
from committees.db import db
from committees.directory import DirectoryQuery, escape_like, get_organisation_page, list_organisations
from committees.models import MembershipStatus, OrganisationType
from tests.queries import count_queries
from tests import factories as f


def names(page) -> list[str]:
    return [row.organisation.name for row in page.rows]


def test_escape_like_takes_wildcards_literally():
    assert escape_like("50%_off\\") == "50\\%\\_off\\\\"
    assert escape_like("plain") == "plain"


def test_directory_search_matches_name_or_short_name_case_insensitively(world):
    assert names(list_organisations(world.representative, DirectoryQuery(text="solidarity"))) == [
        "Solidarity Now Athens"]
    assert names(list_organisations(world.representative, DirectoryQuery(text="assd"))) == [
        "Athens Social Services Directorate"]
    assert names(list_organisations(world.representative, DirectoryQuery(text="ATHENS"))) == [
        "Athens Social Services Directorate", "Solidarity Now Athens"]


def test_directory_search_ignores_case_in_greek_too(world):
    f.make_org("Δήμος Αθηναίων", short_name="ΔΑ", type=OrganisationType.MUNICIPAL)
    assert names(list_organisations(world.representative, DirectoryQuery(text="αθηναίων"))) == ["Δήμος Αθηναίων"]
    assert names(list_organisations(world.representative, DirectoryQuery(text="δα"))) == ["Δήμος Αθηναίων"]


def test_directory_search_escapes_like_wildcards(world):
    f.make_org("100% Volunteers", short_name="HV")
    f.make_org("Under_score Collective", short_name="USC")
    assert names(list_organisations(world.representative, DirectoryQuery(text="%"))) == ["100% Volunteers"]
    assert names(list_organisations(world.representative, DirectoryQuery(text="_"))) == ["Under_score Collective"]
    assert names(list_organisations(world.representative, DirectoryQuery(text="\\"))) == []


def test_directory_filters_by_type(world):
    page = list_organisations(world.representative, DirectoryQuery(type=OrganisationType.MUNICIPAL))
    assert names(page) == ["Athens Social Services Directorate"]


def test_directory_filters_by_committee_active_memberships_only(world):
    requested = f.make_org("Requested Org")
    left = f.make_org("Former Org")
    f.make_membership(world.committee, requested, MembershipStatus.REQUESTED)
    f.make_membership(world.committee, left, MembershipStatus.LEFT)
    page = list_organisations(world.representative, DirectoryQuery(committee_id=world.committee.id))
    assert names(page) == ["Athens Social Services Directorate", "Solidarity Now Athens"]


def test_directory_hides_inactive_organisations_unless_a_coordinator_asks(world):
    f.make_org("Dormant Association", active=False)
    everyone = DirectoryQuery(include_inactive=True)
    assert "Dormant Association" not in names(list_organisations(world.representative, everyone))
    assert "Dormant Association" not in names(list_organisations(world.coordinator, DirectoryQuery()))
    assert "Dormant Association" in names(list_organisations(world.coordinator, everyone))


def test_directory_rows_carry_active_committees_in_name_order(world):
    f.make_membership(world.other_committee, world.ngo)
    gone = f.make_committee("Archived Committee", active=False)
    f.make_membership(gone, world.ngo)
    suspended = f.make_committee("Education and Learning")
    f.make_membership(suspended, world.ngo, MembershipStatus.SUSPENDED)
    rows = {r.organisation.name: [c.name for c in r.committees]
            for r in list_organisations(world.representative, DirectoryQuery()).rows}
    assert rows["Solidarity Now Athens"] == ["Access and Legal Rights", "Health and Wellbeing"]
    coordinator_rows = {r.organisation.name: [c.name for c in r.committees]
                        for r in list_organisations(world.coordinator, DirectoryQuery()).rows}
    assert coordinator_rows["Solidarity Now Athens"] == ["Access and Legal Rights", "Archived Committee",
                                                         "Health and Wellbeing"]


def test_directory_pages_are_stable_and_clamped(world):
    for n in range(7):
        f.make_org(f"Paged Org {n}", short_name="PG")
    query = dict(text="Paged Org", per_page=3)
    first = list_organisations(world.representative, DirectoryQuery(**query, page=1))
    third = list_organisations(world.representative, DirectoryQuery(**query, page=3))
    beyond = list_organisations(world.representative, DirectoryQuery(**query, page=99))
    assert (first.total, first.pages, names(first)) == (7, 3, ["Paged Org 0", "Paged Org 1", "Paged Org 2"])
    assert names(third) == ["Paged Org 6"] and not third.has_next and third.has_prev
    assert beyond.page == 3 and names(beyond) == ["Paged Org 6"]
    assert list_organisations(world.representative, DirectoryQuery(per_page=0)).per_page == 1
    assert list_organisations(world.representative, DirectoryQuery(per_page=10_000)).per_page == directory.MAX_PER_PAGE
    assert list_organisations(world.representative, DirectoryQuery(page=-5)).page == 1


def test_directory_empty_result_has_one_page(world):
    page = list_organisations(world.representative, DirectoryQuery(text="no such organisation"))
    assert (page.rows, page.total, page.page, page.pages) == ([], 0, 1, 1)


@pytest.mark.parametrize("page, pages, window", [
    (1, 1, [1]),
    (1, 10, [1, 2, 3, None, 10]),
    (6, 12, [1, None, 4, 5, 6, 7, 8, None, 12]),
    (4, 5, [1, 2, 3, 4, 5]),
])
def test_page_window_links_first_last_and_neighbours(page, pages, window):
    assert directory.DirectoryPage([], pages * 10, page, 10).page_window() == window


def test_directory_query_count_does_not_grow_with_rows(world):
    def count(n_orgs: int) -> int:
        for n in range(n_orgs):
            org = f.make_org(f"Counted {n_orgs}-{n}")
            f.make_membership(world.committee, org)
            f.make_membership(world.other_committee, org)
        db.session.expire_all()
        assert world.coordinator.is_coordinator  # load the viewer before counting
        with count_queries() as statements:
            page = list_organisations(world.coordinator, DirectoryQuery(text=f"Counted {n_orgs}-", per_page=100))
            assert all(len(row.committees) == 2 for row in page.rows)
        assert page.total == n_orgs
        return len(statements)

    assert count(2) == count(20) == 3


def test_organisation_page_lists_active_people_memberships_and_joinable_committees(world):
    f.make_person("gone@example.org", org=world.ngo, name="Gone Person", active=False)
    education = f.make_committee("Education and Learning")
    f.make_committee("Archived Committee", active=False)
    f.make_membership(world.other_committee, world.ngo, MembershipStatus.LEFT)
    page = get_organisation_page(world.representative, world.ngo)
    assert [p.full_name for p in page.representatives] == ["Alex Alternate", "Chris Chair", "Rita Rep"]
    assert [(m.committee.name, m.status) for m in page.memberships] == [
        ("Access and Legal Rights", MembershipStatus.ACTIVE), ("Health and Wellbeing", MembershipStatus.LEFT)]
    assert [c.name for c in page.joinable] == ["Education and Learning", "Health and Wellbeing"]
    f.make_membership(education, world.ngo, MembershipStatus.REQUESTED)
    assert [c.name for c in directory.joinable_committees(world.ngo)] == ["Health and Wellbeing"]


def test_organisation_page_hides_memberships_of_committees_the_user_cannot_see(world):
    archived = f.make_committee("Archived Committee", active=False)
    f.make_membership(archived, world.ngo)
    member_view = get_organisation_page(world.representative, world.ngo)
    coordinator_view = get_organisation_page(world.coordinator, world.ngo)
    assert "Archived Committee" not in [m.committee.name for m in member_view.memberships]
    assert "Archived Committee" in [m.committee.name for m in coordinator_view.memberships]
