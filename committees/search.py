"""One search across proposals, minutes, decisions, agenda items, action items, organisations and people, showing
only what the searcher may see (no Flask; the web page and the JSON API both call `search`).

The index (committees/models/search.py, kept current by committees/search_index.py) is searched with the database's
own full-text search, chosen by the engine: SQLite FTS5 (bm25) or PostgreSQL (tsvector, ts_rank). The query is
never handed to either as syntax: it is normalised like the index (accents and case ignored, committees/search_text)
and cut into words of letters and digits, each quoted (FTS5) or passed to plainto_tsquery (PostgreSQL); every word
must match, English words by their stem ("proposals" finds "proposal"). The engines differ in small ways: Porter
(FTS5) and Snowball (PostgreSQL) stems, and PostgreSQL leaves out English stop words ("the", "and") while FTS5
indexes them; Greek and other scripts are plain words on both.

Who sees what: each kind is joined to its own table and filtered with the same SQL twins of the policy that the
lists use (visible_proposals, visible_minutes, committees.visibility), so a draft, draft minutes or a private
committee never shows, and a change of state or role needs no re-indexing. Content of deleted meetings is left out
for everyone, as in the decisions register.

Ranking: entries whose title holds every word first, then by relevance (bm25 with the title weighted 10:1, or
ts_rank with the title weighted A), then newest entry first. A page is two queries whatever it shows: the counts
per kind and the page of hits with their committee and highlighted text (the year filter's choices are a third).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from typing import Any

from markupsafe import Markup
from sqlalchemy import Integer, and_, column, desc, false, func, literal, literal_column, or_, select, table
from sqlalchemy.sql.elements import ColumnElement

from committees.db import as_utc, db
from committees.decisions import _year_bounds, clean_query, visible_minutes
from committees.errors import ValidationFailed
from committees.i18n import N_
from committees.models import (
    ActionItem,
    AgendaItem,
    Committee,
    Decision,
    Meeting,
    Minutes,
    Organisation,
    Person,
    Proposal,
)
from committees.models.search import SearchEntry, SearchKind
from committees.paging import PageMath
from committees.policy import person_of
from committees.proposal_lists import visible_proposals
from committees.search_text import START, STOP, Segment, marked_spans, passage, query_terms, segments, to_html
from committees.visibility import visible_action_items, visible_agenda_items, visible_organisations, visible_people

K = SearchKind
SE = SearchEntry
PER_PAGE, MAX_PER_PAGE = 20, 50
TITLE_WEIGHT = 10.0
SNIPPET_WIDTH = 240


# -- results -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    """Where a hit is shown: a web endpoint with its values and an anchor on that page."""

    endpoint: str
    values: dict
    anchor: str | None = None


LINKS = {
    K.PROPOSAL: lambda e: Link("proposals.show_proposal", {"proposal_id": e.object_id}),
    K.MINUTES: lambda e: Link("minutes.show_minutes", {"meeting_id": e.meeting_id}),
    K.DECISION: lambda e: Link("minutes.show_minutes", {"meeting_id": e.meeting_id}, f"decision-{e.object_id}"),
    K.AGENDA_ITEM: lambda e: Link("meetings.show_meeting", {"meeting_id": e.meeting_id}, f"item-{e.object_id}"),
    K.ACTION_ITEM: lambda e: Link("actions.show_action", {"item_id": e.object_id}),
    K.ORGANISATION: lambda e: Link("bodies.show_organisation", {"org_id": e.object_id}),
    K.PERSON: lambda e: Link("people.show_person", {"person_id": e.object_id}),
}


@dataclass
class Hit:
    kind: SearchKind
    object_id: int
    title: str
    title_parts: tuple[Segment, ...]  # the title with its matching words marked
    snippet_parts: tuple[Segment, ...]  # the matching passage of the text, words marked
    committee_id: int | None
    committee_name: str | None
    committee_slug: str | None
    dated_at: datetime | None
    title_match: bool
    link: Link

    @property
    def title_html(self) -> Markup:
        return to_html(self.title_parts)

    @property
    def snippet_html(self) -> Markup:
        return to_html(self.snippet_parts)

    @property
    def snippet(self) -> str:
        return "".join(p.text for p in self.snippet_parts)


@dataclass
class Results(PageMath):
    query: str
    terms: list[str]
    hits: list[Hit]
    page: int
    per_page: int
    total: int  # matching hits of the kinds asked for
    counts: dict[SearchKind, int] = field(default_factory=dict)  # matching hits per kind, whatever kinds were asked

    @property
    def empty_query(self) -> bool:
        return not self.terms


# -- who sees what -----------------------------------------------------------------------------------------------

def _visible_things(user: Any) -> dict[SearchKind, Any]:
    """Per kind, a select of the things `user` may see (its id column first, the rest joins and conditions)."""
    def meeting_committee(stmt):
        return stmt.join(Committee, Committee.id == Meeting.committee_id).where(Meeting.deleted_at.is_(None))

    things = {
        K.PROPOSAL: select(Proposal.id).join(Committee, Committee.id == Proposal.committee_id)
        .where(visible_proposals(user)),
        K.MINUTES: meeting_committee(select(Minutes.id).join(Meeting, Meeting.id == Minutes.meeting_id))
        .where(visible_minutes(user)),
        K.DECISION: meeting_committee(select(Decision.id).join(Minutes, Minutes.id == Decision.minutes_id)
                                      .join(Meeting, Meeting.id == Decision.meeting_id)).where(visible_minutes(user)),
        K.AGENDA_ITEM: meeting_committee(select(AgendaItem.id).join(Meeting, Meeting.id == AgendaItem.meeting_id))
        .where(visible_agenda_items(user)),
        K.ACTION_ITEM: select(ActionItem.id).where(visible_action_items(user)),
    }
    if person_of(user) is not None:
        things[K.ORGANISATION] = select(Organisation.id).where(visible_organisations(user))
        things[K.PERSON] = select(Person.id).where(visible_people(user))
    return things


def _visible_among(user: Any, found) -> ColumnElement[bool]:
    """A condition over `found` (a CTE of matching entries with kind and object_id): the entries `user` may see.
    Each kind's visibility query is limited to the ids found, so its cost follows the matches, not the tables."""
    clauses = []
    for kind, stmt in _visible_things(user).items():
        key = stmt.selected_columns[0]
        ids = select(found.c.object_id).where(found.c.kind == kind)
        clauses.append(and_(found.c.kind == kind, found.c.object_id.in_(stmt.where(key.in_(ids)))))
    return or_(*clauses) if clauses else false()


