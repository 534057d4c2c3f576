"""Passwords: argon2id hashing with rehash on parameter change, and the strength rule."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# Strength rule of this product: at least this many characters and at least two character classes
# (lowercase, uppercase, digits, other), so "aaaaaaaaaa" and "1234567890" are refused.
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 accepts more, but an unbounded input is a cheap DoS lever
MIN_CHARACTER_CLASSES = 2


def password_problem(password: str) -> str | None:
    """Why ``password`` is too weak, or ``None`` when it passes the rule above."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    classes = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if classes < MIN_CHARACTER_CLASSES:
        return "must mix at least two kinds of characters (lowercase, uppercase, digits, symbols)"
    return None


def generate_password(length: int = 20) -> str:
    """A random password that passes the strength rule (demo admin, resets)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if password_problem(candidate) is None:
            return candidate


@dataclass(frozen=True)
class Argon2Parameters:
    """argon2id cost; the defaults are argon2-cffi's (RFC 9106 low-memory profile, 64 MiB, t=3)."""

    time_cost: int = 3
    memory_cost_kib: int = 64 * 1024
    parallelism: int = 4


@dataclass(frozen=True)
class PasswordCheck:
    ok: bool
    # A new hash to store when the stored one used older parameters (set only when ok).
    new_hash: str | None = None


class Passwords:
    """Hashes and checks passwords; a check of an unknown user costs the same as a real one."""

    def __init__(self, parameters: Argon2Parameters | None = None) -> None:
        p = parameters or Argon2Parameters()
        self._hasher = PasswordHasher(
            time_cost=p.time_cost, memory_cost=p.memory_cost_kib, parallelism=p.parallelism
        )
        # Verified against when the user does not exist, so timing does not reveal who exists.
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def check(self, stored_hash: str | None, password: str) -> PasswordCheck:
        """Verify ``password``; with no stored hash, burn the same time and answer no."""
        if not stored_hash:
            self._verify(self._dummy_hash, password)
            return PasswordCheck(False)
        if not self._verify(stored_hash, password):
            return PasswordCheck(False)
        if self._hasher.check_needs_rehash(stored_hash):
            return PasswordCheck(True, self._hasher.hash(password))
        return PasswordCheck(True)

    def burn(self, password: str) -> None:
        """Spend one verification's time without checking anything (inactive users, locked tenants)."""
        self._verify(self._dummy_hash, password)

    def _verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
