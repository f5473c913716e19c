"""Phone PINs: salted scrypt hashes, constant-time checks, lockout after repeated wrong PINs. A PIN is never logged."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import audit
from models.base import utcnow
from models.members import PinCredential

log = logging.getLogger(__name__)

# scrypt cost: n=2**14, r=8 needs 16 MiB and ~40 ms per check — slow for an offline guesser of a 4-digit space
# yet invisible on a phone call. Stored with the hash so the cost can be raised without breaking old PINs.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
# PINs are entered on a keypad: digits only, 4 to 8 of them.
PIN_MIN, PIN_MAX = 4, 8
# After the last allowed wrong PIN the member waits this long (dialogs may pass their own policy).
DEFAULT_LOCK_MINUTES = 15


class InvalidPin(ValueError):
    """A PIN that is not 4 to 8 keypad digits (the message never repeats it)."""


@dataclass(frozen=True)
class PinCheck:
    """Outcome of verify_pin: ok / wrong(remaining) / locked(until) / no_pin."""

    status: Literal["ok", "wrong", "locked", "no_pin"]
    remaining: int | None = None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @classmethod
    def success(cls) -> PinCheck:
        return cls("ok")

    @classmethod
    def wrong(cls, remaining: int) -> PinCheck:
        return cls("wrong", remaining=remaining)

    @classmethod
    def locked(cls, until: datetime) -> PinCheck:
        return cls("locked", locked_until=until)

    @classmethod
    def no_pin(cls) -> PinCheck:
        return cls("no_pin")


def _validate(pin: str) -> None:
    if not isinstance(pin, str) or not pin.isascii() or not pin.isdigit() or not PIN_MIN <= len(pin) <= PIN_MAX:
        raise InvalidPin(f"a PIN must be {PIN_MIN} to {PIN_MAX} keypad digits")


def hash_pin(pin: str) -> str:
    _validate(pin)
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
    except ValueError as exc:
        raise ValueError("stored PIN hash is malformed") from exc
    if scheme != "scrypt":
        raise ValueError(f"unknown PIN hash scheme {scheme!r}")
    digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p),
                            dklen=len(digest_hex) // 2, maxmem=256 * 1024 * 1024)
    return hmac.compare_digest(digest.hex(), digest_hex)


def set_pin(session: Session, member_id: str, pin: str) -> PinCredential:
    """Create or replace a member's PIN (fresh salt; clears any lockout). The caller commits."""
    pin_hash = hash_pin(pin)
    cred = session.scalar(select(PinCredential).where(PinCredential.member_id == member_id))
    if cred is None:
        cred = PinCredential(member_id=member_id, pin_hash=pin_hash, failed_attempts=0)
        session.add(cred)
    else:
        cred.pin_hash = pin_hash
        cred.failed_attempts = 0
        cred.locked_until = None
    session.flush()
    log.info("PIN set for member %s", member_id)
    return cred


def verify_pin(session: Session, member_id: str, pin: str, *, now: datetime | None = None, max_attempts: int = 3,
               lock_minutes: int = DEFAULT_LOCK_MINUTES) -> PinCheck:
    """Check a PIN and update the lockout counter (flushed; the caller commits so the count survives).

    A locked credential answers `locked` without looking at the PIN; once `locked_until` has passed the counter
    starts again from zero. The wrong attempt that reaches `max_attempts` locks and answers `locked`.
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    now = now or utcnow()
    if now.tzinfo is None:
        raise ValueError("verify_pin needs an aware `now` (models.base.utcnow())")
    cred = session.scalar(select(PinCredential).where(PinCredential.member_id == member_id))
    if cred is None:
        return PinCheck.no_pin()
    if cred.locked_until is not None:
        if now < cred.locked_until:
            return PinCheck.locked(cred.locked_until)
        cred.locked_until = None
        cred.failed_attempts = 0
    try:
        _validate(pin)
        matches = pin_matches(pin, cred.pin_hash)
    except InvalidPin:
        matches = False  # a malformed entry counts as a wrong PIN: same answer, same counter
    if matches:
        cred.failed_attempts = 0
        session.flush()
        return PinCheck.success()
    cred.failed_attempts += 1
    if cred.failed_attempts >= max_attempts:
        cred.locked_until = now + timedelta(minutes=lock_minutes)
        cred.failed_attempts = 0
        audit.record(session, actor="system", action="pin.locked", subject_type="member", subject_id=member_id,
                     reason=f"{max_attempts} wrong PINs in a row")
        session.flush()
        log.info("PIN locked for member %s", member_id)
        return PinCheck.locked(cred.locked_until)
    session.flush()
    return PinCheck.wrong(max_attempts - cred.failed_attempts)
