"""Action items agreed in minutes or set directly, their progress updates and the reminder log."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from committees.db import db, utcnow
from committees.i18n import N_
from committees.models.types import TitledEnum, UTCDateTime, enum_column

if TYPE_CHECKING:
    from committees.models.bodies import Committee, Organisation
    from committees.models.people import Person


class ActionPriority(TitledEnum):
    LOW = "low", N_("Low")
    NORMAL = "normal", N_("Normal")
    HIGH = "high", N_("High")


class ActionStatus(TitledEnum):
    OPEN = "open", N_("Open")
    IN_PROGRESS = "in_progress", N_("In progress")
    BLOCKED = "blocked", N_("Blocked")
    DONE = "done", N_("Done")
    CANCELLED = "cancelled", N_("Cancelled")


OPEN_ACTION_STATES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED)


class ActionItem(db.Model):
    __tablename__ = "action_item"
    __table_args__ = (
        Index("ix_action_committee_status_due", "committee_id", "status", "due_on"),
        Index("ix_action_owner_person_status", "owner_person_id", "status"),
        Index("ix_action_owner_org_status", "owner_organisation_id", "status"),
        Index("ix_action_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    # Indexed: the minutes page and the proposal page list the actions of a meeting / of decisions (issue 9).
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id", ondelete="SET NULL"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="SET NULL"), index=True)
    owner_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    due_on: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[ActionPriority] = mapped_column(enum_column(ActionPriority, "action_priority"),
                                                     default=ActionPriority.NORMAL)
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus, "action_status"),
                                                 default=ActionStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    committee: Mapped[Committee] = relationship()
    owner_person: Mapped[Person | None] = relationship(foreign_keys=[owner_person_id])
    owner_organisation: Mapped[Organisation | None] = relationship()
    updates: Mapped[list[ActionUpdate]] = relationship(back_populates="item", order_by="ActionUpdate.id",
                                                       cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    def is_overdue(self, today: date) -> bool:
        return self.status in OPEN_ACTION_STATES and self.due_on is not None and self.due_on < today


class ActionUpdate(db.Model):
    __tablename__ = "action_update"
    __table_args__ = (Index("ix_action_update_item", "item_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    old_status: Mapped[ActionStatus | None] = mapped_column(enum_column(ActionStatus, "action_update_old_status"))
    new_status: Mapped[ActionStatus | None] = mapped_column(enum_column(ActionStatus, "action_update_new_status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[ActionItem] = relationship(back_populates="updates")
    author: Mapped[Person | None] = relationship()


class ActionReminder(db.Model):
    """One row per reminder sent: the same (item, person, kind) is reminded at most once a day."""

    __tablename__ = "action_reminder"
    __table_args__ = (UniqueConstraint("item_id", "person_id", "kind", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # due_soon, overdue, weekly_summary
    sent_on: Mapped[date] = mapped_column(Date)
