"""Each person's mail settings per kind of message, and their secret calendar-feed token."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from committees.db import db, utcnow
from committees.i18n import N_
from committees.models.types import TitledEnum, UTCDateTime, enum_column


class NotificationKind(TitledEnum):
    MEETINGS = "meetings", N_("Invitations and changes to meetings")
    AGENDAS = "agendas", N_("Agendas")
    MINUTES = "minutes", N_("Minutes")
    PROPOSALS = "proposals", N_("Proposals")
    ACTIONS = "actions", N_("Action items")


class DeliveryMode(TitledEnum):
    IMMEDIATE = "immediate", N_("Immediately")
    DIGEST = "digest", N_("In a daily digest")
    OFF = "off", N_("Not at all")


class NotificationPreference(db.Model):
    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("person_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind, "notification_kind"))
    mode: Mapped[DeliveryMode] = mapped_column(enum_column(DeliveryMode, "delivery_mode"),
                                               default=DeliveryMode.IMMEDIATE)


class CalendarFeedToken(db.Model):
    """The secret in a person's calendar subscription URL (stored hashed; reset issues a new one)."""

    __tablename__ = "calendar_feed_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DigestEntry(db.Model):
    """A message held for a person's daily digest (sent and cleared by `flask mail digest`)."""

    __tablename__ = "digest_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind, "digest_kind"))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
