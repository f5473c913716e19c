"""The one place that owns the outbound playout clock: 20 ms frames on a monotonic clock, silence when idle, flush.

Under AudioSocket the bot owns the clock (Asterisk plays whatever it receives, when it receives it), so:
- frames are scheduled against the start time (slot n at start + n * frame), never relative to the previous send,
  so sleep overshoot never accumulates into drift;
- nothing is ever sent in a burst: if the loop stalls past a whole slot, the clock is re-anchored to now and the
  missed slots are dropped (counted as late) instead of being caught up;
- when nothing is queued a silence frame goes out, because Asterisk ends AudioSocket() after 2,000 ms without a
  frame in either direction and a silent caller (silence suppression, Wait()) sends none;
- flush() (barge-in) drops all queued audio at once; the next slot carries silence.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from ivr.audiosocket.codec import KIND_OF_SAMPLE_RATE, encode, encode_hangup
from ivr.frames import SAMPLE_WIDTH_BYTES

log = logging.getLogger(__name__)


@dataclass
class TransportMetrics:
    frames_sent: int = 0
    audio_frames: int = 0
    silence_frames: int = 0
    late_frames: int = 0  # sent more than `late_ms` after their slot
    skipped_slots: int = 0  # slots dropped by re-anchoring after a stall (never burst to catch up)
    max_late_ms: float = 0.0
    flushed_frames: int = 0


@dataclass
class _Playback:
    chunks: collections.deque[bytes]
    total_frames: int
    done: asyncio.Future[bool]


class Playback:
    """Handle for one play(): await `wait()` → True when fully sent, False when flushed or the call ended."""

    def __init__(self, inner: _Playback) -> None:
        self._inner = inner

    @property
    def frames(self) -> int:
        return self._inner.total_frames

    async def wait(self) -> bool:
        return await asyncio.shield(self._inner.done)

    @property
    def done(self) -> bool:
        return self._inner.done.done()


class AudioTransport:
    """Outbound side of one AudioSocket connection. Only 0x00 (hangup) and audio frames are ever written."""

    def __init__(
        self,
        writer: asyncio.StreamWriter,
        *,
        sample_rate: int = 8000,
        frame_ms: int = 20,
        late_ms: float = 40.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if sample_rate not in KIND_OF_SAMPLE_RATE:
            raise ValueError(f"AudioSocket has no audio kind for {sample_rate} Hz")
        self._writer = writer
        self._kind = KIND_OF_SAMPLE_RATE[sample_rate]
        self.sample_rate = sample_rate
        self.frame_s = frame_ms / 1000
        self.frame_bytes = sample_rate * frame_ms // 1000 * SAMPLE_WIDTH_BYTES
        self._silence = self._encode_audio(bytes(self.frame_bytes))
        self._late_s = late_ms / 1000
        self._clock = clock
        self._queue: collections.deque[_Playback] = collections.deque()
        self._task: asyncio.Task[None] | None = None
        self._closed = asyncio.Event()
        self.hung_up = False  # True once the IVR sent 0x00
        self.metrics = TransportMetrics()

    # --- the wire: AudioSocket frames here; another transport (the browser's WebSocket) overrides these two ----------

    def _encode_audio(self, pcm: bytes) -> bytes:
        """One 20 ms frame as written to the wire (an AudioSocket audio frame of this rate's kind)."""
        return encode(self._kind, pcm)

    def _encode_hangup(self) -> bytes:
        """What ends the call on the wire (AudioSocket 0x00); empty when the transport reports the end itself."""
        return encode_hangup()

    # --- lifecycle ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the clock now: from here on a frame leaves every `frame_ms` until close()."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="audiosocket-playout")

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    async def wait_closed(self) -> None:
        await self._closed.wait()

    async def close(self) -> None:
        """Stop the clock and fail pending playbacks (the socket itself belongs to the server)."""
        self._closed.set()
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await self._task
        self._drop_all()

    async def hangup(self) -> None:
        """Send 0x00 (Asterisk continues the dialplan after AudioSocket()) and stop sending."""
        if self.closed:
            return
        self.hung_up = True
        await self.close()
        try:
            wire = self._encode_hangup()
            if wire:
                self._writer.write(wire)
            await self._writer.drain()
        except ConnectionError:
            pass

    # --- playback -----------------------------------------------------------------------------------------------

    def play(self, pcm: bytes) -> Playback:
        """Queue slin audio at this transport's rate; it goes out as whole frames (the last padded with silence)."""
        if len(pcm) % SAMPLE_WIDTH_BYTES:
            raise ValueError("audio must be a whole number of 16-bit samples")
        loop = asyncio.get_running_loop()
        step = self.frame_bytes
        chunks = collections.deque(pcm[i : i + step] for i in range(0, len(pcm), step))
        if chunks and len(chunks[-1]) < step:
            chunks[-1] = chunks[-1] + bytes(step - len(chunks[-1]))
        item = _Playback(chunks, len(chunks), loop.create_future())
        if self.closed:
            item.done.set_result(False)
        elif not chunks:
            item.done.set_result(True)
        else:
            self._queue.append(item)
        return Playback(item)

    def flush(self) -> int:
        """Barge-in: drop everything queued; returns the number of 20 ms frames dropped."""
        dropped = self._drop_all()
        self.metrics.flushed_frames += dropped
        return dropped

    @property
    def queued_frames(self) -> int:
        return sum(len(p.chunks) for p in self._queue)

    @property
    def playing(self) -> bool:
        return bool(self._queue)

    def _drop_all(self) -> int:
        dropped = 0
        while self._queue:
            item = self._queue.popleft()
            dropped += len(item.chunks)
            if not item.done.done():
                item.done.set_result(False)
        return dropped

    def _next_frame(self) -> bytes:
        while self._queue:
            item = self._queue[0]
            if item.chunks:
                pcm = item.chunks.popleft()
                if not item.chunks:
                    self._queue.popleft()
                    if not item.done.done():
                        item.done.set_result(True)
                self.metrics.audio_frames += 1
                return self._encode_audio(pcm)
            self._queue.popleft()
        self.metrics.silence_frames += 1
        return self._silence

    # --- the clock ----------------------------------------------------------------------------------------------

    async def _send(self, wire: bytes) -> None:
        """One frame to the wire. A socket writer is drained only when the kernel did not take the whole frame
        (flow control), which is rare: a drain() per frame per call is loop time at 100 calls. A writer without a
        socket transport (the browser's WebSocket) sends on drain(), so it is always drained."""
        w = self._writer
        transport = getattr(w, "transport", None)
        if transport is None:
            w.write(wire)
            await w.drain()
            return
        if transport.is_closing():
            raise ConnectionResetError("the AudioSocket connection is closed")
        w.write(wire)
        if transport.get_write_buffer_size():
            await w.drain()

    async def _run(self) -> None:
        m = self.metrics
        start = self._clock()
        slot = 0
        try:
            while not self._closed.is_set():
                due = start + slot * self.frame_s
                delay = due - self._clock()
                if delay > 0:
                    await asyncio.sleep(delay)
                late = self._clock() - due
                if late > self._late_s:
                    m.late_frames += 1
                m.max_late_ms = max(m.max_late_ms, late * 1000)
                await self._send(self._next_frame())
                m.frames_sent += 1
                slot += 1
                behind = self._clock() - (start + slot * self.frame_s)
                if behind > self.frame_s:
                    # Stalled past a whole slot: re-anchor rather than burst the missed frames.
                    missed = int(behind // self.frame_s) + 1  # next slot lands within one frame from now
                    m.skipped_slots += missed
                    start += missed * self.frame_s
        except ConnectionError as exc:
            log.info("audiosocket playout stopped: %s", type(exc).__name__)
        finally:
            self._closed.set()
            self._drop_all()
