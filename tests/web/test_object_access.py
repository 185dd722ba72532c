"""Object-level access, by URL (security.md 3): members of one committee cannot reach another committee's objects,
nor another organisation's drafts, by editing an id or a slug in the address.

Generated from app.url_map: every rule with an object in its URL is requested — GET, and POST with a valid CSRF
token — with each object of tests/security_fixtures.py that fits it (meetings in every state with their agenda
items and documents, draft / circulated / approved minutes with their decisions, an action item, proposals with
their comments and documents, a person, an organisation and a mail of the private committee `health`, and the draft
of another organisation of `access-legal`), by a representative, a co-chair and the secretary of `access-legal`.
Each must get 403 or 404 — never a redirect to sign in, never a 5xx, never a page with the objects' text — and a
POST must write nothing. A person who may reach the object (a coordinator, or the draft's author) asks too, so a
404 proves the check rather than a URL that fits nothing.

A URL parameter without a builder fails `test_every_url_parameter_has_a_builder` ("add a builder for <param>"),
so new routes are covered by default; a few pages about another committee are open to every signed-in person by
design (VISIBLE, with the reason) and are checked for the objects' text instead. Lists and search results are
crawled for the same text in `test_foreign_text_never_shows_in_lists`.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from committees.db import db
from committees.workflow import MEETING_TRANSITIONS, MINUTES_TRANSITIONS, PROPOSAL_TRANSITIONS
from tests.conftest import login
from tests.security_fixtures import PERSONAS, SEAL, Foreign, changed_tables, foreign_fixture, snapshot  # noqa: F401
from tests.web.routes import collect

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
NOT_OBJECTS = {
    "name": "the name of a workflow step: every name of the endpoint's table (STEPS) is tried",
    "token": "a secret capability (invitation, reset, calendar feed): tested in test_accounts/test_calendars",
    "filename": "a static file",
    "kind": "which CSV template (organisations or people), or which kind of object in the trash (the scenario says)",
    "table": "which table of a report (the report is scoped to the reader)",
}
STEPS = {"meetings.take_step": MEETING_TRANSITIONS, "minutes.take_minutes_step": MINUTES_TRANSITIONS,
         "proposals.take_proposal_step": PROPOSAL_TRANSITIONS}
# Pages about another committee, organisation or person that every signed-in person may open by design; they are
# checked for the foreign objects' text instead of being refused.
VISIBLE = {
    ("GET", "bodies.show_committee"): "committee.view: a non-public committee is shown to the signed-in",
    ("GET", "bodies.show_roster"): "committee.view_roster: the signed-in see rosters (contacts: person.view_contact)",
    ("GET", "meetings.list_meetings"): "meeting.list: lists only the meetings the reader may see",
    ("GET", "minutes.compiled_minutes"): "holds only the minutes the reader may read",
    ("GET", "minutes.committee_decisions"): "lists only decisions of minutes the reader may read",
    ("GET", "minutes.committee_decisions_csv"): "as the register",
    ("GET", "proposals.committee_proposals"): "lists only proposals the reader may see (proposal.view)",
    ("GET", "proposals.committee_proposals_csv"): "as the list",
    ("GET", "bodies.request_membership"): "asking to join another committee is what the page is for",
    ("POST", "bodies.request_membership"): "asking to join another committee is what the page is for",
    ("GET", "bodies.show_organisation"): "organisation.view: the directory is for the signed-in",
    ("GET", "people.show_person"): "person.view: the signed-in see people; contacts only per person.view_contact",
    ("GET", "api.get_committee"): "as bodies.show_committee",
    ("GET", "api.get_roster"): "as bodies.show_roster",
    ("GET", "api.list_meetings"): "as meetings.list_meetings",
    ("GET", "api.list_decisions"): "as minutes.committee_decisions",
    ("GET", "api.list_committee_proposals"): "as proposals.committee_proposals",
    ("GET", "api.get_organisation"): "as bodies.show_organisation",
    ("GET", "api.get_person"): "as people.show_person",
}
# Routes whose foreign URLs are 404 for everyone, the reason being the design, not a missing object.
NOBODY_REACHES = {"meetings.committee_feed": "a private committee has no public calendar feed"}
PROBE = {"title": "IDOR probe", "body": "IDOR probe", "note": "IDOR probe", "reason": "IDOR probe",
         "text": "IDOR probe", "response": "attending", "answer": "accept", "decision": "approve",
         "comment-body": "IDOR probe", "version": "1", "status": "suspended"}


def _all_rules():
    from portal import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    return [(method, rule.endpoint, rule.rule, set(rule.arguments)) for rule in app.url_map.iter_rules()
            for method in sorted(rule.methods & set(METHODS))]


def object_params(rule) -> set[str]:
    return set(rule.arguments) - set(NOT_OBJECTS)


ALL_RULES = _all_rules()
OBJECT_RULES = [(m, e, r) for m, e, r, arguments in ALL_RULES if arguments - set(NOT_OBJECTS)]


def _rule(app, endpoint: str, path: str):
    return next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and r.rule == path)


def cases(rule, foreign: Foreign) -> list[tuple]:
    """(scenario, url) for every scenario that provides all the rule's object parameters (every step name too)."""
    blueprint = rule.endpoint.partition(".")[0]
    names = object_params(rule)
    found = []
    for scenario in foreign.scenarios():
        if not scenario.provides(blueprint, names):
            continue
        values = {n: scenario.value(blueprint, n) for n in names}
        values.update({n: scenario.value(blueprint, n) for n in set(rule.arguments) - names - {"name"}
                       if scenario.value(blueprint, n) is not None})  # a kind that goes with the object
        extras = [{"name": step} for step in STEPS[rule.endpoint]] if "name" in rule.arguments else [{}]
        for extra in extras:
            found.append((scenario, rule.build({**values, **extra})[1]))
    return found


