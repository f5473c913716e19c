"""A scripted call handler for the softphone's WebSocket tests (the real pipeline is in the end-to-end test)."""

from __future__ import annotations

import asyncio
import uuid

from ivr.audiosocket.transport import AudioTransport
from ivr.frames import Dtmf, Hangup, InboundFrame


class ScriptedCall:
    """Greets with `greeting` PCM and a transcript line; digit 9 hangs up, 5 flushes, 7 queues `long_pcm`."""

    def __init__(self, greeting: bytes, long_pcm: bytes = b"") -> None:
        self.greeting = greeting
        self.long_pcm = long_pcm
        self.call_id: uuid.UUID | None = None
        self.transport: AudioTransport | None = None
        self.frames: list[InboundFrame] = []
        self.hung_up = asyncio.Event()
        self.flushed = 0

    async def started(self, call_id: uuid.UUID, transport: AudioTransport) -> None:
        self.call_id, self.transport = call_id, transport
        show = getattr(transport, "show_text", None)
        if show is not None:
            show("bot", "Welcome to the test line.")
        transport.play(self.greeting)

    async def on_frame(self, frame: InboundFrame) -> None:
        self.frames.append(frame)
        assert self.transport is not None
        if isinstance(frame, Hangup):
            self.hung_up.set()
        elif isinstance(frame, Dtmf) and frame.digit == "9":
            await self.transport.hangup()
        elif isinstance(frame, Dtmf) and frame.digit == "5":
            self.flushed += self.transport.flush()
        elif isinstance(frame, Dtmf) and frame.digit == "7":
            self.transport.play(self.long_pcm)


class ScriptedCalls:
    """SoftphoneCalls for tests: hands out ScriptedCall handlers and remembers the caller IDs asked for."""

    def __init__(self, greeting: bytes, long_pcm: bytes = b"", fail: Exception | None = None) -> None:
        self.greeting, self.long_pcm, self.fail = greeting, long_pcm, fail
        self.calls: list[ScriptedCall] = []
        self.callers: list[str] = []

    async def open_call(self, caller: str) -> tuple[uuid.UUID, ScriptedCall]:
        if self.fail is not None:
            raise self.fail
        self.callers.append(caller)
        call = ScriptedCall(self.greeting, self.long_pcm)
        self.calls.append(call)
        return uuid.uuid4(), call
