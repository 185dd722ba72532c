"""The migrations build exactly the schema the models describe, on this run's database engine."""
from __future__ import annotations

import os
import tempfile
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from committees.db import db
from committees.models import search  # the search index's FTS5 tables and tsvector column are left out


@pytest.fixture
def empty_database_url(app):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        name = f"portal_mig_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        handle, path = tempfile.mkstemp(suffix=".db")
        os.close(handle)
        yield f"sqlite:///{path}"
        os.unlink(path)


def test_migrations_match_models(empty_database_url):
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                              "render_as_batch": True,
                                                              "include_name": search.include_name,
                                                              "include_object": search.include_object})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"
