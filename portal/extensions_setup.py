"""Binding the extensions to the app."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from committees import documents, passwords
from portal import lazy_migrate
from portal.extensions import bootstrap, csrf, db, limiter


def init_app(app: Flask) -> None:
    db.init_app(app)
    # Flask-Migrate (and Alembic) loaded by `flask db` or flask_migrate.upgrade() only: portal/lazy_migrate.py
    lazy_migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True,
                          compare_type=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    documents.configure_storage(app.config.get("DOCUMENTS_DIR"))
    passwords.configure(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_KIB"],
                        app.config["ARGON2_PARALLELISM"])
