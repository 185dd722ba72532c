"""committees.action_lists: filters, stable orderings, pages with totals, and the counts of "my action items"."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from committees import action_lists as lists
from committees.db import db
from committees.models.actions import ActionPriority
from committees.services import actions as svc

TODAY = date(2030, 6, 15)


def _make(world, title, **values):
    values.setdefault("owner_person_id", world.representative.id)
    return svc.create_action(world.cochair, world.committee, title=title, **values)


@pytest.fixture
def items(world):
    made = {
        "late": _make(world, "Late", due_on=TODAY - timedelta(days=1), priority="low"),
        "today": _make(world, "Today", due_on=TODAY, priority="high", owner_organisation_id=world.ngo.id),
        "none": _make(world, "No date", priority="normal"),
        "cancelled": _make(world, "Cancelled", due_on=TODAY - timedelta(days=9)),
    }
    svc.post_update(world.cochair, made["cancelled"], "", "cancelled", reason="Moot")
    db.session.flush()
    return made


def _titles(result) -> list[str]:
    return [i.title for i in result.items]


def test_unknown_status_or_sort_is_refused():
    with pytest.raises(ValueError):
        lists.ActionFilter(status="later")
    with pytest.raises(ValueError):
        lists.ActionFilter(sort="title")


def test_overdue_is_open_and_due_before_today(world, items):
    result = lists.list_actions_for_committee(world.committee.id, lists.ActionFilter(status="overdue"), TODAY)
    assert _titles(result) == ["Late"]  # due today is not overdue; cancelled is not open
    assert items["late"].is_overdue(TODAY) and not items["today"].is_overdue(TODAY)


def test_orderings_are_stable_and_put_undated_last(world, items):
    wanted = lists.ActionFilter(status="all")
    assert _titles(lists.list_actions_for_committee(world.committee.id, wanted, TODAY)) == [
        "Cancelled", "Late", "Today", "No date"]
    by_priority = lists.ActionFilter(status="all", sort="priority")
    assert _titles(lists.list_actions_for_committee(world.committee.id, by_priority, TODAY)) == [
        "Today", "Cancelled", "No date", "Late"]


def test_pages_carry_the_total(world, items):
    result = lists.list_actions_for_committee(world.committee.id, lists.ActionFilter(status="all"), TODAY,
                                              page=2, per_page=3)
    assert (result.total, result.pages, result.has_prev, result.has_next) == (4, 2, True, False)
    assert _titles(result) == ["No date"]


def test_priority_and_text_filters(world, items):
    wanted = lists.ActionFilter(priority=ActionPriority.HIGH, q="tod")
    assert _titles(lists.list_actions_for_committee(world.committee.id, wanted, TODAY)) == ["Today"]


def test_person_and_organisation_lists_and_counts(world, items):
    mine = lists.list_actions_for_person(world.representative.id, "active", TODAY)
    assert _titles(mine) == ["Late", "Today", "No date"]
    ours = lists.list_actions_for_organisation(world.ngo.id, "all", TODAY)
    assert _titles(ours) == ["Today"]
    assert lists.counts_for(world.representative.id, world.ngo.id, TODAY) == {
        "person_open": 3, "person_overdue": 1, "organisation_open": 1, "organisation_overdue": 0}
    assert lists.counts_for(world.non_member.id, None, TODAY) == {
        "person_open": 0, "person_overdue": 0, "organisation_open": 0, "organisation_overdue": 0}
