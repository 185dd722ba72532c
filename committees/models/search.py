"""The search index: one row per searchable thing (committees/search_index.py keeps it current; committees/search.py
reads it).

Each row holds the text people read (title, body) and its normalised copy (committees/search_text.normalise), which
is what the database's full-text index covers:
- SQLite: an FTS5 table `search_fts` over (norm_title, norm_body) with `search_entry` as its external content, kept
  in step by triggers; tokenizer `porter unicode61 remove_diacritics 2` (English stemming).
- PostgreSQL: a generated column `search_vector` (english configuration, the title weighted A, the body B) with a
  GIN index.
Neither is part of the SQLAlchemy model (they exist on one engine only): DDL events create them with the table and
the migration creates them on upgrade; `include_name`/`include_object` keep Alembic's comparison off them.
A later migration that alters search_entry on SQLite with batch mode (copy and rename) drops the triggers with the
old table: it must create them again (SQLITE_DDL[1:]).
Who may see an entry is not stored here: committees/search.py joins each kind to its own table and applies the same
visibility rules as the lists, so a change of state, role or committee needs no re-indexing.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, Integer, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from committees.db import db, utcnow
from committees.i18n import N_
from committees.models.types import TitledEnum, UTCDateTime, enum_column


class SearchKind(TitledEnum):
    PROPOSAL = "proposal", N_("Proposal")
    MINUTES = "minutes", N_("Minutes")
    DECISION = "decision", N_("Decision")
    AGENDA_ITEM = "agenda_item", N_("Agenda item")
    ACTION_ITEM = "action_item", N_("Action item")
    ORGANISATION = "organisation", N_("Organisation")
    PERSON = "person", N_("Person")


class SearchEntry(db.Model):
    __tablename__ = "search_entry"
    __table_args__ = (
        # Not unique: two transactions re-indexing the same thing at once may both insert (the next change or
        # `search reindex` heals that) rather than one of them failing.
        Index("ix_search_entry_kind_object", "kind", "object_id"),
        Index("ix_search_entry_committee_dated", "committee_id", "dated_at"),
        Index("ix_search_entry_dated", "dated_at"),  # the year filter's range (MIN/MAX)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SearchKind] = mapped_column(enum_column(SearchKind, "search_kind"))
    object_id: Mapped[int] = mapped_column(Integer)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(Integer)  # for links to minutes, decisions and agenda items
    dated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # what the year filter looks at
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    norm_title: Mapped[str] = mapped_column(Text, default="")
    norm_body: Mapped[str] = mapped_column(Text, default="")
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


FTS_TABLE = "search_fts"
PG_VECTOR = "search_vector"
PG_VECTOR_INDEX = "ix_search_entry_vector"

SQLITE_DDL = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(norm_title, norm_body, content='search_entry', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_fts(rowid, norm_title, norm_body) VALUES (new.id, new.norm_title, new.norm_body); END",
    "CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, norm_title, norm_body) "
    "VALUES ('delete', old.id, old.norm_title, old.norm_body); END",
    "CREATE TRIGGER search_entry_fts_update AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, norm_title, norm_body) "
    "VALUES ('delete', old.id, old.norm_title, old.norm_body); "
    "INSERT INTO search_fts(rowid, norm_title, norm_body) VALUES (new.id, new.norm_title, new.norm_body); END",
)
SQLITE_DROP = ("DROP TABLE IF EXISTS search_fts",)
POSTGRESQL_DDL = (
    "ALTER TABLE search_entry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, coalesce(norm_title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(norm_body, '')), 'B')) STORED",
    "CREATE INDEX ix_search_entry_vector ON search_entry USING gin (search_vector)",
)

for _statement in SQLITE_DDL:
    event.listen(SearchEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in SQLITE_DROP:
    event.listen(SearchEntry.__table__, "before_drop", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_DDL:
    event.listen(SearchEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """For Alembic's comparison of models and database: leave out the engine-specific parts of the index (the FTS5
    table and its shadow tables, the tsvector column and its index)."""
    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    return not (type_ in ("column", "index") and name in (PG_VECTOR, PG_VECTOR_INDEX))


def include_object(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    return include_name(name, type_, {})
