"""Plain-text fields are escaped everywhere (security.md 18).

A marker that breaks out of text, attributes and quotes is written into every free-text string column
of the world's organisations, committees, people and memberships (columns found from the models, not a
hand list), then every page a coordinator (and a representative) can open is fetched: the marker must
appear only escaped. The pages come from the route matrix plus one page per object of the world.
"""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import String, Text, select

from committees import audit
from committees.db import db
from committees.markdown import render_markdown
from committees.models import Committee, Membership, Organisation, Person
from committees.services import people
from tests.conftest import login
from tests.web.routes import collect

MARKER = "\"'><svg onload=x>"
ESCAPED = "&lt;svg onload=x&gt;"
# Columns that are not free text: identifiers used in URLs and mail, codes, hashes, stored HTML.
NOT_FREE_TEXT = {"slug", "email", "language", "timezone", "password_hash", "key_hash", "token_hash", "uid"}
MODELS = (Organisation, Committee, Person, Membership)


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
            if isinstance(obj, Committee):
                obj.mandate_html = render_markdown(obj.mandate)
    db.session.commit()
    return count


def pages(world) -> list[str]:
    urls = [e.url(world) for e in collect()
            if e.method == "GET" and e.status_for("coordinator") == 200 and e.endpoint not in {"static", "bootstrap.static"}]
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
    assert mark_everything() >= 20
    audit.record(world.coordinator, "test.marker", world.ngo, f"Renamed to {MARKER}", note=MARKER)
    people.request_password_reset(world.representative.email, timedelta(hours=1))  # an outbox message
    db.session.commit()
    return world


def test_every_free_text_column_is_marked(app, marked_world):
    assert {"name", "short_name", "description", "address"} <= set(free_text_columns(Organisation))
    assert {"full_name", "job_title", "phone"} <= set(free_text_columns(Person))
    assert "name" in free_text_columns(Committee)
    db.session.expire_all()
    assert db.session.get(Organisation, marked_world.ngo.id).name.startswith(MARKER)


def crawl(client, urls) -> tuple[list[str], int]:
    leaks, shown = [], 0
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            leaks.append(f"{url}: {response.status_code}")
            continue
        if response.mimetype != "text/html":
            assert "<svg" not in response.get_data(as_text=True) or response.mimetype in {"text/csv", "text/calendar"}, url
            continue
        page = response.get_data(as_text=True)
        if "<svg" in page.lower() or MARKER in page or "onload=x>" in page:
            at = page.lower().find("<svg")
            leaks.append(f"{url}: ...{page[max(0, at - 80):at + 40]!r}...")
        if ESCAPED in page:
            shown += 1
    return leaks, shown


def test_marker_is_escaped_on_every_page_for_a_coordinator(app, marked_world):
    client = login(app.test_client(), marked_world.coordinator)
    urls = pages(marked_world)
    leaks, shown = crawl(client, urls)
    assert not leaks, "\n".join(leaks)
    assert shown >= 10, f"the marker was shown (escaped) on only {shown} of {len(urls)} pages"


def test_marker_is_escaped_for_a_representative_and_the_public(app, marked_world):
    urls = pages(marked_world)
    for client in (login(app.test_client(), marked_world.representative), app.test_client()):
        leaks, shown = crawl(client, urls)
        assert not leaks, "\n".join(leaks)
        assert shown >= 1


def test_marker_in_the_home_page_committee_cards(client, marked_world):
    page = client.get("/").get_data(as_text=True)
    assert ESCAPED in page and "<svg" not in page
