"""Lists of action items on the web: a committee's list (filters, sorting, pagination, bad values -> 400, constant
query counts) and "my action items" (assigned to me / to my organisation, open/done/all, overdue first)."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from committees.db import db
from committees.services import actions as svc
from tests import factories as f
from tests.queries import count_queries

TODAY = date.today()


def make(world, title, *, committee=None, actor=None, status=None, **values):
    if "owner_person_id" not in values and "owner_organisation_id" not in values:
        values["owner_person_id"] = world.representative.id
    item = svc.create_action(actor or world.cochair, committee or world.committee, title=title, **values)
    if status:
        svc.post_update(world.coordinator, item, "", status, reason="Not needed")
    db.session.commit()
    return item


def titles(body: str) -> list[str]:
    """Item titles in the order the table lists them."""
    return re.findall(r'<th scope="row"><a href="/actions/\d+">([^<]+)</a></th>', body)


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def items(world):
    """Six items of the public committee with varied states, owners, priorities and due dates, and one of the
    private committee."""
    return {
        "late": make(world, "Late letter", due_on=TODAY - timedelta(days=4), priority="low"),
        "soon": make(world, "Soon report", due_on=TODAY + timedelta(days=2), priority="high",
                     owner_person_id=None, owner_organisation_id=world.municipal.id),
        "later": make(world, "Later survey", due_on=TODAY + timedelta(days=30), priority="normal",
                      owner_organisation_id=world.ngo.id),
        "undated": make(world, "Undated idea 100%", priority="high"),
        "done": make(world, "Finished leaflet", due_on=TODAY - timedelta(days=10), status="done"),
        "blocked": make(world, "Blocked visit", due_on=TODAY - timedelta(days=1), status="blocked",
                        owner_person_id=world.secretary.id),
        "private": make(world, "Private clinic plan", committee=world.other_committee, actor=world.coordinator,
                        owner_person_id=world.other_rep.id, due_on=TODAY - timedelta(days=3)),
    }


URL = "/committees/access-legal/actions"


# -- the committee's list ------------------------------------------------------------------------------

def test_default_lists_the_unfinished_items_by_due_date(world, login_as, items):
    body = page(login_as(world.observer).get(URL))
    assert titles(body) == ["Late letter", "Blocked visit", "Soon report", "Later survey", "Undated idea 100%"]
    assert "Private clinic plan" not in body and "Finished leaflet" not in body
    assert body.count("Overdue</span>") == 2  # in words, beside the date
    assert "5 action items" in body


@pytest.mark.parametrize("query, expected", [
    ("status=all", {"Late letter", "Blocked visit", "Soon report", "Later survey", "Undated idea 100%",
                    "Finished leaflet"}),
    ("status=overdue", {"Late letter", "Blocked visit"}),
    ("status=done", {"Finished leaflet"}),
    ("status=blocked", {"Blocked visit"}),
    ("status=open", {"Late letter", "Soon report", "Later survey", "Undated idea 100%"}),
    ("status=all&organisation={municipal}", {"Soon report"}),
    ("organisation={ngo}", {"Later survey"}),
    ("priority=high", {"Soon report", "Undated idea 100%"}),
    ("status=all&due_before={today}", {"Late letter", "Blocked visit", "Finished leaflet"}),
    ("due_after={today}", {"Soon report", "Later survey"}),
    ("due_after={today}&due_before={today}", set()),
    ("q=LETTER", {"Late letter"}),
    ("q=100%25", {"Undated idea 100%"}),  # a literal percent sign, not a wildcard
    ("q=%25", {"Undated idea 100%"}),
    ("q=_", set()),
])
def test_filters(world, login_as, items, query, expected):
    query = query.format(municipal=world.municipal.id, ngo=world.ngo.id, today=TODAY.isoformat())
    response = login_as(world.representative).get(f"{URL}?{query}")
    assert response.status_code == 200
    assert set(titles(page(response))) == expected


@pytest.mark.parametrize("sort, expected", [
    ("due", ["Late letter", "Blocked visit", "Soon report", "Later survey", "Undated idea 100%"]),
    ("priority", ["Soon report", "Undated idea 100%", "Blocked visit", "Later survey", "Late letter"]),
    ("status", ["Late letter", "Soon report", "Later survey", "Undated idea 100%", "Blocked visit"]),
])
def test_sorting(world, login_as, items, sort, expected):
    assert titles(page(login_as(world.cochair).get(f"{URL}?sort={sort}"))) == expected


def test_sorting_by_last_update(world, login_as, items):
    svc.post_update(world.representative, db.session.merge(items["later"]), "Progress")
    db.session.commit()
    assert titles(page(login_as(world.cochair).get(f"{URL}?sort=updated")))[0] == "Later survey"


def test_pagination_keeps_the_filters(world, login_as, items):
    client = login_as(world.cochair)
    first = page(client.get(f"{URL}?status=all&per_page=4"))
    second = page(client.get(f"{URL}?status=all&per_page=4&page=2"))
    assert len(titles(first)) == 4 and len(titles(second)) == 2
    assert not set(titles(first)) & set(titles(second))
    assert "status=all" in re.search(r'<a class="page-link" rel="next" href="([^"]+)"', first).group(1)
    assert titles(page(client.get(f"{URL}?page=9"))) == []


@pytest.mark.parametrize("query", [
    "status=bogus", "organisation=abc", "organisation=999999", "priority=urgent", "sort=title",
    "due_after=yesterday", "due_before=2031-13-40", "q=" + "x" * 201, "page=0", "page=abc", "per_page=-1",
])
def test_bad_values_are_400_never_500(world, login_as, items, query):
    response = login_as(world.cochair).get(f"{URL}?{query}")
    assert response.status_code == 400
    assert titles(page(response)) == []


def test_an_organisation_outside_the_committee_is_not_a_choice(world, login_as, items):
    response = login_as(world.cochair).get(f"{URL}?organisation={world.outsider_org.id}")
    assert response.status_code == 400 and "Not a valid choice" in page(response)


def test_new_action_button_only_for_creators(world, login_as, items):
    assert "/committees/access-legal/actions/new" in page(login_as(world.cochair).get(URL))
    assert "/committees/access-legal/actions/new" not in page(login_as(world.representative).get(URL))


def test_private_committee_list_is_hidden_from_non_members(world, login_as, client, items):
    assert login_as(world.representative).get("/committees/health/actions").status_code == 404
    assert client.get("/committees/health/actions").status_code == 404
    body = page(login_as(world.coordinator).get("/committees/health/actions"))
    assert titles(body) == ["Private clinic plan"]


def _many(world, count, start=0):
    orgs = [world.ngo, world.municipal]
    people = [world.representative, world.secretary, world.alternate]
    for n in range(start, start + count):
        svc.create_action(world.cochair, world.committee, title=f"Item {n}", owner_person_id=people[n % 3].id,
                          owner_organisation_id=orgs[n % 2].id, due_on=TODAY + timedelta(days=n - 3))
    db.session.commit()


@pytest.mark.parametrize("url", [URL, URL + "?status=all&sort=priority", "/my/actions",
                                 "/my/actions?tab=organisation&show=all"])
def test_query_count_does_not_grow_with_rows(world, login_as, url):
    client = login_as(world.representative)
    _many(world, 3)
    client.get(url)  # warm up
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _many(world, 21, start=3)
    with count_queries() as many:
        body = page(client.get(url))
    assert len(titles(body)) > 5
    assert len(many) == len(few), "\n".join(many)
    # Issue 9: the committee's list: the committee, the session (with the person's roles), the filter's
    # organisations, the count and the page of items with their owners and committee joined; my lists: the
    # session, the counts per tab, the count and the page.
    assert len(few) <= (5 if url.startswith(URL) else 4), "\n".join(few)


# -- my action items ----------------------------------------------------------------------------------

def test_my_actions_person_and_organisation(world, login_as, items):
    client = login_as(world.representative)
    mine = page(client.get("/my/actions"))
    assert titles(mine) == ["Late letter", "Undated idea 100%"]  # overdue first, then by due date
    assert "Access and Legal Rights" in mine  # the committee column
    assert "2 open" in mine and "1 overdue" in mine
    ours = page(client.get("/my/actions?tab=organisation"))
    assert titles(ours) == ["Later survey"] and "Assigned to Solidarity Now Athens" in ours
    municipal = page(login_as(world.secretary).get("/my/actions?tab=organisation"))
    assert titles(municipal) == ["Soon report"]
    assert titles(page(login_as(world.secretary).get("/my/actions"))) == ["Blocked visit"]


def test_my_actions_show_filters(world, login_as, items):
    client = login_as(world.representative)
    assert titles(page(client.get("/my/actions?show=done"))) == ["Finished leaflet"]
    assert set(titles(page(client.get("/my/actions?show=all")))) == {"Late letter", "Undated idea 100%",
                                                                      "Finished leaflet"}


def test_my_actions_overdue_first_across_committees(world, login_as, items):
    body = page(login_as(world.other_rep).get("/my/actions"))
    assert titles(body) == ["Private clinic plan"] and "Health and Wellbeing" in body and "Overdue" in body


def test_my_actions_paginated(world, login_as):
    _many(world, 12)
    client = login_as(world.representative)  # items 0, 3, 6, 9
    first = titles(page(client.get("/my/actions?per_page=3")))
    second = titles(page(client.get("/my/actions?per_page=3&page=2")))
    assert first == ["Item 0", "Item 3", "Item 6"] and second == ["Item 9"]


@pytest.mark.parametrize("query", ["tab=everyone", "show=later", "page=0", "page=x"])
def test_my_actions_bad_values_are_400(world, login_as, query):
    assert login_as(world.representative).get(f"/my/actions?{query}").status_code == 400


def test_my_actions_without_an_organisation(world, login_as):
    loner = f.make_person("loner@example.org", name="Lou Loner")
    client = login_as(loner)
    assert "You do not belong to an organisation." in page(client.get("/my/actions?tab=organisation"))
    assert "Nothing here." in page(client.get("/my/actions"))


def test_my_actions_needs_signing_in(client):
    response = client.get("/my/actions")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_titles_are_inert_in_lists(world, login_as):
    make(world, '<script>alert(1)</script>', owner_person_id=world.representative.id)
    client = login_as(world.representative)
    for url in (URL, "/my/actions"):
        body = page(client.get(url))
        assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
