"""Backups: the whole database and the uploaded documents in one portable .zip file, and restoring one.

The format (format_version 1) is plain enough to read without the portal:

    manifest.json                 written last: format, version, created_at (UTC), the Alembic revision, the
                                  source dialect, and per table (in dependency order) its file, row count,
                                  SHA-256 and columns with their kinds; then the documents' summary
    tables/NNN_<table>.jsonl      one JSON object per row, keyed by column name, ordered by primary key
    documents/<key>               the bytes of documents kept in DOCUMENTS_DIR (documents kept in the
                                  database are rows of the document_blob table)
    documents.jsonl               {"key", "size", "sha256"} per file under documents/

Values by column kind: datetime -> ISO 8601 (aware ones converted to UTC, with "+00:00"), date and time ->
ISO 8601, decimal -> string, binary -> base64, enum -> its value, json -> itself; integers, floats, booleans
and strings as JSON has them. Everything is streamed: rows are read and written in batches.

A restore goes into an empty database at the same migration revision (else it is refused unless forced),
in one transaction, then moves PostgreSQL's sequences past the restored ids. A backup from SQLite restores
on PostgreSQL and the other way round. No Flask here: callers pass the engine and the metadata.
"""
from __future__ import annotations

import base64
import enum
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, Table, func, inspect, literal, select, text
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

FORMAT = "committee-portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DOCUMENTS_INDEX = "documents.jsonl"
BATCH_ROWS = 1000
BINARY_BATCH_ROWS = 20
BATCH_BYTES = 8 * 1024 * 1024
KEY_RE = re.compile(r"[0-9a-f]{32}")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass
class BackupSummary:
    path: Path
    revision: str | None
    rows: dict[str, int]
    documents: int = 0
    document_bytes: int = 0
    missing_documents: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class RestoreSummary:
    revision: str | None
    rows: dict[str, int]
    documents: int = 0
    replaced: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


# -- values -----------------------------------------------------------------------------------------------

def column_kind(column_type: sqltypes.TypeEngine) -> str:
    """The format's name for a column type (TypeDecorators by what they store)."""
    if isinstance(column_type, sqltypes.TypeDecorator):
        column_type = column_type.impl_instance
    checks = [
        (sqltypes.Enum, "enum"), (sqltypes.Boolean, "boolean"), (sqltypes.DateTime, "datetime"),
        (sqltypes.Date, "date"), (sqltypes.Time, "time"), (sqltypes.Float, "float"),
        (sqltypes.Numeric, "decimal"), (sqltypes.Integer, "integer"), (sqltypes.LargeBinary, "binary"),
        (sqltypes.JSON, "json"), (sqltypes.Uuid, "uuid"), (sqltypes.String, "string"),
    ]
    for cls, kind in checks:
        if isinstance(column_type, cls):
            return kind
    raise BackupError(f"Column type {column_type!r} has no backup format yet (add it to committees/backup.py).")


def _encode_datetime(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.isoformat()


ENCODERS: dict[str, Callable[[Any], Any]] = {
    "enum": lambda v: v.value if isinstance(v, enum.Enum) else str(v),
    "datetime": _encode_datetime,
    "date": lambda v: v.isoformat(),
    "time": lambda v: v.isoformat(),
    "decimal": str,
    "binary": lambda v: base64.b64encode(bytes(v)).decode("ascii"),
    "uuid": str,
}
DECODERS: dict[str, Callable[[Any], Any]] = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "decimal": Decimal,
    "binary": lambda v: base64.b64decode(v, validate=True),
}


def encode_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    encoder = ENCODERS.get(kind)
    return encoder(value) if encoder else value


def decode_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    decoder = DECODERS.get(kind)
    return decoder(value) if decoder else value


# -- reading the source database ------------------------------------------------------------------------------

