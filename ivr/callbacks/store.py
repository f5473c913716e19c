"""The callbacks' SQL side: a drop becomes one callback (or is merged, rate-limited, capped, refused with a reason),
due callbacks are claimed with a fresh call UUID each, outcomes climb a short retry ladder.

Every public coroutine runs its SQL in a worker thread; claiming moves pending → dialing in one transaction, so a
callback is dialled once. Phones are stored encrypted and found by their HMAC.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ivr.callbacks.config import CallbackSettings
from ivr.reminders.config import RemindersSettings
from ivr.reminders.window import CallWindow
from models.crypto import phone_hash
from models.members import MemberPreference
from models.reach import CALLBACK_ACTIVE, Callback, CallbackAttempt, MissedCall

T = TypeVar("T")
RETRIED = ("busy", "no_answer", "failed", "congestion")
OPEN = ("pending", *CALLBACK_ACTIVE)


@dataclass(frozen=True)
class Caller:
    """Who rang, as the ledger knows them (kind "unknown" for a number in no group)."""

    kind: str  # member | unknown
    timezone: str
    member_id: str | None = None
    group_id: str | None = None


@dataclass(frozen=True)
class CallbackDial:
    """A claimed callback: the UUID its call carries and where it goes (the phone is never logged)."""

    callback_id: int
    call_id: uuid.UUID
    phone: str
    kind: str
    attempt: int

    def __repr__(self) -> str:
        return f"CallbackDial({self.callback_id}, {self.call_id}, kind={self.kind}, attempt={self.attempt})"


class UnknownCallbackCall(LookupError):
    """A call UUID no callback attempt carries."""


def _day_start(now: datetime, tz: str) -> datetime:
    local = now.astimezone(ZoneInfo(tz))
    return datetime.combine(local.date(), datetime.min.time(), ZoneInfo(tz))


class CallbackStore:
    def __init__(self, sessions: sessionmaker[Session], settings: CallbackSettings,
                 reminders: RemindersSettings) -> None:
        self._sessions = sessions
        self._s = settings
        self.window = CallWindow(reminders.calls_from, reminders.calls_until, tuple(reminders.no_call_weekdays))
        self._max_active = reminders.max_concurrent_calls
        self.call_expiry_s = reminders.call_expiry_s

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self._sessions

    async def _run(self, fn: Callable[[Session], T]) -> T:
        def run() -> T:
            with self._sessions.begin() as s:
                return fn(s)

        return await asyncio.to_thread(run)

    # --- a drop --------------------------------------------------------------------------------------------------

    async def note_missed(self, phone: str, caller: Caller, now: datetime) -> str:
        """Store the drop and decide: scheduled / merged / rate_limited / member_cap / group_cap / opted_out /
        unknown_once / unknown_off / disabled (models.reach.MISSED_DISPOSITIONS)."""
        s_ = self._s
        key = phone_hash(phone)

        def decide(s: Session) -> tuple[str, Callback | None]:
            if not s_.enabled:
                return "disabled", None
            mine = select(Callback).where(Callback.phone_hash == key)
            open_one = s.scalars(mine.where(Callback.status.in_(OPEN)).order_by(Callback.id.desc())).first()
            if open_one is not None:
                open_one.drops += 1
                return "merged", open_one
            recent = now - timedelta(minutes=s_.min_interval_min)
            if s.scalars(mine.where(Callback.requested_at > recent)).first() is not None:
                return "rate_limited", None
            if caller.kind == "unknown":
                if s_.unknown_numbers == "never":
                    return "unknown_off", None
                if s.scalars(mine.where(Callback.kind == "unknown",
                                        Callback.requested_at > now - timedelta(days=1))).first() is not None:
                    return "unknown_once", None
            if caller.member_id is not None:
                pref = s.get(MemberPreference, caller.member_id)
                if pref is not None and pref.outbound_calls_opt_out:
                    return "opted_out", None
                since = _day_start(now, caller.timezone)
                count = select(func.count()).select_from(Callback).where(Callback.requested_at >= since)
                if (s.scalar(count.where(Callback.member_id == caller.member_id)) or 0) >= s_.max_per_member_per_day:
                    return "member_cap", None
                if caller.group_id is not None and (
                        s.scalar(count.where(Callback.group_id == caller.group_id)) or 0) >= s_.max_per_group_per_day:
                    return "group_cap", None
            first = self.window.next_allowed(now + timedelta(seconds=s_.delay_s), caller.timezone)
            cb = Callback(phone=phone, phone_hash=key, kind=caller.kind, member_id=caller.member_id,
                          group_id=caller.group_id, timezone=caller.timezone, requested_at=now, next_attempt_at=first,
                          expires_at=now + timedelta(hours=s_.expire_after_hours), attempts=0, drops=1,
                          status="pending")
            s.add(cb)
            s.flush()
            return "scheduled", cb

        def q(s: Session) -> str:
            disposition, cb = decide(s)
            s.add(MissedCall(phone_hash=key, received_at=now, disposition=disposition, group_id=caller.group_id,
                             callback_id=cb.id if cb is not None else None))
            return disposition

        return await self._run(q)

    # --- dialling --------------------------------------------------------------------------------------------------

    async def claim_due(self, now: datetime) -> list[CallbackDial]:
        def q(s: Session) -> list[CallbackDial]:
            active = int(s.scalar(select(func.count()).select_from(Callback)
                                  .where(Callback.status.in_(CALLBACK_ACTIVE))) or 0)
            due = list(s.scalars(select(Callback).where(Callback.status == "pending", Callback.next_attempt_at <= now)
                                 .order_by(Callback.next_attempt_at, Callback.id)))
            out: list[CallbackDial] = []
            for cb in due:
                if now >= cb.expires_at:
                    cb.status = "expired"
                    continue
                if cb.member_id is not None:
                    pref = s.get(MemberPreference, cb.member_id)
                    if pref is not None and pref.outbound_calls_opt_out:
                        cb.status = "cancelled"
                        continue
                if not self.window.allows(now, cb.timezone):
                    cb.next_attempt_at = self.window.next_allowed(now, cb.timezone)
                    if cb.next_attempt_at >= cb.expires_at:
                        cb.status = "expired"
                    continue
                if active >= self._max_active:
                    break
                cb.status, cb.attempts = "dialing", cb.attempts + 1
                call_id = uuid.uuid4()
                s.add(CallbackAttempt(callback_id=cb.id, call_id=call_id, seq=cb.attempts, started_at=now,
                                      admitted=False))
                active += 1
                out.append(CallbackDial(cb.id, call_id, cb.phone, cb.kind, cb.attempts))
            return out

        return await self._run(q)

    async def dial_result(self, call_id: uuid.UUID, outcome: str, now: datetime, cause: int | None = None) -> str:
        s_ = self._s

        def q(s: Session) -> str:
            attempt, cb = self._attempt(s, call_id)
            attempt.outcome, cb.last_outcome = outcome, outcome
            if outcome == "answered":
                if attempt.ended_at is None:
                    cb.status = "in_call"
                elif cb.status in CALLBACK_ACTIVE:
                    cb.status = "done"
                return cb.status
            attempt.ended_at, attempt.cause = now, cause
            retry = cb.attempts - 1
            if outcome in RETRIED and retry < s_.max_retries and s_.retry_delays_min:
                delay = s_.retry_delays_min[min(retry, len(s_.retry_delays_min) - 1)]
                at = self.window.next_allowed(now + timedelta(minutes=delay), cb.timezone)
                if at < cb.expires_at:
                    cb.status, cb.next_attempt_at = "pending", at
                    return cb.status
            cb.status = "gave_up"
            return cb.status

        return await self._run(q)

    async def call_ended(self, call_id: uuid.UUID, now: datetime, cause: int | None = None) -> None:
        def q(s: Session) -> None:
            attempt, cb = self._attempt(s, call_id)
            if attempt.ended_at is None:
                attempt.ended_at, attempt.cause = now, cause
            if cb.status in CALLBACK_ACTIVE:
                cb.status = "done"

        await self._run(q)

    async def expire_stale(self, now: datetime) -> int:
        """Calls that never reported an end within the reminders' call_expiry_s are closed; returns how many."""
        limit = now - timedelta(seconds=self.call_expiry_s)

        def q(s: Session) -> int:
            rows = s.execute(select(CallbackAttempt, Callback).join(Callback).where(
                CallbackAttempt.ended_at.is_(None), CallbackAttempt.started_at < limit)).all()
            for attempt, cb in rows:
                attempt.ended_at = now
                attempt.outcome = attempt.outcome or "expired"
                if cb.status in CALLBACK_ACTIVE:
                    cb.status = "done" if attempt.outcome == "answered" else "expired"
                    cb.last_outcome = attempt.outcome
            return len(rows)

        return await self._run(q)

    def admit(self, call_id: uuid.UUID, now: datetime) -> tuple[str, str] | None:
        """(phone, kind) when `call_id` is a callback in progress never connected before (marked connected now);
        blocking: call it in a worker thread."""
        oldest = now - timedelta(seconds=self.call_expiry_s)
        with self._sessions.begin() as s:
            row = s.execute(select(CallbackAttempt, Callback).join(Callback)
                            .where(CallbackAttempt.call_id == call_id)).first()
            if row is None:
                return None
            attempt, cb = row
            if (attempt.admitted or attempt.ended_at is not None or attempt.started_at < oldest
                    or cb.status not in CALLBACK_ACTIVE):
                return None
            attempt.admitted = True
            return cb.phone, cb.kind

    @staticmethod
    def _attempt(s: Session, call_id: uuid.UUID) -> tuple[CallbackAttempt, Callback]:
        attempt = s.scalar(select(CallbackAttempt).where(CallbackAttempt.call_id == call_id))
        if attempt is None:
            raise UnknownCallbackCall(f"no callback call {call_id}")
        return attempt, attempt.callback
