"""Shared fixtures: one app and schema per run (built by the migrations), rows wiped after each test.

Runs on SQLite by default and on PostgreSQL when DATABASE_URL points at one (as .ci/run does).
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from committees import passwords
from committees.db import db
from committees.models import CommitteeRoleKind, GlobalRole, OrganisationType
from tests import factories as f

CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if url and worker and url.startswith("postgres"):
        return _worker_database(url, worker)
    if url:
        return url
    handle, path = tempfile.mkstemp(prefix="portal-test-", suffix=".db")
    os.close(handle)
    return f"sqlite:///{path}"


def _worker_database(url: str, worker: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database, next to the one DATABASE_URL names."""
    from sqlalchemy.engine import make_url

    from config import database_url

    base = make_url(database_url(url))
    worker_url = base.set(database=f"{base.database}_{worker}").render_as_string(hide_password=False)
    _reset_database(worker_url, create=True)
    return worker_url


def _reset_database(url: str, *, create: bool) -> None:
    """Drop the database `url` names, and create it empty again with `create`."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


class Client(FlaskClient):
    """A test client that can post forms with a valid CSRF token, like a browser would.

    Each request runs in a fresh app context (its own `g` and database session), as in production,
    even though the test itself holds an app context for its factories and assertions.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        page = self.get("/login" if not self._signed_in() else "/").get_data(as_text=True)
        match = CSRF_RE.search(page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def _signed_in(self) -> bool:
        with self.session_transaction() as sess:
            return "_user_id" in sess

    def post_form(self, url: str, data: dict | None = None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kw)


@pytest.fixture(scope="session")
def app():
    from config import database_url
    from portal import create_app

    url = database_url(_database_url())
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    app.test_client_class = Client
    with app.app_context():
        _no_fsync(db.engine)
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        # The schema comes from the models here; tests/domain/test_migrations.py proves the
        # migrations build the same schema on this database.
        db.create_all()
    yield app
    if url.startswith("postgres") and os.environ.get("PYTEST_XDIST_WORKER"):
        with app.app_context():
            db.engine.dispose()
        _reset_database(url, create=False)
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if os.path.exists(path):
            os.unlink(path)


def _no_fsync(engine) -> None:
    """A throw-away test database need not survive a power cut: no fsync on every commit (SQLite) and no wait for
    the write-ahead log (PostgreSQL's synchronous_commit, a per-session setting) make the suite much faster."""
    from sqlalchemy import event

    sqlite = engine.dialect.name == "sqlite"

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous = OFF" if sqlite else "SET synchronous_commit TO off")
        cursor.close()
        if not sqlite:
            dbapi_connection.commit()

    engine.dispose()  # connections made before the listener get it too


def _wipe() -> None:
    """Empty every table the test wrote to, and restart the ids (tests may rely on the first row being 1).

    On PostgreSQL a TRUNCATE of all tables costs about 100 ms, which over thousands of tests was minutes of CI:
    one cheap probe finds the tables that hold rows, and only those are emptied (children first) and their
    sequences restarted.
    """
    db.session.rollback()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            probe, sequences = _pg_wipe_plan(conn, tables)
            present = set(conn.execute(text(probe)).scalars())
            for table in tables:
                if table.name in present:
                    conn.execute(table.delete())
            for table_name, sequence in sequences:
                if table_name in present:
                    conn.execute(text("SELECT setval(CAST(:s AS regclass), 1, false)"), {"s": sequence})
        else:
            for table in tables:
                conn.execute(table.delete())


_PG_PLAN: list = []


def _pg_wipe_plan(conn, tables):
    if not _PG_PLAN:
        probe = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables)
        rows = conn.execute(text(  # every sequence owned by a table (serial and identity columns)
            "SELECT t.relname, CAST(CAST(s.oid AS regclass) AS text) FROM pg_class s "
            "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid WHERE s.relkind = 'S'")).all()
        _PG_PLAN.extend([probe, [tuple(row) for row in rows]])
    return _PG_PLAN


# The demo (tests/domain/test_demo*.py) costs seconds to load. Tests using `demo` share one load: the rows stay
# for the next such test unless the test added or removed rows (then the next one loads it again). A test that
# only updates existing demo rows would go unnoticed: such a test loads the demo itself instead.
DEMO_PASSWORD = "demo-password-for-tests"
_SHARED_DEMO: dict = {}


def _fingerprint() -> tuple:
    """Rows and highest id per table, in one statement: a shared-demo test that added or removed rows shows here."""
    parts = []
    for table in db.metadata.sorted_tables:
        top = "MAX(id)" if "id" in table.c else "0"
        parts.append(f"SELECT '{table.name}', COUNT(*), {top} FROM \"{table.name}\"")
    return tuple(db.session.execute(text(" UNION ALL ".join(parts))).all())


