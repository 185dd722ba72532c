"""Accounts: creating and inviting people, signing in, passwords, profiles, deactivation."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from committees import audit, policy
from committees.db import db, utcnow
from committees.errors import Conflict, NotFound, ValidationFailed
from committees.i18n import N_
from committees.models import (
    AuthToken,
    Committee,
    CommitteeRole,
    GlobalRole,
    LoginSession,
    Organisation,
    Person,
    TokenPurpose,
)
from committees.passwords import check_password_rules, hash_password, needs_rehash, verify_password
from committees.services import sessions
from committees.services.mail import queue_mail

PROFILE_FIELDS = ("full_name", "job_title", "phone", "language", "timezone")
ADMIN_FIELDS = PROFILE_FIELDS + ("email", "organisation_id", "is_primary_contact")


def normalise_email(email: str) -> str:
    """Lower-cased, syntax-checked email (no DNS look-up)."""
    try:
        result = validate_email((email or "").strip(), check_deliverability=False,
                                test_environment=True)
    except EmailNotValidError:
        raise ValidationFailed(N_("Enter a valid email address."), field="email", code="invalid_email") from None
    return result.normalized.lower()


def get_person_by_email(email: str) -> Person | None:
    email = (email or "").strip().lower()
    if not email:
        return None
    return db.session.scalars(select(Person).where(func.lower(Person.email) == email)).first()


def _context_words(person: Person) -> list[str]:
    words = ["portal", "committee", "committees", "accmr", person.email, person.email.split("@")[0],
             person.full_name]
    words += list(db.session.scalars(select(Committee.name)))
    return words


def create_person(actor: Person | None, *, email: str, full_name: str, organisation: Organisation | None = None,
                  global_role: GlobalRole = GlobalRole.NONE, password: str | None = None,
                  language: str = "en", job_title: str = "", phone: str = "",
                  is_primary_contact: bool = False, check_rules: bool = True) -> Person:
    """Create an account; the email is unique regardless of case."""
    email = normalise_email(email)
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationFailed(N_("Enter the person's full name."), field="full_name", code="required")
    if actor is not None and global_role != GlobalRole.NONE:
        policy.ensure(actor, "person.set_role")
    if get_person_by_email(email) is not None:
        raise Conflict(N_("Somebody already has an account with this email address."), field="email",
                       code="email_taken")
    person = Person(email=email, full_name=full_name, organisation=organisation, global_role=global_role,
                    language=language or "en", job_title=job_title or "", phone=phone or "",
                    is_primary_contact=is_primary_contact, active=True)
    if password is not None:
        if check_rules:
            check_password_rules(password, _context_words(person))
        person.password_hash = hash_password(password)
    db.session.add(person)
    db.session.flush()
    audit.record(actor, "person.create", person, f"Created account for {full_name}",
                 role=global_role.value, organisation_id=organisation.id if organisation else None)
    return person


def authenticate(email: str, password: str) -> Person | None:
    """The active person with this email and password, or None. Rehashes on outdated parameters."""
    person = get_person_by_email(email)
    if person is None or not person.active:
        verify_password(None, password)
        audit.record(None, "auth.login_failed", None, "Failed sign-in", email_hash=_email_hash(email))
        return None
    if not verify_password(person.password_hash, password):
        audit.record(person, "auth.login_failed", person, "Failed sign-in")
        return None
    if needs_rehash(person.password_hash or ""):
        person.password_hash = hash_password(password)
    return person


def _email_hash(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:16]


def sign_in(person: Person, *, remember: bool, ip: str = "", user_agent: str = "") -> str:
    """Open a server-side session for an authenticated person; returns the raw session key."""
    raw = sessions.create_session(person, remember=remember, ip=ip, user_agent=user_agent)
    person.last_login_at = utcnow()
    audit.record(person, "auth.login", person, "Signed in")
    return raw


def sign_out(person: Person | None, raw_key: str | None) -> None:
    sessions.revoke_session(raw_key)
    if person is not None:
        audit.record(person, "auth.logout", person, "Signed out")


# -- one-time tokens -------------------------------------------------------------------------

def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(person: Person, purpose: TokenPurpose, lifetime: timedelta, actor: Person | None = None) -> str:
    """A fresh 256-bit token; earlier unused tokens of the same purpose stop working."""
    now = utcnow()
    for old in db.session.scalars(
        select(AuthToken).where(AuthToken.person_id == person.id, AuthToken.purpose == purpose,
                                AuthToken.used_at.is_(None))
    ):
        old.used_at = now
    raw = secrets.token_urlsafe(32)
    db.session.add(AuthToken(person_id=person.id, purpose=purpose, token_hash=_hash_token(raw),
                             expires_at=now + lifetime, created_by_id=actor.id if actor else None))
    db.session.flush()
    return raw


def peek_token(raw: str, purpose: TokenPurpose) -> AuthToken | None:
    """The valid (unused, unexpired) token row for `raw`, without using it."""
    if not raw or len(raw) > 100:
        return None
    token = db.session.scalars(
        select(AuthToken).where(AuthToken.token_hash == _hash_token(raw), AuthToken.purpose == purpose)
    ).first()
    if token is None or token.used_at is not None or token.expires_at < utcnow():
        return None
    return token


def invite_person(actor: Person, person: Person, lifetime: timedelta) -> str:
    """Email an invitation link (single use, expires) that lets the person set a password."""
    raw = issue_token(person, TokenPurpose.INVITATION, lifetime, actor)
    queue_mail(person, "invitation", token=raw, inviter_name=actor.full_name if actor else "",
               expires_days=max(1, lifetime.days))
    audit.record(actor, "person.invite", person, f"Invited {person.full_name}")
    return raw


def request_password_reset(email: str, lifetime: timedelta) -> None:
    """Mail a reset link when the email belongs to an active account; say nothing either way."""
    person = get_person_by_email(email)
    if person is None or not person.active:
        audit.record(None, "auth.reset_unknown", None, "Reset asked for an unknown address",
                     email_hash=_email_hash(email))
        return
    raw = issue_token(person, TokenPurpose.RESET, lifetime)
    queue_mail(person, "password_reset", token=raw, expires_hours=int(lifetime.total_seconds() // 3600))
    audit.record(person, "auth.reset_requested", person, "Password reset requested")


def set_password_with_token(raw: str, purpose: TokenPurpose, password: str) -> Person:
    """Use an invitation or reset token once: set the password and end every other session."""
    token = peek_token(raw, purpose)
    if token is None:
        raise ValidationFailed(N_("This link is invalid or has expired. Ask for a new one."), code="token_invalid")
    person = token.person
    if not person.active:
        raise ValidationFailed(N_("This link is invalid or has expired. Ask for a new one."), code="token_invalid")
    check_password_rules(password, _context_words(person))
    person.password_hash = hash_password(password)
    token.used_at = utcnow()
    sessions.revoke_all_sessions(person)
    action = "auth.invitation_accepted" if purpose == TokenPurpose.INVITATION else "auth.password_reset"
    audit.record(person, action, person, "Password set from an emailed link")
    if purpose == TokenPurpose.RESET:
        queue_mail(person, "password_changed")
    return person


def change_password(person: Person, current: str, new: str, *, keep_session: str | None = None) -> None:
    if not verify_password(person.password_hash, current):
        raise ValidationFailed(N_("Your current password is not right."), field="current_password",
                               code="password_wrong")
    check_password_rules(new, _context_words(person))
    person.password_hash = hash_password(new)
    sessions.revoke_all_sessions(person, except_raw=keep_session)
    audit.record(person, "person.password_changed", person, "Changed password")
    queue_mail(person, "password_changed")


def update_person(actor: Person, person: Person, changes: dict, *, admin_fields: bool = False) -> Person:
    """Apply allowed field changes only; anything else in `changes` is ignored."""
    _refuse_if_anonymised(person)
    allowed = ADMIN_FIELDS if admin_fields else PROFILE_FIELDS
    changed = {}
    for field in allowed:
        if field not in changes:
            continue
        value = changes[field]
        if field == "email":
            value = normalise_email(value)
            other = get_person_by_email(value)
            if other is not None and other.id != person.id:
                raise Conflict(N_("Somebody already has an account with this email address."), field="email",
                               code="email_taken")
        elif field == "full_name":
            value = (value or "").strip()
            if not value:
                raise ValidationFailed(N_("Enter the person's full name."), field="full_name", code="required")
        elif field == "timezone":
            value = check_timezone(value)
        elif field == "organisation_id":
            value = value or None
            if value is not None and db.session.get(Organisation, value) is None:
                raise ValidationFailed(N_("Choose an organisation from the list."), field="organisation_id",
                                       code="unknown_organisation")
        elif isinstance(value, str):
            value = value.strip()
        if getattr(person, field) != value:
            changed[field] = value
            setattr(person, field, value)
    if changed:
        audit.record(actor, "person.update", person, f"Updated {person.full_name}", fields=sorted(changed))
    return person


def set_global_role(actor: Person, person: Person, role: GlobalRole) -> None:
    """Only those the policy allows change global roles, and never their own (no lock-out by accident)."""
    policy.ensure(actor, "person.set_role", person)
    if actor.id == person.id:
        raise Conflict(N_("You cannot change your own global role."), field="global_role", code="self_role")
    if person.global_role == role:
        return
    old = person.global_role
    person.global_role = role
    audit.record(actor, "person.role_changed", person, f"Global role {old.value} → {role.value}",
                 old=old.value, new=role.value)


def deactivate_person(actor: Person, person: Person) -> None:
    """Deactivate an account: every session ends, history stays."""
    if actor.id == person.id:
        raise Conflict(N_("You cannot deactivate your own account."), code="self_deactivation")
    if not person.active:
        return
    person.active = False
    sessions.revoke_all_sessions(person)
    for token in db.session.scalars(select(AuthToken).where(AuthToken.person_id == person.id,
                                                            AuthToken.used_at.is_(None))):
        token.used_at = utcnow()
    audit.record(actor, "person.deactivate", person, f"Deactivated {person.full_name}")


def _refuse_if_anonymised(person: Person) -> None:
    if person.anonymised_at is not None:
        raise Conflict(N_("This person has been anonymised: the account cannot be changed or reactivated."),
                       code="anonymised")


def reactivate_person(actor: Person, person: Person) -> None:
    _refuse_if_anonymised(person)
    if person.active:
        return
    person.active = True
    audit.record(actor, "person.reactivate", person, f"Reactivated {person.full_name}")


def get_person(person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None:
        raise NotFound(N_("No such person."))
    return person


def check_timezone(value: str | None) -> str:
    """A known IANA time zone name, or "" for the portal's default."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(N_("Choose a time zone from the list."), field="timezone",
                               code="unknown_timezone") from None
    return value


