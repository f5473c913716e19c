"""Fakes for CallSession unit tests: a media port that "plays" on a real clock, a scripted dialog, a tone speaker."""

from __future__ import annotations

import asyncio
import math
import struct
import uuid
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field

from dialogs.actions import Action, Listen
from dialogs.events import Event, Hangup
from speech.tts.plan import RenderPlan

FRAME = 320
FRAME_S = 0.02


def tone(ms: int, amplitude: int = 8000) -> bytes:
    """A 440 Hz tone at 8 kHz (loud enough to be speech for the energy VAD)."""
    n = 8000 * ms // 1000
    return struct.pack(f"<{n}h", *(int(amplitude * math.sin(2 * math.pi * 440 * i / 8000)) for i in range(n)))


class FakePlayback:
    def __init__(self, frames: int) -> None:
        self.frames = frames
        self._done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    @property
    def done(self) -> bool:
        return self._done.done()

    def finish(self, completed: bool) -> None:
        if not self._done.done():
            self._done.set_result(completed)

    async def wait(self) -> bool:
        return await asyncio.shield(self._done)


@dataclass
class FakeMedia:
    """Plays queued audio back-to-back in real time (20 ms per frame); records flushes and the hang-up."""

    sample_rate: int = 8000
    played: list[bytes] = field(default_factory=list)
    flushes: int = 0
    hung_up: bool = False
    _queue: list[FakePlayback] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    @property
    def queued_frames(self) -> int:
        return sum(p.frames for p in self._queue if not p.done)

    def send_audio(self, pcm: bytes) -> FakePlayback:
        p = FakePlayback(max(1, math.ceil(len(pcm) / FRAME)))
        self.played.append(pcm)
        self._queue.append(p)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())
        return p

    async def _run(self) -> None:
        while self._queue:
            p = self._queue[0]
            await asyncio.sleep(p.frames * FRAME_S)
            if self._queue and self._queue[0] is p:
                self._queue.pop(0)
                p.finish(True)

    def flush(self) -> int:
        dropped = sum(p.frames for p in self._queue)
        for p in self._queue:
            p.finish(False)
        self._queue.clear()
        self.flushes += 1
        return dropped

    async def hangup(self) -> None:
        self.hung_up = True
        for p in self._queue:
            p.finish(False)
        self._queue.clear()


class ToneSpeaker:
    """Speaker stand-in: every prompt is a tone whose length is set per text (default 1 s)."""

    def __init__(self, ms: int = 1000) -> None:
        self.ms = ms
        self.said: list[tuple[str, str, bool]] = []

    async def say(self, text: str, lang: str, *, pii: bool = False) -> bytes:
        self.said.append((text, lang, pii))
        return tone(self.ms, 2000)

    def earcon(self) -> bytes:
        """As the real Speaker's "your turn" tone: 100 ms, told apart from prompts by its pitch."""
        return tone(100, 660)

    async def stream(self, plan: RenderPlan) -> AsyncGenerator[bytes, None]:
        """As the real Speaker: a prompt's audio in pieces (here one tone)."""
        yield await self.say(plan.text, plan.lang, pii=plan.has_values)


@dataclass
class ScriptedDialog:
    """Answers each event with the next scripted list of actions; the last Listen in a list is `listening`."""

    script: list[list[Action]]
    events: list[Event] = field(default_factory=list)
    call_id: uuid.UUID = field(default_factory=uuid.uuid4)
    lang: str = "en"
    listening: Listen | None = None

    async def handle(self, event: Event) -> list[Action]:
        self.events.append(event)
        if isinstance(event, Hangup) or not self.script:
            self.listening = None
            return []
        actions = self.script.pop(0)
        listens = [a for a in actions if isinstance(a, Listen)]
        self.listening = listens[-1] if listens else None
        return actions