def test_every_url_parameter_has_a_builder(app, foreign):
    missing = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.partition(".")[0]
        for name in sorted(object_params(rule)):
            if not any(s.value(blueprint, name) is not None for s in foreign.scenarios()):
                missing.append(f"add a builder for {name} ({rule.endpoint} {rule.rule}) in "
                               "tests/security_fixtures.py Foreign.scenarios")
        if object_params(rule) and not cases(rule, foreign):
            missing.append(f"add a scenario providing {sorted(object_params(rule))} together for {rule.endpoint}")
        if "name" in rule.arguments and rule.endpoint not in STEPS:
            missing.append(f"add the step names of {rule.endpoint} to STEPS")
    assert not missing, "\n".join(missing)


def _body(response) -> str:
    return response.get_data().decode("utf-8", "replace")


def _leaks(response, markers) -> list[str]:
    body = _body(response)
    return [m for m in markers if m in body]


_SPEC: dict = {}


def api_body(app, method: str, path: str) -> dict:
    """A body the API's own schema (its OpenAPI document) accepts: every property with its first enum value, its
    default, or a probe text — so a refusal comes from the access check, not from validation (422)."""
    if not _SPEC:
        _SPEC.update(app.test_client().get("/api/v1/openapi.json").get_json())
    template = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", path)
    operation = _SPEC["paths"].get(template, {}).get(method.lower(), {})
    ref = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    schema = _SPEC["components"]["schemas"].get(ref.get("$ref", "").rpartition("/")[2], {})
    body = {}
    for name, prop in schema.get("properties", {}).items():
        if prop.get("enum"):
            body[name] = next(v for v in prop["enum"] if v is not None)
        elif prop.get("default") not in (None, ""):
            body[name] = prop["default"]
        elif "string" in (prop.get("type") or []) and "format" not in prop:
            body[name] = "IDOR probe"
    return body


class Requester:
    """Signed-in clients (one per person) with their CSRF tokens; for the JSON API, Bearer tokens (write scope) of
    the same people and no cookie."""

    def __init__(self, app):
        self.app, self.clients, self.tokens, self.bearers = app, {}, {}, {}

    def bearer(self, person) -> str:
        if person.id not in self.bearers:
            from committees.services import tokens

            self.bearers[person.id] = tokens.create_token(person, person, name="object access", scope="write")[1]
            db.session.commit()
        return self.bearers[person.id]

    def client(self, person):
        if person.id not in self.clients:
            client = login(self.app.test_client(), person)
            self.clients[person.id], self.tokens[person.id] = client, client.csrf_token()
        return self.clients[person.id]

    def signed_in(self, person, api: bool = False) -> None:
        """Sign in (or make the token) before any snapshot: signing in writes last_login_at."""
        self.bearer(person) if api else self.client(person)

    def send(self, person, method: str, url: str, path: str = ""):
        if url.startswith("/api/"):
            headers = {"Authorization": f"Bearer {self.bearer(person)}"}
            return self.app.test_client().open(url, method=method, headers=headers,
                                               json=None if method == "GET" else api_body(self.app, method, path))
        client = self.client(person)
        if method == "GET":
            return client.get(url)
        return client.open(url, method=method, data={**PROBE, "csrf_token": self.tokens[person.id]})


def _judge(method: str, endpoint: str, response, markers) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"{status} (a server error)"
    if status in (301, 302, 303, 307, 308) and urlsplit(response.headers["Location"]).path == "/login":
        return "sent to sign in (a signed-in member must be refused, not asked to sign in)"
    leaked = _leaks(response, markers)
    if leaked:
        return f"{status} showing {leaked}"
    if status in (403, 404) or (method, endpoint) in VISIBLE:
        return None
    return f"{status} (expected 403 or 404)"


