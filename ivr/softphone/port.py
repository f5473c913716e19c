"""The WebSocket media port: a browser call plugs into the same CallHandler / AudioTransport as an AudioSocket call.

Outbound audio reuses ivr.audiosocket.transport.AudioTransport's 20 ms clock (silence when idle, flush, late-frame
metric); only its wire differs: each frame is one binary WebSocket message of raw slin (no AudioSocket framing to
parse back). So the browser receives paced 20 ms frames exactly as Asterisk would, and barge-in (flush) behaves
the same; the page is also told to drop what it has already scheduled.
Transcript lines (caller's ASR final, bot's prompt text) travel on the same clock, in order with the audio.
Inbound: binary messages become CallerAudio, keypad JSON becomes Dtmf, and exactly one Hangup ends the call —
the frames and order an AudioSocket CallHandler already expects. Nothing here logs audio, digits, text or numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Literal, Protocol, cast

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from ivr.audiosocket.server import CallHandler
from ivr.audiosocket.transport import AudioTransport
from ivr.frames import CallerAudio, Dtmf, Hangup, HangupCause
from ivr.softphone import protocol

log = logging.getLogger(__name__)

Speaker = Literal["bot", "caller"]


class TranscriptSink(Protocol):
    """What a call pipeline may call to show text on the caller's screen (only a softphone has one)."""

    def show_text(self, speaker: Speaker, text: str) -> None: ...


class _WebSocketWriter:
    """Stands in for the asyncio.StreamWriter AudioTransport writes to: one write (a 20 ms frame) → one message."""

    def __init__(self, ws: WebSocket) -> None:
        self._ws = ws
        self._pending: list[bytes | str] = []
        self.messages_sent = 0

    def write(self, data: bytes) -> None:
        self._pending.append(data)

    def queue_text(self, message: str) -> None:
        self._pending.append(message)

    async def drain(self) -> None:
        pending, self._pending = self._pending, []
        try:
            for item in pending:
                if isinstance(item, str):
                    await self._ws.send_text(item)
                else:
                    await self._ws.send_bytes(item)
                self.messages_sent += 1
        except (WebSocketDisconnect, RuntimeError, OSError) as exc:
            # AudioTransport stops its clock on ConnectionError: a closed browser tab is a caller hang-up.
            raise ConnectionResetError(f"websocket closed ({type(exc).__name__})") from exc


class WebSocketTransport(AudioTransport, TranscriptSink):
    """An AudioTransport whose wire is a WebSocket; adds the flush notice and transcript lines for the page."""

    def __init__(self, ws: WebSocket, *, sample_rate: int = 8000, frame_ms: int = 20, late_ms: float = 40.0) -> None:
        self._ws_writer = _WebSocketWriter(ws)
        super().__init__(cast(asyncio.StreamWriter, self._ws_writer), sample_rate=sample_rate, frame_ms=frame_ms,
                         late_ms=late_ms)

    def _encode_audio(self, pcm: bytes) -> bytes:
        return pcm  # the page plays raw slin frames

    def _encode_hangup(self) -> bytes:
        return b""  # the port reports the end of the call itself, with a reason

    def flush(self) -> int:
        dropped = super().flush()
        self._ws_writer.queue_text(protocol.flush())  # the page drops its own scheduled audio too
        return dropped

    def show_text(self, speaker: Speaker, text: str) -> None:
        if not self.closed:
            self._ws_writer.queue_text(protocol.transcript(speaker, text))

    async def send_pending(self) -> None:
        """Send queued transcript lines now (the clock does it every tick; this is for after it stopped)."""
        with contextlib.suppress(ConnectionError):
            await self._ws_writer.drain()

    @property
    def messages_sent(self) -> int:
        return self._ws_writer.messages_sent


class _Ended(Exception):
    def __init__(self, hangup: Hangup) -> None:
        super().__init__(hangup.cause.value)
        self.hangup = hangup


async def serve_call(ws: WebSocket, call_id: uuid.UUID, handler: CallHandler, transport: WebSocketTransport) -> Hangup:
    """Run one accepted browser call to its end, like the AudioSocket server runs one connection.

    The handler sees started(call_id, transport), then CallerAudio/Dtmf in arrival order, then exactly one Hangup.
    Returns that Hangup. The WebSocket is left open for the caller to report the end and close.
    """
    hangup = Hangup(HangupCause.CALLER, "caller hung up")
    try:
        transport.start()
        await handler.started(call_id, transport)
        await _pump(ws, handler, transport)
    except _Ended as end:
        hangup = end.hangup
    except protocol.SoftphoneProtocolError as exc:
        log.warning("softphone call %s: closing, bad message from the page (%s)", call_id, exc)
        hangup = Hangup(HangupCause.PROTOCOL_ERROR, str(exc))
    except (WebSocketDisconnect, ConnectionError):
        hangup = Hangup(HangupCause.CALLER, "browser disconnected")
    except asyncio.CancelledError:
        hangup = Hangup(HangupCause.SHUTDOWN, "server stopping")
        raise
    except Exception:
        log.exception("softphone call %s: handler failed; closing this call only", call_id)
        hangup = Hangup(HangupCause.INTERNAL_ERROR, "the call pipeline failed")
    finally:
        await transport.close()
        await transport.send_pending()
        try:
            await handler.on_frame(hangup)
        except Exception:
            log.exception("softphone call %s: handler failed on hangup", call_id)
        log.info("softphone call %s: media ended (%s)", call_id, hangup.cause.value)
    return hangup


async def _pump(ws: WebSocket, handler: CallHandler, transport: WebSocketTransport) -> None:
    while True:
        message = await _receive_or_closed(ws, transport)
        if message is None:
            reason = "hung up by the IVR" if transport.hung_up else "audio to the browser failed"
            raise _Ended(Hangup(HangupCause.BOT if transport.hung_up else HangupCause.CALLER, reason))
        arrived = time.monotonic()
        if message.get("type") == "websocket.disconnect":
            raise _Ended(Hangup(HangupCause.CALLER, "browser disconnected"))
        data, text = message.get("bytes"), message.get("text")
        if isinstance(data, bytes):
            audio = protocol.parse_binary(data)
            await handler.on_frame(CallerAudio(audio.pcm, transport.sample_rate, arrived))
            continue
        parsed = protocol.parse_text(text if isinstance(text, str) else "")
        if isinstance(parsed, protocol.KeyPress):
            await handler.on_frame(Dtmf(parsed.digit, arrived))
        elif isinstance(parsed, protocol.CallerHangup):
            raise _Ended(Hangup(HangupCause.CALLER, "caller pressed hang up"))
        else:
            raise protocol.SoftphoneProtocolError("a call is already in progress on this connection")


async def _receive_or_closed(ws: WebSocket, transport: AudioTransport) -> dict[str, object] | None:
    """The next WebSocket message, or None once the playout side stopped (the IVR hung up, or sending failed)."""
    if ws.client_state is WebSocketState.DISCONNECTED:
        return {"type": "websocket.disconnect"}
    receive = asyncio.ensure_future(ws.receive())
    closed = asyncio.ensure_future(transport.wait_closed())
    try:
        await asyncio.wait({receive, closed}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        closed.cancel()
        if not receive.done():
            receive.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await receive
    if receive.done() and not receive.cancelled():
        return cast(dict[str, object], receive.result())
    return None


__all__ = ["Speaker", "TranscriptSink", "WebSocketTransport", "serve_call"]
