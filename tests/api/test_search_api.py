"""GET /api/v1/search (portal/api/search.py): only what the caller may see, Greek without accents, the hit's fields
and links, paging, filters, and bad or hostile input answered with a 4xx or nothing, never a 5xx."""
from __future__ import annotations

import pytest

from committees.db import db
from committees.models import SearchKind
from committees.services import proposals as proposal_svc
from tests import factories as f
from tests.api.conftest import error_of
from tests.conftest import ROLES
from tests.domain.test_decisions import _minutes
from tests.domain.test_proposals import FULL, advance, file_proposal
from tests.queries import count_queries

URL = "/api/v1/search"


def _kinds_ids(response) -> set[tuple[str, int]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return {(h["kind"], h["id"]) for h in response.get_json()["items"]}


def test_drafts_of_other_organisations_and_draft_minutes_are_never_found(world, api_as):
    draft = file_proposal(world, title="Zebra crossing near the school")  # by the NGO's representative
    forwarded = advance(world, file_proposal(world, title="Zebra lights for the park"),
                        ["submit", "start_review", "put_on_agenda", "endorse", "forward"])
    minutes = _minutes(world.committee, world.cochair, "draft", texts=("Write to the zebra keepers",),
                       title="Zebra meeting")
    db.session.commit()
    decision = minutes.decisions[0]
    secret = {("proposal", draft.id), ("minutes", minutes.id), ("decision", decision.id)}
    sees_draft = {"representative", "cochair"}  # the NGO's people
    sees_minutes = {"secretary", "cochair", "coordinator", "admin"}  # the minutes' editors
    for role in ROLES:
        found = _kinds_ids(api_as(None if role == "public" else role).get(f"{URL}?q=zebra&per_page=50"))
        assert ("proposal", forwarded.id) in found, role
        assert (("proposal", draft.id) in found) == (role in sees_draft), role
        assert (("minutes", minutes.id) in found) == (role in sees_minutes), role
        assert (("decision", decision.id) in found) == (role in sees_minutes), role
        if role not in sees_draft | sees_minutes:
            assert not found & secret, role
    # Another organisation's co-chair (of the same committee) does not see the NGO's draft either.
    other = api_as(world.cochair_municipal).get(f"{URL}?q=zebra+crossing")
    assert ("proposal", draft.id) not in _kinds_ids(other)
    # Nor do the counts give it away.
    assert api_as("observer").get(f"{URL}?q=zebra&kind=proposal").get_json()["counts"] == {"proposal": 1}


def test_greek_without_accents_and_the_hit_fields(world, api_as):
    org = f.make_org("Δήμος Αθηναίων", description="Στέγαση <b>προσφύγων</b> στην Αθήνα")
    proposal = advance(world, file_proposal(world, title="Νομική βοήθεια στην Αθήνα"),
                       ["submit", "start_review", "put_on_agenda", "endorse", "forward"])
    db.session.commit()
    rep = api_as("representative")
    body = rep.get(f"{URL}?q=αθηνα").get_json()
    hits = {(h["kind"], h["id"]): h for h in body["items"]}
    assert set(hits) == {("organisation", org.id), ("proposal", proposal.id)}
    assert body["total"] == 2 and body["counts"] == {"proposal": 1, "organisation": 1}
    org_hit, proposal_hit = hits["organisation", org.id], hits["proposal", proposal.id]
    assert org_hit["snippet_html"] == "Στέγαση &lt;b&gt;προσφύγων&lt;/b&gt; στην <mark>Αθήνα</mark>"
    assert org_hit["snippet"] == "Στέγαση <b>προσφύγων</b> στην Αθήνα"
    assert org_hit["committee"] is None and org_hit["url"] == f"/api/v1/organisations/{org.id}"
    assert org_hit["page"].endswith(f"/{org.id}") and not org_hit["page"].startswith("/api/")
    assert proposal_hit["title"] == "Νομική βοήθεια στην Αθήνα"
    assert proposal_hit["title_html"] == "Νομική βοήθεια στην <mark>Αθήνα</mark>"
    assert proposal_hit["committee"] == world.committee.slug
    assert proposal_hit["url"] == f"/api/v1/proposals/{proposal.id}"
    assert proposal_hit["date"].startswith(proposal.submitted_at.strftime("%Y-%m-%d"))
    assert rep.get(proposal_hit["url"]).status_code == 200
    for query in ("ΑΘΗΝΑ", "Αθήνα", "ΑΘΉΝΑ"):
        assert _kinds_ids(rep.get(f"{URL}?q={query}")) == set(hits), query
    # The public sees the forwarded proposal of the public committee, but no organisations.
    assert _kinds_ids(api_as(None).get(f"{URL}?q=αθηνα")) == {("proposal", proposal.id)}


def test_minutes_and_decisions_link_to_the_minutes(world, api_as):
    minutes = _minutes(world.committee, world.cochair, "published", texts=("Write to the ombudsman",),
                       title="Ombudsman meeting")
    db.session.commit()
    body = api_as(None).get(f"{URL}?q=ombudsman").get_json()
    hits = {h["kind"]: h for h in body["items"]}
    assert hits["minutes"]["url"] == f"/api/v1/meetings/{minutes.meeting_id}/minutes"
    assert hits["decision"]["url"] is None  # no resource of its own: it is in the minutes
    assert hits["decision"]["page"].endswith(f"#decision-{minutes.decisions[0].id}")
    assert api_as(None).get(hits["minutes"]["url"]).status_code == 200


def test_paging_filters_and_constant_queries(world, api_as):
    made = [proposal_svc.create_proposal(world.representative, world.committee,
                                         **{**FULL, "title": f"Quokka plan {i}"}) for i in range(7)]
    db.session.commit()
    rep = api_as("representative")
    first = rep.get(f"{URL}?q=quokka&per_page=3").get_json()
    assert (first["page"], first["per_page"], first["total"], first["prev"]) == (1, 3, 7, None)
    assert first["next"] == "/api/v1/search?q=quokka&per_page=3&page=2"
    seen = [h["id"] for h in first["items"]]
    url = first["next"]
    while url:
        page = rep.get(url).get_json()
        assert page["prev"] is not None
        seen += [h["id"] for h in page["items"]]
        url = page["next"]
    assert sorted(seen) == sorted(p.id for p in made) and len(seen) == 7
    assert rep.get(f"{URL}?q=quokka&page=9").get_json()["items"] == []
    assert _kinds_ids(rep.get(f"{URL}?q=quokka&kind=person")) == set()
    assert len(_kinds_ids(rep.get(f"{URL}?q=quokka&kind=proposal&committee=access-legal"))) == 7
    assert _kinds_ids(rep.get(f"{URL}?q=quokka&year=1999")) == set()
    with count_queries() as few:
        rep.get(f"{URL}?q=quokka&per_page=2")
    with count_queries() as many:
        rep.get(f"{URL}?q=quokka&per_page=7")
    assert len(many) == len(few)


@pytest.mark.parametrize("query, status", [
    ("", 422),  # q missing
    ("?q=", 422),
    ("?q=" + "a" * 201, 422),
    ("?q=" + "x" * 10_000, 422),
    ("?q=x&kind=meeting", 422),
    ("?q=x&committee=no-such-committee", 422),
    ("?q=x&committee=%C3%A9", 422),
    ("?q=x&year=1066", 422),
    ("?q=x&year=abc", 422),
    ("?q=x&page=0", 422),
    ("?q=x&per_page=51", 422),
])
def test_bad_input_is_a_json_422(world, api_as, query, status):
    response = api_as("representative").get(URL + query)
    assert response.status_code == status
    error = error_of(response)
    assert error["code"] == "invalid_input" and error["fields"]["query"]


def test_a_nul_anywhere_is_a_json_400(world, api_as):
    response = api_as("representative").get(URL + "?q=x&committee=a%00b")
    assert response.status_code == 400 and error_of(response)["code"] == "bad_request"


def test_a_private_committee_is_refused_like_an_unknown_one(world, api_as):
    url = f"{URL}?q=x&committee={world.other_committee.slug}"
    assert error_of(api_as(None).get(url))["fields"]["query"] == {
        "committee": ["There is no such committee, or you may not see it."]}
    assert api_as("representative").get(url).status_code == 200  # signed-in people see that it exists


@pytest.mark.parametrize("query", [
    '"', "'", '""', "*", "NEAR(a b)", "a OR b", "-x", "^x", "title:x", "norm_title:x", "x AND", "(", ")",
    "a\\b", "%", "_", "a & b | !c", "'; DROP TABLE search_entry; --", "\u0000", "x\u0000y", "\u200b", "🦓",
    ":*", "a:*", "<mark>", "\x02x\x03",
])
def test_hostile_queries_find_nothing_or_something_but_never_fail(world, api_as, query):
    file_proposal(world, title="Zebra crossing")
    for who in (None, "representative"):
        response = api_as(who).get(URL, query_string={"q": query})
        # 400: a NUL anywhere in a request is refused before any query (portal/security.py)
        assert response.status_code in (200, 422) or ("\x00" in query and response.status_code == 400), query
        if response.status_code == 200:
            assert response.get_json()["total"] >= 0
        else:
            error_of(response)


def test_a_10_kb_query_is_refused_not_run(world, api_as):
    response = api_as(None).get(URL, query_string={"q": ("zebra " * 2000)[:10_240]})
    assert response.status_code == 422 and error_of(response)["fields"]["query"]["q"]


def test_the_openapi_document_describes_it(app, api_as):
    spec = api_as(None).get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/search"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) == {"q", "kind", "committee", "year", "page", "per_page"} and params["q"]["required"]
    hit = spec["components"]["schemas"]["SearchHit"]["properties"]
    assert "<mark>" in hit["snippet_html"]["description"] and "escaped" in hit["snippet_html"]["description"]
    assert set(hit["kind"]["enum"]) >= {k.value for k in SearchKind}