def _load_demo():
    from committees.demo import load_demo

    summary = load_demo(password=DEMO_PASSWORD)
    db.session.commit()
    return summary


@pytest.fixture
def demo(app):
    """The demo data, shared with the other tests that only read it (see _clean_state)."""
    if not _SHARED_DEMO:
        _wipe()
        summary = _load_demo()
        _SHARED_DEMO.update(summary=summary, fingerprint=_fingerprint())
    return _SHARED_DEMO["summary"]


@pytest.fixture(autouse=True)
def _clean_state(request, app):
    from portal.extensions import limiter

    shared = "demo" in request.fixturenames
    with app.app_context():
        if _SHARED_DEMO and not shared:
            _SHARED_DEMO.clear()
            _wipe()
        yield
        if shared and _SHARED_DEMO:
            db.session.rollback()
            if _fingerprint() != _SHARED_DEMO["fingerprint"]:  # the test changed it after all: not shared any more
                _SHARED_DEMO.clear()
                _wipe()
        else:
            _wipe()
        db.session.remove()
    limiter.reset()
    # A test that built another app (production, say) reconfigured the module-wide password hasher: back to the
    # testing parameters, or every later sign-in would rehash.
    passwords.configure(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_KIB"],
                        app.config["ARGON2_PARALLELISM"])


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


def login(client: Client, person, password: str = f.PASSWORD):
    response = client.post_form("/login", {"email": person.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def login_as(app):
    """login_as(person) -> a new client signed in as that person."""

    def _login(person):
        return login(app.test_client(), person)

    return _login


@dataclass
class World:
    """A small committee world with one person per role (tests read like the rules)."""

    committee: object
    other_committee: object
    ngo: object
    municipal: object
    outsider_org: object
    admin: object
    coordinator: object
    cochair: object
    cochair_municipal: object
    secretary: object
    representative: object
    alternate: object
    observer: object
    non_member: object
    other_rep: object

    def person(self, role: str):
        return None if role == "public" else getattr(self, role)


@pytest.fixture
def world(app) -> World:
    with f.batch():
        ngo = f.make_org("Solidarity Now Athens", short_name="SNA")
        municipal = f.make_org("Athens Social Services Directorate", type=OrganisationType.MUNICIPAL, short_name="ASSD")
        outsider_org = f.make_org("Unrelated Academic Institute", type=OrganisationType.ACADEMIC, short_name="UAI")
        committee = f.make_committee("Access and Legal Rights", slug="access-legal", public=True)
        other = f.make_committee("Health and Wellbeing", slug="health", public=False)
        f.make_membership(committee, ngo)
        f.make_membership(committee, municipal)
        f.make_membership(other, outsider_org)
        admin = f.make_person("admin@example.org", role=GlobalRole.ADMIN, name="Ada Admin")
        coordinator = f.make_person("coord@example.org", role=GlobalRole.COORDINATOR, name="Cora Coordinator")
        cochair = f.make_person("chair@example.org", org=ngo, name="Chris Chair")
        cochair_m = f.make_person("chair.m@example.org", org=municipal, name="Maria Municipal")
        secretary = f.make_person("secretary@example.org", org=municipal, name="Sam Secretary")
        representative = f.make_person("rep@example.org", org=ngo, name="Rita Rep")
        alternate = f.make_person("alt@example.org", org=ngo, name="Alex Alternate")
        observer = f.make_person("observer@example.org", org=outsider_org, name="Olga Observer")
        non_member = f.make_person("nobody@example.org", org=outsider_org, name="Nick Nobody")
        other_rep = f.make_person("other.rep@example.org", org=outsider_org, name="Omar Other")
        f.give_role(cochair, committee, CommitteeRoleKind.COCHAIR)
        f.give_role(cochair_m, committee, CommitteeRoleKind.COCHAIR)
        f.give_role(secretary, committee, CommitteeRoleKind.SECRETARY)
        f.give_role(representative, committee, CommitteeRoleKind.REPRESENTATIVE, primary=True)
        f.give_role(alternate, committee, CommitteeRoleKind.REPRESENTATIVE)
        f.give_role(observer, committee, CommitteeRoleKind.OBSERVER)
        f.give_role(other_rep, other, CommitteeRoleKind.REPRESENTATIVE, primary=True)
    return World(committee, other, ngo, municipal, outsider_org, admin, coordinator, cochair, cochair_m, secretary,
                 representative, alternate, observer, non_member, other_rep)


ROLES = ["public", "non_member", "observer", "representative", "secretary", "cochair", "coordinator", "admin"]
