"""Argon2id password hashing."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2-cffi defaults: Argon2id, RFC 9106 low-memory profile

# Verifying against this keeps the time of a login for an unknown email the same as for a
# known one, so response times do not reveal which emails exist.
_DUMMY_HASH = _hasher.hash("control-tower-timing-equaliser")


def configure_hasher(*, time_cost: int, memory_cost_kib: int, parallelism: int = 1) -> None:
    """Use other Argon2id cost parameters (tests use cheap ones; hashes stay Argon2id)."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism
    )
    _DUMMY_HASH = _hasher.hash("control-tower-timing-equaliser")


MIN_PASSWORD_LENGTH = 8


class WeakPassword(ValueError):
    """The password does not meet the minimum policy."""


def check_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password:
        raise WeakPassword("password must not start or end with whitespace")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; always spends the same work, even without a hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
