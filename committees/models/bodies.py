"""Organisations, committees, memberships of organisations in committees, and people's committee roles."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from committees.db import db, utcnow
from committees.i18n import N_
from committees.models.types import TitledEnum, UTCDateTime, enum_column

if TYPE_CHECKING:
    from committees.models.people import Person


class OrganisationType(TitledEnum):
    NGO = "ngo", N_("NGO")
    INTERNATIONAL = "international", N_("International organisation")
    MUNICIPAL = "municipal", N_("Municipal body")
    MIGRANT_LED = "migrant_led", N_("Migrant-led community organisation")
    ACADEMIC = "academic", N_("Academic")
    OTHER = "other", N_("Other")


class MembershipStatus(TitledEnum):
    REQUESTED = "requested", N_("Requested")
    ACTIVE = "active", N_("Active")
    SUSPENDED = "suspended", N_("Suspended")
    LEFT = "left", N_("Left")
    DECLINED = "declined", N_("Declined")


class CommitteeRoleKind(TitledEnum):
    COCHAIR = "cochair", N_("Co-chair")
    SECRETARY = "secretary", N_("Secretary")
    REPRESENTATIVE = "representative", N_("Representative")
    OBSERVER = "observer", N_("Observer")


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(50), default="")
    type: Mapped[OrganisationType] = mapped_column(
        enum_column(OrganisationType, "organisation_type"), index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    people: Mapped[list[Person]] = relationship(back_populates="organisation", lazy="select")
    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")

    @property
    def label(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    @property
    def is_municipal(self) -> bool:
        return self.type == OrganisationType.MUNICIPAL

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class Committee(db.Model):
    __tablename__ = "committee"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    mandate: Mapped[str] = mapped_column(Text, default="")
    mandate_html: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Quorum: this many member organisations represented; None means more than half of the active members.
    quorum_organisations: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="committee")
    roles: Mapped[list[CommitteeRole]] = relationship(back_populates="committee")

    def __repr__(self) -> str:
        return f"<Committee {self.slug}>"


class Membership(db.Model):
    """An organisation's membership of a committee, with its status and dates."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("committee_id", "organisation_id"),
        Index("ix_membership_committee_status", "committee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus, "membership_status"), default=MembershipStatus.REQUESTED
    )
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    committee: Mapped[Committee] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class CommitteeRole(db.Model):
    """A person's role in a committee. Representatives act for their organisation's membership."""

    __tablename__ = "committee_role"
    __table_args__ = (
        UniqueConstraint("committee_id", "person_id", "role"),
        Index("ix_committee_role_person", "person_id", "committee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    role: Mapped[CommitteeRoleKind] = mapped_column(enum_column(CommitteeRoleKind, "committee_role_kind"))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    committee: Mapped[Committee] = relationship(back_populates="roles")
    person: Mapped[Person] = relationship(back_populates="committee_roles")
    membership: Mapped[Membership | None] = relationship()
