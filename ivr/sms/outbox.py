"""The SMS outbox: every reply and reminder SMS is committed here before any send, then drained through the gateway.

Enqueueing is idempotent on `key` (a reminder's key, an inbound message's id), so a second plan or a re-delivered
inbound message never makes a second SMS. A send claims the row with a lease (two drainers never send one message),
sends the parts not yet taken, and commits progress after each part, so a crash or an outage resumes at the next
part: never lost, never doubled. Phones and texts are encrypted at rest and never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ivr.sms.config import SmsSettings
from ivr.sms.gsm7 import segment
from ivr.sms.kannel import SmsError, SmsGateway, SmsPart, SmsRejected, SmsUncertain, concat_udh
from models.base import utcnow
from models.crypto import phone_hash
from models.members import MemberPreference
from models.reach import SmsOutbox as Row

log = logging.getLogger(__name__)
T = TypeVar("T")
Clock = Callable[[], datetime]
# A claimed message is someone's for this long; a drainer that died mid-send frees it after the lease.
LEASE_S = 120.0
# Messages claimed per drain pass (a burst of reminders goes out over a few passes, oldest first).
BATCH = 50
REMINDER_PURPOSES = ("reminder", "reminder_fallback")


@dataclass(frozen=True)
class Drained:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    uncertain: int = 0


class SmsOutbox:
    def __init__(self, sessions: sessionmaker[Session], gateway: SmsGateway, settings: SmsSettings,
                 clock: Clock = utcnow) -> None:
        self._sessions = sessions
        self._gateway = gateway
        self._s = settings
        self._clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _run(self, fn: Callable[[Session], T]) -> T:
        def run() -> T:
            with self._sessions.begin() as s:
                return fn(s)

        return await asyncio.to_thread(run)

    async def enqueue(self, key: str, phone: str, text: str, *, purpose: str, member_id: str | None = None,
                      reminder_id: int | None = None, not_before: datetime | None = None,
                      expires_at: datetime | None = None) -> bool:
        """Store one message (committed before this returns); False when `key` was already queued."""
        split = segment(text, self._s.max_parts)  # TooLong before anything is stored
        now = self._clock()

        def run() -> bool:
            try:
                with self._sessions.begin() as s:
                    s.add(Row(key=key[:220], purpose=purpose, member_id=member_id, reminder_id=reminder_id,
                              phone=phone, phone_hash=phone_hash(phone), body=text, coding=split.dcs,
                              segments=len(split.parts), segments_sent=0, concat_ref=secrets.randbelow(256),
                              status="queued", attempts=0, next_attempt_at=max(now, not_before or now),
                              expires_at=expires_at))
                return True
            except IntegrityError:
                return False

        new = await asyncio.to_thread(run)
        if new:
            self._wake.set()
        return new

    async def _claim(self, now: datetime) -> list[int]:
        def q(s: Session) -> list[int]:
            rows = list(s.scalars(select(Row).where(Row.status == "queued", Row.next_attempt_at <= now)
                                  .order_by(Row.next_attempt_at, Row.id).limit(BATCH).with_for_update()))
            for row in rows:
                row.next_attempt_at = now + timedelta(seconds=LEASE_S)
            return [r.id for r in rows]

        return await self._run(q)

    async def drain_once(self) -> Drained:
        """Send every message due now; returns what happened to each."""
        counts = {"sent": 0, "retried": 0, "failed": 0, "cancelled": 0, "uncertain": 0}
        for row_id in await self._claim(self._clock()):
            counts[await self._send(row_id)] += 1
        return Drained(**counts)

    async def _load(self, row_id: int) -> tuple[str, str, int, int, str, str | None, datetime | None] | None:
        def q(s: Session) -> tuple[str, str, int, int, str, str | None, datetime | None] | None:
            row = s.get(Row, row_id)
            if row is None or row.status != "queued":
                return None
            if row.purpose in REMINDER_PURPOSES and row.member_id is not None:
                pref = s.get(MemberPreference, row.member_id)
                if pref is not None and pref.reminders_opt_out:
                    row.status, row.last_error = "cancelled", "member opted out"
                    return ("", "", 0, 0, "cancelled", None, None)
            if row.expires_at is not None and self._clock() >= row.expires_at:
                row.status, row.last_error = "cancelled", "expired before it could be sent"
                return ("", "", 0, 0, "cancelled", None, None)
            row.attempts += 1
            return (row.phone, row.body, row.segments_sent, row.concat_ref, "go", row.purpose, row.expires_at)

        return await self._run(q)

    async def _send(self, row_id: int) -> str:
        loaded = await self._load(row_id)
        if loaded is None:
            return "cancelled"
        phone, body, done, ref, verdict, _purpose, _expires = loaded
        if verdict == "cancelled":
            return "cancelled"
        split = segment(body, self._s.max_parts)
        total = len(split.parts)
        try:
            for seq in range(done + 1, total + 1):
                udh = concat_udh(ref, total, seq) if total > 1 else None
                await self._gateway.send(SmsPart(phone, split.parts[seq - 1], split.dcs, udh))
                await self._progress(row_id, seq, total)
        except SmsUncertain as exc:
            await self._finish(row_id, "uncertain", str(exc))
            log.warning("sms %d: %s; not resent (ivr sms outbox shows it)", row_id, exc)
            return "uncertain"
        except SmsRejected as exc:
            await self._finish(row_id, "failed", str(exc))
            log.error("sms %d not sent: %s", row_id, exc)
            return "failed"
        except SmsError as exc:
            return await self._retry_later(row_id, str(exc))
        log.info("sms %d sent (%d part%s)", row_id, total, "" if total == 1 else "s")
        return "sent"

    async def _progress(self, row_id: int, seq: int, total: int) -> None:
        now = self._clock()

        def q(s: Session) -> None:
            row = s.get(Row, row_id)
            assert row is not None
            row.segments_sent = seq
            if seq == total:
                row.status, row.sent_at, row.last_error = "sent", now, None

        await self._run(q)

    async def _finish(self, row_id: int, status: str, error: str) -> None:
        def q(s: Session) -> None:
            row = s.get(Row, row_id)
            assert row is not None
            row.status, row.last_error = status, error[:200]

        await self._run(q)

    async def _retry_later(self, row_id: int, error: str) -> str:
        s_ = self._s
        now = self._clock()

        def q(s: Session) -> str:
            row = s.get(Row, row_id)
            assert row is not None
            row.last_error = error[:200]
            if row.attempts >= s_.max_attempts:
                row.status = "failed"
                return "failed"
            delay = s_.retry_delays_s[min(row.attempts - 1, len(s_.retry_delays_s) - 1)] if s_.retry_delays_s else 60
            row.next_attempt_at = now + timedelta(seconds=delay)
            return "retried"

        outcome = await self._run(q)
        log.warning("sms %d not sent (%s): %s", row_id, outcome, error)
        return outcome

    # --- the background drainer -----------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="sms-outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.drain_once()
            except Exception:  # a database hiccup must not end the drainer; the next pass tries again
                log.exception("sms outbox drain failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._s.drain_every_s)

    async def counts(self) -> dict[str, int]:
        return await self._run(lambda s: {k: int(v) for k, v in s.execute(
            select(Row.status, func.count()).group_by(Row.status)).all()})
