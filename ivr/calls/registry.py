"""Issues call UUIDs (POST /asterisk/calls) and admits an AudioSocket connection only for a UUID it issued, once.

A UUID is good for one connection within `registration_ttl_s`; unknown, expired or reused UUIDs are refused (the
server closes that connection and logs it). Live sessions are tracked so shutdown ends them and ops can count them.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from ivr.calls.config import CallSettings
from ivr.calls.session import CallInfo, CallSession, CallStats

log = logging.getLogger(__name__)
RECENT_CALLS = 1000


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


class TooManyCalls(RuntimeError):
    """Registration refused: `calls.max_calls` calls are already admitted."""


# Upper bounds (s) of the speech-to-first-audio histogram: the target is p95 <= 0.9 s.
LATENCY_BUCKETS = (0.25, 0.5, 0.75, 0.9, 1.2, 1.5, 2.0, 3.0, 5.0)


@dataclass
class CallTotals:
    """Cumulative numbers of every ended call since start (GET /metrics): counts only, no caller data."""

    outcomes: collections.Counter[str] = field(default_factory=collections.Counter)
    frames_sent: int = 0
    late_frames: int = 0
    barge_ins: int = 0
    latency_buckets: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BUCKETS))
    latency_sum_s: float = 0.0
    latency_count: int = 0

    def add(self, stats: CallStats) -> None:
        self.outcomes[stats.outcome] += 1
        self.frames_sent += stats.frames_sent
        self.late_frames += stats.late_frames
        self.barge_ins += stats.barge_ins
        for ms in stats.speech_to_audio_ms:
            self.latency_count += 1
            self.latency_sum_s += ms / 1000
            for i, bound in enumerate(LATENCY_BUCKETS):
                if ms / 1000 <= bound:
                    self.latency_buckets[i] += 1


@dataclass
class _Pending:
    info: CallInfo
    expires: float


class CallRegistry:
    """`register()` → CallInfo with a fresh UUID; `accept(uuid)` → the call's CallSession (AudioSocket CallRegistry)."""

    def __init__(self, settings: CallSettings, new_session: Callable[[CallInfo, Callable[[CallSession], None]],
                 CallSession], clock: Callable[[], float] = time.monotonic) -> None:
        self._settings = settings
        self._new_session = new_session
        self._clock = clock
        self._pending: dict[uuid.UUID, _Pending] = {}
        self.sessions: dict[uuid.UUID, CallSession] = {}
        self.completed = 0
        # Numbers of the most recent ended calls (latency, late frames) for /ops/calls and benches.
        self.recent: collections.deque[CallStats] = collections.deque(maxlen=RECENT_CALLS)
        self.totals = CallTotals()

    @property
    def pending(self) -> int:
        self._expire()
        return len(self._pending)

    def register(self, *, caller: str, dialled: str = "", channel: str = "", direction: str = "in") -> CallInfo:
        self._expire()
        if len(self._pending) + len(self.sessions) >= self._settings.max_calls:
            raise TooManyCalls(f"{self._settings.max_calls} calls already admitted (IVR_CALLS__MAX_CALLS)")
        info = CallInfo(uuid.uuid4(), caller=caller, dialled=dialled, channel=channel, direction=direction,
                        purpose=self.purpose_of(dialled))
        self._pending[info.call_id] = _Pending(info, self._clock() + self._settings.registration_ttl_s)
        log.info("call %s registered (%s)", info.call_id, direction)
        return info

    def purpose_of(self, dialled: str) -> str:
        """"meeting" for a number in calls.meeting_lines, else the member self-service line."""
        lines = {_digits(n) for n in self._settings.meeting_lines}
        return "meeting" if dialled and _digits(dialled) in lines else "self_service"

    def accept(self, call_id: uuid.UUID) -> CallSession | None:
        self._expire()
        pending = self._pending.pop(call_id, None)
        if pending is None:
            log.warning("AudioSocket for unknown, expired or already connected call %s refused", call_id)
            return None
        session = self._new_session(pending.info, self._ended)
        self.sessions[call_id] = session
        return session

    def _ended(self, session: CallSession) -> None:
        if self.sessions.pop(session.info.call_id, None) is not None:
            self.completed += 1
            stats = session.stats()
            self.recent.append(stats)
            self.totals.add(stats)
            log.info("call %s ended (%s)", session.info.call_id, session.outcome)

    def _expire(self) -> None:
        now = self._clock()
        for call_id in [k for k, p in self._pending.items() if p.expires <= now]:
            del self._pending[call_id]
            log.info("call %s: registration expired before AudioSocket connected", call_id)

    async def stop(self) -> None:
        """End every live call (server shutdown) and forget pending registrations."""
        self._pending.clear()
        await asyncio.gather(*(s.cancel() for s in list(self.sessions.values())), return_exceptions=True)
        self.sessions.clear()
