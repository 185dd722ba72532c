"""WCAG 2.2 AA on the proposal lists, the public list and the pipeline report (with its SVG chart), checked by
axe-core in Chromium: zero violations in English, Greek and Arabic and on a 375 px phone, where the pages do not
scroll sideways (a wide table scrolls inside its own region)."""
from __future__ import annotations

import pytest

from committees.db import db
from committees.services import proposals as proposal_svc
from tests import factories as f
from tests.domain.test_proposals import file_proposal
from tests.domain.test_proposals_lists import _history
from tests.e2e.axe import describe, violations
from tests.e2e.conftest import sign_in


def _data(world) -> None:
    """Proposals in several stages and committees with a history (for the report), and an invitation to
    co-sponsor for the municipal body (shown on its people's list)."""
    _history(world, "ngo", "committee", [
        ("draft", "2025-01-01"), ("submitted", "2025-01-03"), ("under_review", "2025-01-08"),
        ("on_agenda", "2025-01-18"), ("endorsed", "2025-02-01"), ("forwarded", "2025-02-11"),
        ("adopted", "2025-05-11")])
    _history(world, "municipal", "committee", [
        ("draft", "2025-03-01"), ("submitted", "2025-03-02"), ("under_review", "2025-03-04"),
        ("returned", "2025-03-05"), ("submitted", "2025-03-15"), ("under_review", "2025-03-16"),
        ("on_agenda", "2025-03-26"), ("endorsed", "2025-04-01"), ("forwarded", "2026-01-10"),
        ("not_adopted", "2026-02-01")])
    _history(world, "outsider_org", "other_committee", [
        ("draft", "2026-02-01"), ("submitted", "2026-02-02"), ("under_review", "2026-02-05")])
    draft = file_proposal(world, title="Please co-sponsor this")
    proposal_svc.invite_cosponsor(world.representative, draft, world.municipal)
    db.session.commit()


def _pages(world) -> dict[str, str]:
    return {"proposals": "/proposals", "committee proposals": f"/committees/{world.committee.slug}/proposals",
            "filtered": "/proposals?state=public&sort=title", "pipeline": "/proposals/pipeline"}


def _check(page, base: str, pages: dict[str, str], phone: bool = False) -> list[str]:
    failures = []
    for name, path in pages.items():
        response = page.goto(base + path)
        assert response.status == 200, f"{name} ({path}): {response.status}"
        found = violations(page)
        if found:
            failures.append(f"{name} ({path}):\n{describe(found)}")
        if phone:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 375:
                failures.append(f"{name} ({path}) scrolls sideways ({width}px)")
    return failures


@pytest.mark.parametrize("language", ["en", "el", "ar"])
def test_proposal_lists_and_report_have_no_violations(live_server, page, world, language):
    _data(world)
    world.cochair_municipal.language = language
    db.session.commit()
    sign_in(page, live_server, world.cochair_municipal.email, f.PASSWORD)  # co-chair, invited organisation
    failures = _check(page, live_server, _pages(world))
    assert not failures, "\n\n".join(failures)


def test_public_proposal_lists_have_no_violations(live_server, page, world):
    _data(world)
    pages = {k: v for k, v in _pages(world).items() if k != "pipeline"}
    failures = _check(page, live_server, pages)
    assert not failures, "\n\n".join(failures)


def test_proposal_lists_and_report_on_a_phone(live_server, phone, world):
    _data(world)
    sign_in(phone, live_server, world.cochair_municipal.email, f.PASSWORD)
    failures = _check(phone, live_server, _pages(world), phone=True)
    assert not failures, "\n\n".join(failures)
