"""Two-step sign-in: a person's authenticator (TOTP) settings and their one-time recovery codes.

Secrets are never stored in plain text: the TOTP secret is sealed (encrypted and authenticated) with a
key derived from the application's SECRET_KEY, and recovery codes are stored as argon2id hashes
(see committees/services/two_factor.py for why).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from committees.db import db, utcnow
from committees.models.types import UTCDateTime


class TwoFactor(db.Model):
    """One row per person who has started or finished setting up an authenticator app.

    `secret_sealed` is the confirmed secret in use at sign-in (None until the first confirmation);
    `pending_sealed` is a new secret waiting for its first code (first set-up, or a new phone).
    """

    __tablename__ = "two_factor"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    secret_sealed: Mapped[str | None] = mapped_column(String(255))
    pending_sealed: Mapped[str | None] = mapped_column(String(255))
    pending_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The TOTP time step (unix time // 30) of the last accepted code: a code is accepted only for a later step.
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def enabled(self) -> bool:
        return self.secret_sealed is not None and self.enabled_at is not None


class RecoveryCode(db.Model):
    """A one-time recovery code, stored as an argon2id hash; `used_at` is set when it is spent."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


__all__ = ["RecoveryCode", "TwoFactor"]
