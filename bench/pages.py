"""In-process page timings: each listed page requested through the Flask test client (warm: a few requests first),
p50/p95 over at least 50 requests, the SQL statements per request, statements slower than 10 ms with their SQL, and
the page's weight (HTML bytes, raw and gzip-compressed). Pages whose endpoint does not exist yet are skipped with a
note; they are found in app.url_map by name (or, for search and the API, by blueprint and path) once they exist.
"""
from __future__ import annotations

import gzip
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from flask import Flask, url_for
from sqlalchemy import event, func, select

from bench.data import BENCH_PASSWORD, account_email
from committees.db import db
from committees.models import (
    AgendaItem,
    Committee,
    Meeting,
    MeetingState,
    Minutes,
    MinutesState,
    Organisation,
    Person,
    Proposal,
    ProposalEvent,
)

CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
ASSET_RE = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')
CSS_URL_RE = re.compile(r"url\(['\"]?([^'\")]+)['\"]?\)")
TARGET_MS = {"list": 25.0, "detail": 10.0, "dashboard": 50.0, "search": 50.0, "api": 25.0, "feed": 25.0}
MAX_QUERIES = {"dashboard": 12}
DEFAULT_MAX_QUERIES = 8
SLOW_STATEMENT_MS = 10.0
SEARCH_WORDS = "housing"


@dataclass
class Fixtures:
    """The rows the pages are about, looked up once in the generated data."""

    committee: str
    committee_id: int
    meeting_id: int  # the next meeting, with the biggest agenda
    agenda_items: int
    minutes_meeting_id: int
    proposal_id: int
    proposal_events: int
    organisation_id: int
    feed_token: str | None = None


@dataclass
class PageSpec:
    name: str
    kind: str
    role: str | None  # the account role signed in (data.ACCOUNT_ROLES), None for the public
    endpoint: str
    args: Callable[[Fixtures], dict] = field(default=lambda f: {})
    query: dict = field(default_factory=dict)


def specs(app: Flask) -> tuple[list[PageSpec], list[dict]]:
    """The pages to measure, and the ones skipped (endpoint missing) with a note."""
    slug = lambda f: {"slug": f.committee}  # noqa: E731
    wanted = [
        PageSpec("home", "list", "rep", "main.home"),
        PageSpec("home (public)", "list", None, "main.home"),
        PageSpec("committees list", "list", "rep", "bodies.list_committees"),
        PageSpec("committee page", "detail", "rep", "bodies.show_committee", slug),
        PageSpec("roster", "list", "rep", "bodies.show_roster", slug),
        PageSpec("roster (co-chair: management forms)", "list", "cochair", "bodies.show_roster", slug),
        PageSpec("organisation directory", "list", "rep", "bodies.list_organisations"),
        PageSpec("organisation page", "detail", "rep", "bodies.show_organisation",
                 lambda f: {"org_id": f.organisation_id}),
        PageSpec("meetings list", "list", "rep", "meetings.list_meetings", slug),
        PageSpec("meeting page (20-item agenda)", "detail", "rep", "meetings.show_meeting",
                 lambda f: {"meeting_id": f.meeting_id}),
        PageSpec("meeting page (co-chair: agenda forms)", "detail", "cochair", "meetings.show_meeting",
                 lambda f: {"meeting_id": f.meeting_id}),
        PageSpec("minutes page", "detail", "rep", "minutes.show_minutes",
                 lambda f: {"meeting_id": f.minutes_meeting_id}),
        PageSpec("minutes page (co-chair)", "detail", "cochair", "minutes.show_minutes",
                 lambda f: {"meeting_id": f.minutes_meeting_id}),
        PageSpec("decisions register", "list", "rep", "minutes.committee_decisions", slug),
        PageSpec("proposal list (filtered)", "list", "rep", "proposals.list_proposals",
                 query={"state": "forwarded"}),
        PageSpec("committee proposals (filtered)", "list", "rep", "proposals.committee_proposals", slug,
                 query={"state": "adopted"}),
        PageSpec("proposal page with timeline", "detail", "rep", "proposals.show_proposal",
                 lambda f: {"proposal_id": f.proposal_id}),
        PageSpec("proposal page (co-chair: workflow steps)", "detail", "cochair", "proposals.show_proposal",
                 lambda f: {"proposal_id": f.proposal_id}),
        PageSpec("coordinators' dashboard", "dashboard", "coordinator", "actions.dashboard"),
        PageSpec("action item list (committee)", "list", "rep", "actions.committee_actions", slug),
        PageSpec("my action items", "list", "rep", "actions.my_actions"),
        PageSpec("calendar feed (committee)", "feed", None, "meetings.committee_feed", slug),
        PageSpec("calendar feed (personal)", "feed", None, "meetings.personal_feed",
                 lambda f: {"token": f.feed_token}),
    ]
    search = _search_endpoint(app)
    wanted.insert(18, PageSpec("search results", "search", "rep", search or "search.<none>",
                               query={"q": SEARCH_WORDS}))
    for endpoint, rule in _api_endpoints(app):
        wanted.append(PageSpec(f"API {rule}", "search" if rule.endswith("/search") else "api", "coordinator", endpoint,
                               (lambda f: {"slug": f.committee}) if "<slug>" in rule
                               else (lambda f: {"q": "legal"}) if rule.endswith("/search") else (lambda f: {})))
    if not _api_endpoints(app):
        wanted.append(PageSpec("API list endpoints", "api", "coordinator", "api.<none>"))
    present = set(app.view_functions)
    run = [s for s in wanted if s.endpoint in present]
    skipped = [{"page": s.name, "endpoint": s.endpoint, "note": "endpoint does not exist yet"}
               for s in wanted if s.endpoint not in present]
    return run, skipped


