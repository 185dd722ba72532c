"""Journey 3, in a real browser: a co-chair writes the minutes of a held meeting with a decision and an action
item for a representative, circulates and approves them; the representative marks the item done; the
coordinator's dashboard shows the change. Then the pages of the journey on a 375 px phone, in English, Greek
and Arabic, without sideways scrolling."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from committees.db import db
from tests import factories as f
from tests.e2e.conftest import shot, sign_in
from tests.e2e.test_accessibility import _minutes_and_actions
from tests.web.test_minutes import held

DISCUSSION = "The asylum office sees **40 people** a day without a lawyer."
DECISION = "Ask the City to fund two lawyers at the asylum office"
ACTION = "Draft the letter to the City"


@pytest.fixture
def browser_for(browser):
    """browser_for() -> a new page in its own context (its own cookies: one person each)."""
    contexts = []

    def make(**kw):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **kw)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def breakdown_row(page, name: str) -> dict[str, str]:
    """The dashboard's 'by committee' row of `name`: {column header: cell text}."""
    headers = [h.strip() for h in page.locator("table.dashboard-breakdown thead th").all_inner_texts()]
    row = page.locator("table.dashboard-breakdown tbody tr").filter(has=page.get_by_role("link", name=name))
    cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
    return dict(zip(headers, cells, strict=True))


def status_counts(page) -> dict[str, str]:
    rows = page.locator("table.dashboard-status-counts tbody tr")
    return {r.locator("th").inner_text().strip(): r.locator("td").inner_text().strip() for r in rows.all()}


