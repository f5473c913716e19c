"""Writes are committed to the outbox before the caller hears "saved", then drained to the core in order."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ledger_client.client import LedgerClient
from ledger_client.config import LedgerSettings
from ledger_client.errors import LedgerNotFound, LedgerRejected, LedgerUnavailable
from ledger_client.types import PostResult, TransactionEntry
from models.base import begin_write, utcnow
from models.claims import skip_locked
from models.outbox import PARKED, PENDING, SENT, OutboxEntry

log = logging.getLogger(__name__)
KIND_MEETING_TX = "meeting_transaction"


class OutboxConflict(ValueError):
    """An idempotency key already in the outbox was enqueued again with a different entry."""


@dataclass(frozen=True)
class Receipt:
    """Proof an entry is saved locally: its outbox id, its key, and its status now (pending unless seen before)."""

    outbox_id: int
    idempotency_key: str
    status: str


@dataclass(frozen=True)
class ParkedEntry:
    outbox_id: int
    idempotency_key: str
    group_id: str
    meeting_date: date
    entry: TransactionEntry | None  # None when the stored payload itself was unreadable (see `payload`)
    payload: dict[str, Any]
    reason: str


@dataclass
class DrainReport:
    """What one drain did; `unavailable` is set when it stopped because the core could not be reached."""

    sent: int = 0
    replayed: int = 0
    parked: int = 0
    pending: int = 0
    unavailable: LedgerUnavailable | None = None
    parked_keys: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    id: int
    group_id: str
    meeting_date: date
    key: str
    payload: dict[str, Any]


class Outbox:
    """One row per entry (each has its own key, result and park reason); drained oldest first, one meeting a batch."""

    def __init__(self, *, client: LedgerClient, sessions: sessionmaker[Session], settings: LedgerSettings) -> None:
        self._client = client
        self._sessions = sessions
        self._batch_size = max(1, settings.outbox_batch_size)
        self._lease = timedelta(seconds=max(1.0, settings.outbox_lease_s))
        # who holds a lease: unique per Outbox, so two drainers on one host are two claimers too
        self.drainer_id = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._lock = asyncio.Lock()

    # ---- enqueue ----------------------------------------------------------------------------------------------

    async def enqueue_transactions(
        self, group_id: str, meeting_date: date, entries: Sequence[TransactionEntry]
    ) -> list[Receipt]:
        """Persist and COMMIT the entries; when this returns the caller may be told "saved". All or nothing."""
        if not group_id:
            raise ValueError("group_id is required")
        if not entries:
            raise ValueError("at least one entry is required")
        if not all(isinstance(e, TransactionEntry) for e in entries):
            raise TypeError("entries must be TransactionEntry instances (validated amounts, types and keys)")
        keys = [e.idempotency_key for e in entries]
        if len(set(keys)) != len(keys):
            raise ValueError("every entry needs its own idempotency key; this batch repeats one")
        return await asyncio.to_thread(self._enqueue_sync, group_id, meeting_date, list(entries))

    def _enqueue_sync(self, group_id: str, meeting_date: date, entries: list[TransactionEntry]) -> list[Receipt]:
        for attempt in range(2):  # a concurrent enqueue of the same key loses the unique race once, then re-checks
            with self._sessions() as s:
                keys = [e.idempotency_key for e in entries]
                existing = {r.idempotency_key: r for r in s.scalars(
                    select(OutboxEntry).where(OutboxEntry.idempotency_key.in_(keys)))}
                new_rows: list[OutboxEntry] = []
                receipts: list[Receipt | OutboxEntry] = []
                for e in entries:
                    old = existing.get(e.idempotency_key)
                    if old is not None:
                        same = (old.group_id, old.meeting_date, old.payload) == (group_id, meeting_date, e.wire())
                        if not same:
                            raise OutboxConflict(f"idempotency key {e.idempotency_key} is already queued "
                                                 "with a different entry; nothing was saved")
                        receipts.append(Receipt(old.id, old.idempotency_key, old.status))
                        continue
                    row = OutboxEntry(kind=KIND_MEETING_TX, group_id=group_id, meeting_date=meeting_date,
                                      idempotency_key=e.idempotency_key, payload=e.wire(), status=PENDING,
                                      attempts=0, created_at=utcnow())
                    s.add(row)
                    new_rows.append(row)
                    receipts.append(row)
                try:
                    s.commit()
                except IntegrityError:
                    s.rollback()
                    if attempt:
                        raise
                    continue
                return [r if isinstance(r, Receipt) else Receipt(r.id, r.idempotency_key, r.status) for r in receipts]
        raise AssertionError("unreachable")

    # ---- inspection -------------------------------------------------------------------------------------------

    async def pending_count(self) -> int:
        return await asyncio.to_thread(self._count, PENDING)

    def _count(self, status: str) -> int:
        with self._sessions() as s:
            return int(s.scalar(select(func.count()).select_from(OutboxEntry).filter_by(status=status)) or 0)

    async def parked(self) -> list[ParkedEntry]:
        return await asyncio.to_thread(self._parked_sync)

    def _parked_sync(self) -> list[ParkedEntry]:
        with self._sessions() as s:
            rows = s.scalars(select(OutboxEntry).filter_by(status=PARKED).order_by(OutboxEntry.id))
            return [ParkedEntry(r.id, r.idempotency_key, r.group_id, r.meeting_date, _entry_or_none(r.payload),
                                r.payload, r.last_error or "") for r in rows]

    # ---- drain ------------------------------------------------------------------------------------------------

    async def drain(self) -> DrainReport:
        """Post pending rows oldest first while the core answers; stop (keeping order) at the first outage."""
        async with self._lock:
            report = DrainReport()
            while True:
                batch = await asyncio.to_thread(self._next_batch)
                if not batch:
                    break
                if not await self._post(batch, report):
                    break
            report.pending = await self.pending_count()
            return report

    async def drain_until_empty(self, *, timeout_s: float, backoff_s: float = 0.2, max_backoff_s: float = 2.0
                                ) -> DrainReport:
        """Drain repeatedly (backing off while the core is down) until nothing is pending; totals every pass."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        total = DrainReport()
        delay = backoff_s
        while True:
            r = await self.drain()
            total.sent += r.sent
            total.replayed += r.replayed
            total.parked += r.parked
            total.parked_keys += r.parked_keys
            total.pending, total.unavailable = r.pending, r.unavailable
            if r.pending == 0:
                return total
            if loop.time() + delay > deadline:
                raise TimeoutError(f"outbox still has {r.pending} pending entries after {timeout_s:.0f}s")
            await asyncio.sleep(delay)
            delay = min(max_backoff_s, delay * 2) if r.unavailable else backoff_s

    def _next_batch(self) -> list[_Row]:
        """Claim the oldest pending rows of one group's next meeting, up to the batch size, under a lease.

        Several drainers (IVR hosts) share the outbox: a group is only ever claimed from its oldest pending row, so
        its entries still reach the core in enqueue order (a repayment never overtakes its loan), while different
        groups drain in parallel. Rows are read `FOR UPDATE SKIP LOCKED` (PostgreSQL), so a row one drainer is
        claiming or posting is never handed to another. A lease that ran out (its drainer died) is claimable
        again; the core's idempotency key is the second guard against a double post.
        """
        now = utcnow()
        with self._sessions.begin() as s:
            begin_write(s)  # SQLite: take the writer lock before reading (the one-host default)
            heads = s.execute(select(OutboxEntry.group_id, func.min(OutboxEntry.id))
                              .where(OutboxEntry.status == PENDING).group_by(OutboxEntry.group_id)
                              .order_by(func.min(OutboxEntry.id))).all()
            for group_id, head in heads:
                rows = s.scalars(skip_locked(
                    select(OutboxEntry).where(
                        OutboxEntry.group_id == group_id, OutboxEntry.status == PENDING,
                        or_(OutboxEntry.claimed_until.is_(None), OutboxEntry.claimed_until <= now))
                    .order_by(OutboxEntry.id).limit(self._batch_size))).all()
                if not rows or rows[0].id != head:
                    continue  # another drainer holds this group's head: it posts the group in order
                batch = rows[:next((i for i, r in enumerate(rows) if r.meeting_date != rows[0].meeting_date),
                                   len(rows))]
                for r in batch:
                    r.claimed_by, r.claimed_until = self.drainer_id, now + self._lease
                return [_Row(r.id, r.group_id, r.meeting_date, r.idempotency_key, r.payload) for r in batch]
            return []

    async def _post(self, batch: list[_Row], report: DrainReport) -> bool:
        """Post one meeting's rows; park the ones the core refuses and re-post the rest. False = core unreachable."""
        remaining = await self._park_unreadable(batch, report)
        while remaining:
            head = remaining[0]
            entries = [TransactionEntry.model_validate(r.payload) for r in remaining]
            try:
                result = await self._client.post_transactions(head.group_id, head.meeting_date, entries)
            except LedgerUnavailable as exc:
                await asyncio.to_thread(self._mark_failed_attempt, [r.id for r in remaining], str(exc))
                report.unavailable = exc
                return False
            except LedgerNotFound as exc:
                # the group itself is unknown to the core: no entry of this meeting can ever post
                await asyncio.to_thread(self._park, {r.id: str(exc) for r in remaining})
                self._count_parked(report, remaining)
                return True
            except LedgerRejected as exc:
                blamed = {i for i in exc.entry_indexes if 0 <= i < len(remaining)}
                if blamed:
                    reasons = {remaining[i].id: exc.reasons(i) for i in blamed}
                    await asyncio.to_thread(self._park, reasons)
                    self._count_parked(report, [remaining[i] for i in blamed])
                    remaining = [r for i, r in enumerate(remaining) if i not in blamed]
                    continue
                if len(remaining) == 1:
                    await asyncio.to_thread(self._park, {head.id: exc.reasons()})
                    self._count_parked(report, remaining)
                    return True
                # the core blamed the batch, not an entry (e.g. a 409 replay mismatch): isolate it one by one
                for row in remaining:
                    if not await self._post([row], report):
                        return False
                return True
            await asyncio.to_thread(self._mark_sent, remaining, result)
            for r in result.results:
                if r.status == "replayed":
                    report.replayed += 1
                else:
                    report.sent += 1
            return True
        return True

    async def _park_unreadable(self, batch: list[_Row], report: DrainReport) -> list[_Row]:
        """A stored entry that no longer validates (e.g. written by an older version) is parked, not retried forever."""
        readable, reasons = [], {}
        for r in batch:
            try:
                TransactionEntry.model_validate(r.payload)
                readable.append(r)
            except ValidationError as exc:
                fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
                reasons[r.id] = f"stored entry is not a valid transaction ({fields})"
        if reasons:
            await asyncio.to_thread(self._park, reasons)
            self._count_parked(report, [r for r in batch if r.id in reasons])
        return readable

    @staticmethod
    def _count_parked(report: DrainReport, rows: list[_Row]) -> None:
        report.parked += len(rows)
        report.parked_keys += [r.key for r in rows]
        log.warning("ledger refused %d outbox entries; parked with the reason", len(rows))

    def _mark_sent(self, rows: list[_Row], result: PostResult) -> None:
        by_key = {r.idempotency_key: r for r in result.results}
        now = utcnow()
        with self._sessions() as s:
            for row in rows:
                r = by_key[row.key]
                s.execute(update(OutboxEntry).where(OutboxEntry.id == row.id).values(
                    status=SENT, sent_at=now, attempts=OutboxEntry.attempts + 1, last_error=None,
                    claimed_by=None, claimed_until=None,
                    result={"meeting_id": result.meeting_id, "transaction_id": r.transaction_id, "status": r.status}))
            s.commit()

    def _park(self, reasons: dict[int, str]) -> None:
        with self._sessions() as s:
            for row_id, reason in reasons.items():
                s.execute(update(OutboxEntry).where(OutboxEntry.id == row_id).values(
                    status=PARKED, attempts=OutboxEntry.attempts + 1, last_error=reason or "rejected",
                    claimed_by=None, claimed_until=None))
            s.commit()

    def _mark_failed_attempt(self, ids: list[int], error: str) -> None:
        with self._sessions() as s:
            s.execute(update(OutboxEntry).where(OutboxEntry.id.in_(ids)).values(
                attempts=OutboxEntry.attempts + 1, last_error=error, claimed_by=None, claimed_until=None))
            s.commit()


def _entry_or_none(payload: Any) -> TransactionEntry | None:
    try:
        return TransactionEntry.model_validate(payload)
    except ValidationError:
        return None