# -- the two engines ---------------------------------------------------------------------------------------------

class _SQLite:
    fts = table("search_fts", column("rowid", Integer), column("norm_title"), column("norm_body"))

    def __init__(self, terms: list[str]):
        self.query = " ".join('"' + t.replace('"', '""') + '"' for t in terms)

    @staticmethod
    def _this():
        return literal_column("search_fts")

    def source(self):
        return self.fts.join(SE, SE.id == self.fts.c.rowid)

    def match(self):
        return self._this().op("MATCH")(literal(self.query))

    def title_hit(self):
        titles = self.fts.alias("title_fts")
        return SE.id.in_(select(titles.c.rowid).where(titles.c.norm_title.op("MATCH")(literal(self.query))))

    def rank(self):
        return func.bm25(self._this(), TITLE_WEIGHT, 1.0)  # lower is better

    def highlights(self):
        return (func.highlight(self._this(), 0, START, STOP), func.highlight(self._this(), 1, START, STOP))

    needs_match_for_highlights = True


class _PostgreSQL:
    vector = literal_column("search_entry.search_vector")
    config = literal_column("'english'::regconfig")
    headline_options = f"HighlightAll=true, StartSel={START}, StopSel={STOP}"

    def __init__(self, terms: list[str]):
        self.tsquery = func.plainto_tsquery(self.config, literal(" ".join(terms)))

    def source(self):
        return SE.__table__

    def match(self):
        return self.vector.op("@@")(self.tsquery)

    def title_hit(self):
        return func.ts_filter(self.vector, literal_column("'{a}'")).op("@@")(self.tsquery)

    def rank(self):
        return -func.ts_rank(self.vector, self.tsquery)  # lower is better, as with bm25

    def highlights(self):
        options = literal(self.headline_options)
        return (func.ts_headline(self.config, SE.norm_title, self.tsquery, options),
                func.ts_headline(self.config, SE.norm_body, self.tsquery, options))

    needs_match_for_highlights = False