def probe(app, foreign: Foreign, method: str, endpoint: str, path: str) -> tuple[list[str], int]:
    """Each member asks for each foreign URL of the rule: what went wrong, and how many URLs those who may reach
    the objects did reach (not 404)."""
    rule = _rule(app, endpoint, path)
    found = cases(rule, foreign)
    assert found, f"add a builder for {sorted(object_params(rule))} ({endpoint})"
    w, req, markers = foreign.world, Requester(app), foreign.markers
    members = [getattr(w, persona) for persona in PERSONAS]
    for person in members:
        req.signed_in(person, api=rule.rule.startswith("/api/"))
    wrong = []
    for scenario, url in found:
        before = snapshot() if method != "GET" else None
        for person in members:
            problem = _judge(method, endpoint, req.send(person, method, url, path), markers)
            if problem:
                wrong.append(f"{person.email}, {scenario.label}, {method} {url}: {problem}")
        if before is not None and (method, endpoint) not in VISIBLE:
            written = changed_tables(before, snapshot())
            if written:
                wrong.append(f"{scenario.label}, {method} {url}: the members' requests wrote to {written}")
    # Those who may reach the objects ask last (a POST of theirs may change what the next URL finds).
    reached = 0
    for scenario, url in found:
        control = req.send(scenario.control, method, url, path)
        assert control.status_code < 500, f"{method} {url} as {scenario.control.email}: {control.status_code}"
        reached += control.status_code != 404
    return wrong, reached


@pytest.mark.parametrize("method, endpoint, path", OBJECT_RULES, ids=[f"{m} {e}" for m, e, _ in OBJECT_RULES])
def test_foreign_objects_are_refused(app, foreign, method, endpoint, path):
    wrong, reached = probe(app, foreign, method, endpoint, path)
    assert reached or endpoint in NOBODY_REACHES, (
        f"{endpoint}: every URL was 404 even for those who may reach the objects; add a scenario in "
        "tests/security_fixtures.py that this route acts on")
    assert not wrong, "\n".join(wrong)


def _path(endpoint: str, method: str = "GET") -> str:
    return next(p for m, e, p, _ in ALL_RULES if e == endpoint and m == method)


@pytest.mark.parametrize("rules, endpoint, method", [
    (["meeting.view"], "meetings.show_meeting", "GET"), (["proposal.view"], "proposals.show_proposal", "GET"),
    (["action.view"], "actions.show_action", "GET"), (["meeting.view", "minutes.view"], "minutes.show_minutes", "GET"),
    (["action.view", "action.update"], "actions.post_action_update", "POST"),
    (["proposal.view", "proposal.comment"], "proposals.comment_on_proposal", "POST"),
])
def test_the_probe_notices_a_missing_check(app, foreign, monkeypatch, rules, endpoint, method):
    """With policy rules that let everybody in, the same probe reports the members' access (and their writes)."""
    from committees import policy

    for name in rules:
        monkeypatch.setitem(policy.RULES, name, (lambda user, obj=None: True, "anything"))
    wrong, _reached = probe(app, foreign, method, endpoint, _path(endpoint, method))
    expected = "wrote to" if method == "POST" else "showing"
    assert any(expected in line for line in wrong), wrong


def test_visible_pages_are_real_routes(app):
    known = {(m, e) for m, e, _, _ in ALL_RULES}
    assert set(VISIBLE) <= known, sorted(set(VISIBLE) - known)


def _list_urls(world) -> list[str]:
    """Every page of the route matrix a member may open (lists, the home page, reports), with and without a search
    for the foreign objects' marker (`q` is the search parameter of every list that has one)."""
    urls = ["/", "/proposals", "/my/actions?show=all", "/my/actions?tab=organisation&show=all"]
    for expectation in collect():
        if expectation.method == "GET" and expectation.endpoint not in {"static", "bootstrap.static"}:
            urls.append(expectation.url(world))
    with_query = [u + ("&" if "?" in u else "?") + f"q={SEAL}-" for u in urls if not any(c.isdigit() for c in u)]
    return list(dict.fromkeys(urls + with_query))


def test_foreign_text_never_shows_in_lists(app, foreign):
    """The home page, lists, registers, reports, exports and search results of the members of access-legal."""
    urls = _list_urls(foreign.world)
    req = Requester(app)
    leaks, pages = [], 0
    for persona in PERSONAS:
        for url in urls:
            response = req.send(getattr(foreign.world, persona), "GET", url)
            assert response.status_code < 500, f"{persona} {url}: {response.status_code}"
            pages += response.status_code == 200
            found = _leaks(response, foreign.markers)
            if found:
                leaks.append(f"{persona} {url}: {found}")
    assert pages > 50
    assert not leaks, "\n".join(leaks)


def test_the_markers_are_shown_to_those_who_may_see_them(app, foreign):
    """The crawl would notice: a coordinator finds the foreign text on the objects' pages and in the lists."""
    client = login(app.test_client(), foreign.world.coordinator)
    for url in (f"/meetings/{foreign.meetings['scheduled'].id}", f"/actions/{foreign.action.id}",
                f"/proposals/{foreign.proposals['submitted'].id}", f"/committees/{foreign.committee.slug}/meetings",
                f"/meetings/{foreign.meetings['circulated_minutes'].id}/minutes"):
        response = client.get(url)
        assert response.status_code == 200 and SEAL in _body(response), url
    author = login(app.test_client(), foreign.rival_rep)
    assert SEAL in _body(author.get(f"/proposals/{foreign.proposals['rival_draft'].id}"))
    colleague = login(app.test_client(), foreign.world.other_rep)
    assert foreign.world.other_rep.email in _body(colleague.get(f"/people/{foreign.world.other_rep.id}"))
