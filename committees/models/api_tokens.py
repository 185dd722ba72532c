"""Personal access tokens for the JSON API: random secrets, stored hashed, scoped, expiring, revocable."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from committees.db import db, utcnow
from committees.i18n import N_
from committees.models.types import TitledEnum, UTCDateTime, enum_column

if TYPE_CHECKING:
    from committees.models.people import Person


class TokenScope(TitledEnum):
    READ = "read", N_("Read only")
    WRITE = "write", N_("Read and write")


class ApiToken(db.Model):
    """A person's API token. Only the SHA-256 of the secret is kept; `hint` (the first characters) lets the
    owner recognise it in a list."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope, "token_scope"), default=TokenScope.READ)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(lazy="joined")

    def is_valid(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.WRITE


__all__ = ["ApiToken", "TokenScope"]
