"""The transport-agnostic media port a CallSession talks to, plus the inbox that carries inbound frames to it.

AudioSocket (Asterisk) and the browser softphone (WebSocket) both plug in here: the transport implements
`MediaPort` (paced outbound audio, flush, hang-up) and pushes inbound frames into the session's `FrameInbox`.
"""

from __future__ import annotations

import asyncio
import collections
from typing import Protocol

from ivr.audiosocket.transport import AudioTransport
from ivr.frames import CallerAudio, Dtmf, Hangup, InboundFrame


class PlaybackHandle(Protocol):
    """One queued prompt: `done` once sent or flushed; `wait()` → True when fully played."""

    @property
    def done(self) -> bool: ...

    async def wait(self) -> bool: ...


class MediaPort(Protocol):
    """Outbound side of one call. Audio is 16-bit mono slin at `sample_rate`, sent as paced 20 ms frames."""

    @property
    def sample_rate(self) -> int: ...

    @property
    def queued_frames(self) -> int: ...

    def send_audio(self, pcm: bytes) -> PlaybackHandle: ...

    def flush(self) -> int: ...

    async def hangup(self) -> None: ...


class AudioSocketMedia:
    """MediaPort over the AudioSocket paced transport (hang-up = the 0x00 frame; the dialplan continues)."""

    def __init__(self, transport: AudioTransport) -> None:
        self.transport = transport

    @property
    def sample_rate(self) -> int:
        return self.transport.sample_rate

    @property
    def queued_frames(self) -> int:
        return self.transport.queued_frames

    def send_audio(self, pcm: bytes) -> PlaybackHandle:
        return self.transport.play(pcm)

    def flush(self) -> int:
        return self.transport.flush()

    async def hangup(self) -> None:
        await self.transport.hangup()


class FrameInbox:
    """Inbound frames in arrival order; a Hangup overtakes everything queued and is sticky."""

    def __init__(self) -> None:
        self._frames: collections.deque[InboundFrame] = collections.deque()
        # Who waits in get(): a bare future and a timer each, not asyncio.wait_for (a Task per call, 50 times a
        # second per call: a measurable share of the loop at 100 calls).
        self._waiters: list[asyncio.Future[bool]] = []
        self.hangup: Hangup | None = None
        self.closed = asyncio.Event()  # set once the Hangup arrived

    def put(self, frame: InboundFrame) -> None:
        if self.hangup is not None:
            return
        if isinstance(frame, Hangup):
            self.hangup = frame
            self.closed.set()
        else:
            self._frames.append(frame)
        waiters, self._waiters = self._waiters, []
        for w in waiters:
            if not w.done():
                w.set_result(True)

    async def get(self, timeout: float) -> InboundFrame | None:
        """The next frame, or None after `timeout` seconds of nothing. Once the caller has hung up, the Hangup comes
        first: audio still queued behind a busy recogniser is for nobody."""
        if self.hangup is not None:
            self._frames.clear()
            return self.hangup
        if not self._frames:
            loop = asyncio.get_running_loop()
            waiter: asyncio.Future[bool] = loop.create_future()
            self._waiters.append(waiter)
            timer = loop.call_later(timeout, _expire, waiter)
            try:
                arrived = await waiter
            finally:
                timer.cancel()
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            if not arrived or not (self._frames or self.hangup):
                return None
        if self.hangup is not None:
            self._frames.clear()
            return self.hangup
        return self._frames.popleft()

    def drop_audio_before(self, t: float) -> int:
        """Forget caller audio that arrived before `t` (heard while the bot was thinking); keypad digits stay."""
        kept = [f for f in self._frames if not (isinstance(f, CallerAudio) and f.arrived < t)]
        dropped = len(self._frames) - len(kept)
        self._frames = collections.deque(kept)
        return dropped

    def pending_digits(self) -> list[Dtmf]:
        return [f for f in self._frames if isinstance(f, Dtmf)]


def _expire(waiter: asyncio.Future[bool]) -> None:
    if not waiter.done():
        waiter.set_result(False)
