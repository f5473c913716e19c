"""AudioSocket TCP server: admits only calls the controller registered, turns wire frames into typed frames.

Per connection: the first frame must be the UUID (Asterisk writes it right after connecting); the injected
CallRegistry decides whether that call exists. Then every inbound frame is handed to the call's handler as a typed
frame (CallerAudio with its arrival time, Dtmf, and exactly one final Hangup), while an AudioTransport paces the
outbound audio. Any protocol violation closes that one connection with a logged reason; other calls never notice.
Logs carry the call UUID and reasons only — never audio, digits or phone numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
import uuid
from collections.abc import Awaitable
from typing import Protocol

from ivr.audiosocket.codec import (
    SAMPLE_RATE_OF_KIND,
    FrameParser,
    Kind,
    ProtocolError,
    ProtocolErrorReason,
    WireFrame,
)
from ivr.audiosocket.config import AudioSocketSettings
from ivr.audiosocket.transport import AudioTransport
from ivr.frames import CallerAudio, Dtmf, Hangup, HangupCause, InboundFrame

log = logging.getLogger(__name__)

READ_CHUNK = 4096


class CallHandler(Protocol):
    """What the call pipeline implements for one call."""

    async def started(self, call_id: uuid.UUID, transport: AudioTransport) -> None:
        """Media is up; `transport` plays audio to the caller. Called before any frame."""

    async def on_frame(self, frame: InboundFrame) -> None:
        """CallerAudio / Dtmf in arrival order, then exactly one Hangup (the last call)."""


class CallRegistry(Protocol):
    """Knows the call UUIDs the controller issued (over HTTP, before AudioSocket() connects)."""

    def accept(self, call_id: uuid.UUID) -> CallHandler | Awaitable[CallHandler | None] | None:
        """The handler for a registered call, or None to refuse the connection."""


class _Refused(Exception):
    pass


class AudioSocketServer:
    """Start with `await server.start()`; `port` is the bound port (useful with port 0 in tests)."""

    def __init__(self, settings: AudioSocketSettings, registry: CallRegistry) -> None:
        self._settings = settings
        self._registry = registry
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self.refused = 0
        self.protocol_errors = 0

    @property
    def port(self) -> int:
        if self._server is None or not self._server.sockets:
            raise RuntimeError("AudioSocket server is not running")
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def active_calls(self) -> int:
        return len(self._connections)

    async def start(self) -> None:
        s = self._settings
        try:
            self._server = await asyncio.start_server(self._on_connect, s.host, s.port)
        except OSError as exc:
            raise OSError(
                exc.errno, f"cannot listen for AudioSocket on {s.host}:{s.port} ({exc.strerror}); "
                "set IVR_AUDIOSOCKET__PORT to a free port"
            ) from exc
        log.info("AudioSocket listening on %s:%d", s.host, self.port)

    async def stop(self) -> None:
        """Stop accepting, end every live call (handlers get Hangup(SHUTDOWN)), wait for them."""
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await self._serve(reader, writer)
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        s = self._settings
        parser = FrameParser(max_audio_ms=s.max_inbound_frame_ms)
        try:
            call_id, pending = await asyncio.wait_for(self._read_uuid(reader, parser), s.uuid_timeout_s)
            handler = await self._admit(call_id)
        except (TimeoutError, ProtocolError, _Refused, ConnectionError) as exc:
            self._log_refusal(exc)
            return
        except Exception:
            self.refused += 1
            log.exception("AudioSocket connection refused: the call registry failed")
            return
        transport = AudioTransport(writer, sample_rate=s.sample_rate, frame_ms=s.frame_ms, late_ms=s.late_frame_ms)
        hangup = Hangup(HangupCause.CALLER, "connection closed by Asterisk")
        try:
            transport.start()
            await handler.started(call_id, transport)
            await self._pump(reader, parser, handler, transport, pending)
        except ProtocolError as exc:
            self.protocol_errors += 1
            log.warning("call %s: closing connection, AudioSocket protocol error (%s)", call_id, exc)
            hangup = Hangup(HangupCause.PROTOCOL_ERROR, str(exc))
        except _PeerError as exc:
            log.warning("call %s: Asterisk reported error code %s", call_id, exc.code)
            hangup = Hangup(HangupCause.PEER_ERROR, f"error code {exc.code}")
        except _BotHangup:
            hangup = Hangup(HangupCause.BOT, "hung up by the IVR")
        except asyncio.CancelledError:
            hangup = Hangup(HangupCause.SHUTDOWN, "server stopping")
        except ConnectionError as exc:
            hangup = Hangup(HangupCause.CALLER, f"connection lost ({type(exc).__name__})")
        except Exception:
            log.exception("call %s: handler failed; closing this call only", call_id)
            hangup = Hangup(HangupCause.INTERNAL_ERROR, "handler raised")
        finally:
            if hangup.cause is HangupCause.SHUTDOWN:
                await transport.hangup()
            await transport.close()
            try:
                await handler.on_frame(hangup)
            except Exception:
                log.exception("call %s: handler failed on hangup", call_id)
            log.info("call %s: media ended (%s)", call_id, hangup.cause.value)

    async def _read_uuid(self, reader: asyncio.StreamReader, parser: FrameParser) -> tuple[uuid.UUID, list[WireFrame]]:
        while True:
            data = await reader.read(READ_CHUNK)
            if not data:
                parser.eof()
                raise ConnectionResetError("closed before sending a UUID frame")
            frames = parser.feed(data)
            if frames:
                first = frames[0]
                if first.kind is not Kind.UUID:
                    raise ProtocolError(ProtocolErrorReason.UNEXPECTED_KIND, f"first frame is {first.kind.name}")
                return first.uuid, frames[1:]

    async def _admit(self, call_id: uuid.UUID) -> CallHandler:
        result = self._registry.accept(call_id)
        handler = await result if inspect.isawaitable(result) else result
        if handler is None:
            raise _Refused(f"unknown call {call_id}")
        return handler

    def _log_refusal(self, exc: BaseException) -> None:
        self.refused += 1
        if isinstance(exc, ProtocolError):
            self.protocol_errors += 1
        reason = "no UUID frame in time" if isinstance(exc, TimeoutError) else str(exc) or type(exc).__name__
        log.warning("AudioSocket connection refused: %s", reason)

    async def _pump(
        self,
        reader: asyncio.StreamReader,
        parser: FrameParser,
        handler: CallHandler,
        transport: AudioTransport,
        pending: list[WireFrame],
    ) -> None:
        frames, arrived = pending, time.monotonic()
        while True:
            for wire in frames:
                if wire.kind in SAMPLE_RATE_OF_KIND:
                    await handler.on_frame(CallerAudio(wire.payload, wire.sample_rate, arrived))
                elif wire.kind is Kind.DTMF:
                    await handler.on_frame(Dtmf(wire.digit, arrived))
                elif wire.kind is Kind.HANGUP:
                    return
                elif wire.kind is Kind.ERROR:
                    raise _PeerError(wire.error_code)
                else:  # a second UUID frame
                    raise ProtocolError(ProtocolErrorReason.UNEXPECTED_KIND, f"{wire.kind.name} after the UUID")
            if parser.error is not None:
                raise parser.error
            data = await _read_or_closed(reader, transport)
            if data is None:  # the playout side stopped: the IVR hung up, or the socket broke under a write
                if transport.hung_up:
                    raise _BotHangup
                raise ConnectionResetError("write side failed")
            if not data:
                parser.eof()
                return
            frames, arrived = parser.feed(data), time.monotonic()


class _PeerError(Exception):
    def __init__(self, code: int | None) -> None:
        super().__init__(code)
        self.code = code


class _BotHangup(Exception):
    pass


async def _read_or_closed(reader: asyncio.StreamReader, transport: AudioTransport) -> bytes | None:
    """Next chunk from Asterisk, or None once the IVR itself hung up the call."""
    read = asyncio.ensure_future(reader.read(READ_CHUNK))
    closed = asyncio.ensure_future(transport.wait_closed())
    try:
        await asyncio.wait({read, closed}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        closed.cancel()
        if not read.done():
            read.cancel()
    if read.done() and not read.cancelled():
        return read.result()
    return None