def _engine(terms: list[str]):
    return _SQLite(terms) if db.session.get_bind().dialect.name == "sqlite" else _PostgreSQL(terms)


# -- searching ---------------------------------------------------------------------------------------------------

def _kinds(kinds) -> tuple[SearchKind, ...]:
    if not kinds:
        return ()
    try:
        return tuple(sorted({SearchKind(k) for k in kinds}, key=list(SearchKind).index))
    except ValueError:
        raise ValidationFailed(N_("Unknown kind of result."), field="kind", code="invalid_choice") from None


def _filters(committee, year: int | None, zone: tzinfo) -> list:
    clauses = []
    if committee is not None:
        clauses.append(SE.committee_id == (committee.id if isinstance(committee, Committee) else int(committee)))
    if year is not None:
        start, end = _year_bounds(year, zone)
        clauses += [SE.dated_at >= start, SE.dated_at < end]
    return clauses


def search(user: Any, query: str | None, kinds=None, committee: Committee | int | None = None, year: int | None = None,
           page: int = 1, per_page: int = PER_PAGE, zone: tzinfo = timezone.utc) -> Results:
    """One page of what `user` may see matching every word of `query`, best first, with the counts per kind.

    `kinds`: SearchKind values to show (all when empty); `committee`: a Committee or its id; `year`: of the entry's
    date (a proposal's submission, a meeting's start, an action item's creation) in `zone`. A query without any word
    (only punctuation, say) finds nothing; one longer than 200 characters, an unknown kind or year raise
    ValidationFailed.
    """
    text = clean_query(query)
    wanted = _kinds(kinds)
    page, per_page = max(1, int(page)), max(1, min(int(per_page), MAX_PER_PAGE))
    terms = query_terms(text)
    if not terms:
        _filters(committee, year, zone)  # still refuses a bad year
        return Results(text, [], [], page, per_page, 0, {})
    engine = _engine(terms)
    filters = _filters(committee, year, zone)
    hits, counts = _page(user, engine, filters, wanted, page, per_page)
    if counts is None:  # no row on this page (beyond the last, or no match of the kinds asked for): count alone
        counts = _counts(user, engine, filters)
    total = sum(n for kind, n in counts.items() if not wanted or kind in wanted)
    return Results(text, terms, hits, page, per_page, total, counts)


def _counts(user: Any, engine, filters: list) -> dict[SearchKind, int]:
    found = (select(SE.id, SE.kind, SE.object_id).select_from(engine.source())
             .where(engine.match(), *filters).cte("found"))
    return {SearchKind(kind): n for kind, n in db.session.execute(
        select(found.c.kind, func.count()).where(_visible_among(user, found)).group_by(found.c.kind))}


