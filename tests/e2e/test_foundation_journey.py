"""From sign-in to the roster, in a real browser, on a desktop and on a 375 px phone."""
from __future__ import annotations

from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.conftest import shot, sign_in


def test_representative_signs_in_and_sees_their_committee(live_server, page, world):
    sign_in(page, live_server, world.representative.email, f.PASSWORD)
    expect(page.locator("body")).to_contain_text("Rita Rep")
    page.click("text=Access and Legal Rights")
    expect(page.locator("h1")).to_have_text("Access and Legal Rights")
    shot(page, "committee-desktop")


def test_phone_has_no_horizontal_scroll(live_server, phone, world):
    sign_in(phone, live_server, world.cochair.email, f.PASSWORD)
    for path in ["/", "/committees", f"/committees/{world.committee.slug}"]:
        phone.goto(live_server + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways ({width}px)"
    shot(phone, "committee-phone")


def test_keyboard_skip_link_moves_focus_to_main(live_server, page, world):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_cochair_gives_a_role_through_the_type_ahead_field(live_server, page, world):
    """The roster's person field asks for suggestions as one types, and sends the id of the one taken."""
    sign_in(page, live_server, world.cochair.email, f.PASSWORD)
    page.goto(f"{live_server}/committees/{world.committee.slug}/roster")
    page.fill("#role-person", "nick")
    suggestion = page.locator("#role-person-options option[value='Nick Nobody (UAI)']")
    expect(suggestion).to_have_count(1)
    page.fill("#role-person", "Nick Nobody (UAI)")  # what taking the suggestion does
    expect(page.locator("#role-person_id")).to_have_value(str(world.non_member.id))
    with page.expect_navigation():
        page.click("#role-submit")
    expect(page.locator("body")).to_contain_text("Nick Nobody now has the role: Observer.")
