"""Plain-text fields are escaped everywhere (security.md 18).

A marker that breaks out of text, attributes and quotes is written into every free-text string column
of the world's organisations, committees, people, memberships, meetings and agenda items, minutes (sections,
revisions, comments, decisions) and action items with their updates (columns found from the models, not a
hand list; Markdown sources are rendered again into their stored HTML), then every page a coordinator (and a
representative, and the public) can open is fetched: the marker must appear only escaped. The pages come from
the route matrix plus one page per object of the world and every view of the minutes, decisions and the
action dashboard. The dashboard and the proposals pipeline draw charts as inline SVG, so the only <svg>
elements a page may contain are those charts'.
"""
from __future__ import annotations

import json
import re
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import String, Text, select

from committees import audit
from committees.db import db, utcnow
from committees.markdown import render_markdown
from committees.models import (ActionItem, ActionUpdate, AgendaItem, Committee, Meeting, Membership, Organisation,
                               Person)
from committees.models.minutes import Decision, MinutesComment, MinutesRevision, MinutesSection
from committees.models.proposals import Proposal, ProposalComment, ProposalEvent, ProposalVersion
from committees.services import actions as action_svc
from committees.services import minutes as minutes_svc
from committees.services import people
from committees.services import proposals as proposal_svc
from tests.conftest import login
from tests.web.routes import collect
from tests.web.routes.minutes import _minutes
from tests.web.routes.proposals import STEP_ACTOR, make_proposal, step_kwargs

MARKER = "\"'><svg onload=x>"
ESCAPED = "&lt;svg onload=x&gt;"
# The portal's own charts (templates/actions/dashboard_macros.html, templates/proposals/pipeline_macros.html);
# any other <svg> is an injection, even a marker cut short by a column's length.
CHARTS = ("dashboard-svg", "pipeline-svg")
INJECTED = re.compile(rf'<svg(?!\s+class="(?:{"|".join(CHARTS)})" viewBox="[\d. ]+" width="100%" role="img")', re.I)
# Columns that are not free text: identifiers used in URLs and mail, codes, hashes, stored HTML, JSON.
NOT_FREE_TEXT = {"slug", "email", "language", "timezone", "password_hash", "key_hash", "token_hash", "uid",
                 "snapshot", "kind"}
MODELS = (Organisation, Committee, Person, Membership, Meeting, AgendaItem, MinutesSection, MinutesRevision,
          MinutesComment, Decision, ActionItem, ActionUpdate, Proposal, ProposalVersion, ProposalComment,
          ProposalEvent)


def free_text_columns(model) -> list[str]:
    names = []
    for column in model.__table__.columns:
        if not isinstance(column.type, (String, Text)) or hasattr(column.type, "enums"):
            continue
        if column.name in NOT_FREE_TEXT or column.name.endswith("_html") or column.foreign_keys:
            continue
        names.append(column.name)
    return names


def mark_everything() -> int:
    """Put the marker (plus a number, for unique columns) into every free-text column; return the count."""
    count = 0
    for model in MODELS:
        columns = free_text_columns(model)
        for obj in db.session.scalars(select(model)):
            for name in columns:
                limit = getattr(model.__table__.columns[name].type, "length", None) or 10_000
                value = f"{MARKER}{obj.id}"[:limit] if limit >= len(MARKER) + 4 else MARKER[:limit]
                setattr(obj, name, value)
                count += 1
            for name in columns:  # stored HTML rendered from a marked Markdown source, as the services do
                if f"{name}_html" in model.__table__.columns:
                    setattr(obj, f"{name}_html", render_markdown(getattr(obj, name)))
            if isinstance(obj, Committee):
                obj.mandate_html = render_markdown(obj.mandate)
            if isinstance(obj, (MinutesRevision, ProposalVersion)):
                obj.snapshot = json.dumps([{**part, "title": f"{MARKER}t", "text": f"{MARKER}x{obj.number}"}
                                           for part in json.loads(obj.snapshot)])
                count += 1
    db.session.commit()
    return count


