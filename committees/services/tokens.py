"""Personal access tokens for the API: create (the secret is returned once), authenticate, touch, revoke.

A token is `cpt_` followed by 43 URL-safe characters (256 random bits); only its SHA-256 is stored. A token
works while it is neither revoked nor expired and its person is active (deactivation stops it at once).
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select

from committees import audit, policy
from committees.db import db, utcnow
from committees.errors import Conflict, Forbidden, ValidationFailed
from committees.i18n import N_
from committees.models import ApiToken, Person, TokenScope

PREFIX = "cpt_"
TOKEN_RE = re.compile(r"^cpt_[A-Za-z0-9_-]{43}$")
MAX_NAME = 100
DEFAULT_DAYS = 90
MAX_DAYS = 366
MAX_ACTIVE = 20
TOUCH_EVERY = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _clean_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(N_("Give the token a name, so that you recognise it later."), field="name")
    if len(name) > MAX_NAME:
        raise ValidationFailed(N_("The name is too long (at most 100 characters)."), field="name")
    return name


def _scope(value: str | TokenScope) -> TokenScope:
    try:
        return TokenScope(value)
    except ValueError:
        raise ValidationFailed(N_("Choose read or write."), field="scope") from None


def _days(value: int | None) -> int:
    days = DEFAULT_DAYS if value is None else value
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(N_("A token lasts between 1 and 366 days."), field="expires_days")
    return days


def active_tokens(person: Person, now: datetime | None = None) -> list[ApiToken]:
    """The person's tokens that still work, newest first."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.person_id == person.id, ApiToken.revoked_at.is_(None),
                               ApiToken.expires_at > now).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def list_tokens(person: Person) -> list[ApiToken]:
    """All of the person's tokens (revoked and expired too), newest first."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.person_id == person.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def create_token(actor: Person | None, person: Person, *, name: str, scope: str | TokenScope = TokenScope.READ,
                 expires_days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `person` (by themselves, or by the command line with actor None); returns the row and the
    secret, which is never stored and cannot be shown again."""
    if actor is not None and actor.id != person.id:
        raise Forbidden(N_("create tokens for someone else"))
    if not person.active or person.anonymised_at is not None:
        raise Conflict(N_("This account is not active."), code="inactive")
    name, scope, days = _clean_name(name), _scope(scope), _days(expires_days)
    now = utcnow()
    count = db.session.scalar(select(func.count()).select_from(ApiToken).where(
        ApiToken.person_id == person.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)) or 0
    if count >= MAX_ACTIVE:
        raise Conflict(N_("You have 20 working tokens: revoke one before creating another."), code="too_many_tokens")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(person_id=person.id, name=name, scope=scope, token_hash=hash_token(raw), hint=raw[:8],
                     created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    audit.record(actor, "token.create", person, f"API token '{name}' ({scope.value}) for {person.full_name}",
                 token_id=token.id, scope=scope.value, expires_at=token.expires_at.isoformat())
    return token, raw


def authenticate(raw: str | None, now: datetime | None = None) -> ApiToken | None:
    """The working token for `raw` (its person active), or None."""
    if not raw or not TOKEN_RE.match(raw):
        return None
    now = now or utcnow()
    token = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(raw))).first()
    if token is None or not token.is_valid(now):
        return None
    person = token.person
    if not person.active or person.anonymised_at is not None:
        return None
    return token


def touch_token(token: ApiToken, now: datetime | None = None) -> bool:
    """Record that the token was used (at most once a minute, to spare the database); True if changed."""
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return False
    token.last_used_at = now
    db.session.flush()
    return True


def may_revoke(actor: Person | None, token: ApiToken) -> bool:
    """Owners revoke their tokens; those who may change the owner's account (coordinators, admins) too."""
    if actor is None:
        return True  # the command line
    return actor.id == token.person_id or policy.can(actor, "person.edit", token.person)


def revoke_token(actor: Person | None, token: ApiToken) -> bool:
    """Revoke a token (idempotent); returns False when it was already revoked."""
    if not may_revoke(actor, token):
        raise Forbidden(N_("revoke this token"))
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    audit.record(actor, "token.revoke", token.person, f"API token '{token.name}' revoked",
                 token_id=token.id)
    return True


def get_token_of(person: Person, token_id: int) -> ApiToken | None:
    """One of `person`'s tokens by id (None when it is someone else's)."""
    token = db.session.get(ApiToken, token_id)
    return token if token is not None and token.person_id == person.id else None
