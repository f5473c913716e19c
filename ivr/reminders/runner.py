"""One reminder run: plan, then dial what is due under the caps until every placed call has ended or expired.

Retries (busy / no answer / failed / congestion) are stored with their next attempt time (+15, +30, +60 min by
default, moved out of quiet hours); a later run — `ivr reminders run` from cron or a timer — dials them. A run
never waits for a retry itself, so it finishes in the time its calls take.

Two times, each with one meaning: `clock` is the moment the run plans and claims *as of* (what is due, quiet hours,
retry times; `ivr reminders run --at` sets it), `stamp` is when things really happen (attempt and call start/end,
the expiry of calls that never ended). The IVR process that admits the answered call and ends it stamps with the
real clock, so the run must too: otherwise an `--at` in the future gives calls that end before they start, and one
in the past makes the IVR refuse the answered call as stale.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ivr.reminders.placer import CallPlacer
from ivr.reminders.planner import Clock, PlanLine, Planner
from ivr.reminders.store import Dial, ReminderStore
from models.base import utcnow

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]  # (calls finished, calls placed so far)
# How often the run looks for newly due reminders while calls are in progress (a freed slot is used this fast).
TICK_S = 0.05


class RemindersDisabled(RuntimeError):
    """Reminder calls are switched off (IVR_REMINDERS__ENABLED=false)."""


@dataclass
class RunReport:
    planned: list[PlanLine] = field(default_factory=list)
    dials: list[Dial] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    max_concurrent: int = 0
    expired: int = 0

    @property
    def new(self) -> int:
        return sum(1 for ln in self.planned if ln.status == "new")


class Runner:
    def __init__(self, *, planner: Planner, store: ReminderStore, placer: CallPlacer, clock: Clock,
                 stamp: Clock = utcnow, enabled: bool = True) -> None:
        self._planner = planner
        self._store = store
        self._placer = placer
        self._clock = clock
        self._stamp = stamp
        self._enabled = enabled
        # Bumped (after the store has committed it) whenever a slot frees: a call ends, a dial fails, a call
        # expires. The run may stop only after a claim that *started* at the current value found nothing: a claim
        # already in flight when a slot freed read the old cap state and proves nothing.
        self._freed = 0
        self._live: dict[uuid.UUID, float] = {}  # answered call → monotonic time placed
        self._over: set[uuid.UUID] = set()  # answered calls whose end was reported
        self._ended = asyncio.Event()
        # The answer and the end of one call are stored one after the other, never interleaved.
        self._lock = asyncio.Lock()
        placer.set_on_end(self._on_end)

    async def _on_end(self, call_id: uuid.UUID, cause: int | None) -> None:
        async with self._lock:
            await self._store.call_ended(call_id, self._stamp(), cause)
            self._over.add(call_id)
            self._live.pop(call_id, None)
            self._freed += 1
        self._ended.set()

    async def run(self, *, progress: Progress | None = None, plan: bool = True) -> RunReport:
        if not self._enabled:
            raise RemindersDisabled("reminder calls are disabled: set IVR_REMINDERS__ENABLED=true")
        report = RunReport()
        report.expired = await self._store.expire_stale(self._stamp())
        if plan:
            report.planned = await self._planner.plan(self._clock())
        dialing: set[asyncio.Task[None]] = set()
        expiry_s = self._store.call_expiry_s
        finished = 0
        while True:
            freed_before_claim = self._freed
            for dial in await self._store.claim_due(self._clock(), stamp=self._stamp()):
                report.dials.append(dial)
                task = asyncio.create_task(self._place(dial, report), name=f"reminder-{dial.call_id}")
                dialing.add(task)
                task.add_done_callback(dialing.discard)
            report.max_concurrent = max(report.max_concurrent, await self._store.active_calls())
            stale = [c for c, t0 in self._live.items() if time.monotonic() - t0 > expiry_s]
            for call_id in stale:  # answered but no Hangup ever came: close it rather than hold a slot forever
                log.warning("reminder call %s reported no end within %.0f s: expired", call_id, expiry_s)
                await self._store.call_ended(call_id, self._stamp())
                self._live.pop(call_id, None)
                self._freed += 1
                report.outcomes["expired"] += 1
            done = len(report.dials) - len(dialing) - len(self._live)
            if progress is not None and done != finished:
                finished = done
                progress(finished, len(report.dials))
            if not dialing and not self._live and self._freed == freed_before_claim:
                break  # nothing in progress, and the last claim saw every slot that is free now
            self._ended.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ended.wait(), TICK_S)
        if progress is not None:
            progress(len(report.dials), len(report.dials))
        return report

    async def _place(self, dial: Dial, report: RunReport) -> None:
        placed = await self._placer.place(dial)
        report.outcomes[placed.outcome] += 1
        async with self._lock:
            status = await self._store.dial_result(dial.call_id, placed.outcome, self._clock(), placed.cause,
                                                   stamp=self._stamp())
            if placed.ended:
                await self._store.call_ended(dial.call_id, self._stamp(), placed.cause)
            elif status == "in_call" and dial.call_id not in self._over:
                self._live[dial.call_id] = time.monotonic()
            if status != "in_call":
                self._freed += 1
        self._ended.set()