def minutes_and_actions(world) -> list[str]:
    """What the route matrix does not make: an overdue action item from a decision with a progress update, an
    item due soon, a comment on circulated minutes, a correction (a second version) of approved minutes. The
    pages that show them, every dashboard view and table, the decisions register, versions and documents."""
    draft, circulated = _minutes(world, "draft"), _minutes(world, "circulated")
    approved, published = _minutes(world, "approved"), _minutes(world, "published")
    decision = draft.decisions[0]
    late = action_svc.create_action(world.cochair, world.committee, decision=decision, title="Late letter",
                                    description="A *letter*", owner_person_id=world.representative.id,
                                    owner_organisation_id=world.ngo.id, due_on=date.today() - timedelta(days=3))
    action_svc.post_update(world.representative, late, "Started", "in_progress")
    soon = action_svc.create_action(world.cochair, world.committee, title="Soon", owner_person_id=world.cochair.id,
                                    due_on=date.today() + timedelta(days=3), meeting=circulated.meeting)
    done = action_svc.create_action(world.cochair, world.committee, title="Done", owner_organisation_id=world.ngo.id)
    action_svc.post_update(world.cochair, done, "Finished", "done")
    minutes_svc.comment(world.representative, circulated, "Our figures", section=circulated.sections[0])
    minutes_svc.correct_approved(world.cochair, approved, {approved.sections[0].id: "Corrected"}, "Typo")
    minutes_svc.add_decision(world.cochair, circulated, "Meet monthly", section=circulated.sections[0])
    db.session.commit()
    slug = world.committee.slug
    urls = [f"/actions/{item.id}" for item in (late, soon, done)]
    urls += [f"/actions/{late.id}/edit", f"/committees/{slug}/actions/new?decision={decision.id}",
             f"/committees/{slug}/actions?status=all", "/my/actions?show=all", "/my/actions?tab=organisation&show=all"]
    for minutes in (draft, circulated, approved, published):
        base = f"/meetings/{minutes.meeting_id}"
        urls += [base, f"{base}/minutes", f"{base}/minutes/document", f"{base}/minutes/versions"]
    urls += [f"/meetings/{draft.meeting_id}/minutes/edit", f"/meetings/{approved.meeting_id}/minutes/correct",
             f"/meetings/{approved.meeting_id}/minutes/versions/compare?a=1&b=2",
             f"/committees/{slug}/decisions", f"/committees/{slug}/minutes/compiled?year={utcnow().year}"]
    for view in ("overview", "overdue", "due_soon", "by_committee", "by_organisation"):
        urls += [f"/dashboard?view={view}", f"/dashboard?view={view}&owner={world.representative.id}"]
    for table in ("quarters", "overdue", "due_soon", "by_committee", "by_organisation"):
        urls.append(f"/dashboard/{table}.csv")
    urls.append(f"/committees/{slug}/decisions.csv")
    return urls


def proposal_pages(world) -> list[str]:
    """A proposal the City did not adopt (reasons, department, the reply) after a return for revision, with a
    hidden comment and two versions; a draft with an invited co-sponsor. Their pages, versions, the comparison
    and the forms."""
    done = make_proposal(world, "under_review")
    proposal_svc.update_proposal(world.representative, done, {"summary": "Changed"}, note="A note")
    proposal_svc.add_comment(world.secretary, done, "Shown")
    hidden = proposal_svc.add_comment(world.secretary, done, "Hidden")
    proposal_svc.hide_comment(world.cochair, hidden, "Off topic")
    for name in ("return_for_revision", "submit", "start_review", "put_on_agenda", "endorse", "forward",
                 "not_adopt"):
        proposal_svc.transition_proposal(getattr(world, STEP_ACTOR[name]), done, name, **step_kwargs(name, world))
    draft = make_proposal(world, "draft")
    proposal_svc.invite_cosponsor(world.representative, draft, world.municipal)
    db.session.commit()
    return [f"/proposals/{done.id}", f"/proposals/{done.id}/versions", f"/proposals/{done.id}/versions/compare?a=1&b=2",
            f"/proposals/{draft.id}", f"/proposals/{draft.id}/edit",
            f"/committees/{world.committee.slug}/proposals/new"]


