"""Keeping the search index (committees/models/search.py) current: after every flush, the entries of the things the
flush created, changed or deleted are rebuilt from the database, in the same transaction.

A session event (after_flush) rather than calls in each service, so nothing that writes through the ORM can forget
it: services, the demo, imports, anonymisation. It looks only at the fields an entry is made of (WATCHED): an RSVP or
a login touches no entry. An entry is rebuilt from the rows (one SELECT per kind per flush) rather than from the
objects in memory, so it always matches what was written; a thing gone from its table loses its entry. Bulk SQL
UPDATEs of those fields would bypass this: `rebuild_all` (`flask --app wsgi search reindex`) rebuilds everything.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from committees.db import utcnow
from committees.models import (
    ActionItem,
    AgendaItem,
    Decision,
    Meeting,
    Minutes,
    MinutesSection,
    Organisation,
    Person,
    Proposal,
)
from committees.models.search import SearchEntry, SearchKind
from committees.search_text import html_to_text, join_text, normalise

K = SearchKind
CHUNK = 500


@dataclass
class Doc:
    object_id: int
    title: str
    body: str
    committee_id: int | None = None
    meeting_id: int | None = None
    dated_at: object = None

    def row(self, kind: SearchKind, now) -> dict:
        return {"kind": kind, "object_id": self.object_id, "committee_id": self.committee_id,
                "meeting_id": self.meeting_id, "dated_at": self.dated_at, "title": self.title, "body": self.body,
                "norm_title": normalise(self.title), "norm_body": normalise(self.body), "indexed_at": now}


# -- what each kind's entry is made of ---------------------------------------------------------------------------

def _proposals(conn: Connection, ids: list[int]) -> Iterable[Doc]:
    p = Proposal
    rows = conn.execute(select(p.id, p.committee_id, func.coalesce(p.submitted_at, p.created_at), p.title, p.summary,
                               p.body, p.body_html, p.target_group, p.expected_impact, p.city_department,
                               p.city_reply, p.city_reply_html).where(p.id.in_(ids)))
    for (id_, committee_id, dated, title, summary, body, body_html, target, impact, department, reply,
         reply_html) in rows:
        text = join_text(summary, html_to_text(body_html) or body, target, impact, department,
                         html_to_text(reply_html) or reply)
        yield Doc(id_, title, text, committee_id, None, dated)


def _minutes(conn: Connection, ids: list[int]) -> Iterable[Doc]:
    sections = defaultdict(list)
    for minutes_id, title, discussion, discussion_html in conn.execute(
            select(MinutesSection.minutes_id, MinutesSection.title, MinutesSection.discussion,
                   MinutesSection.discussion_html)
            .where(MinutesSection.minutes_id.in_(ids)).order_by(MinutesSection.position, MinutesSection.id)):
        sections[minutes_id].append(join_text(title, html_to_text(discussion_html) or discussion))
    rows = conn.execute(select(Minutes.id, Meeting.committee_id, Meeting.id, Meeting.starts_at, Meeting.title)
                        .join(Meeting, Meeting.id == Minutes.meeting_id).where(Minutes.id.in_(ids)))
    for id_, committee_id, meeting_id, starts_at, title in rows:
        yield Doc(id_, title, "\n".join(sections[id_]), committee_id, meeting_id, starts_at)


def _decisions(conn: Connection, ids: list[int]) -> Iterable[Doc]:
    rows = conn.execute(select(Decision.id, Meeting.committee_id, Meeting.id, Meeting.starts_at, Decision.number,
                               Decision.text, MinutesSection.title)
                        .join(Meeting, Meeting.id == Decision.meeting_id)
                        .outerjoin(MinutesSection, MinutesSection.id == Decision.section_id)
                        .where(Decision.id.in_(ids)))
    for id_, committee_id, meeting_id, starts_at, number, text, section_title in rows:
        title = " · ".join(part for part in (number, section_title) if part)
        yield Doc(id_, title, text, committee_id, meeting_id, starts_at)


def _agenda_items(conn: Connection, ids: list[int]) -> Iterable[Doc]:
    rows = conn.execute(select(AgendaItem.id, Meeting.committee_id, Meeting.id, Meeting.starts_at, AgendaItem.title,
                               AgendaItem.description, AgendaItem.description_html)
                        .join(Meeting, Meeting.id == AgendaItem.meeting_id).where(AgendaItem.id.in_(ids)))
    for id_, committee_id, meeting_id, starts_at, title, description, description_html in rows:
        yield Doc(id_, title, html_to_text(description_html) or description, committee_id, meeting_id, starts_at)


def _action_items(conn: Connection, ids: list[int]) -> Iterable[Doc]:
    a = ActionItem
    rows = conn.execute(select(a.id, a.committee_id, a.meeting_id, a.created_at, a.title, a.description,
                               a.description_html).where(a.id.in_(ids)))
    for id_, committee_id, meeting_id, created_at, title, description, description_html in rows:
        yield Doc(id_, title, html_to_text(description_html) or description, committee_id, meeting_id, created_at)


def _organisations(conn: Connection, ids: list[int]) -> Iterable[Doc]:
    rows = conn.execute(select(Organisation.id, Organisation.name, Organisation.short_name, Organisation.description)
                        .where(Organisation.id.in_(ids)))
    for id_, name, short_name, description in rows:
        yield Doc(id_, f"{name} ({short_name})" if short_name else name, description or "")


def _people(conn: Connection, ids: list[int]) -> Iterable[Doc]:
    rows = conn.execute(select(Person.id, Person.full_name, Person.job_title, Organisation.name)
                        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
                        .where(Person.id.in_(ids)))
    for id_, full_name, job_title, organisation in rows:
        yield Doc(id_, full_name, join_text(job_title, organisation))


BUILDERS: dict[SearchKind, tuple[type, Callable[[Connection, list[int]], Iterable[Doc]]]] = {
    K.PROPOSAL: (Proposal, _proposals),
    K.MINUTES: (Minutes, _minutes),
    K.DECISION: (Decision, _decisions),
    K.AGENDA_ITEM: (AgendaItem, _agenda_items),
    K.ACTION_ITEM: (ActionItem, _action_items),
    K.ORGANISATION: (Organisation, _organisations),
    K.PERSON: (Person, _people),
}


def rebuild(conn: Connection, kind: SearchKind, ids: Iterable[int]) -> int:
    """Replace the entries of these things (an id no longer in its table just loses its entry)."""
    ids = sorted(set(ids))
    written = 0
    now = utcnow()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows = [doc.row(kind, now) for doc in BUILDERS[kind][1](conn, chunk)]
        conn.execute(delete(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.object_id.in_(chunk)))
        if rows:
            conn.execute(insert(SearchEntry), rows)
        written += len(rows)
    return written


def drop_orphans(conn: Connection, kinds: Iterable[SearchKind]) -> None:
    """Entries whose thing is gone (deleted by the database's ON DELETE CASCADE, which no ORM event sees)."""
    for kind in kinds:
        model = BUILDERS[kind][0]
        conn.execute(delete(SearchEntry).where(SearchEntry.kind == kind,
                                               SearchEntry.object_id.not_in(select(model.id))))


def rebuild_all(conn: Connection) -> dict[SearchKind, int]:
    """Every entry, from scratch (`flask --app wsgi search reindex`)."""
    conn.execute(delete(SearchEntry))
    counts = {}
    for kind, (model, _build) in BUILDERS.items():
        ids = list(conn.scalars(select(model.id).order_by(model.id)))
        counts[kind] = rebuild(conn, kind, ids)
    if conn.dialect.name == "sqlite":
        from sqlalchemy import text

        conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
    return counts


# -- after each flush --------------------------------------------------------------------------------------------

# The fields entries are made of, per model: a change elsewhere (a state, a login, an RSVP) re-indexes nothing.
WATCHED: dict[type, tuple[str, ...]] = {
    Proposal: ("title", "summary", "body", "body_html", "target_group", "expected_impact", "city_department",
               "city_reply", "city_reply_html", "committee_id", "submitted_at", "created_at"),
    Minutes: ("meeting_id", "committee_id"),
    MinutesSection: ("title", "discussion", "discussion_html", "minutes_id", "position"),
    Decision: ("number", "text", "section_id", "meeting_id", "committee_id"),
    Meeting: ("title", "starts_at", "committee_id"),
    AgendaItem: ("title", "description", "description_html", "meeting_id"),
    ActionItem: ("title", "description", "description_html", "committee_id", "meeting_id", "created_at"),
    Organisation: ("name", "short_name", "description"),
    Person: ("full_name", "job_title", "organisation_id"),
}
OWN_KIND = {Proposal: K.PROPOSAL, Minutes: K.MINUTES, Decision: K.DECISION, AgendaItem: K.AGENDA_ITEM,
            ActionItem: K.ACTION_ITEM, Organisation: K.ORGANISATION, Person: K.PERSON}


def _changed(obj) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in WATCHED[type(obj)])


