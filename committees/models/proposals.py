"""Proposals of member organisations to a committee: co-sponsors, supports, versions, comments, the timeline
of their workflow (committees/workflow.py PROPOSAL_TRANSITIONS) and the reminders about the City's response."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from committees.db import db, utcnow
from committees.i18n import N_
from committees.models.types import TitledEnum, UTCDateTime, enum_column

if TYPE_CHECKING:
    from committees.models.bodies import Committee, Organisation
    from committees.models.meetings import AgendaItem, Document
    from committees.models.minutes import Decision
    from committees.models.people import Person


class ProposalState(TitledEnum):
    DRAFT = "draft", N_("Draft")
    SUBMITTED = "submitted", N_("Submitted")
    UNDER_REVIEW = "under_review", N_("Under review")
    RETURNED = "returned", N_("Returned for revision")
    ON_AGENDA = "on_agenda", N_("On the agenda")
    ENDORSED = "endorsed", N_("Endorsed by the committee")
    DECLINED = "declined", N_("Declined by the committee")
    FORWARDED = "forwarded", N_("Forwarded to the City")
    ADOPTED = "adopted", N_("Adopted by the City")
    ADOPTED_IN_PART = "adopted_in_part", N_("Adopted in part by the City")
    NOT_ADOPTED = "not_adopted", N_("Not adopted by the City")
    IN_IMPLEMENTATION = "in_implementation", N_("In implementation")
    IMPLEMENTED = "implemented", N_("Implemented")
    WITHDRAWN = "withdrawn", N_("Withdrawn")


PS = ProposalState
# The authors edit the text (after the first submission every edit is a new version).
EDITABLE_STATES = frozenset({PS.DRAFT, PS.SUBMITTED, PS.UNDER_REVIEW, PS.RETURNED})
# Before the committee's decision: the authors may withdraw, invite co-sponsors, attach documents.
BEFORE_DECISION_STATES = frozenset({PS.DRAFT, PS.SUBMITTED, PS.UNDER_REVIEW, PS.RETURNED, PS.ON_AGENDA})
# Other member organisations may support (or stop supporting) a submitted proposal until the decision.
SUPPORTABLE_STATES = frozenset({PS.SUBMITTED, PS.UNDER_REVIEW, PS.RETURNED, PS.ON_AGENDA})
# Forwarded to the City: public (for public committees) with the outcome.
PUBLIC_STATES = frozenset({PS.FORWARDED, PS.ADOPTED, PS.ADOPTED_IN_PART, PS.NOT_ADOPTED, PS.IN_IMPLEMENTATION,
                           PS.IMPLEMENTED})
CITY_RESPONSE_STATES = frozenset({PS.ADOPTED, PS.ADOPTED_IN_PART, PS.NOT_ADOPTED})
ADOPTED_STATES = frozenset({PS.ADOPTED, PS.ADOPTED_IN_PART, PS.IN_IMPLEMENTATION, PS.IMPLEMENTED})


class CosponsorStatus(TitledEnum):
    INVITED = "invited", N_("Invited")
    ACCEPTED = "accepted", N_("Co-sponsor")
    DECLINED = "declined", N_("Declined")


class Proposal(db.Model):
    __tablename__ = "proposal"
    __table_args__ = (
        Index("ix_proposal_committee_state", "committee_id", "state"),
        Index("ix_proposal_organisation_state", "organisation_id", "state"),
        Index("ix_proposal_state_deadline", "state", "response_deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))  # the author organisation
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")  # the full text, Markdown
    body_html: Mapped[str] = mapped_column(Text, default="")
    target_group: Mapped[str] = mapped_column(String(300), default="")
    expected_impact: Mapped[str] = mapped_column(Text, default="")
    budget_eur: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    timeframe: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str | None] = mapped_column(String(16))  # what the text is written in (committees.languages)
    state: Mapped[ProposalState] = mapped_column(enum_column(ProposalState, "proposal_state"),
                                                 default=ProposalState.DRAFT)
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state_reason: Mapped[str] = mapped_column(Text, default="")  # the reason given with the latest step
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the first submission: no longer private
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # endorsed or declined by the committee
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    city_department: Mapped[str] = mapped_column(String(200), default="")
    response_deadline: Mapped[date | None] = mapped_column(Date)
    city_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    city_reply: Mapped[str] = mapped_column(Text, default="")
    city_reply_html: Mapped[str] = mapped_column(Text, default="")
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    support_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # soft delete; coordinators restore it
    version: Mapped[int] = mapped_column(Integer, default=1)

    committee: Mapped[Committee] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[Person | None] = relationship()
    cosponsors: Mapped[list[ProposalCosponsor]] = relationship(back_populates="proposal",
                                                               order_by="ProposalCosponsor.id",
                                                               cascade="all, delete-orphan")
    supports: Mapped[list[ProposalSupport]] = relationship(back_populates="proposal", order_by="ProposalSupport.id",
                                                           cascade="all, delete-orphan")
    versions: Mapped[list[ProposalVersion]] = relationship(back_populates="proposal",
                                                           order_by="ProposalVersion.number",
                                                           cascade="all, delete-orphan")
    comments: Mapped[list[ProposalComment]] = relationship(back_populates="proposal",
                                                           order_by="ProposalComment.id",
                                                           cascade="all, delete-orphan")
    events: Mapped[list[ProposalEvent]] = relationship(back_populates="proposal", order_by="ProposalEvent.id",
                                                       cascade="all, delete-orphan")
    documents: Mapped[list[Document]] = relationship(order_by="Document.id", viewonly=True)

    __mapper_args__ = {"version_id_col": version}

    @property
    def accepted_cosponsors(self) -> list[ProposalCosponsor]:
        return [c for c in self.cosponsors if c.status == CosponsorStatus.ACCEPTED]

    def is_past_deadline(self, today: date) -> bool:
        return self.state == ProposalState.FORWARDED and self.response_deadline is not None \
            and self.response_deadline < today

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.state.value}>"


class ProposalCosponsor(db.Model):
    """An organisation invited by the authors to co-sponsor; one of its representatives accepts or declines."""

    __tablename__ = "proposal_cosponsor"
    __table_args__ = (UniqueConstraint("proposal_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    status: Mapped[CosponsorStatus] = mapped_column(enum_column(CosponsorStatus, "cosponsor_status"),
                                                    default=CosponsorStatus.INVITED)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    proposal: Mapped[Proposal] = relationship(back_populates="cosponsors")
    organisation: Mapped[Organisation] = relationship()


class ProposalSupport(db.Model):
    """One member organisation's support (one per organisation; withdrawing deletes it)."""

    __tablename__ = "proposal_support"
    __table_args__ = (UniqueConstraint("proposal_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="supports")
    organisation: Mapped[Organisation] = relationship()


class ProposalVersion(db.Model):
    """An immutable snapshot of the text, in the format of MinutesRevision (JSON: [{"section_id", "title",
    "text"}], one entry per field) so committees.services.minutes.diff_revisions compares two of them."""

    __tablename__ = "proposal_version"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="versions")
    author: Mapped[Person | None] = relationship()


class ProposalComment(db.Model):
    """A member's comment (Markdown, sanitised on save); co-chairs may hide it with a reason."""

    __tablename__ = "proposal_comment"
    __table_args__ = (Index("ix_proposal_comment_proposal", "proposal_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship(back_populates="comments")
    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
    organisation: Mapped[Organisation | None] = relationship()
    hidden_by: Mapped[Person | None] = relationship(foreign_keys=[hidden_by_id])

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


class ProposalEvent(db.Model):
    """One line of a proposal's timeline: a step of the workflow (kind = the transition's name, with the states
    before and after) or another recorded act (created, cosponsor_invited/accepted/declined/removed), with who,
    when and why, and what it concerns (agenda item, decision, document, the City's department and deadline)."""

    __tablename__ = "proposal_event"
    __table_args__ = (Index("ix_proposal_event_proposal", "proposal_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[ProposalState | None] = mapped_column(enum_column(ProposalState, "proposal_event_from_state"))
    to_state: Mapped[ProposalState | None] = mapped_column(enum_column(ProposalState, "proposal_event_to_state"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id", ondelete="SET NULL"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"))
    department: Mapped[str] = mapped_column(String(200), default="")
    response_deadline: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="events")
    actor: Mapped[Person | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    decision: Mapped[Decision | None] = relationship()
    document: Mapped[Document | None] = relationship()


class ProposalReminder(db.Model):
    """One row per reminder sent: a (proposal, person, kind) is reminded at most once a day."""

    __tablename__ = "proposal_reminder"
    __table_args__ = (UniqueConstraint("proposal_id", "person_id", "kind", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # response_overdue
    sent_on: Mapped[date] = mapped_column(Date)
