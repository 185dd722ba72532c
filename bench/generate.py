"""The benchmark's data generator: `python -m bench generate --scale 10 --db sqlite|postgresql`.

Scale 1 is ACCMR today (6 committees, 100 organisations, 300 people, 500 meetings, ~5,000 agenda items, 300
proposals, 3,000 action items); scale 10 is ten times every figure. The rows are built in memory (bench/gen_*.py,
ids assigned there) and written in bulk into a fresh database migrated to head: executemany through SQLAlchemy Core
on SQLite, COPY on PostgreSQL. Then the search index is rebuilt (when committees.search exists) and PostgreSQL's
statistics are gathered (ANALYZE, as autovacuum would). Every generated person's password is data.BENCH_PASSWORD;
the sign-in accounts are <role>-<n>@bench.example.org (data.ACCOUNT_ROLES).
"""
from __future__ import annotations

import enum
import importlib
import json
import time
from datetime import date, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import Table, create_engine, text
from sqlalchemy.engine import make_url

from bench.data import BENCH_PASSWORD, Data
from bench.gen_bodies import BodiesBuilder
from bench.gen_meetings import MeetingsBuilder
from bench.gen_minutes import MinutesBuilder
from bench.gen_proposals import ProposalsBuilder
from committees.db import db

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URLS = {
    "sqlite": f"sqlite:///{ROOT / 'instance' / 'bench.db'}",
    "postgresql": "postgresql://postgres@127.0.0.1:5432/portal_bench",
}
REINDEX_NAMES = ("reindex", "reindex_all", "rebuild", "rebuild_index")


def database_url(kind: str, url: str | None = None) -> str:
    from config import database_url as normalise

    return normalise(url or DEFAULT_URLS[kind])


def make_app(url: str, config: str = "testing", **overrides) -> Flask:
    from portal import create_app

    return create_app(config, SQLALCHEMY_DATABASE_URI=url, **overrides)


def fresh_database(url: str) -> None:
    """An empty database at `url`: the SQLite file removed, or PostgreSQL's database created / its schema emptied."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = create_engine(parsed)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migrate(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))


def build(scale: float, password_hash: str) -> Data:
    data = Data(scale)
    bodies = BodiesBuilder(data, password_hash).run()
    meetings = MeetingsBuilder(data, bodies).run()
    minutes = MinutesBuilder(data, bodies, meetings).run()
    ProposalsBuilder(data, bodies, meetings, minutes).run()
    data.accounts = bodies.accounts  # type: ignore[attr-defined]
    return data


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


def _columns(table: Table, rows: list[dict]) -> tuple[list[str], dict]:
    """The columns to write, and the values of columns the generator does not set (columns added to the models
    after it was written): their Python-side default, else NULL where allowed."""
    names = [c.name for c in table.columns if c.name in rows[0]]
    fills = {}
    for column in table.columns:
        if column.name in rows[0] or column.server_default is not None:
            continue
        default = column.default
        if default is not None and default.is_scalar:
            fills[column.name] = default.arg
        elif default is not None and default.is_callable:
            fills[column.name] = default.arg(None)
        elif not column.nullable:
            raise RuntimeError(f"generated {table.name} rows lack {column.name} (no default)")
        else:
            fills[column.name] = None
    return names + list(fills), fills


def write(data: Data) -> dict[str, int]:
    """Insert every generated row, parents first, in one transaction; returns the rows written per table."""
    written = {}
    with db.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:  # bulk loading is not a request: no statement timeout (DATABASE_STATEMENT_TIMEOUT_MS)
            conn.execute(text("SET LOCAL statement_timeout = 0"))
        for table in db.metadata.sorted_tables:
            rows = data.rows.get(table.name)
            if not rows:
                continue
            names, fills = _columns(table, rows)
            if fills:
                rows = [row | fills for row in rows]
            if postgres:
                cursor = conn.connection.driver_connection.cursor()
                quoted = ", ".join(f'"{n}"' for n in names)
                with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row([_plain(row[n]) for n in names])
                cursor.close()
            else:
                conn.execute(table.insert(), [{n: row[n] for n in names} for row in rows])
            written[table.name] = len(rows)
        if postgres:
            for table in db.metadata.sorted_tables:
                if "id" in table.columns and table.columns["id"].primary_key:
                    name = table.name  # from the models, not from input
                    sql = (f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "  # nosec B608
                           f"COALESCE((SELECT max(id) FROM \"{name}\"), 0) + 1, false)")
                    conn.execute(text(sql))
    return written


def reindex() -> str:
    """Rebuild the search index through committees.search, when that module exists."""
    try:
        module = importlib.import_module("committees.search")
    except ImportError:
        return "committees.search does not exist yet: no search index built"
    for name in REINDEX_NAMES:
        function = getattr(module, name, None)
        if callable(function):
            result = function()
            db.session.commit()
            return f"committees.search.{name}() -> {result!r}"
    return f"committees.search has none of {', '.join(REINDEX_NAMES)}: no search index built"


def generate(scale: float, kind: str, url: str | None = None, *, quiet: bool = False) -> dict:
    """Build the data set at `scale` into a fresh database; returns a summary (counts, seconds, accounts)."""
    from committees.passwords import hash_password

    url = database_url(kind, url)
    timings = {}
    started = time.perf_counter()
    fresh_database(url)
    app = make_app(url)
    migrate(app)
    timings["migrate"] = time.perf_counter() - started
    with app.app_context():
        mark = time.perf_counter()
        data = build(scale, hash_password(BENCH_PASSWORD))
        timings["build"] = time.perf_counter() - mark
        mark = time.perf_counter()
        written = write(data)
        timings["write"] = time.perf_counter() - mark
        mark = time.perf_counter()
        search = reindex()
        timings["search_index"] = time.perf_counter() - mark
        if db.engine.dialect.name == "postgresql":
            mark = time.perf_counter()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
            timings["analyze"] = time.perf_counter() - mark
        db.session.remove()
        db.engine.dispose()
    timings["total"] = time.perf_counter() - started
    summary = {"scale": scale, "database": kind, "url": _safe(url), "rows": written,
               "seconds": {k: round(v, 2) for k, v in timings.items()}, "search_index": search,
               "accounts": data.accounts, "password": BENCH_PASSWORD,  # type: ignore[attr-defined]
               "anchored_at": data.now.isoformat(), "today": date.isoformat(data.today)}
    if not quiet:
        print(f"Generated scale {scale} on {kind} in {timings['total']:.1f} s "
              f"({sum(written.values())} rows; build {timings['build']:.1f} s, write {timings['write']:.1f} s). "
              f"{search}.")
    return summary


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(type(value))
