"""Phone PINs: salted scrypt hashes, constant-time checks, lockout after repeated wrong PINs. A PIN is never logged.

The lockout is atomic under parallel calls and counts per person and per calling number (issues 13 and 14):
an attempt is *reserved* — counted as wrong — in one short write-locked transaction before scrypt runs, and
settled in another; attempts in flight therefore use up the allowance, and ten simultaneous guesses get three
checks, not ten. The counter lives in PinGuard rows, one per membership of the caller and one for the calling
number; each attempt counts against all of them and any locked one locks the caller out.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import audit
from models.base import begin_write, utcnow
from models.crypto import normalise_phone, phone_hash
from models.members import PinCredential, PinGuard
from models.upsert import upsert

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


PinCheckStatus = Literal["ok", "wrong", "locked", "no_pin"]


@dataclass(frozen=True)
class PinCheck:
    """Outcome of verify_pin: ok / wrong(remaining) / locked(until) / no_pin."""

    status: PinCheckStatus
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


def guard_keys(member_id: str, *, phone: str | None = None, member_ids: Iterable[str] = ()) -> list[str]:
    """The guards an attempt counts against: every membership of the caller and the calling number (when known;
    a withheld number — empty or "anonymous" — has no guard of its own)."""
    keys = {f"member:{m}" for m in {member_id, *member_ids} if m}
    if phone and any(ch.isdigit() for ch in normalise_phone(phone)):
        keys.add(f"phone:{phone_hash(phone)}")
    return sorted(keys)  # one order everywhere: row locks are always taken in the same order (no deadlock)


def set_pin(session: Session, member_id: str, pin: str) -> PinCredential:
    """Create or replace a member's PIN (fresh salt; clears the membership's lockout). The caller commits."""
    pin_hash = hash_pin(pin)
    cred = session.scalar(select(PinCredential).where(PinCredential.member_id == member_id))
    if cred is None:
        cred = PinCredential(member_id=member_id, pin_hash=pin_hash)
        session.add(cred)
    else:
        cred.pin_hash = pin_hash
    guard = session.get(PinGuard, f"member:{member_id}")
    if guard is not None:
        guard.failed_attempts, guard.locked_until = 0, None
    session.flush()
    log.info("PIN set for member %s", member_id)
    return cred


def _guards(session: Session, keys: Sequence[str], now: datetime) -> list[PinGuard]:
    """The caller's guard rows, created if missing, read fresh and (PostgreSQL) locked FOR UPDATE until commit;
    on SQLite begin_write already holds the database's writer lock."""
    begin_write(session)
    upsert(session, PinGuard, [{"key": k, "failed_attempts": 0, "locked_until": None, "updated_at": now}
                               for k in keys], keys=["key"], update=[])
    rows = session.scalars(select(PinGuard).where(PinGuard.key.in_(keys)).order_by(PinGuard.key)
                           .with_for_update().execution_options(populate_existing=True)).all()
    for g in rows:  # a lock whose time has passed is over: its counter starts again from zero
        if g.locked_until is not None and g.locked_until <= now:
            g.failed_attempts, g.locked_until = 0, None
    return list(rows)


def _locked_until(guards: Sequence[PinGuard], now: datetime) -> datetime | None:
    active = [g.locked_until for g in guards if g.locked_until is not None and g.locked_until > now]
    return max(active) if active else None


def _lock(session: Session, guards: Sequence[PinGuard], member_id: str, now: datetime, max_attempts: int,
          lock_minutes: int) -> datetime:
    """Lock every guard of the caller, with exactly one audit row for this lock (the transaction holds the lock,
    so no other attempt can see the guards unlocked in between)."""
    until = now + timedelta(minutes=lock_minutes)
    for g in guards:
        g.locked_until, g.failed_attempts = until, max_attempts
    memberships = sum(1 for g in guards if g.key.startswith("member:"))
    number = " and the calling number" if any(g.key.startswith("phone:") for g in guards) else ""
    audit.record(session, actor="system", action="pin.locked", subject_type="member", subject_id=member_id,
                 reason=f"{max_attempts} wrong PINs: {memberships} membership(s){number} locked until "
                        f"{until.isoformat(timespec='seconds')}")
    session.flush()
    log.info("PIN locked for member %s (%d guards)", member_id, len(guards))
    return until


