"""All models, importable from one place (Alembic and tests import this package)."""
from committees.models.actions import (
    ActionItem,
    ActionPriority,
    ActionReminder,
    ActionStatus,
    ActionUpdate,
)
from committees.models.api_tokens import ApiToken, TokenScope
from committees.models.audit import AuditEntry
from committees.models.bodies import (
    Committee,
    CommitteeRole,
    CommitteeRoleKind,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationType,
)
from committees.models.mail import OutboxMessage, OutboxStatus
from committees.models.meetings import (
    AgendaItem,
    AgendaItemStatus,
    Document,
    DocumentBlob,
    Invitation,
    Meeting,
    MeetingFormat,
    MeetingRhythm,
    MeetingState,
    PollAnswer,
    PollAnswerKind,
    PollSlot,
    RsvpResponse,
)
from committees.models.minutes import (
    ApprovedHow,
    Decision,
    Minutes,
    MinutesComment,
    MinutesRevision,
    MinutesSection,
    MinutesState,
)
from committees.models.notifications import (
    CalendarFeedToken,
    DeliveryMode,
    DigestEntry,
    NotificationKind,
    NotificationPreference,
)
from committees.models.people import AuthToken, GlobalRole, LoginSession, Person, TokenPurpose
from committees.models.proposals import (
    CosponsorStatus,
    Proposal,
    ProposalComment,
    ProposalCosponsor,
    ProposalEvent,
    ProposalReminder,
    ProposalState,
    ProposalSupport,
    ProposalVersion,
)
from committees.models.search import SearchEntry, SearchKind
from committees.models.settings import Setting
from committees.models.two_factor import RecoveryCode, TwoFactor

__all__ = [
    "ActionItem",
    "ActionPriority",
    "ActionReminder",
    "ActionStatus",
    "ActionUpdate",
    "ApprovedHow",
    "Decision",
    "Minutes",
    "MinutesComment",
    "MinutesRevision",
    "MinutesSection",
    "MinutesState",
    "AgendaItem",
    "ApiToken",
    "AgendaItemStatus",
    "CalendarFeedToken",
    "DeliveryMode",
    "DigestEntry",
    "Document",
    "DocumentBlob",
    "Invitation",
    "Meeting",
    "MeetingFormat",
    "MeetingRhythm",
    "MeetingState",
    "NotificationKind",
    "NotificationPreference",
    "PollAnswer",
    "PollAnswerKind",
    "PollSlot",
    "CosponsorStatus",
    "Proposal",
    "ProposalComment",
    "ProposalCosponsor",
    "ProposalEvent",
    "ProposalReminder",
    "ProposalState",
    "ProposalSupport",
    "ProposalVersion",
    "RsvpResponse",
    "AuditEntry",
    "AuthToken",
    "Committee",
    "CommitteeRole",
    "CommitteeRoleKind",
    "GlobalRole",
    "LoginSession",
    "Membership",
    "MembershipStatus",
    "Organisation",
    "OrganisationType",
    "OutboxMessage",
    "OutboxStatus",
    "Person",
    "TokenPurpose",
    "TokenScope",
    "RecoveryCode",
    "SearchEntry",
    "Setting",
    "SearchKind",
    "TwoFactor",
]

# Keeps the search index current after every flush (a session event); imported here so it is always on.
from committees import search_index as _search_index  # noqa: E402,F401