def pages(world) -> list[str]:
    """Made before the marking (the route matrix's builders and minutes_and_actions create objects)."""
    urls = [e.url(world) for e in collect()
            if e.method == "GET" and e.status_for("coordinator") == 200
            and e.endpoint not in {"static", "bootstrap.static"}]
    urls += minutes_and_actions(world)
    urls += proposal_pages(world)
    for org in db.session.scalars(select(Organisation)):
        urls += [f"/organisations/{org.id}", f"/organisations/{org.id}/edit"]
    for committee in db.session.scalars(select(Committee)):
        urls += [f"/committees/{committee.slug}", f"/committees/{committee.slug}/roster",
                 f"/committees/{committee.slug}/edit", f"/committees/{committee.slug}/join"]
    for person in db.session.scalars(select(Person)):
        urls += [f"/people/{person.id}", f"/admin/people/{person.id}"]
    reflected = quote(MARKER, safe="")
    urls += [f"/organisations?q={reflected}", f"/admin/people?q={reflected}", f"/admin/audit?q={reflected}",
             f"/committees?page={reflected}", f"/no/such/page/{reflected}", f"/login?next={reflected}",
             f"/committees/{reflected}"]
    return list(dict.fromkeys(urls))


@pytest.fixture
def marked_world(world):
    world.urls = pages(world)
    assert mark_everything() >= 20
    audit.record(world.coordinator, "test.marker", world.ngo, f"Renamed to {MARKER}", note=MARKER)
    people.request_password_reset(world.representative.email, timedelta(hours=1))  # an outbox message
    db.session.commit()
    return world


def test_every_free_text_column_is_marked(app, marked_world):
    assert {"name", "short_name", "description", "address"} <= set(free_text_columns(Organisation))
    assert {"full_name", "job_title", "phone"} <= set(free_text_columns(Person))
    assert "name" in free_text_columns(Committee)
    assert {"title", "discussion"} <= set(free_text_columns(MinutesSection))
    assert {"number", "text"} <= set(free_text_columns(Decision))
    assert {"title", "description"} <= set(free_text_columns(ActionItem))
    assert "note" in free_text_columns(ActionUpdate) and "body" in free_text_columns(MinutesComment)
    assert "reason" in free_text_columns(MinutesRevision)
    assert {"title", "summary", "body", "target_group", "expected_impact", "timeframe", "city_department",
            "city_reply", "state_reason"} <= set(free_text_columns(Proposal))
    assert {"body", "hidden_reason"} <= set(free_text_columns(ProposalComment))
    assert {"reason", "department"} <= set(free_text_columns(ProposalEvent))
    assert "kind" not in free_text_columns(ProposalEvent)  # a code, not text
    db.session.expire_all()
    assert db.session.get(Organisation, marked_world.ngo.id).name.startswith(MARKER)
    for model in (MinutesComment, ActionUpdate, Decision, MinutesRevision):
        assert db.session.scalars(select(model)).first() is not None, model  # there is something to mark
    item = db.session.scalars(select(ActionItem).where(ActionItem.title.startswith(MARKER))).first()
    # the Markdown source was rendered again: the sanitiser drops the element and keeps the text around it
    assert item is not None and item.description_html.startswith("<p>") and "onload" not in item.description_html


