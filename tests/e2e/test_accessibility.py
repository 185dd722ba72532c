"""WCAG 2.2 AA on the main pages, checked by axe-core in Chromium: zero violations, on a desktop and a phone,
in English, Greek and Arabic (right to left). Pages are added here as their issues land."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from committees.db import db, utcnow
from committees.services import actions as action_svc
from committees.services import agendas as agenda_svc
from committees.services import meetings as meeting_svc
from committees.services import minutes as minutes_svc
from tests import factories as f
from tests.e2e.axe import describe, violations
from tests.e2e.conftest import sign_in
from tests.web.routes.proposals import coming_meeting, make_proposal
from tests.web.test_minutes import held


def _at(days: int, hour: int = 10) -> datetime:
    day = datetime.now(timezone.utc) + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def _meeting_with_agenda(world):
    meeting = meeting_svc.create_meeting(world.cochair, world.committee, title="Monthly meeting", venue="City Hall",
                                         format="in_person", starts_at=_at(7), ends_at=_at(7, 12))
    meeting_svc.schedule_meeting(world.cochair, meeting)
    for title in ("Legal aid at the asylum office", "Interpreters for hospital visits", "Any other business"):
        agenda_svc.add_item(world.cochair, meeting, title=title, minutes_allotted=20,
                            description="Short **background** for the item.")
    db.session.commit()
    return meeting


def _pages(world) -> dict[str, str]:
    meeting = _meeting_with_agenda(world)
    slug = world.committee.slug
    return {
        "home": "/",
        "committees": "/committees",
        "committee": f"/committees/{slug}",
        "roster": f"/committees/{slug}/roster",
        "meetings": f"/committees/{slug}/meetings",
        "meeting with agenda": f"/meetings/{meeting.id}",
        "meeting pack": f"/meetings/{meeting.id}/pack",
        "organisations": "/organisations",
        "profile": "/profile",
    }


def _minutes_and_actions(world) -> dict[str, str]:
    """Minutes (a draft and a circulated set), decisions, action items (one overdue, one done) and the pages
    that show them, as the co-chair sees them."""
    draft = minutes_svc.create_minutes(world.cochair, held(world, title="June meeting",
                                                            items=("Welcome", "Legal aid report")))
    minutes_svc.save_minutes(world.cochair, draft, {draft.sections[1].id: "We talked about **legal aid**."}, None)
    decision = minutes_svc.add_decision(world.cochair, draft, "Write to the ministry about legal aid",
                                        section=draft.sections[1])
    item = action_svc.create_action(world.cochair, world.committee, decision=decision, title="Draft the letter",
                                    owner_person_id=world.representative.id,
                                    due_on=date.today() - timedelta(days=3), priority="high")
    action_svc.post_update(world.representative, item, "Started on it", "in_progress")
    own = action_svc.create_action(world.cochair, world.committee, title="Book the hall",
                                   owner_person_id=world.cochair.id, owner_organisation_id=world.ngo.id,
                                   due_on=date.today() + timedelta(days=5))
    done = action_svc.create_action(world.cochair, world.committee, title="Send the invitations",
                                    owner_organisation_id=world.ngo.id)
    action_svc.post_update(world.cochair, done, "Sent", "done")
    earlier = minutes_svc.create_minutes(world.cochair, held(world, title="May meeting", items=("Housing",),
                                                              when=datetime.now() - timedelta(days=30)))
    minutes_svc.add_decision(world.cochair, earlier, "Meet monthly")
    minutes_svc.transition_minutes(world.cochair, earlier, "circulate", comments_deadline=utcnow() + timedelta(days=7))
    minutes_svc.comment(world.representative, earlier, "Please add our figures", section=earlier.sections[0])
    db.session.commit()
    slug = world.committee.slug
    return {
        "minutes (draft)": f"/meetings/{draft.meeting_id}/minutes",
        "minutes editor": f"/meetings/{draft.meeting_id}/minutes/edit",
        "minutes (circulated)": f"/meetings/{earlier.meeting_id}/minutes",
        "action item": f"/actions/{item.id}",
        "new action item": f"/committees/{slug}/actions/new?decision={decision.id}",
        "committee action list": f"/committees/{slug}/actions",
        "my action items": "/my/actions",
        "my organisation's action items": "/my/actions?tab=organisation&show=all",
        "dashboard": "/dashboard",
        "dashboard overdue": "/dashboard?view=overdue",
        "dashboard by organisation": "/dashboard?view=by_organisation",
        "decisions register": f"/committees/{slug}/decisions",
        "own item": f"/actions/{own.id}",
        "search results": "/search?q=legal+aid",
        "search results of one kind": "/search?q=legal&kind=decision",
    }


def _check(page, base: str, pages: dict[str, str]) -> list[str]:
    failures = []
    for name, path in pages.items():
        response = page.goto(base + path)
        assert response.status == 200, f"{name} ({path}): {response.status}"
        found = violations(page)
        if found:
            failures.append(f"{name} ({path}):\n{describe(found)}")
    return failures


def test_login_page_has_no_violations(live_server, page):
    page.goto(live_server + "/login")
    found = violations(page)
    assert not found, describe(found)


@pytest.mark.parametrize("language", ["en", "el", "ar"])
def test_main_pages_have_no_violations(live_server, page, world, language):
    world.cochair.language = language
    db.session.commit()
    pages = _pages(world)
    sign_in(page, live_server, world.cochair.email, f.PASSWORD)
    failures = []
    for name, path in pages.items():
        response = page.goto(live_server + path)
        assert response.status == 200, f"{name}: {response.status}"
        found = violations(page)
        if found:
            failures.append(f"{name} ({path}):\n{describe(found)}")
    assert not failures, "\n\n".join(failures)


def test_phone_pages_have_no_violations(live_server, phone, world):
    pages = _pages(world)
    sign_in(phone, live_server, world.representative.email, f.PASSWORD)
    failures = []
    for name, path in pages.items():
        phone.goto(live_server + path)
        found = violations(phone)
        if found:
            failures.append(f"{name} ({path}):\n{describe(found)}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("language", ["en", "el", "ar"])
def test_minutes_and_action_pages_have_no_violations(live_server, page, world, language):
    world.cochair.language = language
    db.session.commit()
    pages = _minutes_and_actions(world)
    sign_in(page, live_server, world.cochair.email, f.PASSWORD)
    failures = _check(page, live_server, pages)
    assert not failures, "\n\n".join(failures)


def test_minutes_and_action_pages_on_a_phone_have_no_violations(live_server, phone, world):
    pages = _minutes_and_actions(world)
    sign_in(phone, live_server, world.cochair.email, f.PASSWORD)
    failures = _check(phone, live_server, pages)
    assert not failures, "\n\n".join(failures)


# -- proposals -----------------------------------------------------------------------------------------------------

def _proposals(world) -> tuple[dict[str, str], dict[str, str]]:
    """The proposal form and pages as the authors see them (a draft with an invited co-sponsor and a document,
    the edit form, a proposal the City adopted with its reply, versions and their comparison), and as a co-chair
    reviews one (comments, a hidden one, the agenda choice and the other steps' forms)."""
    from committees.services import proposals as proposal_svc

    draft = make_proposal(world, "draft")
    proposal_svc.invite_cosponsor(world.representative, draft, world.municipal)
    proposal_svc.attach_document(world.representative, draft, "plan.pdf", b"%PDF-1.4\n%%EOF\n", max_bytes=10_000)
    adopted = make_proposal(world, "submitted")
    proposal_svc.update_proposal(world.representative, adopted, {"summary": "Twice a week."}, note="More often")
    proposal_svc.add_comment(world.secretary, adopted, "A **good** idea.")
    for name, actor, kwargs in (
            ("start_review", world.cochair, {}), ("put_on_agenda", world.cochair, {"meeting": coming_meeting(world)}),
            ("endorse", world.cochair, {}),
            ("forward", world.coordinator, {"department": "Directorate of Social Solidarity",
                                            "response_deadline": date.today() + timedelta(days=30)}),
            ("adopt", world.coordinator, {"reply": "Adopted: the desk opens in **September**.",
                                          "reply_document": ("reply.pdf", b"%PDF-1.4\n%%EOF\n")})):
        proposal_svc.transition_proposal(actor, adopted, name, **kwargs)
    review = make_proposal(world, "under_review")
    proposal_svc.add_comment(world.secretary, review, "Could it open on Thursdays?")
    hidden = proposal_svc.add_comment(world.representative, review, "Off topic")
    proposal_svc.hide_comment(world.cochair, hidden, "Not about the proposal")
    coming_meeting(world, days=14)
    db.session.commit()
    slug = world.committee.slug
    authors = {
        "proposal form": f"/committees/{slug}/proposals/new",
        "proposal (draft)": f"/proposals/{draft.id}",
        "proposal edit form": f"/proposals/{draft.id}/edit",
        "proposal (adopted)": f"/proposals/{adopted.id}",
        "proposal versions": f"/proposals/{adopted.id}/versions",
        "proposal versions compared": f"/proposals/{adopted.id}/versions/compare?a=1&b=2",
    }
    reviewers = {"proposal (under review)": f"/proposals/{review.id}", "proposal (adopted, co-chair)":
                 f"/proposals/{adopted.id}"}
    return authors, reviewers


def _check_open(page, base: str, pages: dict[str, str]) -> list[str]:
    """As _check, with every <details> (the steps' and hiding forms) opened first."""
    failures = []
    for name, path in pages.items():
        response = page.goto(base + path)
        assert response.status == 200, f"{name} ({path}): {response.status}"
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        found = violations(page)
        if found:
            failures.append(f"{name} ({path}):\n{describe(found)}")
    return failures


def _signed_in(browser, base: str, person, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    sign_in(page, base, person.email, f.PASSWORD)
    return context, page


@pytest.mark.parametrize("language", ["en", "el", "ar"])
def test_proposal_pages_have_no_violations(live_server, browser, world, language):
    world.representative.language = world.cochair.language = language
    db.session.commit()
    authors, reviewers = _proposals(world)
    failures = []
    for person, pages in ((world.representative, authors), (world.cochair, reviewers)):
        context, page = _signed_in(browser, live_server, person, viewport={"width": 1280, "height": 900})
        try:
            failures += _check_open(page, live_server, pages)
        finally:
            context.close()
    assert not failures, "\n\n".join(failures)


def test_proposal_pages_on_a_phone_have_no_violations(live_server, browser, world):
    authors, reviewers = _proposals(world)
    failures = []
    for person, pages in ((world.representative, authors), (world.cochair, reviewers)):
        context, page = _signed_in(browser, live_server, person, viewport={"width": 375, "height": 740},
                                   is_mobile=True, has_touch=True)
        try:
            failures += _check_open(page, live_server, pages)
            for name, path in pages.items():
                page.goto(live_server + path)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > 375:
                    failures.append(f"{name} ({path}) scrolls sideways ({width}px)")
        finally:
            context.close()
    assert not failures, "\n\n".join(failures)
