"""`flask --app wsgi search reindex`: rebuild the whole search index (after a restore from an old backup, an upgrade
that added the index, or any bulk change made with SQL)."""
from __future__ import annotations

import time

import click

from committees.db import db
from committees.search_index import rebuild_all
from portal.search import bp


@bp.cli.command("reindex")
def reindex() -> None:
    """Rebuild the search index from every proposal, minutes, decision, agenda item, action item, organisation and
    person (in one transaction)."""
    started = time.monotonic()
    counts = rebuild_all(db.session.connection())
    db.session.commit()
    summary = ", ".join(f"{n} {kind.value}" for kind, n in counts.items())
    took = time.monotonic() - started
    click.echo(f"Search index rebuilt in {took:.1f} s: {sum(counts.values())} entries ({summary}).")
