"""Journey 2, in a real browser: a representative files a proposal with a co-sponsor, the co-sponsor accepts, the
co-chairs review it and put it on the agenda of the coming meeting, the committee endorses it, a coordinator
forwards it to the City and records the City's response (with its document); the authors see the outcome.
Screenshots go to tests/e2e/screenshots/ (proposal-*.png)."""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from playwright.sync_api import expect

from committees.db import db
from committees.models import CommitteeRoleKind, Proposal, ProposalState
from committees.services import meetings as meeting_svc
from tests import factories as f
from tests.e2e.conftest import shot, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def as_person(browser, live_server):
    """as_person(person) -> a page in a fresh browser context, signed in as that person."""
    contexts = []

    def _open(person, **options):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, live_server, person.email, f.PASSWORD)
        return page

    yield _open
    for context in contexts:
        context.close()


def _coming_meeting(world):
    start = (datetime.now(timezone.utc) + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = meeting_svc.create_meeting(world.cochair, world.committee, title="Monthly meeting", venue="City Hall",
                                         format="in_person", starts_at=start, ends_at=start + timedelta(hours=2))
    meeting_svc.schedule_meeting(world.cochair, meeting)
    db.session.commit()
    return meeting


def _state(proposal_id: int, expected: ProposalState) -> ProposalState:
    """The proposal's state once the server has handled the click (the click returns before the POST is done)."""
    deadline = time.monotonic() + 10
    while True:
        db.session.expire_all()
        state = db.session.get(Proposal, proposal_id).state
        if state == expected or time.monotonic() > deadline:
            return state
        time.sleep(0.05)


def _step(page, name: str, title: str) -> None:
    """Open the form of the step `name` (a <details> under 'Next steps', labelled `title`)."""
    summary = page.locator(f"details.step-{name} summary")
    assert summary.inner_text() == title
    summary.click()


def test_a_proposal_from_filing_to_the_citys_response(live_server, as_person, world, tmp_path: Path):
    municipal_rep = f.make_person("mun.rep@example.org", org=world.municipal, name="Mina Municipal")
    f.give_role(municipal_rep, world.committee, CommitteeRoleKind.REPRESENTATIVE)
    meeting = _coming_meeting(world)

    # The representative files the proposal from the committee page and invites a co-sponsor.
    rep = as_person(world.representative)
    rep.click("text=Access and Legal Rights")
    rep.click("text=File a proposal")
    rep.fill("#title", "A legal aid desk at the town hall")
    rep.fill("#summary", "Weekly free legal advice for asylum seekers, at the town hall.")
    rep.fill("#body", "## The plan\n\nA desk **every Tuesday**, staffed by volunteer lawyers.\n\n- intake\n- referral")
    rep.fill("#target_group", "Asylum seekers and recognised refugees")
    rep.fill("#expected_impact", "Fewer missed appointments and appeals lodged on time.")
    rep.fill("#budget_eur", "12 500")
    rep.fill("#timeframe", "12 months from September")
    shot(rep, "proposal-form")
    rep.get_by_role("button", name="Save the draft").click()
    expect(rep.locator("body")).to_contain_text("Your draft has been saved")
    proposal_id = int(rep.url.rstrip("/").rsplit("/", 1)[1])
    rep.check("label:has-text('Athens Social Services Directorate')")
    rep.get_by_role("button", name="Invite to co-sponsor").click()
    expect(rep.locator("body")).to_contain_text("waiting for an answer")
    rep.get_by_role("button", name="Submit to the committee").click()
    assert _state(proposal_id, ProposalState.SUBMITTED) == ProposalState.SUBMITTED
    shot(rep, "proposal-submitted")

    # The invited organisation's representative accepts.
    cosponsor = as_person(municipal_rep)
    cosponsor.goto(f"{live_server}/proposals/{proposal_id}")
    expect(cosponsor.locator("body")).to_contain_text("invites Athens Social Services Directorate to co-sponsor")
    cosponsor.get_by_role("button", name="Accept: co-sponsor it").click()
    expect(cosponsor.locator("body")).to_contain_text("Your organisation co-sponsors this proposal.")
    assert "Athens Social Services Directorate" in cosponsor.locator(".proposal-cosponsors").inner_text()

    # A co-chair reviews it and puts it on the agenda of the coming meeting; a comment on the way.
    chair = as_person(world.cochair_municipal)
    chair.goto(f"{live_server}/proposals/{proposal_id}")
    chair.get_by_role("button", name="Start the review").click()
    chair.fill("#comment-body", "Could the desk also open on **Thursdays**?")
    chair.get_by_role("button", name="Post the comment").click()
    expect(chair.locator("body")).to_contain_text("Your comment has been posted.")
    _step(chair, "put_on_agenda", "Put on the agenda of a meeting")
    chair.select_option("#put_on_agenda-target", f"meeting-{meeting.id}")
    chair.click("details.step-put_on_agenda button[type=submit]")
    assert _state(proposal_id, ProposalState.ON_AGENDA) == ProposalState.ON_AGENDA
    chair.click("text=Agenda item: A legal aid desk at the town hall")
    expect(chair.locator("body")).to_contain_text("The proposal discussed under this item")
    chair.click("text=The proposal discussed under this item")
    shot(chair, "proposal-on-agenda")

    # The committee endorses it (recorded by the co-chair after the discussion).
    _step(chair, "endorse", "Record the committee's endorsement")
    chair.click("details.step-endorse button[type=submit]")
    assert _state(proposal_id, ProposalState.ENDORSED) == ProposalState.ENDORSED

    # A coordinator forwards it to the City, then records the City's reply with its document.
    coordinator = as_person(world.coordinator)
    coordinator.goto(f"{live_server}/proposals/{proposal_id}")
    _step(coordinator, "forward", "Forward to the City")
    coordinator.fill("#forward-department", "Directorate of Social Solidarity")
    coordinator.fill("#forward-response_deadline", (date.today() + timedelta(days=30)).isoformat())
    coordinator.click("details.step-forward button[type=submit]")
    assert _state(proposal_id, ProposalState.FORWARDED) == ProposalState.FORWARDED
    expect(coordinator.locator("body")).to_contain_text("addressed to Directorate of Social Solidarity")
    reply = tmp_path / "city-reply.pdf"
    reply.write_bytes(PDF)
    _step(coordinator, "adopt", "The City adopted it")
    coordinator.fill("#adopt-reply",
                     "The Directorate adopts the proposal and will open the desk in **September**.")
    coordinator.set_input_files("#adopt-document", str(reply))
    coordinator.click("details.step-adopt button[type=submit]")
    assert _state(proposal_id, ProposalState.ADOPTED) == ProposalState.ADOPTED
    shot(coordinator, "proposal-adopted")

    # The authors see the outcome, the reply and its document, and the whole timeline.
    rep.goto(f"{live_server}/proposals/{proposal_id}")
    assert "Adopted by the City" in rep.locator("h1").inner_text()
    assert "September" in rep.locator(".city-reply").inner_text()
    assert rep.locator("a:has-text('city-reply.pdf')").count() >= 1
    timeline = rep.locator(".proposal-timeline").inner_text()
    for words in ("Drafted", "Accepted to co-sponsor", "Submitted", "Under review", "On the agenda",
                  "Endorsed by the committee", "Forwarded to the City", "Adopted by the City", "Comment by"):
        assert words in timeline, words
    shot(rep, "proposal-outcome")


def test_the_proposal_page_on_a_phone(live_server, browser, world):
    from tests.web.routes.proposals import make_proposal

    proposal = make_proposal(world, "forwarded")
    db.session.commit()
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        sign_in(phone, live_server, world.representative.email, f.PASSWORD)
        for path in (f"/proposals/{proposal.id}", f"/committees/{world.committee.slug}/proposals/new"):
            phone.goto(live_server + path)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{path} scrolls sideways ({width}px)"
        phone.goto(f"{live_server}/proposals/{proposal.id}")
        shot(phone, "proposal-phone")
    finally:
        context.close()


def test_the_proposal_form_and_page_by_keyboard(live_server, as_person, world):
    """Tabbed through from the skip link to the end: a visible focus on every stop and no trap."""
    from tests.e2e.test_keyboard import check_walk
    from tests.web.routes.proposals import make_proposal

    draft = make_proposal(world, "draft")
    reviewed = make_proposal(world, "under_review")
    db.session.commit()
    rep = as_person(world.representative)
    for path in (f"/committees/{world.committee.slug}/proposals/new", f"/proposals/{draft.id}"):
        rep.goto(live_server + path)
        stops = check_walk(rep, path)
        assert any(s["tag"] in ("INPUT", "TEXTAREA", "BUTTON", "SUMMARY") for s in stops), path
    chair = as_person(world.cochair)
    chair.goto(f"{live_server}/proposals/{reviewed.id}")
    stops = check_walk(chair, f"/proposals/{reviewed.id}")
    assert any(s["tag"] == "SUMMARY" and "Return for revision" in s["text"] for s in stops)