def _page(user: Any, engine, filters: list, wanted: tuple, page: int,
          per_page: int) -> tuple[list[Hit], dict[SearchKind, int] | None]:
    """The page of hits and the visible matches per kind, in one statement: the matching entries ranked (a CTE),
    the visible ones (a CTE both the counts and the page read, so visibility is decided once), those of the kinds
    asked for ordered and cut, then their committee and highlighted text (computed for the page only). The counts
    come with every row; None when the page has no row."""
    found = (select(SE.id, SE.kind, SE.object_id, SE.dated_at, engine.title_hit().label("title_hit"),
                    engine.rank().label("rank"))
             .select_from(engine.source()).where(engine.match(), *filters).cte("found"))
    visible = select(found).where(_visible_among(user, found)).cte("visible")
    order = (desc(visible.c.title_hit), visible.c.rank, visible.c.dated_at.is_(None), visible.c.dated_at.desc(),
             visible.c.id.desc())
    ranked = (select(visible.c.id, visible.c.title_hit, visible.c.rank, visible.c.dated_at)
              .where(*([visible.c.kind.in_(wanted)] if wanted else [])).order_by(*order)
              .limit(per_page).offset((page - 1) * per_page)).subquery("ranked")
    per_kind = [select(func.count()).select_from(visible).where(visible.c.kind == kind).scalar_subquery()
                .label(f"n_{kind.value}") for kind in SearchKind]
    marked_title, marked_body = engine.highlights()
    stmt = (select(SE.kind, SE.object_id, SE.meeting_id, SE.committee_id, SE.dated_at, SE.title, SE.body,
                   ranked.c.title_hit, marked_title, marked_body, Committee.name, Committee.slug, *per_kind)
            .select_from(engine.source().join(ranked, ranked.c.id == SE.id)
                         .outerjoin(Committee, Committee.id == SE.committee_id))
            .order_by(desc(ranked.c.title_hit), ranked.c.rank, ranked.c.dated_at.is_(None), ranked.c.dated_at.desc(),
                      SE.id.desc()))
    if engine.needs_match_for_highlights:
        stmt = stmt.where(engine.match())
    rows = db.session.execute(stmt).all()
    if not rows:
        return [], None
    width = len(SearchKind)
    counts = {kind: n for kind, n in zip(SearchKind, rows[0][-width:]) if n}
    return [_hit(row[:-width]) for row in rows], counts


def _hit(row) -> Hit:
    (kind, object_id, meeting_id, committee_id, dated_at, title, body, title_hit, marked_title, marked_body,
     committee_name, committee_slug) = row
    kind = SearchKind(kind)
    title_spans = marked_spans(title, marked_title) or []
    return Hit(kind=kind, object_id=object_id, title=title, title_parts=segments(title, title_spans),
               snippet_parts=passage(body, marked_spans(body, marked_body), SNIPPET_WIDTH),
               committee_id=committee_id, committee_name=committee_name, committee_slug=committee_slug,
               dated_at=as_utc(dated_at), title_match=bool(title_hit),
               link=LINKS[kind](_LinkKey(object_id, meeting_id)))


@dataclass(frozen=True)
class _LinkKey:
    object_id: int
    meeting_id: int | None


def years(user: Any = None, zone: tzinfo = timezone.utc) -> list[int]:
    """The years (newest first, in `zone`) from the oldest to the newest dated entry: the choices of the year filter.
    Over the whole index (one quick MIN/MAX), not only what `user` may see: the span of years says nothing else."""
    oldest, newest = db.session.execute(select(  # two subqueries: SQLite reads MIN and MAX from the index only so
        select(func.min(SE.dated_at)).scalar_subquery(), select(func.max(SE.dated_at)).scalar_subquery())).one()
    if oldest is None or newest is None:
        return []
    first, last = as_utc(oldest).astimezone(zone).year, as_utc(newest).astimezone(zone).year
    return list(range(last, first - 1, -1))


def reindex() -> dict[str, int]:
    """Rebuild the whole index in the current transaction (the caller commits); entries per kind."""
    from committees.search_index import rebuild_all

    return {kind.value: n for kind, n in rebuild_all(db.session.connection()).items()}


__all__ = ["Hit", "Link", "Results", "SearchKind", "reindex", "search", "years"]
