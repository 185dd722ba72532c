"""Search: GET /search — one search across proposals, minutes, decisions, agenda items, action items, organisations
and people (committees/search.py), only what the caller may see, best first, with the counts per kind.

The same input as the search page (portal/search): `q` up to 200 characters (required here), one `kind`, a
`committee` (its slug here, not its id; one the caller may not see is refused like an unknown one), a `year`,
`page` and `per_page` (at most 50). The query is never handed to the database as syntax: a query of punctuation
only finds nothing.
"""
from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask_babel import gettext as _
from flask_smorest import abort
from sqlalchemy import select

from committees import policy
from committees import search as domain
from committees.db import db
from committees.decisions import MAX_QUERY
from committees.models import Committee, SearchKind
from committees.services.bodies import SLUG_RE
from portal.api import bp
from portal.api.auth import caller, caller_zone
from portal.api.paging import MAX_PAGE, page_body, page_schema
from portal.api.schemas import PublicText, enum_field

F = ma.fields
TAG = ["Search"]

# The object's own API resource, by kind (decisions and agenda items have none: they are shown within the minutes
# and the meeting).
API_URLS = {
    SearchKind.PROPOSAL: lambda h: url_for("api.get_proposal", proposal_id=h.object_id),
    SearchKind.MINUTES: lambda h: url_for("api.get_minutes", meeting_id=h.link.values["meeting_id"]),
    SearchKind.ACTION_ITEM: lambda h: url_for("api.get_action", item_id=h.object_id),
    SearchKind.ORGANISATION: lambda h: url_for("api.get_organisation", org_id=h.object_id),
    SearchKind.PERSON: lambda h: url_for("api.get_person", person_id=h.object_id),
}

HTML = ("HTML: the text HTML-escaped, the words that matched wrapped in <mark>…</mark>, and nothing else (safe to "
        "insert as HTML).")


class SearchArgs(ma.Schema):
    q = F.String(required=True, validate=ma.validate.Length(min=1, max=MAX_QUERY), metadata={
        "description": "What to look for: every word must appear (accents and capitals do not matter, English words "
                       "by their stem). Plain words only: quotes, operators and other punctuation are ignored."})
    kind = enum_field(SearchKind, load_default=None, metadata={"description": "Only this kind of result."})
    committee = F.String(load_default=None, validate=[ma.validate.Length(min=1, max=100),
                                                      ma.validate.Regexp(SLUG_RE.pattern)],
                         metadata={"description": "Only results of this committee (its slug)."})
    year = F.Integer(load_default=None, validate=ma.validate.Range(1900, 9998),
                     metadata={"description": "Only results dated in this year (in the caller's time zone)."})
    page = F.Integer(load_default=1, validate=ma.validate.Range(1, MAX_PAGE),
                     metadata={"description": "Page number, from 1."})
    per_page = F.Integer(load_default=domain.PER_PAGE, validate=ma.validate.Range(1, domain.MAX_PER_PAGE),
                         metadata={"description": f"Results per page (at most {domain.MAX_PER_PAGE})."})


class SearchHit(ma.Schema):
    kind = enum_field(SearchKind, required=True)
    id = F.Integer(required=True, metadata={"description": "The id of the object of this kind."})
    title = F.String(required=True, metadata={"description": "Plain text."})
    title_html = F.String(required=True, metadata={"description": "The title as " + HTML})
    snippet = PublicText(required=True, metadata={
        "description": "Plain text: about 240 characters of the object's text around the first match, with … where "
                       "text was left out (empty when the object has no text beyond its title)."})
    snippet_html = PublicText(required=True, metadata={"description": "The same passage as " + HTML})
    committee = F.String(allow_none=True, required=True,
                         metadata={"description": "The committee's slug (null for organisations and people)."})
    date = F.DateTime(allow_none=True, required=True, metadata={
        "description": "A proposal's submission, a meeting's start (minutes, decisions, agenda items), an action "
                       "item's creation; null where there is none."})
    url = F.String(allow_none=True, required=True, metadata={
        "description": "The object in this API; null for decisions and agenda items (see `page`)."})
    page = F.String(required=True, metadata={"description": "The object on the portal's web pages."})


_Page = page_schema(SearchHit, "SearchHitPage")


class SearchPage(_Page):
    total = F.Integer(required=True, metadata={"description": "How many results of the kind asked for, in all."})
    counts = F.Dict(keys=F.String(), values=F.Integer(), required=True, metadata={
        "description": "Results per kind, whatever `kind` asked for (kinds without results left out)."})


def _committee(slug: str | None) -> Committee | None:
    if slug is None:
        return None
    committee = db.session.scalars(select(Committee).where(Committee.slug == slug)).first()
    if committee is None or not policy.can(caller(), "committee.view", committee):
        abort(422, messages={"query": {"committee": [_("There is no such committee, or you may not see it.")]}})
    return committee


def _hit(hit: domain.Hit) -> dict:
    api_url = API_URLS.get(hit.kind)
    return {"kind": hit.kind, "id": hit.object_id, "title": hit.title, "title_html": str(hit.title_html),
            "snippet": hit.snippet, "snippet_html": str(hit.snippet_html), "committee": hit.committee_slug,
            "date": hit.dated_at, "url": api_url(hit) if api_url else None,
            "page": url_for(hit.link.endpoint, **hit.link.values, _anchor=hit.link.anchor)}


@bp.route("/search", tags=TAG)
@bp.arguments(SearchArgs, location="query", as_kwargs=True)
@bp.response(200, SearchPage)
def search(q: str, kind: SearchKind | None, committee: str | None, year: int | None, page: int, per_page: int):
    """Search everything the caller may see (the public: what is public), best first: results whose title holds
    every word, then by relevance, then newest."""
    results = domain.search(caller(), q, kinds=[kind] if kind else None, committee=_committee(committee), year=year,
                            page=page, per_page=per_page, zone=caller_zone())
    body = page_body([_hit(h) for h in results.hits], page, per_page, results.total)
    body["counts"] = {k.value: n for k, n in results.counts.items() if n}
    return body
