"""The action dashboard on the web: figures, co-chair scoping, filters, sorting, paging, hostile input, CSV, the
charts and constant queries. The known data set is tests/domain/test_dashboard.py's, seen on its fixed day."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timezone

import pytest

from committees.db import db
from committees.models.actions import ActionStatus
from portal.actions import dashboard_views
from tests import factories as f
from tests.domain.test_dashboard import known_items, make
from tests.queries import count_queries


@pytest.fixture
def data(world):
    return known_items(world)


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    """The dashboard reads 'today' from the clock: fix it on TODAY, mid-morning in Athens."""
    monkeypatch.setattr(dashboard_views, "utcnow", lambda: datetime(2027, 5, 20, 7, 0, tzinfo=timezone.utc))


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response.get_data(as_text=True)


def rows(html):
    """The text of the first cell of each body row of the page's main table."""
    body = html.split('<section aria-labelledby="view-heading">', 1)[1]
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r'<td class="dashboard-title">(.*?)</td>|<th scope="row">(.*?)</th>', body)
            for cell in cell if cell]


def csv_rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_coordinator_overview_figures_and_charts(world, data, login_as):
    html = page(login_as(world.coordinator), "/dashboard")
    summary = re.findall(r'<span class="dashboard-number">(\d+)</span>', html)
    assert summary == ["13", "4", "3"]  # items, overdue, due in 14 days
    status_table = re.search(r'dashboard-status-counts(.*?)</table>', html, re.S).group(1)
    assert re.findall(r'<th scope="row">([^<]+)</th><td class="text-end">(\d+)<', status_table) == [
        ("Open", "7"), ("In progress", "1"), ("Blocked", "1"), ("Done", "3"), ("Cancelled", "1"), ("Total", "13")]
    assert html.count("<svg") == 2 and 'role="img"' in html
    assert "2026 Q4: 0 completed, 1 overdue. 2027 Q1: 1 completed, 1 overdue. 2027 Q2: 1 completed, 2 overdue." in html
    # The chart's bars: completed then overdue per quarter, each labelled with its number.
    chart = html.split(f'id="chart-{world.committee.id}-heading"')[1].split("</svg>")[0]
    values = re.findall(r'<text class="dashboard-value"[^>]*>(\d+)</text>', chart)
    assert values == ["0", "0", "0", "1", "1", "1", "1", "2"]
    bars = re.findall(r'<rect class="dashboard-bar-(\w+)" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"',
                      chart)
    assert [b[0] for b in bars[:2]] == ["completed", "overdue"] and float(bars[-1][2]) == 124.0  # the tallest
    assert float(bars[-2][2]) == 62.0  # half of it
    # CSP: no inline styles or scripts.
    assert " style=" not in html and "<script>" not in html


def test_overdue_table_links_and_order(app, world, data, login_as):
    html = page(login_as(world.coordinator), "/dashboard?view=overdue")
    assert rows(html) == ["Answer the survey", "Open a help desk", "Vaccination leaflet", "Write to the ministry"]
    item = data["a11"]
    if "actions.show_action" in app.view_functions:
        assert f'href="/actions/{item.id}">Answer the survey</a>' in html
    else:
        assert ">Answer the survey</td>" in html
    assert 'href="/committees/access-legal">Access and Legal Rights</a>' in html
    assert "186 days overdue" in html and 'aria-sort="ascending"' in html
    soon = page(login_as(world.coordinator), "/dashboard?view=due_soon")
    assert rows(soon) == ["Call the lawyers", "Visit the shelter", "Book interpreters"]


def test_breakdowns(world, data, login_as):
    client = login_as(world.coordinator)
    html = page(client, "/dashboard?view=by_committee")
    assert rows(html) == ["Access and Legal Rights", "Health and Wellbeing"]
    assert re.findall(r'<td class="text-end">(?:<a [^>]*>)?(\d+)', html.split("dashboard-breakdown")[1]) == [
        "8", "3", "3", "2", "11", "1", "1", "0", "1", "2"]
    orgs = page(client, "/dashboard?view=by_organisation")
    assert rows(orgs) == ["Athens Social Services Directorate", "Solidarity Now Athens",
                          "Unrelated Academic Institute", "No organisation"]
    assert f'view=overdue&amp;organisation_id={world.ngo.id}' in orgs  # the count links to the filtered list


