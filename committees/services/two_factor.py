"""Two-step sign-in: TOTP authenticators (RFC 6238, any authenticator app) and one-time recovery codes.

Storage choices:
- The TOTP secret must be readable to check codes, so it cannot be hashed. It is *sealed*: encrypted with a
  keystream from HMAC-SHA256 in counter mode (a PRF, 16-byte random nonce per seal) and authenticated with a
  second HMAC-SHA256 over the nonce, the ciphertext and the person's id (encrypt-then-MAC; a sealed secret
  copied to another person's row does not open). Both keys are derived from the application's SECRET_KEY,
  passed in as `key` (this package reads no configuration). Standard library only: the portal pins no
  general-purpose cryptography package. Changing SECRET_KEY makes sealed secrets unreadable: codes from the
  app are then refused, recovery codes still work, and the person sets up the app again (or an
  administrator resets it).
- Recovery codes have 12 characters from a 31-symbol alphabet (about 59 bits): below the 112 bits for which
  ASVS 5.0 (6.5.2) allows a plain hash, so they are stored as salted argon2id hashes like passwords. That
  also keeps them independent of SECRET_KEY, so they remain the way back in when sealed secrets are lost.
  Checking one costs at most ten argon2 verifications; the sign-in step is throttled.

Replay: a code is accepted only for a time step later than the last accepted one (`last_used_step`), so a
code seen by somebody else cannot be used again, and neither can an older one.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import datetime

import pyotp
from sqlalchemy import delete, func, or_, select, update

from committees import audit, policy
from committees.db import db, utcnow
from committees.errors import Conflict, ValidationFailed
from committees.i18n import N_
from committees.models import Person, RecoveryCode, TwoFactor
from committees.passwords import hash_password, verify_password
from committees.services import sessions

STEP_SECONDS = 30
DIGITS = 6
VALID_WINDOW = 1  # the current step and one either side (clock drift, typing time)
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy from paper
RECOVERY_GROUPS = 3
RECOVERY_GROUP_LENGTH = 4
_SEAL_VERSION = "v1"
_TOTP_RE = re.compile(r"^\d{6}$")


# -- sealing the secret ------------------------------------------------------------------------------

def _derived(key: str, label: str) -> bytes:
    if not key:
        raise ValueError("a key is needed to seal two-factor secrets")
    return hmac.new(key.encode("utf-8"), f"committee-portal/two-factor/{label}".encode(), hashlib.sha256).digest()


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hmac.new(key, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
        counter += 1
    return out[:length]


def _tag(key: str, nonce: bytes, body: bytes, person_id: int) -> bytes:
    message = _SEAL_VERSION.encode() + nonce + body + str(person_id).encode()
    return hmac.new(_derived(key, "mac"), message, hashlib.sha256).digest()


def seal(secret: str, *, key: str, person_id: int) -> str:
    """Encrypt and authenticate a base32 secret for one person's row."""
    plain = secret.encode("ascii")
    nonce = secrets.token_bytes(16)
    body = bytes(a ^ b for a, b in zip(plain, _keystream(_derived(key, "enc"), nonce, len(plain)), strict=True))
    blob = nonce + body + _tag(key, nonce, body, person_id)
    return f"{_SEAL_VERSION}${base64.urlsafe_b64encode(blob).decode()}"


def unseal(sealed: str | None, *, key: str, person_id: int) -> str | None:
    """The secret, or None when the value was altered, belongs to another row or the key changed."""
    if not sealed or not sealed.startswith(_SEAL_VERSION + "$"):
        return None
    try:
        blob = base64.urlsafe_b64decode(sealed[len(_SEAL_VERSION) + 1:].encode())
    except (ValueError, TypeError):
        return None
    if len(blob) < 16 + 1 + 32:
        return None
    nonce, body, tag = blob[:16], blob[16:-32], blob[-32:]
    if not hmac.compare_digest(tag, _tag(key, nonce, body, person_id)):
        return None
    plain = bytes(a ^ b for a, b in zip(body, _keystream(_derived(key, "enc"), nonce, len(body)), strict=True))
    return plain.decode("ascii")


# -- reading the state ----------------------------------------------------------------------------------

def get_settings(person: Person) -> TwoFactor | None:
    return db.session.get(TwoFactor, person.id)


def is_enabled(person: Person) -> bool:
    settings = get_settings(person)
    return settings is not None and settings.enabled


def is_required(person: Person, required_roles: Iterable[str]) -> bool:
    """Whether the person's global role must use two-step sign-in (TWO_FACTOR_REQUIRED_ROLES)."""
    return person.global_role.value in set(required_roles)


def unused_recovery_codes(person: Person) -> int:
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.person_id == person.id, RecoveryCode.used_at.is_(None))) or 0


def pending_secret(person: Person, *, key: str) -> str | None:
    """The secret waiting for its first code (to show as a QR code and as text), or None."""
    settings = get_settings(person)
    if settings is None:
        return None
    return unseal(settings.pending_sealed, key=key, person_id=person.id)


