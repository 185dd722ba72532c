"""Keyboard-only walk-throughs: every page can be tabbed through to its end without a trap, each focused
element shows a visible focus indicator, and the skip link is the first stop."""
from __future__ import annotations

import pytest

from tests import factories as f
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import _meeting_with_agenda, _minutes_and_actions

MAX_STOPS = 400

FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const r = el.getBoundingClientRect();
  return {key: el.tagName + '#' + (el.id || '') + '.' + el.className + '|' + (el.getAttribute('href') || el.name || '')
               + '|' + Math.round(r.x) + ',' + Math.round(r.y),
          visible: outline || shadow, tag: el.tagName, text: (el.innerText || el.value || '').slice(0, 40)};
}"""


def walk(page) -> list[dict]:
    """Tab from the top until focus returns to the start (or leaves the page): the stops in order."""
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    stops: list[dict] = []
    seen = set()
    for _ in range(MAX_STOPS):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None or state["key"] in seen:
            return stops
        seen.add(state["key"])
        stops.append(state)
    pytest.fail(f"more than {MAX_STOPS} tab stops without coming back to the start: a keyboard trap?")


def check_walk(page, path: str) -> list[dict]:
    stops = walk(page)
    assert stops, f"{path}: nothing can be reached by keyboard"
    assert "skip-link" in stops[0]["key"], f"{path}: the first stop is {stops[0]['key']}, not the skip link"
    invisible = [s["key"] for s in stops if not s["visible"]]
    assert not invisible, f"{path}: focus not visible on {invisible[:5]}"
    main_reached = page.evaluate("() => document.querySelector('main') !== null")
    assert main_reached
    # the walk ends by leaving the page or wrapping around: the footer's side was reachable, no trap
    assert len(stops) < MAX_STOPS
    return stops


@pytest.mark.parametrize("who", ["public", "cochair"])
def test_tabbing_through_main_pages(live_server, page, world, who):
    meeting = _meeting_with_agenda(world)
    if who != "public":
        sign_in(page, live_server, world.cochair.email, f.PASSWORD)
    paths = ["/", "/committees", f"/committees/{world.committee.slug}", f"/meetings/{meeting.id}"]
    if who == "public":
        paths.append("/login")
    else:
        paths += [f"/committees/{world.committee.slug}/roster", "/profile"]
    for path in paths:
        page.goto(live_server + path)
        check_walk(page, path)


def test_tabbing_through_the_minutes_editor_and_the_dashboard(live_server, page, world):
    """Every section's text and then the save button, the dashboard's filters, sortable headers and the charts'
    numbers are reached, each with a visible focus, and the walk leaves the page (no trap)."""
    pages = _minutes_and_actions(world)
    sign_in(page, live_server, world.cochair.email, f.PASSWORD)
    expected = {
        "minutes editor": ["SELECT", "TEXTAREA", "INPUT"],
        "minutes (draft)": ["SUMMARY", "BUTTON"],
        "dashboard": ["SELECT", "BUTTON", "SUMMARY"],
        "dashboard overdue": ["SELECT", "BUTTON"],
        "action item": ["TEXTAREA", "SELECT", "INPUT"],
    }
    for name, tags in expected.items():
        path = pages[name]
        page.goto(live_server + path)
        stops = check_walk(page, path)
        reached = [s["tag"] for s in stops]
        assert all(tag in reached for tag in tags), f"{name}: reached only {sorted(set(reached))}"
        if name == "minutes editor":
            sections = page.locator("textarea[name^=section_]").count()
            assert sum(1 for s in stops if "|section_" in s["key"]) == sections >= 2
            last_text = max(i for i, s in enumerate(stops) if "|section_" in s["key"])
            save = next(i for i, s in enumerate(stops) if s["text"] == "Save the minutes")
            assert save > last_text, "the save button comes after the texts"
        if name == "dashboard overdue":
            sort_links = [s for s in stops if "sort=" in s["key"]]
            assert len(sort_links) >= 7, "every column header of the overdue table sorts"


def test_the_walk_notices_a_hidden_focus_indicator(live_server, page):
    """The check above can fail: with focus styles removed, the walk reports the stops."""
    page.goto(live_server + "/login")
    page.evaluate("""() => document.querySelectorAll('a, button, input, select, textarea').forEach(e => {
        e.style.setProperty('outline', 'none', 'important');
        e.style.setProperty('box-shadow', 'none', 'important'); })""")
    stops = walk(page)
    assert stops and not any(s["visible"] for s in stops)