def test_cochair_sees_only_their_committees(world, data, login_as):
    client = login_as(world.cochair)
    html = page(client, "/dashboard")
    assert re.findall(r'<span class="dashboard-number">(\d+)</span>', html) == ["11", "3", "3"]
    assert html.count("<svg") == 1 and "Health and Wellbeing" not in html
    assert "Vaccination leaflet" not in page(client, "/dashboard?view=overdue")
    assert "Unrelated Academic Institute" not in rows(page(client, "/dashboard?view=by_organisation"))
    page(client, "/dashboard?committee=health", 403)
    page(client, "/dashboard/overdue.csv?committee=health", 403)
    page(client, "/dashboard?committee=no-such-committee", 404)
    assert "Vaccination leaflet" not in login_as(world.cochair).get("/dashboard/overdue.csv").get_data(as_text=True)
    for person in (world.representative, world.secretary, world.observer):
        page(login_as(person), "/dashboard", 403)


def test_filters(world, data, login_as):
    client = login_as(world.coordinator)
    municipal = page(client, f"/dashboard?view=by_committee&organisation_id={world.municipal.id}")
    assert re.findall(r'<td class="text-end">(?:<a [^>]*>)?(\d+)', municipal.split("dashboard-breakdown")[1]) == [
        "2", "1", "1", "1", "3"]
    assert 'value="Athens Social Services Directorate (ASSD)"' in municipal  # the picked organisation, by name
    typed = page(client, "/dashboard?view=by_committee&organisation=social+services")
    assert re.findall(r'<td class="text-end">(?:<a [^>]*>)?(\d+)', typed.split("dashboard-breakdown")[1]) == [
        "2", "1", "1", "1", "3"]
    health = page(client, "/dashboard?view=overdue&committee=health")
    assert rows(health) == ["Vaccination leaflet"]
    assert rows(page(client, "/dashboard?view=overdue&priority=high")) == ["Open a help desk"]
    assert rows(page(client, "/dashboard?view=overdue&status=blocked")) == ["Open a help desk"]
    mine = page(client, f"/dashboard?view=overdue&owner={world.representative.id}")
    assert rows(mine) == ["Answer the survey", "Write to the ministry"]
    assert "Only the items owned by Rita Rep." in mine
    assert f'name="owner" type="hidden" value="{world.representative.id}"' in mine
    done = page(client, "/dashboard?status=done")
    assert re.findall(r'<span class="dashboard-number">(\d+)</span>', done) == ["3", "0", "0"]
    assert '<option selected value="done">' in done  # the filter is kept in the form


def test_sorting_and_pagination(world, data, login_as):
    client = login_as(world.coordinator)
    html = page(client, "/dashboard?view=overdue&sort=title&dir=desc&per_page=3")
    assert rows(html) == ["Write to the ministry", "Vaccination leaflet", "Open a help desk"]
    assert 'aria-sort="descending"' in html and 'rel="next"' in html
    assert rows(page(client, "/dashboard?view=overdue&sort=title&dir=desc&per_page=3&page=2")) == [
        "Answer the survey"]
    assert rows(page(client, "/dashboard?view=by_committee&sort=total&dir=asc")) == [
        "Health and Wellbeing", "Access and Legal Rights"]
    assert "No action items match." in page(client, "/dashboard?view=overdue&page=500")
    assert rows(page(client, "/dashboard?view=overdue&per_page=100000")) != []  # clamped, not refused


def test_the_organisation_filter_suggests_only_organisations_in_scope(world, data, login_as):
    """Typed with suggestions (no list of every organisation on the page): a co-chair's are the organisations of
    their committees; a coordinator's every one."""
    far = f.make_org("Network far away", short_name="NFA")  # nothing to do with the co-chair's committee

    def labels(client):
        return [r["label"] for r in client.get("/dashboard/organisations.json?q=nfa").get_json()["results"]]

    assert labels(login_as(world.coordinator)) == ["Network far away (NFA)"]
    chair = login_as(world.cochair)
    assert labels(chair) == []
    html = page(chair, "/dashboard")
    assert 'data-lookup="/dashboard/organisations.json"' in html and "<option value=\"" + str(world.ngo.id) not in html
    page(chair, f"/dashboard?organisation_id={far.id}", 400)  # outside the scope
    page(chair, "/dashboard?organisation=network+far", 400)


@pytest.mark.parametrize("query", [
    "view=everything", "view=overdue&sort=due_on;drop", "view=by_committee&sort=due", "view=overdue&dir=up",
    "view=overdue&page=0", "view=overdue&page=abc", "per_page=-1", "page=100001", "organisation=abc",
    "organisation_id=999999", "organisation_id=abc", "organisation=athens", "status=lost", "priority=urgent",
    "owner=-3", "owner=abc",
])
def test_hostile_parameters_are_400(world, data, login_as, query):
    page(login_as(world.coordinator), f"/dashboard?{query}", 400)


