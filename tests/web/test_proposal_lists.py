"""Proposal lists, CSV, the pipeline report and the public pages on the web: what each reader sees (drafts of other
organisations never, private committees hidden), filters, sorting, paging, hostile parameters (400 with the form
kept, never a 500), the CSV export (BOM, attachment, no formulas), the report's figures on a known data set, and
query counts that do not grow with the rows."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from committees.db import db
from committees.models import CosponsorStatus, ProposalCosponsor
from committees.services import proposals as svc
from portal.proposals.pipeline_views import year_chart
from committees.proposal_lists import YearFigures
from tests import factories as f
from tests.domain.test_proposals import colleague, file_proposal, proposal_in
from tests.domain.test_proposals_lists import _history, _raw, known  # noqa: F401 (a fixture)
from tests.queries import count_queries

UTC = timezone.utc
LIST = "/proposals"
COMMITTEE_LIST = "/committees/access-legal/proposals"
PIPELINE = "/proposals/pipeline"


def html_of(client, url):
    response = client.get(url)
    return response, response.get_data(as_text=True)


def titles(html: str) -> list[str]:
    """The proposal titles of the list, in order."""
    return re.findall(r'<tr class="proposal-row" id="proposal-\d+">\s*<th scope="row" class="fw-normal">\s*'
                      r'(?:<a class="fw-semibold" href="[^"]*">|<span class="fw-semibold">)([^<]*)<', html)


def _csv(response) -> list[list[str]]:
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.fixture
def mix(world):
    """One proposal per interesting case, by title."""
    t = datetime(2025, 3, 1, 10, tzinfo=UTC)
    made = {
        "ngo draft": _raw(world, "ngo", "draft", submitted=False, title="NGO draft", at=t),
        "municipal draft": _raw(world, "municipal", "draft", submitted=False, title="Municipal draft", at=t),
        "submitted": _raw(world, "ngo", "submitted", title="Submitted housing", at=t + timedelta(days=1)),
        "under review": _raw(world, "municipal", "under_review", title="Under review schools",
                             at=t + timedelta(days=2)),
        "forwarded": _raw(world, "ngo", "forwarded", title="Forwarded legal aid", at=t + timedelta(days=3)),
        "adopted": _raw(world, "municipal", "adopted", title="Adopted interpreters", at=t + timedelta(days=400)),
        "private adopted": _raw(world, "outsider_org", "adopted", "other_committee", title="Private clinic",
                                at=t + timedelta(days=5)),
        "private submitted": _raw(world, "outsider_org", "submitted", "other_committee", title="Private dentist",
                                  at=t + timedelta(days=6)),
    }
    forwarded = made["forwarded"]
    forwarded.city_department, forwarded.response_deadline = "Directorate of Social Solidarity", t.date()
    db.session.commit()
    return made


# -- who sees what ---------------------------------------------------------------------------------------------------

def test_each_reader_sees_what_they_may(client, login_as, world, mix):
    everything_submitted = {"Submitted housing", "Under review schools", "Forwarded legal aid",
                            "Adopted interpreters"}
    response, html = html_of(login_as(world.representative), LIST)
    assert response.status_code == 200
    assert set(titles(html)) == everything_submitted | {"NGO draft"}  # own draft; not the municipal body's
    assert set(titles(html_of(login_as(world.secretary), LIST)[1])) == everything_submitted | {"Municipal draft"}
    coordinator = set(titles(html_of(login_as(world.coordinator), LIST)[1]))
    assert coordinator == everything_submitted | {"Private clinic", "Private dentist"}  # no drafts at all
    assert set(titles(html_of(login_as(world.other_rep), LIST)[1])) == {
        "Private clinic", "Private dentist", "Forwarded legal aid", "Adopted interpreters"}
    # Staff of the author organisation without a role in its (private) committee see their organisation's.
    assert set(titles(html_of(login_as(world.non_member), LIST)[1])) == {
        "Private clinic", "Private dentist", "Forwarded legal aid", "Adopted interpreters"}
    # The public: forwarded proposals of public committees only, with their outcome, under a public heading.
    response, html = html_of(client, LIST)
    assert response.status_code == 200 and set(titles(html)) == {"Forwarded legal aid", "Adopted interpreters"}
    assert "Proposals forwarded to the City" in html and "Adopted by the City" in html
    assert "Directorate of Social Solidarity" in html and "Reply overdue" in html
    assert 'value="draft"' not in html  # the public is offered the public stages only


def test_committee_lists_and_private_committees(client, login_as, world, mix):
    assert set(titles(html_of(login_as(world.cochair), COMMITTEE_LIST)[1])) == {
        "NGO draft", "Submitted housing", "Under review schools", "Forwarded legal aid", "Adopted interpreters"}
    assert set(titles(html_of(client, COMMITTEE_LIST)[1])) == {"Forwarded legal aid", "Adopted interpreters"}
    private = "/committees/health/proposals"
    assert client.get(private).status_code == 404 and client.get(private + ".csv").status_code == 404
    stranger = f.make_person("stranger@example.org", org=f.make_org("Another NGO"), name="Stella Stranger")
    response, html = html_of(login_as(stranger), private)
    assert response.status_code == 200 and titles(html) == [] and "0 proposals" in html
    assert set(titles(html_of(login_as(stranger), LIST)[1])) == {"Forwarded legal aid", "Adopted interpreters"}
    assert set(titles(html_of(login_as(world.other_rep), private)[1])) == {"Private clinic", "Private dentist"}
    assert login_as(world.cochair).get("/committees/nowhere/proposals").status_code == 404
    # The committee page links to its list.
    assert f'href="{COMMITTEE_LIST}"' in client.get("/committees/access-legal").get_data(as_text=True)


def test_links_to_the_proposal_page_and_the_filing_form(app, login_as, world, mix):
    html = html_of(login_as(world.representative), COMMITTEE_LIST)[1]
    if "proposals.show_proposal" in app.view_functions:
        assert f'href="/proposals/{mix["submitted"].id}"' in html
    if "proposals.new_proposal" in app.view_functions:
        assert 'href="/committees/access-legal/proposals/new"' in html
        assert "/proposals/new" not in html_of(login_as(world.observer), COMMITTEE_LIST)[1]


def test_navbar_links_to_the_proposals(client, login_as, world):
    assert f'href="{LIST}"' in client.get("/").get_data(as_text=True)
    html = client.get("/").get_data(as_text=True) + login_as(world.representative).get("/").get_data(as_text=True)
    assert ">Proposals</a>" in html


def test_pending_invitations_are_shown_to_the_invited_organisation(login_as, world):
    draft = file_proposal(world, title="Please co-sponsor")
    svc.invite_cosponsor(world.representative, draft, world.municipal)
    db.session.commit()
    html = html_of(login_as(world.secretary), LIST)[1]
    assert "invited to co-sponsor 1 proposal" in html and "Please co-sponsor" in html
    assert "invited to co-sponsor" not in html_of(login_as(world.representative), LIST)[1]


# -- filters, order, pages -------------------------------------------------------------------------------------------

def test_filters_and_sorts(login_as, world, mix):
    client = login_as(world.coordinator)

    def shown(query):
        response, html = html_of(client, f"{LIST}?{query}")
        assert response.status_code == 200, (query, html[:300])
        return titles(html)

    assert shown("") == ["Adopted interpreters", "Private dentist", "Private clinic", "Forwarded legal aid",
                         "Under review schools", "Submitted housing"]
    assert shown("sort=oldest")[0] == "Submitted housing"
    assert shown("sort=title") == sorted(shown(""), key=str.lower)
    assert shown("committee=health") == ["Private dentist", "Private clinic"]
    assert shown("state=in_committee") == ["Private dentist", "Under review schools", "Submitted housing"]
    assert shown("state=adopted") == ["Adopted interpreters", "Private clinic"]
    assert shown("state=forwarded&committee=access-legal") == ["Forwarded legal aid"]
    assert shown(f"organisation_id={world.municipal.id}") == ["Adopted interpreters", "Under review schools"]
    assert shown("year=2026") == ["Adopted interpreters"]
    assert shown("q=LEGAL") == ["Forwarded legal aid"]
    html = html_of(client, f"{LIST}?q=legal&state=public")[1]
    assert 'value="legal"' in html and "1 proposal matches" in html
    assert re.search(r'<option (selected )?value="public"( selected)?>', html)
    # Co-sponsored counts for the organisation filter; the committee list filters the same way.
    mix["submitted"].cosponsors.append(ProposalCosponsor(organisation=world.municipal,
                                                         status=CosponsorStatus.ACCEPTED))
    db.session.commit()
    assert "Submitted housing" in shown(f"organisation_id={world.municipal.id}")
    html = html_of(client, f"{COMMITTEE_LIST}?state=under_review")[1]
    assert titles(html) == ["Under review schools"]
    assert "With: Athens Social Services Directorate" in html_of(client, LIST)[1]


def test_the_organisation_filter_is_typed_with_suggestions_from_visible_proposals(client, login_as, world, mix):
    """No list of every organisation on the page: a type-ahead field whose suggestions (and typed text) only name
    organisations of proposals the reader may see."""
    chair = login_as(world.cochair)
    html = html_of(chair, LIST)[1]
    field = re.search(r'<input[^>]*name="organisation"[^>]*>', html).group(0)
    assert 'data-lookup="/proposals/organisations.json"' in field
    suggest_here = f'data-lookup="/proposals/organisations.json?committee={world.committee.slug}"'
    assert html_of(chair, COMMITTEE_LIST)[1].count(suggest_here) == 1
    suggest = "/proposals/organisations.json?q="
    assert [r["label"] for r in chair.get(suggest + "athens").get_json()["results"]] == [
        "Athens Social Services Directorate (ASSD)", "Solidarity Now Athens (SNA)"]
    # the public sees only what public proposals name; a private committee is not revealed
    assert [r["label"] for r in login_as(world.coordinator).get(suggest + "institute").get_json()["results"]] == [
        "Unrelated Academic Institute (UAI)"]  # its proposals are in the private committee
    assert chair.get(suggest + "institute").get_json()["results"] == []
    assert client.get(suggest + "institute").get_json()["results"] == []
    assert len(client.get(suggest + "athens").get_json()["results"]) == 2  # both have public proposals
    assert client.get(suggest + "athens&committee=health").status_code in (302, 404)
    # typed, in part: the list filters and the box then shows the organisation's label
    response, html = html_of(chair, f"{LIST}?organisation=social+services")
    assert response.status_code == 200 and titles(html) == ["Adopted interpreters", "Under review schools"]
    assert 'value="Athens Social Services Directorate (ASSD)"' in html
    # several match: they are offered to choose from, and the text is kept
    response, html = html_of(chair, f"{LIST}?organisation=athens")
    assert response.status_code == 400 and "Several match" in html and 'value="athens"' in html
    assert f'name="organisation_id" id="organisation-match-{world.municipal.id}"' in html
    response, html = html_of(chair, f"{LIST}?organisation=athens&organisation_id={world.municipal.id}")
    assert response.status_code == 200 and titles(html) == ["Adopted interpreters", "Under review schools"]


@pytest.mark.parametrize("query", ["state=nonsense", "state=DRAFT", "sort=id;drop", "committee=nowhere",
                                   "organisation_id=abc", "organisation_id=999999", "organisation=no+such+organisation",
                                   "year=abc", "year=1999",
                                   "q=" + "x" * 201])
def test_bad_filters_are_400_with_the_form_kept(login_as, world, mix, query):
    client = login_as(world.cochair)
    kept = "" if query.startswith("q=") else "q=kept&"
    for url in (f"{LIST}?{kept}{query}", f"{COMMITTEE_LIST}?{kept}{query}"):
        if "committee=" in query and url.startswith(COMMITTEE_LIST):
            continue  # the committee list has no committee filter: the argument is ignored
        response, html = html_of(client, url)
        assert response.status_code == 400, url
        assert 'value="kept"' in html or "x" * 201 in html
        assert 'class="alert alert-danger"' in html
    assert client.get(f"{LIST}.csv?{query}").status_code == 400


def test_the_public_may_not_filter_on_private_stages_or_committees(client, world, mix):
    assert client.get(f"{LIST}?state=draft").status_code == 400
    assert client.get(f"{LIST}?committee=health").status_code == 400
    assert client.get(f"{LIST}?state=adopted").status_code == 200


@pytest.mark.parametrize("q", ["'", '"', "\\", "%", "_", "' OR '1'='1", "%00", "<script>alert(1)</script>", "😀",
                               "ΝΟΜΙΚΗ βοήθεια", "x" * 200])
def test_hostile_search_is_never_a_500(login_as, world, mix, q):
    client = login_as(world.cochair)
    for url in (LIST, LIST + ".csv", COMMITTEE_LIST, COMMITTEE_LIST + ".csv"):
        response = client.get(f"{url}?q={quote(q)}" if q != "%00" else f"{url}?q=%00")
        assert response.status_code in (200, 400), (url, q)
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["page=0", "page=abc", "per_page=0", "page=-1", "page=100001"])
def test_bad_pages_are_400(login_as, world, query):
    assert login_as(world.cochair).get(f"{LIST}?{query}").status_code == 400


def test_pages(login_as, world):
    for n in range(5):
        _raw(world, "ngo", "submitted", title=f"Numbered {n}", at=datetime(2025, 1, 1 + n, tzinfo=UTC))
    client = login_as(world.cochair)
    html = html_of(client, f"{LIST}?per_page=2&q=Numbered")[1]
    assert titles(html) == ["Numbered 4", "Numbered 3"] and 'rel="next"' in html and "5 proposals match" in html
    html = html_of(client, f"{LIST}?per_page=2&page=3&q=Numbered")[1]
    assert titles(html) == ["Numbered 0"] and 'rel="next"' not in html and "q=Numbered" in html
    html = html_of(client, f"{LIST}?page=9")[1]
    assert titles(html) == [] and "nothing on this page" in html
    assert len(titles(html_of(client, f"{LIST}?per_page=1000")[1])) == 5  # clamped, not refused


def test_text_is_escaped(login_as, world):
    _raw(world, "ngo", "submitted", title='<script>alert("x")</script> & more')
    html = html_of(login_as(world.cochair), LIST)[1]
    assert '<script>alert("x")' not in html and "&lt;script&gt;" in html


def test_list_queries_do_not_grow_with_rows(login_as, world):
    irc = f.make_org("IRC")
    f.make_membership(world.committee, irc)
    client = login_as(world.representative)

    def count(n: int, url: str) -> int:
        for i in range(n):
            p = _raw(world, "ngo", "submitted", title=f"Q{i}")
            p.cosponsors.append(ProposalCosponsor(organisation=irc, status=CosponsorStatus.ACCEPTED))
        db.session.commit()
        client.get(url)
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    for url in (LIST, COMMITTEE_LIST):
        few = count(2, url)
        assert count(20, url) == few and few <= 8, (url, few)  # issue 9: the budget of 8 statements


# -- CSV -------------------------------------------------------------------------------------------------------------

def test_csv_export(client, login_as, world, mix):
    for text in ('=HYPERLINK("http://evil.example")', "+1", "-2", "@SUM(A1)"):
        _raw(world, "ngo", "submitted", title=text)
    mix["submitted"].budget_eur = 12500.5
    db.session.commit()
    response = login_as(world.cochair).get(COMMITTEE_LIST + ".csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="proposals-access-legal-')
    assert response.headers["Cache-Control"] == "no-store"
    rows = _csv(response)
    assert rows[0][:6] == ["ID", "Title", "Committee", "Author organisation", "Co-sponsors", "Stage"]
    by_title = {r[1]: r for r in rows[1:]}
    assert {"'=HYPERLINK(\"http://evil.example\")", "'+1", "'-2", "'@SUM(A1)", "NGO draft"} <= set(by_title)
    assert "Municipal draft" not in by_title and "Private clinic" not in by_title
    housing = by_title["Submitted housing"]
    assert housing[2] == "Access and Legal Rights" and housing[3] == "Solidarity Now Athens"
    assert housing[5] == "Submitted" and housing[7] == "2025-03-02" and housing[9] == "12500.50"
    forwarded = by_title["Forwarded legal aid"]
    assert forwarded[10] == "Directorate of Social Solidarity" and forwarded[11] == "2025-03-01"
    # The same filters as the page; the public gets the public list only.
    filtered = _csv(login_as(world.coordinator).get(LIST + ".csv?committee=health&sort=title"))
    assert [r[1] for r in filtered[1:]] == ["Private clinic", "Private dentist"]
    public = _csv(client.get(LIST + ".csv"))
    assert sorted(r[1] for r in public[1:]) == ["Adopted interpreters", "Forwarded legal aid"]


# -- the pipeline report ---------------------------------------------------------------------------------------------

def _cells(html: str, table_class: str) -> dict[str, list[str]]:
    """{row header: [cell texts]} of the table with that class (tags stripped)."""
    table = html.split(f'pipeline-{table_class}">', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.usefixtures("known")
def test_pipeline_report_figures(login_as, world):
    w = world
    response, html = html_of(login_as(w.coordinator), PIPELINE)
    assert response.status_code == 200
    counts = _cells(html, "counts")
    assert counts["Stage"] == ["Access and Legal Rights", "Health and Wellbeing", "All committees"]
    assert counts["Submitted"] == ["1", "0", "1"]
    assert counts["Adopted by the City"] == ["1", "0", "1"]
    assert counts["Adopted in part by the City"] == ["0", "1", "1"]
    assert counts["Total"] == ["3", "1", "4"]
    medians = _cells(html, "medians")
    assert medians["Submitted"] == ["2.0", "3.0", "2.5"]
    assert medians["Forwarded to the City"][2] == "31.0"
    assert medians["Returned for revision"] == ["10.0", "–no finished stay", "10.0"]
    years = _cells(html, "years")
    # In the reader's zone (Athens): the proposal forwarded on 31 December 23:00 UTC counts in 2025.
    assert years["2024"] == ["1", "1", "0", "0"] and years["2025"] == ["2", "0", "1", "1"]
    assert '<svg class="pipeline-svg"' in html and "2025: 2 forwarded, 1 adopted in full or in part" in html
    assert " style=" not in html and "<script>" not in html.split("</main>")[0]
    assert 'href="/proposals?committee=access-legal&amp;state=submitted"' in html


@pytest.mark.usefixtures("known")
def test_pipeline_report_scope(login_as, world):
    w = world
    cochair = login_as(w.cochair)
    response, html = html_of(cochair, PIPELINE)
    assert response.status_code == 200 and "Health and Wellbeing" not in html
    assert _cells(html, "counts")["Total"] == ["3"]  # one committee: no "all" column
    assert cochair.get(PIPELINE + "?committee=access-legal").status_code == 200
    assert cochair.get(PIPELINE + "?committee=health").status_code == 403
    assert cochair.get(PIPELINE + "?committee=nowhere").status_code == 404
    assert cochair.get(PIPELINE + "/stages.csv?committee=health").status_code == 403
    html = html_of(login_as(w.coordinator), PIPELINE + "?committee=health")[1]
    assert _cells(html, "counts")["Total"] == ["1"]
    for person in (w.representative, w.secretary, w.observer):
        assert login_as(person).get(PIPELINE).status_code == 403
    # The list links to the report for those who may read it.
    assert "/proposals/pipeline" in cochair.get(LIST).get_data(as_text=True)
    assert "/proposals/pipeline" not in login_as(w.representative).get(LIST).get_data(as_text=True)


@pytest.mark.usefixtures("known")
def test_pipeline_csv(login_as, world):
    client = login_as(world.coordinator)
    response = client.get(PIPELINE + "/stages.csv")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith(
        'attachment; filename="proposals-pipeline-stages-')
    rows = _csv(response)
    assert rows[0] == ["Committee", "Stage", "Proposals now in it", "Median days in the stage"]
    assert ["All committees", "Submitted", "1", "2.5"] in rows
    assert ["Health and Wellbeing", "Adopted in part by the City", "1", ""] in rows
    assert ["Access and Legal Rights", "Returned for revision", "0", "10.0"] in rows
    years = _csv(client.get(PIPELINE + "/years.csv"))
    assert years == [["Year", "Forwarded to the City", "Adopted", "Adopted in part", "Not adopted"],
                     ["2025", "2", "0", "1", "1"], ["2024", "1", "1", "0", "0"]]
    assert client.get(PIPELINE + "/other.csv").status_code == 404


def test_pipeline_of_an_empty_portal(login_as, world):
    response, html = html_of(login_as(world.cochair), PIPELINE)
    assert response.status_code == 200 and "No proposals have been submitted yet" in html
    assert "No proposal has been forwarded" in html and "<svg" not in html


@pytest.mark.usefixtures("known")
def test_pipeline_queries_are_constant(login_as, world):
    client = login_as(world.coordinator)
    client.get(PIPELINE)
    with count_queries() as before:
        client.get(PIPELINE)
    _history(world, "ngo", "committee", [("draft", "2025-05-01"), ("submitted", "2025-05-02"),
                                         ("under_review", "2025-05-03")])
    with count_queries() as after:
        client.get(PIPELINE)
    assert len(after) == len(before) <= 10


def test_year_chart_geometry():
    chart = year_chart([YearFigures(2025, forwarded=4, adopted=1, adopted_in_part=1, not_adopted=2),
                        YearFigures(2024, forwarded=2)])
    assert [t[1] for t in chart.ticks] == ["2024", "2025"]
    values = [(b.kind, b.value) for b in chart.bars]
    assert values == [("forwarded", 2), ("adopted", 0), ("not_adopted", 0),
                      ("forwarded", 4), ("adopted", 2), ("not_adopted", 2)]
    tallest = max(chart.bars, key=lambda b: b.height)
    assert tallest.value == 4 and tallest.y + tallest.height == chart.baseline
    assert all(0 <= b.x and b.x + b.width <= chart.box[0] for b in chart.bars)
    many = year_chart([YearFigures(y, forwarded=1) for y in range(2000, 2020)])
    assert [t[1] for t in many.ticks][0] == "2010" and len(many.ticks) == 10


def test_demo_like_proposals_render(login_as, world):
    """Real proposals through the services (co-sponsors, supports, a forwarded one) render in every list."""
    proposal_in(world, "forwarded")
    submitted = proposal_in(world, "submitted", title="Supported proposal")
    muni = colleague(world, "municipal", "muni.rep@example.org")
    svc.support(muni, submitted)
    db.session.commit()
    for url in (LIST, COMMITTEE_LIST, LIST + ".csv", PIPELINE):
        assert login_as(world.coordinator).get(url).status_code == 200, url
