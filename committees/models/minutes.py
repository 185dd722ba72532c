"""Minutes of a meeting: sections (one per accepted agenda item plus any other business), revisions,
members' comments while circulated, and the decisions taken."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from committees.db import db, utcnow
from committees.i18n import N_
from committees.models.types import TitledEnum, UTCDateTime, enum_column

if TYPE_CHECKING:
    from committees.models.meetings import Meeting
    from committees.models.people import Person


class MinutesState(TitledEnum):
    DRAFT = "draft", N_("Draft")
    CIRCULATED = "circulated", N_("Circulated for comments")
    APPROVED = "approved", N_("Approved")
    PUBLISHED = "published", N_("Published")


class ApprovedHow(TitledEnum):
    MEETING = "meeting", N_("By a later meeting")
    COCHAIRS = "cochairs", N_("By the co-chairs")


class Minutes(db.Model):
    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    state: Mapped[MinutesState] = mapped_column(enum_column(MinutesState, "minutes_state"),
                                                default=MinutesState.DRAFT)
    comments_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    circulated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_how: Mapped[ApprovedHow | None] = mapped_column(enum_column(ApprovedHow, "minutes_approved_how"))
    approved_at_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    current_revision: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    language: Mapped[str | None] = mapped_column(String(16))  # what the text is written in (committees.languages)

    meeting: Mapped[Meeting] = relationship(foreign_keys=[meeting_id])
    approved_at_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[approved_at_meeting_id])
    sections: Mapped[list[MinutesSection]] = relationship(back_populates="minutes", order_by="MinutesSection.position",
                                                          cascade="all, delete-orphan")
    revisions: Mapped[list[MinutesRevision]] = relationship(back_populates="minutes",
                                                            order_by="MinutesRevision.number",
                                                            cascade="all, delete-orphan")
    comments: Mapped[list[MinutesComment]] = relationship(back_populates="minutes",
                                                          order_by="MinutesComment.created_at",
                                                          cascade="all, delete-orphan")
    decisions: Mapped[list[Decision]] = relationship(back_populates="minutes", order_by="Decision.id")

    __mapper_args__ = {"version_id_col": version}


class MinutesSection(db.Model):
    __tablename__ = "minutes_section"
    __table_args__ = (Index("ix_minutes_section_position", "minutes_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    discussion: Mapped[str] = mapped_column(Text, default="")
    discussion_html: Mapped[str] = mapped_column(Text, default="")

    minutes: Mapped[Minutes] = relationship(back_populates="sections")
    decisions: Mapped[list[Decision]] = relationship(back_populates="section", order_by="Decision.id")


class MinutesRevision(db.Model):
    """An immutable snapshot of every section's text (JSON: [{"section_id", "title", "text"}])."""

    __tablename__ = "minutes_revision"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="revisions")
    author: Mapped[Person | None] = relationship()


class MinutesComment(db.Model):
    __tablename__ = "minutes_comment"
    __table_args__ = (Index("ix_minutes_comment_minutes", "minutes_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("minutes_section.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="comments")
    person: Mapped[Person | None] = relationship()


class Decision(db.Model):
    __tablename__ = "decision"
    __table_args__ = (
        UniqueConstraint("committee_id", "number"),
        Index("ix_decision_committee_created", "committee_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("minutes_section.id", ondelete="SET NULL"))
    number: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="SET NULL"),
                                                    index=True)  # the proposal it concerns
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="decisions")
    section: Mapped[MinutesSection | None] = relationship(back_populates="decisions")
    # Whether the reader may see the proposal, when a query asked for it (proposal_lists.proposal_visible).
    proposal_visible: Mapped[bool | None] = query_expression()
    meeting: Mapped[Meeting] = relationship()
