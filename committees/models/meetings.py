"""Meetings: their time polls, invitations (RSVPs), attendance, agenda items and documents."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from committees.db import db, utcnow
from committees.i18n import N_
from committees.models.types import TitledEnum, UTCDateTime, enum_column

if TYPE_CHECKING:
    from committees.models.bodies import Committee, Organisation
    from committees.models.people import Person
    from committees.models.proposals import Proposal


class MeetingState(TitledEnum):
    DRAFT = "draft", N_("Draft")
    POLL = "poll", N_("Time poll open")
    SCHEDULED = "scheduled", N_("Scheduled")
    HELD = "held", N_("Held")
    MINUTED = "minuted", N_("Minuted")
    CANCELLED = "cancelled", N_("Cancelled")


class MeetingFormat(TitledEnum):
    IN_PERSON = "in_person", N_("In person")
    ONLINE = "online", N_("Online")
    HYBRID = "hybrid", N_("Hybrid")


class PollAnswerKind(TitledEnum):
    YES = "yes", N_("Yes")
    MAYBE = "maybe", N_("If need be")
    NO = "no", N_("No")


class RsvpResponse(TitledEnum):
    ATTENDING = "attending", N_("Attending")
    NOT_ATTENDING = "not_attending", N_("Not attending")
    MAYBE = "maybe", N_("Maybe")


class AgendaItemStatus(TitledEnum):
    SUGGESTED = "suggested", N_("Suggested")
    ACCEPTED = "accepted", N_("Accepted")
    DECLINED = "declined", N_("Declined")


class Meeting(db.Model):
    __tablename__ = "meeting"
    __table_args__ = (
        Index("ix_meeting_committee_starts", "committee_id", "starts_at"),
        Index("ix_meeting_state_starts", "state", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"))
    uid: Mapped[str] = mapped_column(String(100), unique=True)  # iCalendar UID, stable across updates
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # iCalendar SEQUENCE
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Athens")
    format: Mapped[MeetingFormat] = mapped_column(enum_column(MeetingFormat, "meeting_format"),
                                                  default=MeetingFormat.IN_PERSON)
    venue: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[MeetingState] = mapped_column(enum_column(MeetingState, "meeting_state"),
                                                default=MeetingState.DRAFT)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    poll_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    agenda_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    agenda_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    committee: Mapped[Committee] = relationship()
    slots: Mapped[list[PollSlot]] = relationship(back_populates="meeting", order_by="PollSlot.starts_at",
                                                 cascade="all, delete-orphan")
    items: Mapped[list[AgendaItem]] = relationship(back_populates="meeting", order_by="AgendaItem.position",
                                                   cascade="all, delete-orphan")
    invitations: Mapped[list[Invitation]] = relationship(back_populates="meeting", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_upcoming(self) -> bool:
        return self.starts_at is not None and self.starts_at > utcnow() and self.state == MeetingState.SCHEDULED


class PollSlot(db.Model):
    """A candidate time in a meeting's time poll."""

    __tablename__ = "poll_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship(back_populates="slots")
    answers: Mapped[list[PollAnswer]] = relationship(back_populates="slot", cascade="all, delete-orphan")


class PollAnswer(db.Model):
    __tablename__ = "poll_answer"
    __table_args__ = (UniqueConstraint("slot_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("poll_slot.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    answer: Mapped[PollAnswerKind] = mapped_column(enum_column(PollAnswerKind, "poll_answer_kind"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    slot: Mapped[PollSlot] = relationship(back_populates="answers")
    person: Mapped[Person] = relationship()


class Invitation(db.Model):
    """A person invited to a meeting, with their RSVP, interpretation need and attendance."""

    __tablename__ = "invitation"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id"),
        Index("ix_invitation_person", "person_id", "meeting_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    response: Mapped[RsvpResponse | None] = mapped_column(enum_column(RsvpResponse, "rsvp_response"))
    interpretation: Mapped[str] = mapped_column(String(40), default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="invitations")
    person: Mapped[Person] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"
    __table_args__ = (Index("ix_agenda_item_meeting_position", "meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    presenter_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    minutes_allotted: Mapped[int] = mapped_column(Integer, default=10)
    status: Mapped[AgendaItemStatus] = mapped_column(enum_column(AgendaItemStatus, "agenda_item_status"),
                                                     default=AgendaItemStatus.ACCEPTED)
    suggested_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="SET NULL"), index=True)
    changed_after_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    presenter: Mapped[Person | None] = relationship(foreign_keys=[presenter_id])
    presenter_organisation: Mapped[Organisation | None] = relationship()
    suggested_by: Mapped[Person | None] = relationship(foreign_keys=[suggested_by_id])
    documents: Mapped[list[Document]] = relationship(back_populates="agenda_item")
    proposal: Mapped[Proposal | None] = relationship()
    # Whether the reader may see `proposal`, when a query asked for it (proposal_lists.proposal_visible).
    proposal_visible: Mapped[bool | None] = query_expression()

    __mapper_args__ = {"version_id_col": version}


class Document(db.Model):
    """An uploaded file on a meeting or agenda item, or on a proposal; the bytes live in the configured storage."""

    __tablename__ = "document"
    __table_args__ = (Index("ix_document_meeting", "meeting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"),
                                                       index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The bytes were removed under the retention setting (committees/services/retention.py); the record stays.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    agenda_item: Mapped[AgendaItem | None] = relationship(back_populates="documents")
    meeting: Mapped[Meeting | None] = relationship()
    proposal: Mapped[Proposal | None] = relationship(viewonly=True)


class DocumentBlob(db.Model):
    """Document bytes for the database storage backend (the default: backups and every server see them)."""

    __tablename__ = "document_blob"

    storage_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class MeetingRhythm(db.Model):
    """A committee's regular rhythm, e.g. every second Tuesday of the month, 10:00-12:00."""

    __tablename__ = "meeting_rhythm"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"), unique=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    week_of_month: Mapped[int] = mapped_column(Integer)  # 1-4, or -1 for the last
    every_months: Mapped[int] = mapped_column(Integer, default=1)
    start_time: Mapped[time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=120)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Athens")
    starts_on: Mapped[date] = mapped_column(Date)
