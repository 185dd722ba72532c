"""Password hashing (argon2id at OWASP ASVS parameters) and the password rules."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from committees.errors import ValidationFailed
from committees.i18n import N_

MIN_LENGTH = 12
MAX_LENGTH = 1024

# ASVS 5.0 appendix: argon2id with m >= 19 MiB, t >= 2, p = 1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def configure(time_cost: int, memory_kib: int, parallelism: int) -> None:
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        # Spend the same time as a real check so timing does not reveal unknown accounts.
        _hasher.hash(password or "x")
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    path = Path(__file__).parent / "data" / "common-passwords.txt"
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#"):
            words.add(line)
    return frozenset(words)


def check_password_rules(password: str, context_words: list[str] | tuple[str, ...] = ()) -> None:
    """Raise ValidationFailed for a password that breaks the rules (ASVS 5.0, 6.2)."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(N_("Use at least 12 characters."), field="password", code="password_too_short")
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(N_("That password is too long."), field="password", code="password_too_long")
    lowered = password.lower()
    if lowered in common_passwords():
        raise ValidationFailed(
            N_("That password is too common; choose another."), field="password", code="password_common"
        )
    for word in context_words:
        word = (word or "").strip().lower()
        if word and lowered == word:
            raise ValidationFailed(
                N_("That password is too easy to guess here; choose another."),
                field="password",
                code="password_context",
            )
