"""Flask-Migrate, loaded when it is used: `flask db ...`, or flask_migrate.upgrade() and friends in the tests and
the benchmark. Flask-Migrate imports Alembic and Mako at once (about 9 MB and 0.2 s per process), which a web worker
or a `flask mail send` run from cron never needs.

`init_app` puts two stand-ins where Flask-Migrate's own init_app puts its objects: `app.extensions["migrate"]` (its
configuration, read by migrations/env.py and flask_migrate's functions) and the `db` command group. The first use of
either runs the real `Migrate(app, db, ...)`, which replaces both; the stand-ins then pass everything on.
"""
from __future__ import annotations

import click
from flask import Flask


class LazyMigrate:
    """What `Migrate(app, db, **options)` would register, registered when first used."""

    def __init__(self, app: Flask, db, **options) -> None:
        self.app, self.db, self.options = app, db, options
        self._config = None

    def load(self):
        """The real configuration (flask_migrate._MigrateConfig), after registering Flask-Migrate."""
        if self._config is None:
            from flask_migrate import Migrate

            Migrate(self.app, self.db, **self.options)  # replaces app.extensions["migrate"] and the `db` group
            self._config = self.app.extensions["migrate"]
        return self._config

    def __getattr__(self, name: str):
        return getattr(self.load(), name)


class LazyDbGroup(click.Group):
    """`flask db`: Flask-Migrate's command group, imported when the command runs (or its help is asked for)."""

    def __init__(self, migrate: LazyMigrate) -> None:
        super().__init__("db", help="Perform database migrations (Flask-Migrate).")
        self._migrate = migrate

    def _real(self) -> click.Group:
        self._migrate.load()
        from flask_migrate.cli import db

        return db

    def make_context(self, info_name, args, parent=None, **extra):
        return self._real().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx):
        return self._real().invoke(ctx)

    def list_commands(self, ctx):
        return self._real().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._real().get_command(ctx, name)


def init_app(app: Flask, db, **options) -> None:
    migrate = LazyMigrate(app, db, **options)
    app.extensions["migrate"] = migrate
    app.cli.add_command(LazyDbGroup(migrate))