def migration_revision(conn: Connection) -> str | None:
    """The Alembic revision the database is at (heads joined by commas), or None without Alembic's table."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    heads = sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    return ",".join(heads) or None


def _snapshot(conn: Connection) -> None:
    """One consistent view of every table for the whole backup."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")  # pysqlite would otherwise read each table in its own transaction
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def _columns(table: Table) -> list[tuple[str, str]]:
    return [(c.name, column_kind(c.type)) for c in table.columns]


def _rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    kinds = _columns(table)
    batch = BINARY_BATCH_ROWS if any(k == "binary" for _, k in kinds) else BATCH_ROWS
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(select(table).order_by(*order))
    for row in result:
        yield {name: encode_value(kind, value) for (name, kind), value in zip(kinds, row)}


class _HashingWriter:
    """Writes to a zip member while counting and hashing what goes in."""

    def __init__(self, member):
        self.member = member
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.member.write(data)
        self.sha.update(data)
        self.size += len(data)


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def _member(archive: zipfile.ZipFile, name: str):
    """A new member opened for streaming writes (zip64, so a table may exceed 2 GiB)."""
    return archive.open(_info(name), "w", force_zip64=True)


def _dump_line(obj: dict) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _document_path(root: Path, key: str) -> Path | None:
    return root / key[:2] / key if KEY_RE.fullmatch(key or "") else None


def _document_keys(conn: Connection, metadata: MetaData) -> Iterator[tuple[str, bool]]:
    """(storage key, whether its bytes are a document_blob row) for every document, deleted ones too."""
    if "document" not in metadata.tables:
        return
    document = metadata.tables["document"]
    blob = metadata.tables.get("document_blob")
    if blob is None:
        stmt = select(document.c.storage_key, literal(False))
    else:
        stmt = (select(document.c.storage_key, blob.c.storage_key.is_not(None))
                .select_from(document.outerjoin(blob, blob.c.storage_key == document.c.storage_key)))
    yield from conn.execute(stmt.order_by(document.c.storage_key))


def _write_documents(conn, archive: zipfile.ZipFile, metadata: MetaData, documents_dir: str | None,
                     summary: BackupSummary) -> None:
    root = Path(documents_dir) if documents_dir else None
    # One member is written at a time, so the index waits in a spooled file until the documents are in.
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as index:
        for key, in_database in _document_keys(conn, metadata):
            path = _document_path(root, key) if root else None
            if path is None or not path.is_file():
                if not in_database:
                    summary.missing_documents.append(key)
                continue
            sha = hashlib.sha256()
            size = 0
            with path.open("rb") as source, _member(archive, f"documents/{key}") as member:
                while chunk := source.read(1024 * 1024):
                    member.write(chunk)
                    sha.update(chunk)
                    size += len(chunk)
            index.write(_dump_line({"key": key, "size": size, "sha256": sha.hexdigest()}))
            summary.documents += 1
            summary.document_bytes += size
        index.seek(0)
        with _member(archive, DOCUMENTS_INDEX) as member:
            shutil.copyfileobj(index, member)


def create_backup(engine: Engine, path: str | Path, *, metadata: MetaData, documents_dir: str | None = None,
                  overwrite: bool = False, now: datetime | None = None) -> BackupSummary:
    """Write every table and every document file to a new .zip at `path` (a directory gets a dated file)."""
    now = now or datetime.now(timezone.utc)
    path = Path(path)
    if path.is_dir():
        path = path / f"portal-backup-{now:%Y%m%d-%H%M%S}.zip"
    if path.exists() and not overwrite:
        raise BackupError(f"{path} exists already; choose another name (or overwrite it knowingly).")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    partial = path.with_name(path.name + ".partial")
    try:
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: owner only
    except OSError as error:
        raise BackupError(f"Cannot write {partial}: {error.strerror}.") from None
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            summary = _write_archive(engine, zf, metadata, documents_dir, now, path)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return summary


