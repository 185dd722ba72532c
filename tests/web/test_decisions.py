"""The decisions register on the web: what each reader sees, links to the meeting, minutes and agenda item,
search and filters (bad input 400 with the input kept, hostile input never a 500), paging, the CSV export
(BOM, attachment, no formulas) and a query count that does not grow with the rows."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

from committees.db import db
from committees.models import MeetingState
from committees.services import agendas, meetings
from committees.services import minutes as svc
from tests import factories as f
from tests.queries import count_queries

URL = "/committees/access-legal/decisions"
CSV_URL = URL + ".csv"


def _minutes(world, state: str, texts, start: datetime, committee=None, chair=None, title="Regular meeting"):
    committee, chair = committee or world.committee, chair or world.cochair
    meeting = meetings.create_meeting(chair, committee, title=title, venue="City Hall", format="in_person",
                                      starts_at=start, ends_at=start + timedelta(hours=2))
    agendas.add_item(chair, meeting, title="Interpreters at the service centres")
    meeting.state = MeetingState.HELD
    minutes = svc.create_minutes(chair, meeting)
    for text in texts:
        svc.add_decision(chair, minutes, text, section=minutes.sections[0])
    f.advance_minutes(chair, minutes, state)
    db.session.commit()
    return minutes


@pytest.fixture
def register(world):
    return {
        "published": _minutes(world, "published", ["Ask the asylum service for monthly figures"],
                              datetime(2025, 4, 7, 10), title="April meeting"),
        "circulated": _minutes(world, "circulated", ["Hire two more interpreters"], datetime(2026, 1, 12, 10),
                               title="January meeting"),
        "draft": _minutes(world, "draft", ["A draft decision nobody else sees"], datetime(2026, 2, 9, 10),
                          title="February meeting"),
    }


def page(client, url=URL):
    response = client.get(url)
    return response, response.get_data(as_text=True)


def test_register_shows_each_reader_what_they_may_read_with_links(client, login_as, world, register):
    response, html = page(login_as(world.representative))
    assert response.status_code == 200
    assert "Hire two more interpreters" in html and "Ask the asylum service" in html
    assert "A draft decision nobody else sees" not in html
    circulated = register["circulated"]
    decision = circulated.decisions[0]
    assert f'href="/meetings/{circulated.meeting_id}"' in html
    assert f'href="/meetings/{circulated.meeting_id}/minutes#decision-{decision.id}"' in html
    item = circulated.meeting.items[0]
    assert f'href="/meetings/{circulated.meeting_id}#item-{item.id}">Interpreters at the service centres</a>' in html
    assert decision.number in html and "2026/01-1" == decision.number
    assert "not approved yet" in html  # the circulated decision is marked provisional
    assert html.index("Hire two more interpreters") < html.index("Ask the asylum service")  # newest first

    public_html = page(client)[1]
    assert "Ask the asylum service" in public_html and "Hire two more interpreters" not in public_html
    assert "A draft decision nobody else sees" in page(login_as(world.secretary))[1]


def test_register_private_committee_shows_non_members_nothing(client, login_as, world):
    _minutes(world, "published", ["Private health decision"], datetime(2025, 9, 1, 10),
             committee=world.other_committee, chair=world.coordinator)
    private = "/committees/health/decisions"
    assert client.get(private).status_code == 404
    response, html = page(login_as(world.non_member), private)
    assert response.status_code == 200 and "Private health decision" not in html and "0 decisions" in html
    assert "Private health decision" in page(login_as(world.other_rep), private)[1]
    assert "Private health decision" in page(login_as(world.coordinator), private)[1]


def test_register_search_and_filters(login_as, world, register):
    client = login_as(world.cochair)
    html = page(client, URL + "?q=INTERPRETERS")[1]
    assert "Hire two more interpreters" in html and "Ask the asylum service" not in html
    assert 'value="INTERPRETERS"' in html and "1 decision matches the search" in html
    html = page(client, URL + "?year=2025")[1]
    assert "Ask the asylum service" in html and "Hire two more interpreters" not in html
    assert '<option selected value="2025">' in html or '<option value="2025" selected>' in html
    meeting_id = register["draft"].meeting_id
    html = page(client, f"{URL}?meeting={meeting_id}")[1]
    assert "A draft decision nobody else sees" in html and "Hire two more" not in html
    html = page(client, URL + "?q=nothing+like+this")[1]
    assert "No decisions match the search" in html


def test_register_bad_filters_are_400_with_the_input_kept(login_as, world, register):
    client = login_as(world.cochair)
    response, html = page(client, URL + "?q=interpreters&year=1999")
    assert response.status_code == 400 and 'value="interpreters"' in html and "Not a valid choice" in html
    response, html = page(client, URL + "?q=" + "x" * 201)
    assert response.status_code == 400 and "Field cannot be longer than 200 characters" in html
    # A meeting of another committee is not one of the choices.
    other = _minutes(world, "circulated", ["Elsewhere"], datetime(2025, 9, 1, 10), committee=world.other_committee,
                     chair=world.coordinator)
    assert client.get(f"{URL}?meeting={other.meeting_id}").status_code == 400
    assert client.get(URL + "?page=abc").status_code == 400
    assert client.get(CSV_URL + "?meeting=abc").status_code == 400


@pytest.mark.parametrize("q", ["'", '"', "\\", "%", "_", "%%", "\\%", "'; DROP TABLE decision; --", "' OR '1'='1",
                               "%00", "a%00b", "<script>alert(1)</script>", "😀", "x" * 200, "ΥΠΗΡΕΣΙΑ ασύλου"])
def test_register_hostile_search_is_never_a_500(login_as, world, register, q):
    from urllib.parse import quote

    client = login_as(world.cochair)
    for url in (URL, CSV_URL):
        response = client.get(f"{url}?q={quote(q)}" if q not in ("%00", "a%00b") else f"{url}?q={q}")
        assert response.status_code in (200, 400), (url, q, response.status_code)
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_register_pages(login_as, world):
    _minutes(world, "circulated", [f"Decision number {n}" for n in range(5)], datetime(2025, 5, 5, 10))
    client = login_as(world.cochair)
    response, html = page(client, URL + "?per_page=2&q=Decision+number")
    assert response.status_code == 200 and 'rel="next"' in html and "5 decisions match the search" in html
    assert "Decision number 4" in html and "Decision number 2" not in html
    html = page(client, URL + "?per_page=2&page=3&q=Decision+number")[1]
    assert "Decision number 0" in html and 'rel="next"' not in html and "q=Decision" in html


def test_register_escapes_text_and_links_the_proposal(login_as, world):
    minutes = _minutes(world, "circulated", ['<script>alert("x")</script> & more'], datetime(2025, 5, 5, 10))
    from committees.models import Proposal  # decision.proposal_id is a foreign key: a real proposal

    proposal = Proposal(committee=world.committee, organisation=world.ngo, title="Linked proposal")
    db.session.add(proposal)
    db.session.flush()
    minutes.decisions[0].proposal_id = proposal.id
    db.session.commit()
    html = page(login_as(world.cochair))[1]
    assert '<script>alert("x")' not in html and "&lt;script&gt;" in html
    assert "The proposal this decision concerns" in html and f'href="/proposals/{proposal.id}"' in html
    # the observer (another organisation) may not see the author organisation's draft: no link to it
    other = page(login_as(world.observer))[1]
    assert "Linked proposal" not in other and f'href="/proposals/{proposal.id}"' not in other


def test_register_minutes_link_only_when_the_minutes_pages_exist(app, world, monkeypatch):
    from portal.minutes.decision_views import minutes_url, proposal_url

    minutes = _minutes(world, "circulated", ["Linked"], datetime(2025, 5, 5, 10))
    with app.test_request_context():
        assert minutes_url(minutes.meeting_id, 7) == f"/meetings/{minutes.meeting_id}/minutes#decision-7"
        assert proposal_url(minutes.decisions[0]) is None
        monkeypatch.delitem(app.view_functions, "minutes.show_minutes")
        assert minutes_url(minutes.meeting_id) is None


def _csv(response) -> list[list[str]]:
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_register_csv_export(client, login_as, world, register):
    october_minutes = _minutes(world, "circulated", ["=HYPERLINK(\"http://evil.example\")", "+1", "-2", "@SUM(A1)",
                                                     "Plain text, with a comma"], datetime(2025, 10, 6, 10),
                               title="October meeting")
    response = login_as(world.cochair).get(CSV_URL)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="decisions-access-legal-')
    assert response.headers["Cache-Control"] == "no-store"
    rows = _csv(response)
    assert rows[0] == ["Number", "Date", "Meeting", "Agenda item", "Decision", "Minutes", "Meeting page"]
    texts = [r[4] for r in rows[1:]]
    assert texts[0] == "A draft decision nobody else sees"
    assert {"'=HYPERLINK(\"http://evil.example\")", "'+1", "'-2", "'@SUM(A1)", "Plain text, with a comma"} <= set(texts)
    october = next(r for r in rows if r[4] == "Plain text, with a comma")
    assert october[1] == "2025-10-06" and october[2] == "October meeting"
    assert october[3] == "Interpreters at the service centres" and october[5] == "Circulated for comments"
    assert october[6].endswith(f"/meetings/{october_minutes.meeting_id}") and october[0] == "2025/10-5"
    # The same filters as the page; the public gets the published decisions only.
    filtered = _csv(login_as(world.cochair).get(CSV_URL + "?q=asylum"))
    assert [r[4] for r in filtered[1:]] == ["Ask the asylum service for monthly figures"]
    public = _csv(client.get(CSV_URL))
    assert [r[4] for r in public[1:]] == ["Ask the asylum service for monthly figures"]


def test_register_queries_do_not_grow_with_rows(login_as, world):
    client = login_as(world.representative)
    _minutes(world, "circulated", ["First"], datetime(2025, 1, 6, 10))
    client.get(URL)
    with count_queries() as few:
        assert client.get(URL).status_code == 200
    for month in range(2, 8):
        _minutes(world, "circulated", [f"Decision {month}-{n}" for n in range(3)], datetime(2025, month, 6, 10))
    with count_queries() as many:
        response = client.get(URL)
    assert response.status_code == 200 and response.get_data(as_text=True).count('class="decision-row"') == 19
    assert len(many) == len(few), many
    with count_queries() as csv_queries:
        assert client.get(CSV_URL).status_code == 200
    assert len(csv_queries) <= len(few)


def test_committee_page_links_to_the_register(client, world):
    html = client.get("/committees/access-legal").get_data(as_text=True)
    assert f'href="{URL}">See the decisions register</a>' in html


def test_minutes_and_meeting_pages_link_a_proposal_only_for_readers_who_may_see_it(login_as, world):
    """The links come with the decisions' and agenda items' own statements (proposal_visible): a draft of the
    representative's organisation is linked for them, never for the observer of another organisation."""
    from committees.models import Proposal

    minutes = _minutes(world, "circulated", ["About the draft"], datetime(2025, 5, 5, 10))
    proposal = Proposal(committee=world.committee, organisation=world.representative.organisation,
                        title="Linked draft")
    db.session.add(proposal)
    db.session.flush()
    minutes.decisions[0].proposal_id = proposal.id
    minutes.meeting.items[0].proposal_id = proposal.id
    db.session.commit()
    link = f'href="/proposals/{proposal.id}"'
    for url, words in ((f"/meetings/{minutes.meeting_id}/minutes", "The proposal this decision concerns"),
                       (f"/meetings/{minutes.meeting_id}", "The proposal discussed under this item")):
        author = page(login_as(world.representative), url)[1]
        assert link in author and words in author, url
        response, other = page(login_as(world.observer), url)
        assert response.status_code == 200 and ("About the draft" in other or "Interpreters" in other), url
        assert link not in other and words not in other, url