def register_person(actor: Person, lifetime: timedelta, **fields) -> Person:
    """Create an account without a password and email it an invitation to choose one."""
    person = create_person(actor, **fields)
    invite_person(actor, person, lifetime)
    return person


def resend_invitation(actor: Person, person: Person, lifetime: timedelta) -> str:
    """A new invitation link for an active account that has not chosen a password yet."""
    if not person.active:
        raise Conflict(N_("This account is deactivated; reactivate it first."), code="person_inactive")
    if person.password_hash:
        raise Conflict(N_("This person has already chosen a password; they can use \"Forgot your password?\"."),
                       code="already_accepted")
    return invite_person(actor, person, lifetime)


def end_other_sessions(person: Person, keep_raw: str | None) -> int:
    """Sign the person out everywhere except the session `keep_raw`."""
    count = sessions.revoke_all_sessions(person, except_raw=keep_raw)
    audit.record(person, "auth.sessions_ended", person, "Signed out of the other sessions", count=count)
    return count


@dataclass
class SessionRow:
    session: LoginSession
    current: bool


def list_active_sessions(person: Person, *, idle: timedelta, absolute: timedelta, remember_for: timedelta,
                         current_raw: str | None = None, now: datetime | None = None) -> list[SessionRow]:
    """The person's unrevoked, unexpired login sessions, newest first (the same limits as load_session)."""
    now = now or utcnow()
    current_hash = sessions.hash_key(current_raw) if current_raw else None
    rows = db.session.scalars(
        select(LoginSession).where(LoginSession.person_id == person.id, LoginSession.revoked_at.is_(None),
                                   LoginSession.created_at >= now - max(absolute, remember_for))
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc()))
    result = []
    for row in rows:
        lifetime = max(absolute, remember_for) if row.remember else absolute
        if now - row.created_at > lifetime or (not row.remember and now - row.last_seen_at > idle):
            continue
        result.append(SessionRow(row, row.key_hash == current_hash))
    return result


def roles_of(person: Person) -> list[CommitteeRole]:
    """The person's committee roles with their committees, in one query."""
    return list(db.session.scalars(
        select(CommitteeRole).where(CommitteeRole.person_id == person.id)
        .options(selectinload(CommitteeRole.committee)).join(Committee)
        .order_by(Committee.name, CommitteeRole.role)))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_people_stmt(*, q: str = "", organisation_id: int | None = None, role: GlobalRole | None = None,
                       active: bool | None = None) -> Select:
    """People matching a name/email search (wildcards taken literally) and filters, ordered by name."""
    stmt = select(Person).order_by(func.lower(Person.full_name), Person.id)
    q = (q or "").strip()
    if q:
        pattern = _like(q)
        stmt = stmt.where(or_(Person.full_name.ilike(pattern, escape="\\"),
                              Person.email.ilike(pattern, escape="\\")))
    if organisation_id is not None:
        stmt = stmt.where(Person.organisation_id == organisation_id)
    if role is not None:
        stmt = stmt.where(Person.global_role == role)
    if active is not None:
        stmt = stmt.where(Person.active.is_(active))
    return stmt