def _write_archive(engine: Engine, zf: zipfile.ZipFile, metadata: MetaData, documents_dir: str | None,
                   now: datetime, path: Path) -> BackupSummary:
    tables = []
    with engine.connect() as conn:
        _snapshot(conn)
        revision = migration_revision(conn)
        summary = BackupSummary(path=path, revision=revision, rows={})
        try:
            for number, table in enumerate(metadata.sorted_tables, start=1):
                name = f"tables/{number:03d}_{table.name}.jsonl"
                count = 0
                with _member(zf, name) as member:
                    writer = _HashingWriter(member)
                    for row in _rows(conn, table):
                        writer.write(_dump_line(row))
                        count += 1
                summary.rows[table.name] = count
                tables.append({"name": table.name, "file": name, "rows": count, "sha256": writer.sha.hexdigest(),
                               "columns": [{"name": n, "kind": k} for n, k in _columns(table)]})
            _write_documents(conn, zf, metadata, documents_dir, summary)
        finally:
            conn.rollback()
        dialect = conn.dialect.name
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "created_at": _encode_datetime(now),
        "alembic_revision": revision, "source_dialect": dialect,
        "tables": tables,
        "documents": {"files": summary.documents, "bytes": summary.document_bytes,
                      "index": DOCUMENTS_INDEX, "missing": summary.missing_documents[:1000],
                      "missing_count": len(summary.missing_documents)},
    }
    zf.writestr(_info(MANIFEST), json.dumps(manifest, ensure_ascii=False, indent=1))
    return summary


# -- reading a backup --------------------------------------------------------------------------------------

