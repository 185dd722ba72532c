"""The generated data set held in memory as plain rows (one list of dicts per table), with the ids assigned here so
rows can refer to each other before anything is written; bench/generate.py writes them in bulk.

Texts come from small pools (the demo's fictional minutes and topics), rendered to HTML once per distinct text:
Markdown is rendered on save in the app, so the rows carry both the source and its HTML, as the services write them.
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from committees.db import utcnow
from committees.markdown import render_markdown

ZONE = ZoneInfo("Europe/Athens")
UTC = ZoneInfo("UTC")
SEED = 2017

# Scale 1 is ACCMR today; every figure is multiplied by the scale factor.
BASE = {
    "committees": 6,
    "organisations": 100,
    "people": 300,
    "meetings": 500,
    "agenda_items": 5000,
    "proposals": 300,
    "action_items": 3000,
}

# The password of the benchmark's sign-in accounts (bench/accounts below); every generated person shares it.
BENCH_PASSWORD = "bench-portal-2026"
ACCOUNT_DOMAIN = "bench.example.org"
# Signed-in accounts per role, for the in-process pages and the HTTP load: <role>-<n>@bench.example.org.
ACCOUNT_ROLES = ("admin", "coordinator", "cochair", "secretary", "rep", "observer", "member")
ACCOUNTS_PER_ROLE = 3


def account_email(role: str, n: int) -> str:
    return f"{role}-{n}@{ACCOUNT_DOMAIN}"


@dataclass(frozen=True)
class Counts:
    committees: int
    organisations: int
    people: int
    meetings: int
    agenda_items: int
    proposals: int
    action_items: int

    @classmethod
    def for_scale(cls, scale: float) -> Counts:
        values = {k: max(1, round(v * scale)) for k, v in BASE.items()}
        values["committees"] = max(2, values["committees"])
        values["organisations"] = max(12, values["organisations"])
        values["people"] = max(3 * len(ACCOUNT_ROLES) * ACCOUNTS_PER_ROLE, values["people"])
        values["meetings"] = max(values["committees"] * 8, values["meetings"])
        return cls(**values)


class Data:
    """Rows per table, id counters, a seeded random source and the moment the data set is anchored to."""

    def __init__(self, scale: float, *, now: datetime | None = None, seed: int = SEED) -> None:
        self.scale = scale
        self.counts = Counts.for_scale(scale)
        self.rng = random.Random(f"{seed}-{scale}")
        self.now = (now or utcnow()).replace(microsecond=0)
        self.today = self.now.astimezone(ZONE).date()
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self._ids: dict[str, int] = defaultdict(int)
        self._html: dict[str, str] = {}

    def add(self, table: str, **row) -> dict:
        self._ids[table] += 1
        row["id"] = self._ids[table]
        self.rows[table].append(row)
        return row

    def add_keyless(self, table: str, **row) -> dict:
        """A row of a table whose key is not an integer id (document_blob)."""
        self.rows[table].append(row)
        return row

    def html(self, text: str) -> str:
        if text not in self._html:
            self._html[text] = render_markdown(text)
        return self._html[text]

    def local(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A wall-clock time in Athens, as an aware UTC datetime."""
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).astimezone(UTC)

    def between(self, start: datetime, end: datetime) -> datetime:
        if end <= start:
            return start
        seconds = int((end - start).total_seconds())
        return start + timedelta(seconds=self.rng.randrange(max(1, seconds)))

    def summary(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in sorted(self.rows.items())}
