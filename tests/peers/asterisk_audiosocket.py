"""A test peer that behaves like Asterisk's AudioSocket() app on the wire (ARCHITECTURE §6, verified on 22.10.1).

- connects, then writes one 0x01 frame with the 16-byte UUID;
- sends caller audio as 0x10 frames of 320 bytes paced in real time (20 ms), or nothing at all while silent;
- sends one 0x03 frame per keypad digit (on key release; voice frames are dropped while a key is held);
- never sends 0x00: hanging up closes the TCP connection;
- accepts only 0x00 (ends AudioSocket()) and audio from the server — any other kind drops the call;
- ends the call when neither side has sent a frame for 2,000 ms (AudioSocket's inactivity timeout).
Everything received is recorded with its arrival time so tests can measure the server's pacing.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import dataclass, field

from ivr.audiosocket.codec import SAMPLE_RATE_OF_KIND, FrameParser, Kind, ProtocolError, encode_dtmf, encode_uuid

FRAME = 320
FRAME_S = 0.020
INACTIVITY_TIMEOUT_S = 2.0


@dataclass
class Received:
    at: float
    kind: Kind
    payload: bytes


@dataclass
class FakeAsteriskCall:
    host: str
    port: int
    call_id: uuid.UUID = field(default_factory=uuid.uuid4)
    received: list[Received] = field(default_factory=list)
    ended_by: str | None = None  # "caller", "server_hangup", "server_closed", "bad_frame", "inactivity"
    _reader: asyncio.StreamReader | None = None
    _writer: asyncio.StreamWriter | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _last_frame: float = 0.0
    _done: asyncio.Event = field(default_factory=asyncio.Event)

    async def connect(self, *, send_uuid: bool = True) -> FakeAsteriskCall:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        self._last_frame = time.monotonic()
        if send_uuid:
            await self.send_raw(encode_uuid(self.call_id))
        self._tasks = [
            asyncio.create_task(self._read_loop(), name="fake-asterisk-read"),
            asyncio.create_task(self._watchdog(), name="fake-asterisk-inactivity"),
        ]
        return self

    # --- what the caller side does ---------------------------------------------------------------------------

    async def send_raw(self, data: bytes) -> None:
        assert self._writer is not None
        self._writer.write(data)
        await self._writer.drain()
        self._last_frame = time.monotonic()

    async def send_audio(self, pcm: bytes, *, realtime: bool = True) -> None:
        """Caller audio as 320-byte 0x10 frames, one every 20 ms on a clock (a short tail is padded)."""
        start = time.monotonic()
        for n, i in enumerate(range(0, len(pcm), FRAME)):
            if self.ended_by is not None:
                return
            chunk = pcm[i : i + FRAME].ljust(FRAME, b"\0")
            if realtime:
                delay = start + n * FRAME_S - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            await self.send_raw(bytes([Kind.AUDIO_8K]) + FRAME.to_bytes(2, "big") + chunk)

    async def press(self, digits: str, *, hold_s: float = 0.1, gap_s: float = 0.1) -> None:
        """Key presses: nothing while the key is held (voice is dropped), then one 0x03 frame on release."""
        for d in digits:
            await asyncio.sleep(hold_s)
            await self.send_raw(encode_dtmf(d))
            await asyncio.sleep(gap_s)

    async def hang_up(self) -> None:
        """What Asterisk does when the caller hangs up: close the socket (it never sends 0x00)."""
        self._end("caller")

    # --- observing the server --------------------------------------------------------------------------------

    async def wait_ended(self, timeout: float = 10.0) -> str | None:
        await asyncio.wait_for(self._done.wait(), timeout)
        return self.ended_by

    def audio_arrivals(self) -> list[float]:
        return [r.at for r in self.received if r.kind in SAMPLE_RATE_OF_KIND]

    def audio_bytes(self) -> bytes:
        return b"".join(r.payload for r in self.received if r.kind in SAMPLE_RATE_OF_KIND)

    async def close(self) -> None:
        self._end(self.ended_by or "caller")
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t

    def _end(self, why: str) -> None:
        if self.ended_by is None:
            self.ended_by = why
        if self._writer is not None and not self._writer.is_closing():
            self._writer.close()
        self._done.set()

    async def _read_loop(self) -> None:
        assert self._reader is not None
        parser = FrameParser()
        try:
            while True:
                data = await self._reader.read(4096)
                now = time.monotonic()
                if not data:
                    self._end("server_closed")
                    return
                for f in parser.feed(data):
                    self._last_frame = now
                    if f.kind is Kind.HANGUP:
                        self._end("server_hangup")
                        return
                    if f.kind not in SAMPLE_RATE_OF_KIND:  # Asterisk drops the call on anything else
                        self._end("bad_frame")
                        return
                    self.received.append(Received(now, f.kind, f.payload))
        except (ProtocolError, ConnectionError):
            self._end("bad_frame")

    async def _watchdog(self) -> None:
        while self.ended_by is None:
            await asyncio.sleep(0.05)
            if time.monotonic() - self._last_frame >= INACTIVITY_TIMEOUT_S:
                self._end("inactivity")
