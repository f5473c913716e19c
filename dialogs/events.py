"""The typed events a dialog receives from the call (or from a text runner): nothing about sockets or audio."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from nlu.types import Understanding


@dataclass(frozen=True)
class CallStarted:
    """A call was answered. `caller` is the caller ID as the network gave it (never logged in clear)."""

    caller: str
    direction: Literal["in", "out"] = "in"
    purpose: str = "self_service"
    now: datetime | None = None


@dataclass(frozen=True)
class Utterance:
    """The caller said something. `understanding` may come with it; otherwise the dialog asks its NLU port."""

    transcript: str
    asr_confidence: float | None = None
    understanding: Understanding | None = None


@dataclass(frozen=True)
class Digits:
    """Keypad digits collected for the current Listen (terminator not included)."""

    digits: str


@dataclass(frozen=True)
class NoInput:
    """The caller said and pressed nothing before the Listen timed out."""


@dataclass(frozen=True)
class Hangup:
    """The caller hung up (or the line dropped)."""


Event = CallStarted | Utterance | Digits | NoInput | Hangup