def _value(obj, name: str):
    state = inspect(obj)
    return state.dict[name] if name in state.dict else getattr(obj, name)


class _Work:
    def __init__(self):
        self.ids: dict[SearchKind, set[int]] = defaultdict(set)
        self.meetings: set[int] = set()  # their minutes, decisions and agenda items
        self.sections: set[int] = set()  # their decisions (the section's title is in the decision's)
        self.organisations: set[int] = set()  # their people (the organisation's name is in the person's)
        self.orphans: set[SearchKind] = set()

    def note(self, obj, how: str) -> None:
        model = type(obj)
        own = OWN_KIND.get(model)
        object_id = _value(obj, "id")
        if object_id is None:
            return
        if own is not None:
            self.ids[own].add(object_id)
        if model is MinutesSection:
            self.ids[K.MINUTES].add(_value(obj, "minutes_id"))
            if how == "dirty":
                self.sections.add(object_id)
        elif model is Meeting:
            if how == "deleted":
                self.orphans |= {K.MINUTES, K.DECISION, K.AGENDA_ITEM}
            elif how == "dirty":
                self.meetings.add(object_id)
        elif model is Minutes and how == "deleted":
            self.orphans |= {K.DECISION}
        elif model is Organisation and how == "dirty":
            self.organisations.add(object_id)

    def run(self, conn: Connection) -> None:
        if self.meetings:
            ids = sorted(self.meetings)
            self.ids[K.MINUTES].update(conn.scalars(select(Minutes.id).where(Minutes.meeting_id.in_(ids))))
            self.ids[K.DECISION].update(conn.scalars(select(Decision.id).where(Decision.meeting_id.in_(ids))))
            self.ids[K.AGENDA_ITEM].update(conn.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id.in_(ids))))
        if self.sections:
            self.ids[K.DECISION].update(conn.scalars(select(Decision.id).where(
                Decision.section_id.in_(sorted(self.sections)))))
        if self.organisations:
            self.ids[K.PERSON].update(conn.scalars(select(Person.id).where(
                Person.organisation_id.in_(sorted(self.organisations)))))
        for kind, ids in self.ids.items():
            ids.discard(None)
            if ids:
                rebuild(conn, kind, ids)
        drop_orphans(conn, self.orphans)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context) -> None:
    if session.info.get("search_index_off"):
        return
    work = _Work()
    for how, objects in (("new", session.new), ("dirty", session.dirty), ("deleted", session.deleted)):
        for obj in objects:
            if type(obj) in WATCHED and (how != "dirty" or _changed(obj)):
                work.note(obj, how)
    if work.ids or work.orphans or work.meetings or work.organisations or work.sections:
        work.run(session.connection())