def open_backup(path: str | Path) -> tuple[zipfile.ZipFile, dict]:
    """The archive and its manifest; a missing, foreign or damaged file raises BackupError."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such backup file.")
    try:
        archive = zipfile.ZipFile(path)
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except KeyError:
        raise BackupError(f"{path} is not a Committee Portal backup (it has no {MANIFEST}).") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise BackupError(f"{path} is not a readable backup (damaged or not a zip archive: {error}).") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(f"{path}: its {MANIFEST} is damaged.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Committee Portal backup.")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(f"{path} was written by a newer portal (format {version}); upgrade the portal first.")
    if not isinstance(manifest.get("tables"), list):
        raise BackupError(f"{path}: its {MANIFEST} lists no tables.")
    return archive, manifest


def _damaged(what: str, error: Exception) -> BackupError:
    return BackupError(f"The backup is damaged ({what}: {error}).")


# -- restoring ---------------------------------------------------------------------------------------

@dataclass
class _TablePlan:
    table: Table
    entry: dict
    columns: list[tuple[str, str]]  # (name, kind) as written in the backup, limited to the target's columns


def _plan(manifest: dict, metadata: MetaData, force: bool, warnings: list[str]) -> list[_TablePlan]:
    entries = {}
    for entry in manifest["tables"]:
        if not isinstance(entry, dict) or not {"name", "file", "rows", "columns"} <= entry.keys():
            raise BackupError(f"The backup's {MANIFEST} is damaged (a table entry is incomplete).")
        entries[entry["name"]] = entry
    problems = []
    unknown = sorted(set(entries) - set(metadata.tables))
    if unknown:
        problems.append(f"tables this portal does not have: {', '.join(unknown)}")
    plans = []
    for table in metadata.sorted_tables:
        entry = entries.get(table.name)
        if entry is None:
            problems.append(f"table {table.name} is not in the backup")
            continue
        backed_up = {c["name"]: c["kind"] for c in entry["columns"]}
        target = dict(_columns(table))
        extra = sorted(set(backed_up) - set(target))
        absent = sorted(set(target) - set(backed_up))
        changed = sorted(n for n in set(backed_up) & set(target) if backed_up[n] != target[n])
        if extra:
            problems.append(f"{table.name}: columns this portal does not have: {', '.join(extra)}")
        if absent:
            problems.append(f"{table.name}: columns missing from the backup: {', '.join(absent)}")
        if changed:
            problems.append(f"{table.name}: columns of another type: {', '.join(changed)}")
        columns = [(n, k) for n, k in backed_up.items() if n in target and n not in changed]
        plans.append(_TablePlan(table, entry, columns))
    if problems and not force:
        raise BackupError("The backup does not match this portal's tables: " + "; ".join(problems)
                          + ". Restore it with the portal version that wrote it, or use --force.")
    warnings.extend(problems)
    return plans


def _nonempty_tables(conn: Connection, metadata: MetaData) -> list[str]:
    return [t.name for t in metadata.sorted_tables
            if conn.execute(select(literal(1)).select_from(t).limit(1)).first() is not None]


def _check_target(conn: Connection, manifest: dict, metadata: MetaData, force: bool,
                  summary: RestoreSummary) -> None:
    present = set(inspect(conn).get_table_names())
    missing = [t.name for t in metadata.sorted_tables if t.name not in present]
    if missing:
        raise BackupError(f"The database has no table {missing[0]} ({len(missing)} missing): create the schema "
                          "first with `flask --app wsgi db upgrade`, then restore.")
    wanted = manifest.get("alembic_revision")
    if summary.revision != wanted:
        message = (f"The backup is at migration revision {wanted or 'none'} but the database is at "
                   f"{summary.revision or 'none'}")
        if not force:
            raise BackupError(message + ": bring the database to the backup's revision (`flask --app wsgi db "
                              "upgrade` or `downgrade`) before restoring, or use --force.")
        summary.warnings.append(message)
    nonempty = _nonempty_tables(conn, metadata)
    if nonempty:
        if not force:
            listed = ", ".join(nonempty[:5]) + (" ..." if len(nonempty) > 5 else "")
            raise BackupError(f"The database is not empty (rows in {listed}). Restore into an empty database, "
                              "or use --force to delete its rows first (in the same transaction).")
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        summary.replaced = True


def _lines(archive: zipfile.ZipFile, plan: _TablePlan) -> Iterator[tuple[int, dict]]:
    """The table's rows as JSON objects, checking the member's SHA-256 and row count at the end."""
    name = plan.entry["file"]
    sha = hashlib.sha256()
    number = 0
    try:
        with archive.open(name) as member:
            for raw in member:
                sha.update(raw)
                number += 1
                yield number, json.loads(raw)
    except KeyError:
        raise BackupError(f"The backup is damaged: {name} is missing.") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise _damaged(name, error) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise _damaged(f"{name}, line {number}", error) from None
    expected = plan.entry.get("sha256")
    if expected and sha.hexdigest() != expected:
        raise BackupError(f"The backup is damaged: {name} does not match its checksum.")
    if number != plan.entry["rows"]:
        raise BackupError(f"The backup is damaged: {name} has {number} rows, the manifest says {plan.entry['rows']}.")


def _load_table(conn: Connection, archive: zipfile.ZipFile, plan: _TablePlan,
                on_row: Callable[[dict], None] | None = None) -> int:
    batch: list[dict] = []
    size = 0
    count = 0

    def flush() -> None:
        nonlocal batch, size
        if batch:
            try:
                conn.execute(plan.table.insert(), batch)
            except DBAPIError as error:
                first = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
                raise BackupError(f"Table {plan.table.name} could not be restored near row {count}: {first}") from None
            batch, size = [], 0

    for number, obj in _lines(archive, plan):
        try:
            row = {name: decode_value(kind, obj.get(name)) for name, kind in plan.columns}
        except (ValueError, TypeError, AttributeError) as error:
            raise _damaged(f"{plan.entry['file']}, line {number}", error) from None
        if on_row:
            on_row(row)
        batch.append(row)
        size += sum(len(v) for v in row.values() if isinstance(v, (str, bytes)))
        count += 1
        if len(batch) >= BATCH_ROWS or size >= BATCH_BYTES:
            flush()
    flush()
    return count


def _write_file(root: Path, key: str, source, sha256: str | None = None) -> None:
    """Write a document file (from bytes or a stream) atomically, checking its SHA-256 when known."""
    path = _document_path(root, key)
    if path is None:
        raise BackupError(f"The backup is damaged: {key!r} is not a document key.")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(key + ".restoring")
    sha = hashlib.sha256()
    with temporary.open("wb") as target:
        if isinstance(source, bytes):
            source = io.BytesIO(source)
        while chunk := source.read(1024 * 1024):
            target.write(chunk)
            sha.update(chunk)
    if sha256 and sha.hexdigest() != sha256:
        temporary.unlink(missing_ok=True)
        raise BackupError(f"The backup is damaged: document {key} does not match its checksum.")
    os.replace(temporary, path)


def _restore_documents(conn: Connection, archive: zipfile.ZipFile, metadata: MetaData,
                       documents_dir: str | None) -> int:
    """Document files go to DOCUMENTS_DIR, or become document_blob rows when documents live in the database."""
    try:
        index = archive.open(DOCUMENTS_INDEX)
    except KeyError:
        return 0
    blob = metadata.tables.get("document_blob")
    count = 0
    try:
        with index:
            for raw in index:
                entry = json.loads(raw)
                key = entry["key"]
                with archive.open(f"documents/{key}") as member:
                    if documents_dir:
                        _write_file(Path(documents_dir), key, member, entry["sha256"])
                    elif blob is not None:
                        data = member.read()
                        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                            raise BackupError(f"The backup is damaged: document {key} does not match its checksum.")
                        exists = conn.execute(select(func.count()).select_from(blob)
                                              .where(blob.c.storage_key == key)).scalar()
                        if not exists:
                            conn.execute(blob.insert(), {"storage_key": key, "data": data})
                count += 1
    except KeyError as error:
        raise BackupError(f"The backup is damaged: document {error} is missing.") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise _damaged("documents", error) from None
    return count


def reset_sequences(conn: Connection, metadata: MetaData) -> None:
    """PostgreSQL: move each table's id sequence past the largest id, so new rows do not collide."""
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer
    for table in metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or column_kind(pk[0].type) != "integer":
            continue
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                {"t": quote.format_table(table), "c": pk[0].name}).scalar()
        if sequence:
            largest = select(func.max(pk[0])).scalar_subquery()
            conn.execute(select(func.setval(sequence, func.coalesce(largest, 1), largest.is_not(None))))