def pin_status(session: Session, member_id: str, *, phone: str | None = None, member_ids: Iterable[str] = (),
               now: datetime | None = None) -> tuple[Literal["none", "set", "locked"], datetime | None]:
    """("none", None) without a PIN, ("locked", until) while any guard of the caller is locked, else ("set", None).
    Read-only: it never creates guards or counts anything."""
    now = _aware(now)
    if session.scalar(select(PinCredential.id).where(PinCredential.member_id == member_id)) is None:
        return "none", None
    keys = guard_keys(member_id, phone=phone, member_ids=member_ids)
    until = session.scalar(select(PinGuard.locked_until).where(PinGuard.key.in_(keys),
                                                               PinGuard.locked_until > now)
                           .order_by(PinGuard.locked_until.desc()).limit(1))
    return ("locked", until) if until is not None else ("set", None)


def _aware(now: datetime | None) -> datetime:
    now = now or utcnow()
    if now.tzinfo is None:
        raise ValueError("verify_pin needs an aware `now` (models.base.utcnow())")
    return now


def verify_pin(session: Session, member_id: str, pin: str, *, now: datetime | None = None, max_attempts: int = 3,
               lock_minutes: int = DEFAULT_LOCK_MINUTES, phone: str | None = None,
               member_ids: Iterable[str] = ()) -> PinCheck:
    """Check a PIN against the lockout of the caller: `member_id`'s membership plus `member_ids` (the person's other
    memberships) and `phone` (the calling number). COMMITS `session` — twice: the attempt is counted and committed
    before scrypt runs (so parallel attempts see it), then settled.

    A locked caller is answered `locked` without the PIN being looked at; once `locked_until` has passed the counter
    starts again from zero. The wrong attempt that reaches `max_attempts` locks every guard and answers `locked`,
    as does any attempt made while the allowance is used up by attempts still in flight.
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    now = _aware(now)
    keys = guard_keys(member_id, phone=phone, member_ids=member_ids)
    # 1. reserve: count the attempt (as wrong) before checking it
    begin_write(session)
    cred = session.scalar(select(PinCredential).where(PinCredential.member_id == member_id))
    if cred is None:
        session.commit()
        return PinCheck.no_pin()
    guards = _guards(session, keys, now)
    until = _locked_until(guards, now)
    if until is None and max(g.failed_attempts for g in guards) >= max_attempts:
        # the allowance is used up by attempts in flight (or by an attempt a crash never settled): lock now
        until = _lock(session, guards, member_id, now, max_attempts, lock_minutes)
    if until is not None:
        session.commit()
        return PinCheck.locked(until)
    for g in guards:
        g.failed_attempts += 1
    stored = cred.pin_hash
    session.commit()
    # 2. check, outside any transaction (scrypt takes ~40 ms; nothing is locked meanwhile)
    try:
        _validate(pin)
        matches = pin_matches(pin, stored)
    except InvalidPin:
        matches = False  # a malformed entry counts as a wrong PIN: same answer, same counter
    # 3. settle
    guards = _guards(session, keys, now)
    if matches:
        for g in guards:
            g.failed_attempts, g.locked_until = 0, None
        session.commit()
        return PinCheck.success()
    until = _locked_until(guards, now)
    used = max(g.failed_attempts for g in guards)
    if until is None and used >= max_attempts:
        until = _lock(session, guards, member_id, now, max_attempts, lock_minutes)
    session.commit()
    return PinCheck.locked(until) if until is not None else PinCheck.wrong(max_attempts - used)
