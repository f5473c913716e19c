"""The caller side of the load bench, light enough to run in its own processes: Asterisk-like callers over AudioSocket
that keep the line's 20 ms frames coming for the whole call (no silence suppression), type their PIN, then ask at the
menu by voice or by keypad, and measure the end of their voice (or key) → the bot's first voiced frame.

One clock per process sends every live call's next frame each 20 ms (speech while the caller talks, the line's own
quiet noise otherwise), so a hundred callers cost the bench little CPU and never disturb the IVR's loop: with
``--workers`` the IVR runs in other processes (bench/load_fleet.py). Imports only the AudioSocket peer and codec.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

from ivr.audiosocket.codec import Kind
from tests.peers.asterisk_audiosocket import FRAME, FRAME_S, FakeAsteriskCall

QUIET_S = 0.8  # the bot has paused this long: its prompt is over
ANSWER_QUIET_S = 0.5


@dataclass(frozen=True)
class CallerSpeech:
    """What one caller says at the menu: call audio (8 kHz, through the line, then quiet line frames), where the
    voice ends in it (s), and the menu intent it must be heard as. ``keypad`` callers press ``key`` instead."""

    voice: str
    text: str
    pcm: bytes
    voice_end_s: float
    intent: str = "check_savings"
    key: str = "1"  # the menu's keypad choice for the same intent ("Press one for savings")


@dataclass(frozen=True)
class CallerJob:
    """One call for a caller process: where to connect (the address the registration answered), who, what."""

    host: str
    port: int
    call_id: uuid.UUID
    pin: str
    speech: CallerSpeech
    keypad: bool = False  # ask at the menu by keypad instead of by voice


@dataclass
class CallerResult:
    """What one caller measured (picklable: callers run in other processes)."""

    latency_ms: float | None = None
    keypad: bool = False
    error: str | None = None


class LineClock:
    """Every 20 ms, one frame for each live call of this process: the next speech frame if it is talking, its
    line's quiet noise otherwise (a phone line without silence suppression)."""

    def __init__(self) -> None:
        self.lines: dict[uuid.UUID, Line] = {}

    async def run(self) -> None:
        start = time.monotonic()
        tick = 0
        while True:
            tick += 1
            delay = start + tick * FRAME_S - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            now = time.monotonic()
            for line in list(self.lines.values()):
                line.send_next(now)


class Line:
    """One call's outbound line: quiet noise by default, a queued utterance when the caller speaks."""

    def __init__(self, call: FakeAsteriskCall, quiet: bytes) -> None:
        self.call = call
        self.quiet = [quiet[i:i + FRAME] for i in range(0, len(quiet) - FRAME + 1, FRAME)] or [b"\0" * FRAME]
        self.q = 0
        self.speech: list[bytes] = []
        self.sent = 0
        self.mark_frame: int | None = None  # the frame holding the voice's last sample
        self.mark_at: float | None = None  # ... and when it left
        self.done = asyncio.Event()

    def say(self, pcm: bytes, voice_end_s: float) -> None:
        self.speech = [pcm[i:i + FRAME].ljust(FRAME, b"\0") for i in range(0, len(pcm), FRAME)]
        self.sent = 0
        self.mark_frame = min(len(self.speech) - 1, int(voice_end_s / FRAME_S))
        self.mark_at = None
        self.done.clear()

    def send_next(self, now: float) -> None:
        w = self.call._writer
        if w is None or w.is_closing() or self.call.ended_by is not None:
            return
        if self.sent < len(self.speech):
            frame = self.speech[self.sent]
            if self.sent == self.mark_frame:
                self.mark_at = now + FRAME_S  # the frame's last sample is at its end
            self.sent += 1
            if self.sent == len(self.speech):
                self.speech = []
                self.done.set()
        else:
            frame = self.quiet[self.q % len(self.quiet)]
            self.q += 1
        w.write(bytes([Kind.AUDIO_8K]) + FRAME.to_bytes(2, "big") + frame)
        self.call._last_frame = now


async def wait_quiet(call: FakeAsteriskCall, since: float, quiet_s: float = QUIET_S, timeout: float = 120) -> float:
    """Wait until the bot spoke after `since` and then paused; returns the arrival of its first voiced frame."""
    deadline = time.monotonic() + timeout
    seen = 0
    first: float | None = None
    last: float | None = None
    while time.monotonic() < deadline:
        received = call.received
        for r in received[seen:]:
            if r.at >= since and any(r.payload):
                first = r.at if first is None else first
                last = r.at
        seen = len(received)
        if first is not None and last is not None and time.monotonic() - last >= quiet_s:
            return first
        if call.ended_by is not None:
            raise RuntimeError(f"call ended ({call.ended_by})")
        await asyncio.sleep(0.05)
    raise RuntimeError("the bot said nothing in time")


async def one_caller(clock: LineClock, job: CallerJob, quiet: bytes) -> CallerResult:
    """Welcome → PIN + # → menu → the choice (voice or key) → the answer's first voiced frame."""
    call = FakeAsteriskCall(job.host, job.port, job.call_id)
    stage = "connect"
    try:
        await call.connect()
        line = Line(call, quiet)
        clock.lines[job.call_id] = line
        stage = "welcome"
        await wait_quiet(call, 0.0)  # welcome + "please type your PIN"
        await call.press(job.pin + "#")
        stage = "menu"
        await wait_quiet(call, time.monotonic())  # the menu
        stage = "answer"
        if job.keypad:
            await call.press(job.speech.key, gap_s=0.0)
            pressed = time.monotonic()  # the 0x03 frame left on key release
            first = await wait_quiet(call, pressed, quiet_s=ANSWER_QUIET_S)
            return CallerResult(latency_ms=(first - pressed) * 1000, keypad=True)
        line.say(job.speech.pcm, job.speech.voice_end_s)
        while line.mark_at is None:
            await asyncio.sleep(FRAME_S)
            if call.ended_by is not None:
                raise RuntimeError(f"call ended ({call.ended_by})")
        first = await wait_quiet(call, line.mark_at, quiet_s=ANSWER_QUIET_S)
        return CallerResult(latency_ms=(first - line.mark_at) * 1000)
    except (RuntimeError, OSError) as exc:
        return CallerResult(keypad=job.keypad, error=f"{stage}: {exc}")
    finally:
        clock.lines.pop(job.call_id, None)
        await call.close()


async def run_jobs(jobs: list[CallerJob], quiet: bytes, start_at: float | None = None) -> list[CallerResult]:
    """All of `jobs` at once on one line clock; `start_at` (time.time()) lines up several caller processes."""
    if start_at is not None:
        await asyncio.sleep(max(0.0, start_at - time.time()))
    clock = LineClock()
    ticking = asyncio.create_task(clock.run())
    try:
        return list(await asyncio.gather(*(one_caller(clock, j, quiet) for j in jobs)))
    finally:
        ticking.cancel()


def run_in_process(jobs: list[CallerJob], quiet: bytes, start_at: float) -> tuple[list[CallerResult], float]:
    """Entry point of a caller process (ProcessPoolExecutor): the results and this process's CPU-s for them."""
    import os

    t0 = os.times()
    results = asyncio.run(run_jobs(jobs, quiet, start_at))
    t1 = os.times()
    return results, (t1.user - t0.user) + (t1.system - t0.system)
