"""Test-side call registry and handler that record what the AudioSocket server delivers (no logic of their own)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from ivr.audiosocket.server import AudioSocketServer
from ivr.audiosocket.transport import AudioTransport
from ivr.frames import CallerAudio, Dtmf, Hangup, InboundFrame
from ivr.settings import AudioSocketSettings


@dataclass
class RecordingHandler:
    call_id: uuid.UUID | None = None
    transport: AudioTransport | None = None
    frames: list[InboundFrame] = field(default_factory=list)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    on_start: Callable[[AudioTransport], Awaitable[None]] | None = None
    fail_on_frame: bool = False

    async def started(self, call_id: uuid.UUID, transport: AudioTransport) -> None:
        self.call_id, self.transport = call_id, transport
        if self.on_start is not None:
            await self.on_start(transport)

    async def on_frame(self, frame: InboundFrame) -> None:
        assert not self.ended.is_set(), "a frame arrived after Hangup"
        self.frames.append(frame)
        if isinstance(frame, Hangup):
            self.ended.set()
        elif self.fail_on_frame:
            raise RuntimeError("handler bug")

    @property
    def audio(self) -> list[CallerAudio]:
        return [f for f in self.frames if isinstance(f, CallerAudio)]

    @property
    def digits(self) -> str:
        return "".join(f.digit for f in self.frames if isinstance(f, Dtmf))

    @property
    def hangup(self) -> Hangup:
        assert isinstance(self.frames[-1], Hangup)
        return self.frames[-1]


@dataclass
class Registry:
    handlers: dict[uuid.UUID, RecordingHandler] = field(default_factory=dict)

    def register(self, **kwargs: object) -> tuple[uuid.UUID, RecordingHandler]:
        call_id = uuid.uuid4()
        self.handlers[call_id] = RecordingHandler(**kwargs)  # type: ignore[arg-type]
        return call_id, self.handlers[call_id]

    def accept(self, call_id: uuid.UUID) -> RecordingHandler | None:
        return self.handlers.get(call_id)


@asynccontextmanager
async def running_server(registry: Registry, **overrides: object) -> AsyncIterator[AudioSocketServer]:
    settings = AudioSocketSettings(port=0, **overrides)  # type: ignore[arg-type]
    server = AudioSocketServer(settings, registry)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
