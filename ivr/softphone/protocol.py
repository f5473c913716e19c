"""The softphone's WebSocket protocol: JSON control messages and binary 20 ms PCM, parsed into typed messages.

Browser → server
    text   {"type": "call", "caller": "+254700000001"}   first message: place a call from this caller ID
    text   {"type": "dtmf", "digit": "5"}                 one keypad digit (0-9 * #)
    text   {"type": "hangup"}                             the caller hangs up
    binary 8 kHz mono signed 16-bit little-endian PCM, one 20 ms frame (320 bytes) per message
Server → browser
    text   {"type": "connected", "call_id": "...", "sample_rate": 8000, "frame_ms": 20}
    text   {"type": "transcript", "speaker": "bot" | "caller", "text": "..."}
    text   {"type": "flush"}                              barge-in: stop what is scheduled for playback now
    text   {"type": "ended", "reason": "..."}             the call is over (the socket closes next)
    text   {"type": "error", "message": "..."}            a clear one-line reason (bad input, server trouble)
    binary bot audio, same format, paced one 20 ms frame per message (silence frames included)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from ivr.frames import DTMF_DIGITS, SAMPLE_WIDTH_BYTES

# Keys on a phone keypad; A-D exist in DTMF but not on the page.
KEYPAD_DIGITS = frozenset("0123456789*#")
# E.164 allows up to 15 digits; a leading + is optional (demo numbers are typed both ways).
CALLER_ID = re.compile(r"^\+?[0-9]{3,15}$")
# Longest inbound binary message accepted: 60 ms at 8 kHz (the page sends 20 ms; slack for a slow tab).
MAX_AUDIO_BYTES = 8000 * 60 // 1000 * SAMPLE_WIDTH_BYTES
# A control message is a few dozen bytes; anything much larger is not from the page.
MAX_TEXT_CHARS = 1024


class SoftphoneProtocolError(ValueError):
    """A message the page would never send; the reason is safe to show and log (it never echoes the content)."""


@dataclass(frozen=True)
class PlaceCall:
    caller: str


@dataclass(frozen=True)
class KeyPress:
    digit: str


@dataclass(frozen=True)
class CallerHangup:
    pass


@dataclass(frozen=True)
class AudioIn:
    pcm: bytes


ClientMessage = PlaceCall | KeyPress | CallerHangup | AudioIn


def normalise_caller(raw: object) -> str:
    """The caller ID as typed (spaces and dashes dropped), or SoftphoneProtocolError."""
    if not isinstance(raw, str):
        raise SoftphoneProtocolError("caller must be a phone number")
    number = re.sub(r"[\s\-().]", "", raw)
    if not CALLER_ID.match(number):
        raise SoftphoneProtocolError("caller must be a phone number of 3 to 15 digits, optionally starting with +")
    return number


def parse_text(text: str) -> ClientMessage:
    if len(text) > MAX_TEXT_CHARS:
        raise SoftphoneProtocolError(f"control message longer than {MAX_TEXT_CHARS} characters")
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError:
        raise SoftphoneProtocolError("control message is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise SoftphoneProtocolError('control message must be a JSON object with a "type"')
    kind = data["type"]
    if kind == "call":
        return PlaceCall(normalise_caller(data.get("caller")))
    if kind == "dtmf":
        digit = data.get("digit")
        if not isinstance(digit, str) or digit not in KEYPAD_DIGITS or digit not in DTMF_DIGITS:
            raise SoftphoneProtocolError("dtmf digit must be one of 0-9 * #")
        return KeyPress(digit)
    if kind == "hangup":
        return CallerHangup()
    raise SoftphoneProtocolError(f"unknown control message type {kind[:20]!r}")


def parse_binary(data: bytes) -> AudioIn:
    if not data:
        raise SoftphoneProtocolError("empty audio message")
    if len(data) % SAMPLE_WIDTH_BYTES:
        raise SoftphoneProtocolError("audio message is not whole 16-bit samples")
    if len(data) > MAX_AUDIO_BYTES:
        raise SoftphoneProtocolError(f"audio message longer than {MAX_AUDIO_BYTES} bytes (60 ms at 8 kHz)")
    return AudioIn(bytes(data))


def connected(call_id: str, sample_rate: int, frame_ms: int) -> str:
    return json.dumps({"type": "connected", "call_id": call_id, "sample_rate": sample_rate, "frame_ms": frame_ms})


def transcript(speaker: Literal["bot", "caller"], text: str) -> str:
    return json.dumps({"type": "transcript", "speaker": speaker, "text": text})


def flush() -> str:
    return json.dumps({"type": "flush"})


def ended(reason: str) -> str:
    return json.dumps({"type": "ended", "reason": reason})


def error(message: str) -> str:
    return json.dumps({"type": "error", "message": message})