def provisioning_uri(person: Person, secret: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=person.email, issuer_name=issuer)


def current_step(now: datetime | None = None) -> int:
    return int((now or utcnow()).timestamp()) // STEP_SECONDS


def normalise_code(code: str | None) -> str:
    return re.sub(r"[\s-]+", "", code or "").lower()[:64]


def _matching_step(secret: str, code: str, now: datetime | None) -> int | None:
    """The time step (within the window) whose code is `code`, or None."""
    if not _TOTP_RE.match(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    now_step = current_step(now)
    found = None
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


# -- setting up ---------------------------------------------------------------------------------------

def begin_setup(person: Person, *, key: str, password: str | None = None, code: str | None = None,
                now: datetime | None = None) -> str:
    """Create a new pending secret and return it. Replacing an enabled authenticator needs the password or a
    current code; the enabled one keeps working until the new one is confirmed."""
    settings = get_settings(person)
    if settings is not None and settings.enabled:
        reauthenticate(person, key=key, password=password, code=code, now=now)
    if settings is None:
        settings = TwoFactor(person_id=person.id)
        db.session.add(settings)
    secret = pyotp.random_base32()
    settings.pending_sealed = seal(secret, key=key, person_id=person.id)
    settings.pending_since = now or utcnow()
    db.session.flush()
    audit.record(person, "person.two_factor_setup_started", person, "Started setting up an authenticator app",
                 replacing=settings.enabled)
    return secret


def start_setup(person: Person, *, key: str, password: str | None = None, code: str | None = None,
                now: datetime | None = None) -> str:
    """begin_setup as the profile offers it: always after re-authentication (ASVS 5.0 7.5.1), so that a
    borrowed session cannot put its own authenticator on the account. The first time only the password
    proves it (there is no app yet); a replacement takes the password or a current code."""
    if not is_enabled(person):
        reauthenticate(person, key=key, password=password, now=now)
    return begin_setup(person, key=key, password=password, code=code, now=now)


def confirm_setup(person: Person, code: str, *, key: str, keep_session: str | None = None,
                  now: datetime | None = None) -> list[str]:
    """Turn the pending secret on with a valid code from it. The first time, return ten new recovery codes
    (to show once); a replaced authenticator keeps the existing codes. Other sessions are signed out."""
    settings = get_settings(person)
    secret = unseal(settings.pending_sealed, key=key, person_id=person.id) if settings else None
    if secret is None:
        raise Conflict(N_("Start the set-up again: there is no new authenticator waiting for a code."),
                       code="no_pending_setup")
    step = _matching_step(secret, normalise_code(code), now)
    if step is None:
        raise ValidationFailed(N_("That code is not right. Check the time on your phone and try the current code."),
                               field="code", code="code_wrong")
    first = not settings.enabled
    settings.secret_sealed = settings.pending_sealed
    settings.pending_sealed = None
    settings.pending_since = None
    settings.enabled_at = now or utcnow()
    settings.last_used_step = step
    codes = _replace_recovery_codes(person, now) if first else []
    sessions.revoke_all_sessions(person, except_raw=keep_session)
    if first:
        audit.record(person, "person.two_factor_enabled", person, "Turned on two-step sign-in")
    else:
        audit.record(person, "person.two_factor_replaced", person, "Moved two-step sign-in to a new authenticator")
    return codes


# -- checking codes -------------------------------------------------------------------------------------

def verify_code(person: Person, code: str, *, key: str, now: datetime | None = None) -> bool:
    """Accept a current code from the enabled authenticator once (a used or older step is refused)."""
    settings = get_settings(person)
    if settings is None or not settings.enabled:
        return False
    secret = unseal(settings.secret_sealed, key=key, person_id=person.id)
    if secret is None:
        return False
    step = _matching_step(secret, normalise_code(code), now)
    if step is None or (settings.last_used_step is not None and step <= settings.last_used_step):
        return False
    # Compare-and-set in the database: of two requests racing with the same code, only one moves the step on.
    moved = db.session.execute(
        update(TwoFactor)
        .where(TwoFactor.person_id == person.id,
               or_(TwoFactor.last_used_step.is_(None), TwoFactor.last_used_step < step))
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(settings, ["last_used_step"])
    return moved == 1


def use_recovery_code(person: Person, code: str, now: datetime | None = None) -> bool:
    """Spend one unused recovery code; True when it matched."""
    code = normalise_code(code)
    if len(code) != RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH or any(c not in RECOVERY_ALPHABET for c in code):
        return False
    for row in db.session.scalars(select(RecoveryCode).where(RecoveryCode.person_id == person.id,
                                                             RecoveryCode.used_at.is_(None))).all():
        if verify_password(row.code_hash, code):
            # Spent only if still unused in the database (a parallel sign-in with the same code loses).
            spent = db.session.execute(
                update(RecoveryCode).where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=now or utcnow()).execution_options(synchronize_session=False)
            ).rowcount
            db.session.refresh(row, ["used_at"])
            return spent == 1
    return False


def check_second_factor(person: Person, code: str, *, key: str, now: datetime | None = None) -> str | None:
    """The sign-in's second step: 'app' or 'recovery' for an accepted code, None (audited) otherwise."""
    if not is_enabled(person):
        return None
    normalised = normalise_code(code)
    method = None
    if _TOTP_RE.match(normalised):
        method = "app" if verify_code(person, normalised, key=key, now=now) else None
    elif use_recovery_code(person, normalised, now):
        method = "recovery"
    if method is None:
        audit.record(person, "auth.two_factor_failed", person, "Wrong code at the second sign-in step")
    elif method == "recovery":
        audit.record(person, "auth.recovery_code_used", person, "Signed in with a recovery code",
                     left=unused_recovery_codes(person))
    return method


def reauthenticate(person: Person, *, key: str, password: str | None = None, code: str | None = None,
                   now: datetime | None = None) -> None:
    """Confirm it is really the person before a sensitive change: their password or a current code."""
    if password:
        if not verify_password(person.password_hash, password):
            raise ValidationFailed(N_("Your password is not right."), field="password", code="reauth_failed")
        return
    if code:
        if not verify_code(person, code, key=key, now=now):
            raise ValidationFailed(N_("That code is not right or was already used."), field="code",
                                   code="reauth_failed")
        return
    raise ValidationFailed(N_("Enter your password or a code from your authenticator app."), field="password",
                           code="reauth_required")


def record_failed_reauthentication(person: Person, purpose: str) -> None:
    """Kept in the audit log even though the refused change itself is rolled back."""
    audit.record(person, "auth.reauth_failed", person, "Wrong password or code before a two-step change",
                 purpose=purpose)


# -- recovery codes, turning off, resetting -----------------------------------------------------------

def _new_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH))
    return "-".join(raw[i:i + RECOVERY_GROUP_LENGTH] for i in range(0, len(raw), RECOVERY_GROUP_LENGTH))