def test_minutes_decision_action_done_and_the_dashboard_shows_it(live_server, browser_for, world):
    meeting = held(world, title="March meeting", items=("Welcome", "Legal aid at the asylum office"))
    committee = world.committee.name
    due = date.today() + timedelta(days=10)

    # The coordinator's dashboard before: nothing for the committee yet.
    coordinator = browser_for()
    sign_in(coordinator, live_server, world.coordinator.email, f.PASSWORD)
    coordinator.goto(live_server + "/dashboard?view=by_committee")
    assert coordinator.get_by_role("heading", name="Action items dashboard").is_visible()
    assert not coordinator.locator("table.dashboard-breakdown").get_by_role("link", name=committee).count()

    # The co-chair starts the minutes from the meeting page and writes the discussion.
    chair = browser_for()
    sign_in(chair, live_server, world.cochair.email, f.PASSWORD)
    chair.goto(f"{live_server}/meetings/{meeting.id}")
    chair.get_by_role("button", name="Write the minutes").click()
    chair.wait_for_url(f"**/meetings/{meeting.id}/minutes/edit")
    assert chair.get_by_role("heading", name="Attendance and quorum").is_visible()
    chair.get_by_label("Legal aid at the asylum office").fill(DISCUSSION)
    shot(chair, "minutes-1-editor")
    chair.get_by_role("button", name="Save the minutes").click()
    chair.wait_for_url(f"**/meetings/{meeting.id}/minutes")
    section = chair.locator("section.minutes-section").filter(
        has=chair.get_by_role("heading", name="2. Legal aid at the asylum office"))
    assert "40 people" in section.locator(".minutes-discussion strong").inner_text()

    # A decision on that agenda item, then an action item for the representative from the decision.
    section.get_by_text("Record a decision").click()
    section.get_by_label("Decision", exact=True).fill(DECISION)
    section.get_by_role("button", name="Record the decision").click()
    decision = section.locator("li.minutes-decision")
    expect(decision).to_contain_text(DECISION)
    decision.get_by_role("link", name="Add an action item").click()
    expect(chair.locator(".action-source-decision")).to_contain_text(DECISION)
    chair.get_by_label("Title").fill(ACTION)
    chair.get_by_label("Owner (person)").select_option(str(world.representative.id))
    chair.get_by_label("Due date").fill(due.isoformat())
    chair.get_by_label("Priority").select_option("high")
    chair.get_by_role("button", name="Create the action item").click()
    expect(chair.locator("h1.action-title")).to_contain_text(ACTION)
    expect(chair.locator(".action-owner")).to_have_text(world.representative.full_name)
    expect(chair.locator(".action-source")).to_contain_text(DECISION)
    item_url = chair.url
    chair.locator(".action-source").get_by_role("link").first.click()
    expect(chair.locator("li.minutes-decision")).to_contain_text(ACTION)  # listed under its decision

    # Circulate for comments, with a deadline in a week (the co-chair's time zone), then approve.
    deadline = datetime.now(ZoneInfo(world.cochair.timezone or "Europe/Athens")) + timedelta(days=7)
    chair.get_by_text("Circulate for comments", exact=True).first.click()
    chair.get_by_label("Comments are welcome until").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    chair.locator("form[action$='/transitions/circulate']").get_by_role("button").click()
    expect(chair.locator(".minutes-record")).to_contain_text("Circulated for comments")
    shot(chair, "minutes-2-circulated")
    chair.locator("summary", has_text="Approve").click()
    chair.get_by_label("By the co-chairs").check()
    chair.locator("form[action$='/transitions/approve']").get_by_role("button", name="Approve").click()
    expect(chair.locator(".minutes-record")).to_contain_text("By the co-chairs")
    expect(chair.locator("h1")).to_contain_text("Approved")
    expect(chair.get_by_role("link", name="Correct the minutes")).to_be_visible()
    assert not chair.get_by_role("link", name="Edit the minutes").count()
    shot(chair, "minutes-3-approved")

    # The dashboard now lists the item: open, due within 14 days.
    coordinator.goto(live_server + "/dashboard?view=by_committee")
    before = breakdown_row(coordinator, committee)
    assert (before["Open"], before["Due in 14 days"], before["Done"], before["Total"]) == ("1", "1", "0", "1")
    coordinator.goto(live_server + "/dashboard?view=due_soon")
    assert coordinator.locator("table.dashboard-items").get_by_role("link", name=ACTION).is_visible()

    # The owner finds the item under My action items and marks it done with a note.
    owner = browser_for()
    sign_in(owner, live_server, world.representative.email, f.PASSWORD)
    owner.goto(live_server + "/my/actions")
    owner.locator("table.action-list").get_by_role("link", name=ACTION).click()
    owner.wait_for_url(item_url)
    owner.get_by_label("Progress note").fill("Sent to the Deputy Mayor's office.")
    owner.get_by_label("New status").select_option("done")
    owner.get_by_role("button", name="Post the update").click()
    update = owner.locator("li.action-update").last
    expect(update).to_contain_text("Open → Done")
    expect(update).to_contain_text("Deputy Mayor")
    expect(owner.locator("h1.action-title")).to_contain_text("Done")
    shot(owner, "minutes-4-action-done")
    owner.goto(live_server + "/my/actions")
    assert not owner.locator("table.action-list").get_by_role("link", name=ACTION).count()  # only unfinished ones

    # The coordinator sees the change: done, no longer due, and completed this quarter in the chart.
    coordinator.goto(live_server + "/dashboard?view=by_committee")
    after = breakdown_row(coordinator, committee)
    assert (after["Open"], after["Due in 14 days"], after["Done"], after["Total"]) == ("0", "0", "1", "1")
    coordinator.goto(live_server + "/dashboard?view=due_soon")
    assert not coordinator.locator("table.dashboard-items").get_by_role("link", name=ACTION).count()
    coordinator.goto(live_server + "/dashboard")
    assert status_counts(coordinator)["Done"] == "1"
    expect(coordinator.locator(".dashboard-totals li").first).to_have_text("1 item")
    chart = coordinator.locator("figure.dashboard-chart").filter(has=coordinator.get_by_role("link", name=committee))
    quarter = f"{date.today().year} Q{(date.today().month - 1) // 3 + 1}"
    assert f"{quarter}: 1 completed, 0 overdue." in chart.locator("desc").text_content()
    assert chart.locator("svg").get_attribute("role") == "img"
    shot(coordinator, "minutes-5-dashboard")


NO_SIDEWAYS = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"


@pytest.mark.parametrize("language", ["en", "el", "ar"])
def test_minutes_action_and_dashboard_pages_fit_a_phone(live_server, phone, world, language):
    world.cochair.language = language
    db.session.commit()
    pages = _minutes_and_actions(world)
    sign_in(phone, live_server, world.cochair.email, f.PASSWORD)
    wide = []
    for name in ("minutes (draft)", "minutes (circulated)", "minutes editor", "action item", "dashboard",
                 "dashboard overdue", "dashboard by organisation", "committee action list", "my action items"):
        response = phone.goto(live_server + pages[name])
        assert response.status == 200, name
        if language == "el" and name in ("minutes (draft)", "action item", "dashboard"):
            shot(phone, "minutes-phone-el-" + name.split(" ")[0])
        width, inner = phone.evaluate(NO_SIDEWAYS)
        assert inner == 375, f"{name}: the layout viewport is {inner}px wide, not the phone's 375px"
        if width > inner:
            wide.append(f"{name} ({pages[name]}): {width}px in {inner}px")
    assert not wide, "these pages scroll sideways on a phone:\n" + "\n".join(wide)