def test_hostile_csv_parameters(world, data, login_as):
    client = login_as(world.coordinator)
    page(client, "/dashboard/everything.csv", 404)
    page(client, "/dashboard/overdue.csv?sort=1%3D1", 400)
    page(client, "/dashboard/overdue.csv?status=lost", 400)
    page(client, "/dashboard?committee=%3Cscript%3E", 404)
    html = page(client, f"/dashboard?owner={world.non_member.id}")  # owns nothing: no name revealed, no rows
    assert "Nick Nobody" not in html and "Only the items owned by this person." in html


def test_csv_export(world, data, login_as):
    client = login_as(world.coordinator)
    response = client.get("/dashboard/overdue.csv?sort=title")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="actions-overdue-2027-05-20.csv"')
    table = csv_rows(response)
    assert table[0] == ["ID", "Title", "Committee", "Owner", "Organisation", "Due", "Days overdue", "Priority",
                        "Status"]
    assert table[1] == [str(data["a11"].id), "Answer the survey", "Access and Legal Rights", "Rita Rep",
                        "Solidarity Now Athens", "2026-11-15", "186", "Normal", "Open"]
    assert [r[1] for r in table[1:]] == ["Answer the survey", "Open a help desk", "Vaccination leaflet",
                                         "Write to the ministry"]
    organisations = csv_rows(client.get("/dashboard/by_organisation.csv?committee=access-legal"))
    assert organisations[1:] == [["Athens Social Services Directorate", "2", "1", "1", "1", "3"],
                                 ["Solidarity Now Athens", "5", "2", "2", "1", "7"],
                                 ["No organisation", "1", "0", "0", "0", "1"]]
    committees = csv_rows(client.get("/dashboard/by_committee.csv?sort=overdue&dir=desc"))
    assert committees[0][0] == "Committee" and committees[1] == ["Access and Legal Rights", "8", "3", "3", "2", "11"]
    quarters = csv_rows(client.get("/dashboard/quarters.csv"))
    assert quarters[0] == ["Committee", "Quarter", "Completed", "Overdue"]
    assert quarters[1:5] == [["Access and Legal Rights", "2026 Q3", "0", "0"],
                             ["Access and Legal Rights", "2026 Q4", "0", "1"],
                             ["Access and Legal Rights", "2027 Q1", "1", "1"],
                             ["Access and Legal Rights", "2027 Q2", "1", "2"]]
    assert len(quarters) == 9


def test_csv_guards_against_formulas_and_keeps_greek(world, login_as):
    hostile = f.make_org("@SUM(A1)", short_name="X")
    f.make_membership(world.committee, hostile)
    for title in ('=HYPERLINK("http://evil.example")', "+1+2", "-3", "@cmd", "\tTab", "\rReturn",
                  "Επιστολή στο υπουργείο"):
        make(world.committee, title, due=date(2027, 5, 1), org=hostile)
    db.session.commit()
    response = login_as(world.coordinator).get("/dashboard/overdue.csv?sort=title")
    assert response.data.startswith("\ufeff".encode())
    table = csv_rows(response)
    titles = sorted(r[1] for r in table[1:])
    assert titles == sorted(["'=HYPERLINK(\"http://evil.example\")", "'+1+2", "'-3", "'@cmd", "'\tTab",
                             "'\rReturn", "Επιστολή στο υπουργείο"])
    assert {r[4] for r in table[1:]} == {"'@SUM(A1)"}
    by_org = csv_rows(login_as(world.coordinator).get("/dashboard/by_organisation.csv"))
    assert by_org[1][0] == "'@SUM(A1)"


def _bulk(world, n):
    statuses = list(ActionStatus)
    for i in range(n):
        make(world.committee if i % 2 else world.other_committee, f"Item {i}", statuses[i % 5],
             date(2027, 1 + i % 6, 1 + i % 27), person=world.representative if i % 3 else None,
             org=None if i % 3 else world.municipal,
             closed=datetime(2027, 1 + i % 4, 2, tzinfo=timezone.utc) if i % 5 in (3, 4) else None)
    db.session.commit()


URLS = ["/dashboard", "/dashboard?view=overdue&sort=owner", "/dashboard?view=due_soon&per_page=100",
        "/dashboard?view=by_committee", "/dashboard?view=by_organisation&sort=overdue&dir=desc",
        "/dashboard?view=overdue&organisation_id=1", "/dashboard/overdue.csv", "/dashboard/quarters.csv"]


def _counts(client):
    result = []
    for url in URLS:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        result.append(len(statements))
    return result


def test_queries_do_not_grow_with_items(world, login_as):
    client = login_as(world.coordinator)
    _bulk(world, 5)
    few = _counts(client)
    _bulk(world, 60)
    many = _counts(client)
    assert many == few and max(many) <= 12, list(zip(URLS, many))
    cochair = login_as(world.cochair)
    assert max(_counts(cochair)) <= 12
