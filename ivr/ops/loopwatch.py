"""Measures the event loop's lag all the time: a task sleeps a fixed period and records how late it woke.

Under AudioSocket the bot owns the playout clock; anything that blocks the loop (SQL, crypto, file I/O, a model
call run inline) delays every call's next frame by the same amount. The watch cannot prevent a stall, but it sees
each one after the fact (the wake-up is late by the stall's length) and exports it, so a regression shows on
/metrics as ivr_event_loop_lag_seconds / ivr_event_loop_stalls_total before callers hear it.

Each stall is told apart by where the loop thread's time went over the late interval (Linux
/proc/thread-self/schedstat: time on a CPU, time runnable but waiting for one): `cpu` — code ran on the loop (move
that work to a thread); `no_cpu` — the machine had no core free for it (add cores or workers, fewer calls per
host); `waited` — the thread slept: a blocking call on the loop (sync I/O, a lock) or the GIL held by worker
threads. Without schedstat, `cpu` vs `waited` from the thread's CPU clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass, field

log = logging.getLogger(__name__)
# Upper bounds (seconds) of the lag histogram: below a frame, one to two frames, then audible and dangerous (2 s
# without a frame makes Asterisk drop the call).
BUCKETS = (0.001, 0.005, 0.01, 0.02, 0.04, 0.1, 0.25, 0.5, 1.0, 2.0)
WINDOW_S = 60.0  # ivr_event_loop_lag_max_seconds covers this much recent time
CAUSES = ("cpu", "no_cpu", "waited")
WHY = {"cpu": "code ran on the loop", "no_cpu": "no CPU was free for the loop thread",
       "waited": "the loop thread slept: a blocking call on the loop, or the GIL held by worker threads"}
_SCHEDSTAT = "/proc/thread-self/schedstat"


def thread_times() -> tuple[float, float]:
    """(seconds on a CPU, seconds runnable but waiting for a CPU) of the calling thread; the second is 0 where
    Linux schedstat is unavailable."""
    try:
        with open(_SCHEDSTAT) as fh:
            on_cpu, waiting, _ = fh.read().split()
        return int(on_cpu) / 1e9, int(waiting) / 1e9
    except (OSError, ValueError):
        return time.thread_time(), 0.0


def cause_of(lag: float, cpu: float, no_cpu: float) -> str:
    if cpu >= lag / 2:
        return "cpu"
    if no_cpu >= lag / 2:
        return "no_cpu"
    return "waited"


@dataclass
class LagStats:
    """What the watch saw: a cumulative histogram of lags (seconds), stalls, and the recent maximum."""

    samples: int = 0
    total_s: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    stalls: int = 0
    causes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CAUSES, 0))  # stalls by cause
    last_s: float = 0.0
    worst_s: float = 0.0  # since start
    recent: deque[tuple[float, float]] = field(default_factory=deque)  # (monotonic time, lag) of lags over 1 ms

    def add(self, lag: float, now: float, stall_s: float, cause: str = "waited") -> bool:
        self.samples += 1
        self.total_s += lag
        self.last_s = lag
        self.worst_s = max(self.worst_s, lag)
        for i, bound in enumerate(BUCKETS):
            if lag <= bound:
                self.buckets[i] += 1
        if lag > 0.001:
            self.recent.append((now, lag))
        while self.recent and self.recent[0][0] < now - WINDOW_S:
            self.recent.popleft()
        if lag > stall_s:
            self.stalls += 1
            self.causes[cause] += 1
            return True
        return False

    def recent_max(self, now: float) -> float:
        return max((lag for t, lag in self.recent if t >= now - WINDOW_S), default=0.0)


class LoopWatch:
    """`start()` in the running loop; `stats` is read by /metrics. One per process (per worker)."""

    def __init__(self, *, interval_ms: int = 50, stall_ms: int = 40) -> None:
        self.interval_s = interval_ms / 1000
        self.stall_s = stall_ms / 1000
        self.stats = LagStats()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> LoopWatch:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="loop-lag-watch")
        return self

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def __aenter__(self) -> LoopWatch:
        return self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _run(self) -> None:
        while True:
            due = time.monotonic() + self.interval_s
            cpu0, wait0 = thread_times()  # this (the loop's) thread only
            await asyncio.sleep(self.interval_s)
            now = time.monotonic()
            lag = max(0.0, now - due)
            if lag <= self.stall_s:
                self.stats.add(lag, now, self.stall_s)
                continue
            cpu1, wait1 = thread_times()
            cause = cause_of(lag, cpu1 - cpu0, wait1 - wait0)
            self.stats.add(lag, now, self.stall_s, cause)
            log.warning("event loop stalled %.0f ms (%s; loop thread %.0f ms on CPU, %.0f ms waiting for one)",
                        lag * 1000, WHY[cause], (cpu1 - cpu0) * 1000, (wait1 - wait0) * 1000)
