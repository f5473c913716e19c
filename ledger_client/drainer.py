"""The app's background task that keeps draining the outbox, backing off while the core is unreachable."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from ledger_client.outbox import DrainReport, Outbox

log = logging.getLogger(__name__)


class OutboxDrainer:
    """Drains every `interval_s`; after an outage retries sooner (backoff_s doubling up to interval_s)."""

    def __init__(self, *, outbox: Outbox, interval_s: float, backoff_s: float) -> None:
        if interval_s <= 0 or backoff_s <= 0:
            raise ValueError("outbox drain interval and backoff must be positive")
        self._outbox = outbox
        self._interval = interval_s
        self._backoff = backoff_s
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self.last_report: DrainReport | None = None
        # Called after every drain that sent or parked something (e.g. meeting drafts copy the verdicts then).
        self.after_drain: list[Callable[[DrainReport], Awaitable[object]]] = []

    def start(self) -> None:
        if self._task is not None:
            raise RuntimeError("outbox drainer already started")
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="ledger-outbox-drainer")

    def kick(self) -> None:
        """Drain now (e.g. right after an enqueue) instead of waiting for the interval."""
        self._wake.set()

    async def stop(self, timeout_s: float = 5.0) -> None:
        """Let the current post finish (it is idempotent anyway), then stop; pending rows stay for next start."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout_s)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _run(self) -> None:
        delay = self._backoff
        while not self._stopping:
            wait = self._interval
            try:
                report = await self._outbox.drain()
                self.last_report = report
                if report.unavailable is not None and report.pending:
                    wait = min(self._interval, delay)
                    delay = min(self._interval, delay * 2)
                else:
                    delay = self._backoff
                if report.sent or report.replayed or report.parked:
                    for hook in self.after_drain:
                        await hook(report)
            except Exception as exc:  # the drainer must outlive a database hiccup; the rows are still there
                log.error("outbox drain failed: %s", type(exc).__name__)
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)
            self._wake.clear()