def _replace_recovery_codes(person: Person, now: datetime | None) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.person_id == person.id))
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    created = now or utcnow()
    db.session.add_all(RecoveryCode(person_id=person.id, code_hash=hash_password(normalise_code(c)),
                                    created_at=created) for c in codes)
    db.session.flush()
    return codes


def regenerate_recovery_codes(person: Person, *, key: str, password: str | None = None, code: str | None = None,
                              now: datetime | None = None) -> list[str]:
    """Ten new codes (shown once); every earlier code stops working."""
    if not is_enabled(person):
        raise Conflict(N_("Turn on two-step sign-in first."), code="two_factor_off")
    reauthenticate(person, key=key, password=password, code=code, now=now)
    codes = _replace_recovery_codes(person, now)
    audit.record(person, "person.recovery_codes_regenerated", person, "Made new recovery codes",
                 count=len(codes))
    return codes


def _remove(person: Person) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.person_id == person.id))
    settings = get_settings(person)
    if settings is not None:
        db.session.delete(settings)
    db.session.flush()


def cancel_setup(person: Person) -> None:
    """Drop a pending secret; an enabled authenticator stays as it is."""
    settings = get_settings(person)
    if settings is None or settings.pending_sealed is None:
        return
    if settings.enabled:
        settings.pending_sealed = None
        settings.pending_since = None
        db.session.flush()
    else:
        _remove(person)
    audit.record(person, "person.two_factor_setup_cancelled", person, "Cancelled setting up an authenticator app")


def disable(person: Person, *, key: str, required_roles: Iterable[str], password: str | None = None,
            code: str | None = None, keep_session: str | None = None, now: datetime | None = None) -> None:
    """Turn two-step sign-in off (password or code needed); refused where the person's role requires it."""
    settings = get_settings(person)
    if settings is None:
        return
    if is_required(person, required_roles) and settings.enabled:
        raise Conflict(N_("Your role requires two-step sign-in, so it cannot be turned off. "
                          "You can move it to a new phone instead."), code="two_factor_required")
    if not settings.enabled:
        cancel_setup(person)
        return
    reauthenticate(person, key=key, password=password, code=code, now=now)
    _remove(person)
    sessions.revoke_all_sessions(person, except_raw=keep_session)
    audit.record(person, "person.two_factor_disabled", person, "Turned off two-step sign-in")


def reset(actor: Person, person: Person) -> None:
    """For somebody who lost their phone and codes: remove their two-step sign-in and end their sessions.
    Coordinators may do it for members, administrators for everyone (the `person.edit` rule)."""
    policy.ensure(actor, "person.edit", person)
    if actor.id == person.id:
        raise Conflict(N_("Change your own two-step sign-in on your profile."), code="self_reset")
    if get_settings(person) is None:
        raise Conflict(N_("This person does not use two-step sign-in."), code="two_factor_off")
    _remove(person)
    sessions.revoke_all_sessions(person)
    audit.record(actor, "person.two_factor_reset", person, f"Reset two-step sign-in of {person.full_name}")
