"""Backups (committees/backup.py): every table and every document round-trips, faithfully, between SQLite
and PostgreSQL; restores are all-or-nothing into an empty database at the same revision; damage is reported."""
from __future__ import annotations

import json
import os
import stat
import uuid
import zipfile
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

from committees import backup
from committees.backup import BackupError, column_kind, create_backup, restore_backup
from committees.db import db
from committees.models import GlobalRole, Person
from tests import factories as f

ROWS_PER_TABLE = 3
EDGE_TEXT = "«Ελληνικά» عربي 🚀 \"quotes\" 'single' \\ back\nline two\ttab"


# -- an edge-case row for every column of every table (new tables are covered automatically) ------------------

def _edge_value(column, kind: str, i: int, parents: dict):
    if column.foreign_keys:
        fk = next(iter(column.foreign_keys))
        return parents[fk.column.table.name][i][fk.column.name]
    if kind == "integer":
        big = column.type.__class__.__name__ == "BigInteger"
        return (2 ** 40 + i) if big else (i + 1 if column.primary_key else 7 * i - 3)
    if kind == "string":
        length = getattr(column.type, "length", None)
        value = f"{i}-{column.name} {EDGE_TEXT}"
        return value[:length] if length else value
    if kind == "enum":
        values = column.type.enums
        return values[i % len(values)]
    if kind == "boolean":
        return i % 2 == 0
    if kind == "decimal":
        return Decimal("1234567890.12") - i
    if kind == "datetime":
        aware = getattr(column.type, "timezone", False) or getattr(getattr(column.type, "impl", None), "timezone",
                                                                     False)
        value = datetime(2024, 2, 29, 23, 59, 59, 123456) + timedelta(days=i, microseconds=i)
        return value.replace(tzinfo=timezone.utc) if aware else value
    if kind == "date":
        return date(1999, 12, 31) + timedelta(days=i)
    if kind == "time":
        return time(9, 30, 15, 250000 + i)
    if kind == "binary":
        return bytes(range(256)) + bytes([i]) + b"\x00"
    if kind == "json":
        return {"nested": [1, 2.5, None, "ü", {"deep": True}], "i": i, "text": EDGE_TEXT}
    raise AssertionError(f"no edge value for {column} ({kind}); teach tests/domain/test_backup.py")


def add_edge_rows(engine) -> None:
    """ROWS_PER_TABLE rows in every table: row 0 fills every column, the last leaves the nullable ones empty."""
    parents: dict[str, list[dict]] = {}
    with engine.begin() as conn:
        offset = {}
        for table in db.metadata.sorted_tables:
            rows = []
            for i in range(ROWS_PER_TABLE):
                row = {}
                for column in table.columns:
                    kind = column_kind(column.type)
                    if column.nullable and not column.primary_key and i == ROWS_PER_TABLE - 1:
                        row[column.name] = None
                        continue
                    row[column.name] = _edge_value(column, kind, i, parents)
                    if column.primary_key and kind == "integer" and not column.foreign_keys:
                        start = offset.setdefault(table.name, (conn.execute(
                            select(func.max(column)).select_from(table)).scalar() or 0) + 100)
                        row[column.name] = start + i
                    elif column.primary_key and kind == "string":
                        row[column.name] = uuid.uuid4().hex
                rows.append(row)
            conn.execute(table.insert(), rows)
            parents[table.name] = rows