def _search_endpoint(app: Flask) -> str | None:
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("search.") and "GET" in rule.methods and not rule.arguments:
            return rule.endpoint
    return None


def _api_endpoints(app: Flask) -> list[tuple[str, str]]:
    """GET endpoints under /api/ that list things: no arguments but a committee's slug."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and "GET" in rule.methods and set(rule.arguments) <= {"slug"} \
                and not rule.rule.rstrip("/").endswith(("/openapi.json", "/docs", "/api")):
            found.append((rule.endpoint, rule.rule))
    return sorted(found, key=lambda x: x[1])


# -- fixtures --------------------------------------------------------------------------------------------------------

def fixtures(app: Flask) -> Fixtures:
    """The rows the pages show: committee 1 (the sign-in accounts' committee) and its biggest items."""
    from committees.services.calendars import reset_feed_token

    with app.app_context():
        committee = db.session.get(Committee, 1)
        items = func.count(AgendaItem.id)
        meeting_id, agenda = db.session.execute(
            select(Meeting.id, items).join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
            .where(Meeting.committee_id == committee.id, Meeting.state == MeetingState.SCHEDULED)
            .group_by(Meeting.id).order_by(items.desc(), Meeting.id).limit(1)).one()
        minutes_meeting = db.session.scalar(
            select(Minutes.meeting_id).where(Minutes.committee_id == committee.id,
                                             Minutes.state.in_((MinutesState.APPROVED, MinutesState.PUBLISHED)))
            .order_by(Minutes.meeting_id.desc()).limit(1))
        events = func.count(ProposalEvent.id)
        proposal_id, proposal_events = db.session.execute(
            select(Proposal.id, events).join(ProposalEvent, ProposalEvent.proposal_id == Proposal.id)
            .where(Proposal.committee_id == committee.id).group_by(Proposal.id)
            .order_by(events.desc(), Proposal.id).limit(1)).one()
        org = db.session.scalar(select(Person.organisation_id).where(Person.email == account_email("rep", 1)))
        person = db.session.scalar(select(Person).where(Person.email == account_email("rep", 1)))
        token = reset_feed_token(person)
        db.session.commit()
        return Fixtures(committee.slug, committee.id, meeting_id, agenda, minutes_meeting, proposal_id,
                        proposal_events, org or db.session.scalar(select(Organisation.id).limit(1)), token)


# -- signing in and measuring -----------------------------------------------------------------------------------------

def sign_in(app: Flask, role: str | None, n: int = 1, email: str | None = None):
    """A test client signed in as the n-th account of `role` (or as `email`: every generated person has the
    benchmark's password); the public's client for role None."""
    client = app.test_client()
    if role is None and email is None:
        return client
    email = email or account_email(role, n)
    page = client.get("/login").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    response = client.post("/login", data={"email": email, "password": BENCH_PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"could not sign in as {email}: {response.status_code}")
    return client


class StatementClock:
    """Counts statements per request and keeps those slower than SLOW_STATEMENT_MS with their SQL."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.count = 0
        self.slow: dict[str, dict] = {}

    def __enter__(self) -> StatementClock:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.count += 1
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        elapsed = (time.perf_counter() - conn.info["bench_started"].pop()) * 1000
        if elapsed > SLOW_STATEMENT_MS:
            entry = self.slow.setdefault(statement, {"sql": " ".join(statement.split()), "times": 0, "max_ms": 0.0,
                                                     "parameters": repr(parameters)[:300]})
            entry["times"] += 1
            entry["max_ms"] = round(max(entry["max_ms"], elapsed), 1)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure(app: Flask, spec: PageSpec, fx: Fixtures, clients: dict, engine, requests: int = 60,
            warmup: int = 5) -> dict:
    with app.test_request_context():
        url = url_for(spec.endpoint, **spec.args(fx), **spec.query)
    if spec.role not in clients:
        clients[spec.role] = sign_in(app, spec.role)
    client = clients[spec.role]
    result: dict = {"page": spec.name, "kind": spec.kind, "url": url, "signed_in_as": spec.role or "public",
                    "target_p95_ms": TARGET_MS[spec.kind],
                    "max_queries": MAX_QUERIES.get(spec.kind, DEFAULT_MAX_QUERIES)}
    response = client.get(url)
    result["status"] = response.status_code
    if response.status_code != 200:
        result["error"] = f"HTTP {response.status_code}"
        return result
    body = response.get_data()
    result["html_bytes"] = len(body)
    result["html_gzip_bytes"] = len(gzip.compress(body, 6))
    for _ in range(warmup):
        client.get(url)
    timings, counts = [], []
    with StatementClock(engine) as clock:
        for _ in range(requests):
            before = clock.count
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            counts.append(clock.count - before)
            if response.status_code != 200:
                result["error"] = f"HTTP {response.status_code} during the run"
    result.update(requests=requests, p50_ms=round(statistics.median(timings), 2),
                  p95_ms=round(_pct(timings, 0.95), 2), max_ms=round(max(timings), 2),
                  queries=min(counts), queries_max=max(counts), slow_statements=sorted(
                      clock.slow.values(), key=lambda s: -s["max_ms"]))
    result["over_target"] = result["p95_ms"] > result["target_p95_ms"]
    result["too_many_queries"] = result["queries"] > result["max_queries"]
    return result


def first_visit_assets(app: Flask, client) -> dict:
    """The CSS, JS and fonts a first visit to the home page loads, raw and gzip-compressed."""
    html = client.get("/").get_data(as_text=True)
    seen, files = set(), []
    queue = [u for u in ASSET_RE.findall(html)]
    while queue:
        url = queue.pop(0).split("#")[0]
        if url in seen or url.startswith(("http:", "https:", "data:")):
            continue
        seen.add(url)
        response = client.get(url)
        data = response.get_data()
        files.append({"url": url, "status": response.status_code, "bytes": len(data),
                      "gzip_bytes": len(gzip.compress(data, 6)),
                      "cache_control": response.headers.get("Cache-Control", "")})
        if url.split("?")[0].endswith(".css"):
            queue.extend(urljoin(url, ref) for ref in CSS_URL_RE.findall(data.decode("utf-8", "replace")))
    return {"files": files, "bytes": sum(f["bytes"] for f in files),
            "gzip_bytes": sum(f["gzip_bytes"] for f in files)}


def run(app: Flask, requests: int = 60, log=print) -> dict:
    fx = fixtures(app)
    run_specs, skipped = specs(app)
    clients: dict = {}
    with app.app_context():
        engine = db.engine
    results = []
    for spec in run_specs:
        result = measure(app, spec, fx, clients, engine, requests=requests)
        results.append(result)
        if "error" in result and "p50_ms" not in result:
            log(f"  {spec.name}: {result['error']}")
        else:
            log(f"  {spec.name}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, {result['queries']} queries")
    assets = first_visit_assets(app, clients.get(None) or app.test_client())
    return {"fixtures": fx.__dict__ | {"feed_token": "(secret)"}, "pages": results, "skipped": skipped,
            "first_visit_assets": assets, "_secret": fx.feed_token}  # report.save masks it


def query_counts(app: Flask, requests: int = 2) -> dict[str, dict]:
    """Per page: the status and the fewest statements of `requests` requests (the first may refresh the session);
    for the query-growth test."""
    fx = fixtures(app)
    run_specs, _skipped = specs(app)
    clients: dict = {}
    with app.app_context():
        engine = db.engine
    counts = {}
    for spec in run_specs:
        with app.test_request_context():
            url = url_for(spec.endpoint, **spec.args(fx), **spec.query)
        if spec.role not in clients:
            clients[spec.role] = sign_in(app, spec.role)
        seen, statuses = [], set()
        with StatementClock(engine) as clock:
            for _ in range(requests):
                before = clock.count
                statuses.add(clients[spec.role].get(url).status_code)
                seen.append(clock.count - before)
        counts[spec.name] = {"url": url, "status": max(statuses), "queries": min(seen), "kind": spec.kind,
                             "max_queries": MAX_QUERIES.get(spec.kind, DEFAULT_MAX_QUERIES)}
    return counts