def crawl(client, urls) -> tuple[list[str], int]:
    leaks, shown = [], 0
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            leaks.append(f"{url}: {response.status_code}")
            continue
        if response.mimetype == "application/json":
            # JSON carries the text as data: it must parse, and never be sniffed as HTML by a browser
            assert response.get_json() is not None and response.headers["X-Content-Type-Options"] == "nosniff", url
            continue
        if response.mimetype != "text/html":
            body = response.get_data(as_text=True)
            assert "<svg" not in body or response.mimetype in {"text/csv", "text/calendar"}, url
            continue
        page = response.get_data(as_text=True)
        found = INJECTED.search(page)
        if found or MARKER in page or "onload=x>" in page:
            at = found.start() if found else max(page.find(MARKER), page.find("onload=x>"))
            leaks.append(f"{url}: ...{page[max(0, at - 80):at + 40]!r}...")
        if ESCAPED in page:
            shown += 1
    return leaks, shown


def test_marker_is_escaped_on_every_page_for_a_coordinator(app, marked_world):
    client = login(app.test_client(), marked_world.coordinator)
    urls = marked_world.urls
    leaks, shown = crawl(client, urls)
    assert not leaks, "\n".join(leaks)
    assert shown >= 10, f"the marker was shown (escaped) on only {shown} of {len(urls)} pages"


def test_marker_is_escaped_for_a_representative_and_the_public(app, marked_world):
    urls = marked_world.urls
    for client in (login(app.test_client(), marked_world.representative), app.test_client()):
        leaks, shown = crawl(client, urls)
        assert not leaks, "\n".join(leaks)
        assert shown >= 1


def test_marker_in_the_home_page_committee_cards(client, marked_world):
    page = client.get("/").get_data(as_text=True)
    assert ESCAPED in page and "<svg" not in page


def test_the_new_pages_show_the_marker_escaped(app, marked_world):
    """The minutes, action, decisions and dashboard pages are crawled with marked data, not just reached."""
    client = login(app.test_client(), marked_world.coordinator)
    wanted = [u for u in marked_world.urls if u.startswith(("/actions/", "/dashboard?", "/my/actions"))
              or "/minutes" in u or "/decisions" in u]
    assert len(wanted) >= 30
    blank = []
    for url in wanted:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.mimetype == "text/html" and ESCAPED not in response.get_data(as_text=True):
            blank.append(url)
    assert not blank, f"no marked text shown on {blank}"
    chart = client.get("/dashboard").get_data(as_text=True)
    assert '<svg class="dashboard-svg"' in chart and "<title id=" in chart
    assert "&#34;&#39;&gt;&lt;svg onload=x&gt;" in chart.split('<svg class="dashboard-svg"', 1)[1].split("</svg>")[0]


@pytest.mark.parametrize("url", ["/dashboard/overdue.csv", "/dashboard/by_organisation.csv",
                                 "/committees/access-legal/decisions.csv"])
def test_csv_exports_carry_the_text_as_a_download_never_as_a_page(app, marked_world, url):
    response = login(app.test_client(), marked_world.coordinator).get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "onload=x>" in response.get_data(as_text=True)  # the data is there, as plain CSV


def test_the_crawl_catches_an_injected_element():
    """The detector itself: the portal's charts pass, anything else named svg (even cut short) does not."""

    class Page:
        mimetype, status_code = "text/html", 200

        def __init__(self, body):
            self.body = body

        def get_data(self, as_text=True):
            return self.body

    chart = '<svg class="dashboard-svg" viewBox="0 0 320 170" width="100%" role="img" aria-labelledby="c">'
    pipeline = chart.replace("dashboard-svg", "pipeline-svg")
    pages = {"/chart": chart + pipeline + ESCAPED, "/other": chart.replace("dashboard-svg", "x-svg"),
             "/raw": f"<p>{MARKER}</p>", "/cut": '<td title=""\'><svg on">',
             "/attr": '<a title="x" onload=x>', "/upper": "<SVG/onload=x>"}

    class Client:
        def get(self, url):
            return Page(pages[url])

    leaks, shown = crawl(Client(), list(pages))
    assert [leak.split(":")[0] for leak in leaks] == ["/other", "/raw", "/cut", "/attr", "/upper"]
    assert shown == 1
