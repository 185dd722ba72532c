"""Counting SQL statements, for tests that prove a page's queries do not grow with its rows."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from committees.db import db


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """`with count_queries() as statements:` collects every statement sent while the block runs."""
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
