"""Typed frames that flow through a call's stages; a frame's type says whether barge-in drops it (principle 1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

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
    """Base of every frame. `interruptible` frames are dropped by a barge-in flush."""

    interruptible = False


# --- caller side (inbound) -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallStarted(Frame):
    """The media connection for a call the controller issued `call_id` for is up."""

    call_id: UUID


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


@dataclass(frozen=True, slots=True)
class UserStartedSpeaking(Frame):
    """VAD: caller voice began (after the configured minimum voiced time)."""

    at: float


@dataclass(frozen=True, slots=True)
class UserStoppedSpeaking(Frame):
    """Endpointing: the caller's utterance ended."""

    at: float


@dataclass(frozen=True, slots=True)
class Transcript(Frame):
    """ASR result for one utterance (text is caller speech: never log it)."""

    text: str
    confidence: float
    language: str
    final: bool = True
    at: float = 0.0


# --- bot side (outbound) ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BotAudio(Frame):
    """Audio the bot wants played; dropped by barge-in when the prompt allows interruption."""

    pcm: bytes
    sample_rate: int = DEFAULT_SAMPLE_RATE
    interruptible_prompt: bool = True

    @property
    def interruptible(self) -> bool:  # type: ignore[override]
        return self.interruptible_prompt


@dataclass(frozen=True, slots=True)
class Flush(Frame):
    """Barge-in: stop playback now and drop queued interruptible audio."""

    reason: str = "barge-in"


@dataclass(frozen=True, slots=True)
class PlaybackFinished(Frame):
    """All audio of one play() went out on the wire (or was flushed: `completed` False)."""

    completed: bool
    played_ms: int


@dataclass(frozen=True, slots=True)
class EndCall(Frame):
    """The dialog wants to hang up (after queued audio has played)."""

    reason: str = ""


@dataclass(frozen=True, slots=True)
class Transfer(Frame):
    """The dialog wants the caller connected to a person (done over AMI Redirect)."""

    target: str = field(repr=False)  # a phone number: never in reprs or logs


InboundFrame = CallerAudio | Dtmf | Hangup