def snapshot(engine) -> dict[str, list[dict]]:
    """Every row of every table, ordered by primary key."""
    with engine.connect() as conn:
        return {t.name: [dict(r._mapping) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                for t in db.metadata.sorted_tables}


def assert_same(expected: dict, actual: dict) -> None:
    assert list(expected) == list(actual)
    for name in expected:
        assert len(actual[name]) == len(expected[name]), name
        for want, got in zip(expected[name], actual[name]):
            assert got == want, f"{name}: {want} != {got}"


def wipe(engine) -> None:
    with engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


# -- empty databases next to the test one ---------------------------------------------------------------

def on_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


@contextmanager
def empty_database(kind: str, tmp_path: Path):
    """A new database with the schema and no rows: a SQLite file, or a uniquely named PostgreSQL database
    on the test server (dropped afterwards)."""
    if kind == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / f'restore-{uuid.uuid4().hex[:8]}.db'}")
        db.metadata.create_all(engine)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    url = make_url(str(db.engine.url))
    name = f"portal_backup_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(url.set(database=name))
    try:
        db.metadata.create_all(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def other_kinds() -> list[str]:
    return ["sqlite", "postgresql"] if on_postgresql() else ["sqlite"]


# -- round trips ----------------------------------------------------------------------------------------------

def test_edge_rows_fill_every_table(app):
    add_edge_rows(db.engine)
    rows = snapshot(db.engine)
    assert all(len(r) == ROWS_PER_TABLE for r in rows.values()), {n: len(r) for n, r in rows.items()}


def test_backup_wipe_restore_compares_every_table(app, tmp_path):
    add_edge_rows(db.engine)
    before = snapshot(db.engine)
    summary = create_backup(db.engine, tmp_path / "b.zip", metadata=db.metadata)
    assert summary.rows == {t.name: ROWS_PER_TABLE for t in db.metadata.sorted_tables}
    db.session.remove()
    wipe(db.engine)
    restored = restore_backup(db.engine, tmp_path / "b.zip", metadata=db.metadata)
    assert restored.total_rows == summary.total_rows and not restored.replaced
    assert_same(before, snapshot(db.engine))
    # New rows after a restore get fresh ids (PostgreSQL's sequences moved past the restored ones).
    person = f.make_person("after.restore@example.org")
    assert person.id > max(r["id"] for r in before["person"])


def test_demo_round_trips_across_databases(app, tmp_path):
    from committees.demo import load_demo

    load_demo(password="demo-password-for-backups")
    db.session.commit()
    add_edge_rows(db.engine)
    before = snapshot(db.engine)
    assert len(before["person"]) > 300 and len(before["invitation"]) > 500
    create_backup(db.engine, tmp_path / "source.zip", metadata=db.metadata)
    source_kind = db.engine.dialect.name
    for kind in other_kinds():
        with empty_database(kind, tmp_path) as target:
            restore_backup(target, tmp_path / "source.zip", metadata=db.metadata)
            assert_same(before, snapshot(target))
            create_backup(target, tmp_path / f"from-{kind}.zip", metadata=db.metadata)
        if kind != source_kind:
            # ... and back: PostgreSQL -> SQLite -> PostgreSQL, still identical.
            with empty_database(source_kind, tmp_path) as third:
                restore_backup(third, tmp_path / f"from-{kind}.zip", metadata=db.metadata)
                assert_same(before, snapshot(third))


def test_values_are_written_in_the_portable_format(app, tmp_path):
    add_edge_rows(db.engine)
    create_backup(db.engine, tmp_path / "b.zip", metadata=db.metadata)
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == "committee-portal-backup" and manifest["format_version"] == 1
        assert [t["name"] for t in manifest["tables"]] == [t.name for t in db.metadata.sorted_tables]
        assert datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
        entry = next(t for t in manifest["tables"] if t["name"] == "meeting_rhythm")
        first = json.loads(archive.read(entry["file"]).splitlines()[0])
        blob = json.loads(archive.read(next(t["file"] for t in manifest["tables"]
                                            if t["name"] == "document_blob")).splitlines()[0])
        person = json.loads(archive.read(next(t["file"] for t in manifest["tables"]
                                              if t["name"] == "person")).splitlines()[0])
    assert first["start_time"] == "09:30:15.250000" and first["starts_on"] == "1999-12-31"
    assert blob["data"].startswith("AAECAwQF")  # base64
    assert person["created_at"] == "2024-02-29T23:59:59.123456+00:00"
    assert person["global_role"] in {r.value for r in GlobalRole}


def test_restore_is_batched(app, tmp_path, monkeypatch):
    admin = f.make_person("many@example.org")
    from committees import audit

    for n in range(250):
        audit.record(admin, "test.many", admin, f"entry {n}")
    db.session.commit()
    before = snapshot(db.engine)
    create_backup(db.engine, tmp_path / "b.zip", metadata=db.metadata)
    inserts = []

    def spy(conn, clause, multiparams, params, options):
        if getattr(clause, "table", None) is not None and clause.table.name == "audit_entry" and clause.is_insert:
            inserts.append(len(multiparams))

    monkeypatch.setattr(backup, "BATCH_ROWS", 40)
    db.session.remove()
    wipe(db.engine)
    event.listen(db.engine, "before_execute", spy)
    try:
        restore_backup(db.engine, tmp_path / "b.zip", metadata=db.metadata)
    finally:
        event.remove(db.engine, "before_execute", spy)
    assert inserts == [40] * 6 + [10]
    assert_same(before, snapshot(db.engine))


# -- documents ----------------------------------------------------------------------------------------------

def _document(key: str, data: bytes) -> None:
    from committees.documents import digest
    from committees.models import Document

    db.session.add(Document(filename=f"{key[:4]}.pdf", content_type="application/pdf", size=len(data),
                            sha256=digest(data), storage_key=key))
    db.session.commit()


def _write_file(root: Path, key: str, data: bytes) -> None:
    (root / key[:2]).mkdir(parents=True, exist_ok=True)
    (root / key[:2] / key).write_bytes(data)


def test_documents_in_a_directory_are_backed_up_and_restored(app, tmp_path):
    source, target = tmp_path / "docs", tmp_path / "restored-docs"
    files = {uuid.uuid4().hex: b"%PDF-1.7 first\x00", uuid.uuid4().hex: b"%PDF-1.7 second" * 1000}
    for key, data in files.items():
        _document(key, data)
        _write_file(source, key, data)
    lost = uuid.uuid4().hex
    _document(lost, b"%PDF gone")
    summary = create_backup(db.engine, tmp_path / "b.zip", metadata=db.metadata, documents_dir=str(source))
    assert summary.documents == 2 and summary.missing_documents == [lost]
    before = snapshot(db.engine)
    db.session.remove()
    wipe(db.engine)
    restored = restore_backup(db.engine, tmp_path / "b.zip", metadata=db.metadata, documents_dir=str(target))
    assert restored.documents == 2
    for key, data in files.items():
        assert (target / key[:2] / key).read_bytes() == data
    assert_same(before, snapshot(db.engine))


def test_documents_move_between_directory_and_database_storage(app, tmp_path):
    from committees.models import DocumentBlob

    source = tmp_path / "docs"
    key = uuid.uuid4().hex
    _document(key, b"%PDF-1.7 in a folder")
    _write_file(source, key, b"%PDF-1.7 in a folder")
    create_backup(db.engine, tmp_path / "dir.zip", metadata=db.metadata, documents_dir=str(source))
    db.session.remove()
    wipe(db.engine)
    # A folder-kept document restored where documents live in the database becomes a document_blob row ...
    restore_backup(db.engine, tmp_path / "dir.zip", metadata=db.metadata, documents_dir=None)
    assert db.session.get(DocumentBlob, key).data == b"%PDF-1.7 in a folder"
    create_backup(db.engine, tmp_path / "db.zip", metadata=db.metadata)
    db.session.remove()
    wipe(db.engine)
    # ... and a database-kept one restored where documents live in a folder is written there too.
    restore_backup(db.engine, tmp_path / "db.zip", metadata=db.metadata, documents_dir=str(tmp_path / "new"))
    assert (tmp_path / "new" / key[:2] / key).read_bytes() == b"%PDF-1.7 in a folder"


# -- refusals ----------------------------------------------------------------------------------------------

def test_restore_refuses_a_database_with_rows_and_force_replaces_them(app, tmp_path):
    add_edge_rows(db.engine)
    before = snapshot(db.engine)
    create_backup(db.engine, tmp_path / "b.zip", metadata=db.metadata)
    f.make_person("newer@example.org")
    db.session.remove()
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(db.engine, tmp_path / "b.zip", metadata=db.metadata)
    assert db.session.scalar(select(func.count()).select_from(Person)) == ROWS_PER_TABLE + 1
    db.session.remove()
    summary = restore_backup(db.engine, tmp_path / "b.zip", metadata=db.metadata, force=True)
    assert summary.replaced
    assert_same(before, snapshot(db.engine))


def test_restore_refuses_another_migration_revision(app, tmp_path):
    f.make_person("rev@example.org")
    create_backup(db.engine, tmp_path / "b.zip", metadata=db.metadata)
    with empty_database("sqlite", tmp_path) as target:
        with target.begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
            conn.execute(text("INSERT INTO alembic_version VALUES ('abc123')"))
        with pytest.raises(BackupError, match="revision none but the database is at abc123"):
            restore_backup(target, tmp_path / "b.zip", metadata=db.metadata)
        summary = restore_backup(target, tmp_path / "b.zip", metadata=db.metadata, force=True)
        assert summary.rows["person"] == 1 and "abc123" in summary.warnings[0]
        # The revision is recorded: a backup of this database carries it.
        create_backup(target, tmp_path / "c.zip", metadata=db.metadata)
        assert backup.open_backup(tmp_path / "c.zip")[1]["alembic_revision"] == "abc123"


def test_restore_refuses_a_database_without_the_schema(app, tmp_path):
    f.make_person("schema@example.org")
    create_backup(db.engine, tmp_path / "b.zip", metadata=db.metadata)
    engine = create_engine(f"sqlite:///{tmp_path / 'bare.db'}")
    with pytest.raises(BackupError, match="db upgrade"):
        restore_backup(engine, tmp_path / "b.zip", metadata=db.metadata)
    engine.dispose()


def test_backup_refuses_to_overwrite_and_names_a_file_in_a_folder(app, tmp_path):
    f.make_person("file@example.org")
    (tmp_path / "taken.zip").write_text("keep me")
    with pytest.raises(BackupError, match="exists already"):
        create_backup(db.engine, tmp_path / "taken.zip", metadata=db.metadata)
    assert (tmp_path / "taken.zip").read_text() == "keep me"
    with pytest.raises(BackupError, match="does not exist"):
        create_backup(db.engine, tmp_path / "nowhere" / "b.zip", metadata=db.metadata)
    summary = create_backup(db.engine, tmp_path, metadata=db.metadata,
                            now=datetime(2026, 3, 1, 2, 3, 4, tzinfo=timezone.utc))
    assert summary.path == tmp_path / "portal-backup-20260301-020304.zip"
    assert stat.S_IMODE(os.stat(summary.path).st_mode) == 0o600  # personal data: the owner only
    assert not list(tmp_path.glob("*.partial"))


# -- damage ----------------------------------------------------------------------------------------------

def _rewrite(source: Path, target: Path, change) -> None:
    """Copy a backup, passing each member through change(name, data) -> data or None (left out)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)


def _person_file(name: str) -> bool:
    return name.startswith("tables/") and name.endswith("_person.jsonl")


def _edit_manifest(name: str, data: bytes, **changes) -> bytes:
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest.update(changes)
    return json.dumps(manifest).encode()


DAMAGE = {
    "not a zip": (lambda p: p.write_bytes(b"hello, not a zip"), "not a readable backup"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[:-200]), "not a readable backup"),
    "no manifest": (lambda p: _rewrite(Path(str(p) + ".orig"), p, lambda n, d: None if n == "manifest.json" else d),
                    "not a Committee Portal backup"),
    "foreign manifest": (lambda p: _rewrite(Path(str(p) + ".orig"), p,
                                            lambda n, d: _edit_manifest(n, d, format="something-else")),
                         "not a Committee Portal backup"),
    "newer format": (lambda p: _rewrite(Path(str(p) + ".orig"), p,
                                        lambda n, d: _edit_manifest(n, d, format_version=99)), "newer portal"),
    "table missing": (lambda p: _rewrite(Path(str(p) + ".orig"), p, lambda n, d: None if _person_file(n) else d),
                      "person.jsonl is missing"),
    "row edited": (lambda p: _rewrite(Path(str(p) + ".orig"), p,
                                      lambda n, d: d.replace(b"Person", b"Persen") if _person_file(n) else d),
                   "does not match its checksum"),
    "bad json": (lambda p: _rewrite(Path(str(p) + ".orig"), p,
                                    lambda n, d: d + b"{oops\n" if _person_file(n) else d), "line 2"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_backups_are_refused_with_a_message_and_change_nothing(app, tmp_path, damage):
    f.make_person("damaged@example.org", name="Person Damaged")
    create_backup(db.engine, tmp_path / "b.zip", metadata=db.metadata)
    (tmp_path / "b.zip.orig").write_bytes((tmp_path / "b.zip").read_bytes())
    spoil, message = DAMAGE[damage]
    spoil(tmp_path / "b.zip")
    with empty_database("sqlite", tmp_path) as target:
        with pytest.raises(BackupError, match=message):
            restore_backup(target, tmp_path / "b.zip", metadata=db.metadata)
        assert all(not rows for rows in snapshot(target).values())  # all or nothing


def test_a_missing_backup_file_is_named(app, tmp_path):
    with pytest.raises(BackupError, match="no such backup file"):
        restore_backup(db.engine, tmp_path / "nope.zip", metadata=db.metadata)


def test_a_failing_row_rolls_back_the_whole_restore(app, tmp_path):
    add_edge_rows(db.engine)
    create_backup(db.engine, tmp_path / "b.zip", metadata=db.metadata)

    def duplicate_last_table(name: str, data: bytes):
        if name.startswith("tables/") and name.endswith("_action_update.jsonl"):
            return data + data.splitlines(keepends=True)[0]
        if name == "manifest.json":
            manifest = json.loads(data)
            for table in manifest["tables"]:
                if table["name"] == "action_update":
                    table["rows"] += 1
                    table.pop("sha256")
            return json.dumps(manifest).encode()
        return data

    _rewrite(tmp_path / "b.zip", tmp_path / "dup.zip", duplicate_last_table)
    with empty_database("sqlite", tmp_path) as target:
        with pytest.raises(BackupError, match="action_update could not be restored"):
            restore_backup(target, tmp_path / "dup.zip", metadata=db.metadata)
        assert all(not rows for rows in snapshot(target).values())
