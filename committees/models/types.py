"""Column helpers shared by the models."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator

from committees.db import as_utc


class UTCDateTime(TypeDecorator):
    """A timestamp always returned timezone-aware in UTC, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value

    def process_result_value(self, value, dialect):
        return as_utc(value)


class TitledEnum(str, enum.Enum):
    """A string enum whose members carry a translatable title (marked with N_)."""

    def __new__(cls, value: str, title: str = ""):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.title = title or value
        return obj

    def __str__(self) -> str:
        return self.value


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column: VARCHAR + CHECK constraint holding the enum's values."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