def restore_backup(engine: Engine, path: str | Path, *, metadata: MetaData, documents_dir: str | None = None,
                   force: bool = False) -> RestoreSummary:
    """Load a backup into an empty database at the same revision, in one transaction (all or nothing)."""
    archive, manifest = open_backup(path)
    with archive:
        warnings: list[str] = []
        plans = _plan(manifest, metadata, force, warnings)
        try:
            with engine.begin() as conn:
                summary = RestoreSummary(revision=migration_revision(conn), rows={}, warnings=warnings)
                _check_target(conn, manifest, metadata, force, summary)
                for plan in plans:
                    hook = _blob_writer(plan, documents_dir)
                    summary.rows[plan.table.name] = _load_table(conn, archive, plan, hook)
                summary.documents = _restore_documents(conn, archive, metadata, documents_dir)
                reset_sequences(conn, metadata)
        except SQLAlchemyError as error:
            raise BackupError(f"The restore failed and nothing was changed: {error}") from None
    return summary


def _blob_writer(plan: _TablePlan, documents_dir: str | None) -> Callable[[dict], None] | None:
    """Documents kept in the database are also written to DOCUMENTS_DIR when the target keeps them there."""
    if plan.table.name != "document_blob" or not documents_dir:
        return None
    root = Path(documents_dir)
    return lambda row: _write_file(root, row["storage_key"], row["data"]) if row.get("data") is not None else None
