"""The search page: results with links, kinds and highlights, what each reader finds, filters and counts, pages,
bad input as 400 with the form kept, hostile input never a 500, escaping, a constant number of queries, the search
box in the navigation bar, and `flask search reindex`."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import delete

from committees.db import db
from committees.models import ActionItem, SearchEntry
from tests import factories as f
from tests.domain.test_decisions import _minutes
from tests.domain.test_search import HOSTILE
from tests.queries import count_queries


def page(client, url: str):
    response = client.get(url)
    return response, response.get_data(as_text=True)


@pytest.fixture
def content(world):
    published = _minutes(world.committee, world.cochair, "published", texts=("Open a legal aid desk in Αθήνα",),
                         title="April meeting")
    draft = _minutes(world.committee, world.cochair, "draft", texts=("A draft legal aid idea",), title="May meeting")
    item = ActionItem(committee=world.committee, title="Find a legal aid lawyer", owner_person=world.representative,
                      created_at=datetime(2025, 5, 2, tzinfo=timezone.utc))
    db.session.add(item)
    db.session.commit()
    return {"published": published, "draft": draft, "action": item}


def test_results_link_to_each_thing_with_its_kind_and_the_words_marked(client, login_as, world, content):
    response, html = page(login_as(world.cochair), "/search?q=LEGAL+aid")
    assert response.status_code == 200
    published, draft, action = content["published"], content["draft"], content["action"]
    assert f'href="/meetings/{published.meeting_id}/minutes#decision-{published.decisions[0].id}"' in html
    assert f'href="/meetings/{draft.meeting_id}/minutes#decision-{draft.decisions[0].id}"' in html
    assert f'href="/actions/{action.id}"' in html
    assert f'href="/meetings/{published.meeting_id}#item-' in html  # the agenda item "Legal aid referrals"
    assert "<mark>legal aid</mark>" in html and "Find a <mark>legal aid</mark> lawyer" in html  # one mark
    assert ">Decision</span>" in html and ">Action item</span>" in html and ">Agenda item</span>" in html
    assert "Access and Legal Rights" in html
    assert re.search(r"\d+ results for “LEGAL aid”", html)
    assert 'value="LEGAL aid"' in html  # the query is kept in the form


def test_each_reader_finds_only_what_they_may_see(client, login_as, world, content):
    draft_link = f"/meetings/{content['draft'].meeting_id}/minutes#decision-"
    _, public = page(client, "/search?q=legal+aid")
    assert f"/meetings/{content['published'].meeting_id}/minutes#decision-" in public
    assert draft_link not in public and "/actions/" not in public
    _, observer = page(login_as(world.observer), "/search?q=legal+aid")
    assert draft_link not in observer and f"/actions/{content['action'].id}" in observer
    _, outsider = page(login_as(world.non_member), "/search?q=legal+aid")
    assert "/actions/" not in outsider and draft_link not in outsider


def test_greek_without_accents_finds_the_accented_text(client, content):
    response, html = page(client, "/search?q=%CE%91%CE%98%CE%97%CE%9D%CE%91")  # ΑΘΗΝΑ
    assert response.status_code == 200 and "<mark>Αθήνα</mark>" in html


def test_kind_committee_and_year_filters_with_counts(client, login_as, world, content):
    coordinator = login_as(world.coordinator)
    _, html = page(coordinator, "/search?q=legal")
    assert 'href="/search?kind=action_item&amp;q=legal"' in html
    _, only_actions = page(coordinator, "/search?q=legal&kind=action_item")
    assert "1 result for" in only_actions and f"/actions/{content['action'].id}" in only_actions
    assert 'aria-current="page"' in only_actions
    _, other = page(coordinator, f"/search?q=legal&committee={world.other_committee.id}")
    assert "0 results for" in other and "Nothing found" in other
    _, in_2025 = page(coordinator, "/search?q=lawyer&year=2025")
    assert f"/actions/{content['action'].id}" in in_2025
    assert '<option value="2025">2025</option>' in html or '<option value="2025"' in html


def test_pages_keep_the_query_and_count_queries_that_do_not_grow(client, login_as, world):
    for n in range(12):
        db.session.add(ActionItem(committee=world.committee, title=f"Seagull count {n}"))
    db.session.commit()
    coordinator = login_as(world.coordinator)
    response, html = page(coordinator, "/search?q=seagull&per_page=5")
    assert response.status_code == 200 and html.count('class="search-hit') == 5
    assert "/search?q=seagull&amp;per_page=5&amp;page=2" in html
    _, last = page(coordinator, "/search?q=seagull&per_page=5&page=3")
    assert last.count('class="search-hit') == 2
    _, beyond = page(coordinator, "/search?q=seagull&per_page=5&page=9")
    assert "fewer pages" in beyond
    with count_queries() as few:
        coordinator.get("/search?q=seagull&per_page=1")
    with count_queries() as many:
        coordinator.get("/search?q=seagull&per_page=50")
    assert len(few) == len(many)


@pytest.mark.parametrize("url", ["/search?q=" + "a" * 201, "/search?q=x&kind=meeting", "/search?q=x&year=1066",
                                 "/search?q=x&committee=abc", "/search?q=x&page=0", "/search?q=x&page=abc"])
def test_bad_input_is_a_400_with_the_form_kept(client, url):
    response, html = page(client, url)
    assert response.status_code == 400
    if "page=" not in url:
        assert 'class="form-control' in html and "invalid-feedback" in html
        assert 'value="' + url.split("q=")[1].split("&")[0] + '"' in html


RAW = ["%ff%fe", "%c3%28", "%00", "%e2%80%ae", "'%3B--", "%22%3Cmark%3E"]  # sent as typed: invalid UTF-8 too


@pytest.mark.parametrize("query", [q for q in HOSTILE if q != "\udcff"] + RAW)
def test_hostile_queries_never_fail(client, login_as, world, query):
    f.make_org("Asylum Help Desk")
    for reader in (client, login_as(world.coordinator)):
        response = reader.get(f"/search?q={query}") if query in RAW else reader.get(
            "/search", query_string={"q": query})
        assert response.status_code in (200, 400), query
        assert "<mark><" not in response.get_data(as_text=True)


def test_text_is_escaped_and_only_the_marks_are_markup(client, login_as, world):
    f.make_org('"\'><svg onload=x> Otter Rescue', description="<script>alert('otter')</script> otter")
    _, html = page(login_as(world.representative), "/search?q=otter+%3Csvg%3E")
    assert "<svg" not in html and "<script>alert" not in html
    assert "&#34;&#39;&gt;&lt;<mark>svg</mark> onload=x&gt; <mark>Otter</mark> Rescue" in html
    _, html = page(login_as(world.representative), "/search?q=%22%3E%3Csvg+onload%3Dx%3E")
    assert "<svg" not in html and "&lt;<mark>svg onload</mark>=<mark>x</mark>&gt;" in html


def test_the_navigation_bar_has_a_labelled_search_box(client, login_as, world):
    for reader in (client, login_as(world.representative)):
        _, html = page(reader, "/")
        assert 'role="search"' in html and 'action="/search"' in html
        assert '<label class="visually-hidden" for="navbar-search-q">' in html
        assert 'id="navbar-search-q" name="q"' in html


def test_an_empty_search_shows_the_form_only(client):
    response, html = page(client, "/search")
    assert response.status_code == 200 and "results for" not in html and 'id="q"' in html
    _, punctuation = page(client, "/search?q=%21%21%21")
    assert "Type at least one word" in punctuation


def test_reindex_command_rebuilds_the_index(app, world, content):
    db.session.execute(delete(SearchEntry))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Search index rebuilt" in result.output and "2 decision" in result.output
    client = app.test_client()
    assert "<mark>Αθήνα</mark>" in client.get("/search?q=%CE%B1%CE%B8%CE%B7%CE%BD%CE%B1").get_data(as_text=True)
