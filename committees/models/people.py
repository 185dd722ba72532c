"""People (user accounts), their login sessions and their one-time tokens."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from committees.db import db, utcnow
from committees.i18n import N_
from committees.models.types import TitledEnum, UTCDateTime, enum_column

if TYPE_CHECKING:
    from committees.models.bodies import CommitteeRole, Organisation


class GlobalRole(TitledEnum):
    NONE = "none", N_("Member")
    COORDINATOR = "coordinator", N_("Coordinator")
    ADMIN = "admin", N_("Administrator")


class TokenPurpose(TitledEnum):
    INVITATION = "invitation", N_("Invitation")
    RESET = "reset", N_("Password reset")


class Person(db.Model):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    full_name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    job_title: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    global_role: Mapped[GlobalRole] = mapped_column(
        enum_column(GlobalRole, "global_role"), default=GlobalRole.NONE
    )
    is_primary_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship(back_populates="people", lazy="joined")
    committee_roles: Mapped[list[CommitteeRole]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

    # Set by the web layer at sign-in: the raw key of this request's login session.
    session_key = None  # type: str | None

    # -- what Flask-Login expects of a user object (kept free of Flask imports) --
    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_key

    @property
    def is_coordinator(self) -> bool:
        return self.global_role in (GlobalRole.COORDINATOR, GlobalRole.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.global_role == GlobalRole.ADMIN

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.email}>"


class LoginSession(db.Model):
    """A server-side login session: revoking the row makes its cookie anonymous."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(lazy="joined")


class AuthToken(db.Model):
    """Invitation and password-reset tokens: random, stored hashed, single use, short-lived."""

    __tablename__ = "auth_token"
    __table_args__ = (Index("ix_auth_token_person_purpose", "person_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])


__all__ = ["AuthToken", "GlobalRole", "LoginSession", "Person", "TokenPurpose"]
