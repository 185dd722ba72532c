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

from committees.db import db
from committees.models import CommitteeRoleKind, GlobalRole, OrganisationType
from tests import factories as f

CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    handle, path = tempfile.mkstemp(prefix="portal-test-", suffix=".db")
    os.close(handle)
    return f"sqlite:///{path}"


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
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        # The schema comes from the models here; tests/domain/test_migrations.py proves the
        # migrations build the same schema on this database.
        db.create_all()
    yield app
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if os.path.exists(path):
            os.unlink(path)


def _wipe() -> None:
    db.session.rollback()
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_state(app):
    from portal.extensions import limiter

    with app.app_context():
        yield
        _wipe()
        db.session.remove()
    limiter.reset()


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
