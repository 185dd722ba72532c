"""All models, importable from one place (Alembic and tests import this package)."""
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
from committees.models.people import AuthToken, GlobalRole, LoginSession, Person, TokenPurpose

__all__ = [
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
]
