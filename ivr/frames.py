"""The typed frames a call's transport hands the session: caller audio, keypad digits, and the end of the line.

One vocabulary (principle 1, issue 15): frames are what arrives from the line (this module); dialog events
(`dialogs.events`: CallStarted, Utterance, Digits, NoInput, Hangup) are what the dialog is told; dialog actions
(`dialogs.actions`: Say, Listen, Record, Transfer, End) are what it answers. `Hangup` is the same idea at both
levels (the line ended) and has the same name; `End` is the bot ending the call. Outbound audio is not a frame:
it is paced by `ivr/calls/playout.py`, which also owns barge-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Telephone audio everywhere inside the IVR: 16-bit signed little-endian mono PCM ("slin").
SAMPLE_WIDTH_BYTES = 2
# Asterisk's AudioSocket app always speaks 8 kHz; the channel driver can negotiate higher rates.
DEFAULT_SAMPLE_RATE = 8000
# 20 ms is Asterisk's frame size for slin (320 bytes at 8 kHz) and the IVR's playout tick.
FRAME_MS = 20

DTMF_DIGITS = frozenset("0123456789*#ABCD")


def frame_bytes(sample_rate: int = DEFAULT_SAMPLE_RATE, ms: int = FRAME_MS) -> int:
    """Bytes of slin audio in `ms` milliseconds at `sample_rate` (320 for 20 ms at 8 kHz)."""
    return sample_rate * ms // 1000 * SAMPLE_WIDTH_BYTES


@dataclass(frozen=True, slots=True)
class Frame:
    """Base of every inbound frame."""



@dataclass(frozen=True, slots=True)
class CallerAudio(Frame):
    """Caller audio as received; `arrived` is time.monotonic() when its bytes were read off the socket."""

    pcm: bytes
    sample_rate: int = DEFAULT_SAMPLE_RATE
    arrived: float = 0.0

    @property
    def duration_ms(self) -> float:
        return len(self.pcm) / SAMPLE_WIDTH_BYTES / self.sample_rate * 1000


@dataclass(frozen=True, slots=True)
class Dtmf(Frame):
    """One keypad digit (Asterisk sends one per key release)."""

    digit: str
    arrived: float = 0.0

    def __post_init__(self) -> None:
        if self.digit not in DTMF_DIGITS:
            raise ValueError(f"not a DTMF digit: {self.digit!r}")


class HangupCause(StrEnum):
    CALLER = "caller"  # the caller (Asterisk) closed the connection or sent 0x00
    BOT = "bot"  # the IVR ended the call
    PROTOCOL_ERROR = "protocol_error"  # a malformed/unknown frame: only this call is closed
    PEER_ERROR = "peer_error"  # Asterisk reported an error frame (0xff)
    SHUTDOWN = "shutdown"  # the server is stopping
    INTERNAL_ERROR = "internal_error"  # our handler raised


@dataclass(frozen=True, slots=True)
class Hangup(Frame):
    """The call is over; always the last frame a handler sees, exactly once."""

    cause: HangupCause
    detail: str = ""


InboundFrame = CallerAudio | Dtmf | Hangup
