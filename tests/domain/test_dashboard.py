"""The action dashboard's figures on a known data set, with a fixed `today` (a Thursday in 2027's second quarter).

Committee A (access-legal, co-chaired by `cochair`) and committee B (health):
  a1  open         due 05-10  rep (NGO)                      overdue
  a2  blocked      due 04-01  org municipal, high            overdue
  a3  in_progress  due 05-25  cochair_municipal + org NGO    due soon (counts under the NGO: the org wins)
  a4  open         due 05-20  org NGO                         due soon (due today is not overdue)
  a5  open         due 06-03  secretary (municipal)           due soon (the 14th day)
  a6  open         due 06-04  org NGO                         neither (the 15th day)
  a7  done         due 02-10  rep, closed 04-05               completed in 2027 Q2, overdue in 2027 Q1
  a8  done         due 03-01  org municipal, closed 02-20     completed in 2027 Q1
  a9  cancelled    due 01-05  org NGO, closed 01-20           nothing
  a10 open         no date    a person without organisation   open only; "no organisation"
  a11 open         due 2026-11-15  rep                         overdue; overdue in 2026 Q4
  b1  open         due 05-01  org outsider                     overdue
  b2  done         due 2026-08-01, closed 2026-09-30 22:30 UTC (01:30 on 1 October in Athens)
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from committees import dashboard as dash
from committees.db import db
from committees.errors import ValidationFailed
from committees.models.actions import ActionItem, ActionPriority, ActionStatus
from tests import factories as f
from tests.queries import count_queries

TODAY = date(2027, 5, 20)
S = ActionStatus


def make(committee, title, status=S.OPEN, due=None, *, person=None, org=None, closed=None,
         priority=ActionPriority.NORMAL):
    item = ActionItem(committee_id=committee.id, title=title, status=status, due_on=due, priority=priority,
                      owner_person_id=person.id if person else None, owner_organisation_id=org.id if org else None,
                      closed_at=closed)
    db.session.add(item)
    return item


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def known_items(world) -> dict[str, ActionItem]:
    """The data set of the module docstring (the web tests use it too)."""
    a, b = world.committee, world.other_committee
    loner = f.make_person("loner@example.org", name="Lou Loner")
    items = {
        "a1": make(a, "Write to the ministry", due=date(2027, 5, 10), person=world.representative),
        "a2": make(a, "Open a help desk", S.BLOCKED, date(2027, 4, 1), org=world.municipal,
                   priority=ActionPriority.HIGH),
        "a3": make(a, "Visit the shelter", S.IN_PROGRESS, date(2027, 5, 25), person=world.cochair_municipal,
                   org=world.ngo),
        "a4": make(a, "Call the lawyers", due=TODAY, org=world.ngo),
        "a5": make(a, "Book interpreters", due=date(2027, 6, 3), person=world.secretary),
        "a6": make(a, "Plan the workshop", due=date(2027, 6, 4), org=world.ngo, priority=ActionPriority.LOW),
        "a7": make(a, "Send the report", S.DONE, date(2027, 2, 10), person=world.representative,
                   closed=utc(2027, 4, 5, 9)),
        "a8": make(a, "Print leaflets", S.DONE, date(2027, 3, 1), org=world.municipal, closed=utc(2027, 2, 20, 9)),
        "a9": make(a, "Rent a hall", S.CANCELLED, date(2027, 1, 5), org=world.ngo, closed=utc(2027, 1, 20, 9)),
        "a10": make(a, "Find a venue", person=loner),
        "a11": make(a, "Answer the survey", due=date(2026, 11, 15), person=world.representative),
        "b1": make(b, "Vaccination leaflet", due=date(2027, 5, 1), org=world.outsider_org),
        "b2": make(b, "Clinic visits", S.DONE, date(2026, 8, 1), org=world.outsider_org,
                   closed=utc(2026, 9, 30, 22, 30)),
    }
    db.session.commit()
    return items


@pytest.fixture
def data(world):
    return known_items(world)


ALL = dash.Scope(None)
NONE = dash.Filters()


def titles(page):
    return [row.title for row in page.rows]


def test_scope_coordinators_everything_cochairs_their_committees_others_nothing(world):
    assert dash.scope_for(world.coordinator).everything and dash.scope_for(world.admin).everything
    assert dash.scope_for(world.cochair).committee_ids == {world.committee.id}
    for person in (world.secretary, world.representative, world.observer, world.non_member, None):
        assert dash.scope_for(person).committee_ids == frozenset()
    assert [c.slug for c in dash.scope_committees(dash.scope_for(world.cochair))] == ["access-legal"]
    assert [c.slug for c in dash.scope_committees(ALL)] == ["access-legal", "health"]


def test_status_counts_overdue_and_due_soon(world, data):
    totals = dash.status_counts(ALL, NONE, TODAY)
    assert totals.by_status == {S.OPEN: 7, S.IN_PROGRESS: 1, S.BLOCKED: 1, S.DONE: 3, S.CANCELLED: 1}
    assert (totals.total, totals.open, totals.overdue, totals.due_soon) == (13, 9, 4, 3)
    mine = dash.status_counts(dash.scope_for(world.cochair), NONE, TODAY)
    assert (mine.total, mine.open, mine.overdue, mine.due_soon) == (11, 8, 3, 3)
    nobody = dash.status_counts(dash.scope_for(world.representative), NONE, TODAY)
    assert nobody.total == 0 and nobody.overdue == 0


def test_overdue_and_due_soon_lists(world, data):
    overdue = dash.list_items("overdue", ALL, NONE, TODAY)
    assert titles(overdue) == ["Answer the survey", "Open a help desk", "Vaccination leaflet",
                               "Write to the ministry"]
    first = overdue.rows[0]
    assert (first.committee_slug, first.owner_name, first.organisation_name, first.days_late(TODAY)) == (
        "access-legal", "Rita Rep", "Solidarity Now Athens", 186)
    assert overdue.rows[1].owner_name is None and overdue.rows[1].organisation_name == world.municipal.name
    soon = dash.list_items("due_soon", ALL, NONE, TODAY)
    assert titles(soon) == ["Call the lawyers", "Visit the shelter", "Book interpreters"]
    assert soon.rows[1].organisation_name == "Solidarity Now Athens"  # the owner organisation wins
    cochair = dash.list_items("overdue", dash.scope_for(world.cochair), NONE, TODAY)
    assert "Vaccination leaflet" not in titles(cochair) and cochair.pager.total == 3


def test_item_lists_sort_and_paginate(world, data):
    by_priority = dash.list_items("overdue", ALL, NONE, TODAY, sort="priority")
    assert titles(by_priority)[0] == "Open a help desk"
    by_title = dash.list_items("overdue", ALL, NONE, TODAY, sort="title", descending=True)
    assert titles(by_title) == ["Write to the ministry", "Vaccination leaflet", "Open a help desk",
                                "Answer the survey"]
    by_committee = dash.list_items("overdue", ALL, NONE, TODAY, sort="committee", descending=True)
    assert titles(by_committee)[0] == "Vaccination leaflet"  # Health after Access
    by_org = dash.list_items("due_soon", ALL, NONE, TODAY, sort="organisation")
    assert titles(by_org)[0] == "Book interpreters"  # Athens Social Services before Solidarity Now
    second = dash.list_items("overdue", ALL, NONE, TODAY, page=2, per_page=3)
    assert titles(second) == ["Write to the ministry"] and second.pager.pages == 2
    assert dash.list_items("overdue", ALL, NONE, TODAY, page=9, per_page=3).rows == []
    everything = dash.list_items("overdue", ALL, NONE, TODAY, per_page=None)
    assert len(everything.rows) == 4
    for bad in ({"sort": "due_on; drop table person"}, {"page": 0}, {"per_page": -1}):
        with pytest.raises(ValidationFailed):
            dash.list_items("overdue", ALL, NONE, TODAY, **bad)
    with pytest.raises(ValidationFailed):
        dash.list_items("everything", ALL, NONE, TODAY)


def test_filters(world, data):
    def count(**wanted):
        return dash.status_counts(ALL, dash.Filters(**wanted), TODAY).total

    assert count(committee_id=world.other_committee.id) == 2
    assert count(organisation_id=world.municipal.id) == 3  # a2, a5 (through the secretary), a8
    assert count(organisation_id=world.ngo.id) == 7
    assert count(status=S.DONE) == 3
    assert count(priority=ActionPriority.HIGH) == 1
    assert count(owner_person_id=world.representative.id) == 3
    assert count(organisation_id=world.ngo.id, status=S.OPEN) == 4  # a1, a4, a6, a11
    overdue_ngo = dash.list_items("overdue", ALL, dash.Filters(organisation_id=world.ngo.id), TODAY)
    assert titles(overdue_ngo) == ["Answer the survey", "Write to the ministry"]
    # A committee outside the scope gives nothing, whatever the filter asks.
    outside = dash.Filters(committee_id=world.other_committee.id)
    assert dash.status_counts(dash.scope_for(world.cochair), outside, TODAY).total == 0


def test_breakdown_by_committee(world, data):
    page = dash.by_committee(ALL, NONE, TODAY)
    assert [(r.code, r.open, r.overdue, r.due_soon, r.done, r.total) for r in page.rows] == [
        ("access-legal", 8, 3, 3, 2, 11), ("health", 1, 1, 0, 1, 2)]
    by_overdue = dash.by_committee(ALL, NONE, TODAY, sort="total", descending=False)
    assert [r.code for r in by_overdue.rows] == ["health", "access-legal"]
    mine = dash.by_committee(dash.scope_for(world.cochair), NONE, TODAY)
    assert [r.code for r in mine.rows] == ["access-legal"] and mine.pager.total == 1
    second = dash.by_committee(ALL, NONE, TODAY, page=2, per_page=1)
    assert [r.code for r in second.rows] == ["health"] and second.pager.pages == 2
    with pytest.raises(ValidationFailed):
        dash.by_committee(ALL, NONE, TODAY, sort="name desc")


def test_breakdown_by_organisation(world, data):
    page = dash.by_organisation(ALL, NONE, TODAY)
    assert [(r.name, r.open, r.overdue, r.due_soon, r.done, r.total) for r in page.rows] == [
        ("Athens Social Services Directorate", 2, 1, 1, 1, 3),
        ("Solidarity Now Athens", 5, 2, 2, 1, 7),
        ("Unrelated Academic Institute", 1, 1, 0, 1, 2),
        (None, 1, 0, 0, 0, 1),  # a10: its owner has no organisation
    ]
    assert page.rows[1].id == world.ngo.id and page.rows[1].code == "SNA"
    by_open = dash.by_organisation(ALL, NONE, TODAY, sort="open", descending=True)
    assert by_open.rows[0].name == "Solidarity Now Athens"
    mine = dash.by_organisation(dash.scope_for(world.cochair), NONE, TODAY)
    assert "Unrelated Academic Institute" not in [r.name for r in mine.rows]
    overdue_only = dash.by_organisation(ALL, dash.Filters(priority=ActionPriority.HIGH), TODAY)
    assert [(r.name, r.total) for r in overdue_only.rows] == [("Athens Social Services Directorate", 1)]


def test_quarters():
    assert [q.label for q in dash.recent_quarters(TODAY)] == ["2026 Q3", "2026 Q4", "2027 Q1", "2027 Q2"]
    q = dash.Quarter.of(date(2027, 12, 31))
    assert (q.number, q.start, q.end) == (4, date(2027, 10, 1), date(2028, 1, 1))
    assert dash.Quarter.of(date(2027, 1, 1)).previous() == dash.Quarter(2026, 4)


def points(series):
    return [(p.quarter.label, p.completed, p.overdue) for p in series]


def test_quarter_series_completed_versus_overdue(world, data):
    a, b = world.committee.id, world.other_committee.id
    series = dash.quarter_series(ALL, NONE, TODAY, [a, b])
    assert points(series[a]) == [("2026 Q3", 0, 0), ("2026 Q4", 0, 1), ("2027 Q1", 1, 1), ("2027 Q2", 1, 2)]
    assert points(series[b]) == [("2026 Q3", 1, 0), ("2026 Q4", 0, 0), ("2027 Q1", 0, 0), ("2027 Q2", 0, 1)]
    # Quarter bounds are midnights in the reader's time zone: closed at 01:30 on 1 October in Athens
    # means completed in Q4, and so late for its Q3 due date.
    athens = dash.quarter_series(ALL, NONE, TODAY, [b], tz=ZoneInfo("Europe/Athens"))
    assert points(athens[b]) == [("2026 Q3", 0, 1), ("2026 Q4", 1, 0), ("2027 Q1", 0, 0), ("2027 Q2", 0, 1)]
    # The current quarter's overdue figure is what the overdue list shows for it.
    now = dash.list_items("overdue", ALL, dash.Filters(committee_id=a), TODAY)
    assert len([r for r in now.rows if r.due_on >= date(2027, 4, 1)]) == series[a][-1].overdue
    mine = dash.quarter_series(dash.scope_for(world.cochair), NONE, TODAY, [a, b])
    assert list(mine) == [a]
    empty = f.make_committee("Education")
    assert points(dash.quarter_series(ALL, NONE, TODAY, [empty.id])[empty.id])[-1] == ("2027 Q2", 0, 0)


def _bulk(world, n):
    for i in range(n):
        make(world.committee if i % 2 else world.other_committee, f"Item {i}", list(S)[i % 5],
             date(2027, 1 + i % 6, 1 + i % 27), person=world.representative if i % 3 else None,
             org=None if i % 3 else world.municipal,
             closed=utc(2027, 1 + i % 4, 2) if list(S)[i % 5] in (S.DONE, S.CANCELLED) else None)
    db.session.commit()


def _run_everything(world):
    scope = dash.scope_for(world.coordinator)
    ids = [world.committee.id, world.other_committee.id]
    with count_queries() as statements:
        dash.status_counts(scope, NONE, TODAY)
        dash.list_items("overdue", scope, NONE, TODAY, per_page=10)
        dash.list_items("due_soon", scope, NONE, TODAY, per_page=None)
        dash.by_committee(scope, NONE, TODAY)
        dash.by_organisation(scope, NONE, TODAY)
        dash.quarter_series(scope, NONE, TODAY, ids)
    return len(statements)


def test_query_count_does_not_grow_with_items(world):
    _bulk(world, 5)
    few = _run_everything(world)
    _bulk(world, 60)
    assert _run_everything(world) == few == 8


def test_organisations_to_filter_by(world):
    """The organisation filter's scope, as type-ahead conditions (committees.lookup)."""
    from committees import lookup

    f.make_org("Zeta Foundation", short_name=None)  # in no committee

    def names(scope):
        return [s.label.split(" (")[0] for s in lookup.suggest_organisations("a", scope)]

    assert names(dash.scope_organisations(ALL)) == [
        "Athens Social Services Directorate", "Solidarity Now Athens", "Unrelated Academic Institute",
        "Zeta Foundation"]
    # Members of the committee, and organisations whose people hold a role in it (the observer's).
    assert names(dash.scope_organisations(dash.scope_for(world.cochair))) == [
        "Athens Social Services Directorate", "Solidarity Now Athens", "Unrelated Academic Institute"]
