"""Staff passwords as argon2id hashes (argon2-cffi), checked in constant time; a password is never logged or stored."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP's first argon2id configuration (m=19 MiB, t=2, p=1): ~36 CPU-ms per check on these 2-core machines, so a
# sign-in stays instant while an offline guesser pays 19 MiB and tens of ms per guess. p=1 because parallel lanes
# only help an attacker with more cores than us. The parameters live in each hash, so raising them later re-hashes
# old passwords at their next sign-in (needs_rehash).
HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# A hash of a random password, checked when the name is unknown so that "no such account" costs the same time.
_DUMMY = HASHER.hash("not-a-password-anyone-knows-0f3a")


class WeakPassword(ValueError):
    """A new password that the policy refuses (the message never repeats the password)."""


def check_policy(password: str, *, min_length: int, name: str) -> None:
    if len(password) < min_length:
        raise WeakPassword(f"a password needs at least {min_length} characters")
    if len(password) > 256:
        raise WeakPassword("a password may have at most 256 characters")
    if password.strip().lower() == name.strip().lower() or len(set(password)) < 4:
        raise WeakPassword("that password is too easy to guess (the name itself, or only a few characters)")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """True when `password` matches `stored`; with `stored=None` a dummy hash is checked (same cost, False)."""
    try:
        return HASHER.verify(stored or _DUMMY, password) and stored is not None
    except VerifyMismatchError:
        return False
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return HASHER.check_needs_rehash(stored)
