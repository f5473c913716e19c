"""Typed NLU results shared by the Rasa client, the keyword fallback and the combined `understand()` entry point."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

import languages

# A language is a pack's code (languages/<code>/pack.yml); which exist is the registry's business, not the code's.
Lang = str
LANGS: tuple[Lang, ...] = languages.codes()
# The explicit "not understood" intent (Rasa's own name for it): dialogs reprompt on it. Never an empty string.
NOT_UNDERSTOOD = "nlu_fallback"


class NluUnavailable(RuntimeError):
    """Rasa could not be asked or gave no usable answer (down, timeout, HTTP error, malformed reply)."""


@dataclass(frozen=True)
class IntentScore:
    name: str
    confidence: float


@dataclass(frozen=True)
class RasaParse:
    """What Rasa said about one utterance: a non-empty intent, its confidence and the ranking."""

    intent: str
    confidence: float
    ranking: tuple[IntentScore, ...]


@dataclass(frozen=True)
class MemberCandidate:
    member_id: str
    name: str
    score: float


@dataclass(frozen=True)
class Entities:
    """Normalised entities: money in integer minor units, ranked roster candidates, a transaction type, a date."""

    amount_minor: int | None = None
    currency: str | None = None
    transaction_type: str | None = None
    members: tuple[MemberCandidate, ...] = ()
    date: date | None = None


@dataclass(frozen=True)
class Understanding:
    """The answer dialogs act on. `degraded` is set whenever Rasa's answer was not used as is."""

    intent: str
    confidence: float
    source: Literal["rasa", "fallback", "none"]
    degraded: bool
    # why the answer is degraded: "rasa_unavailable" | "low_confidence" | None
    reason: str | None = None
    ranking: tuple[IntentScore, ...] = ()
    entities: Entities = field(default_factory=Entities)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        if self.entities.date is not None:
            d["entities"]["date"] = self.entities.date.isoformat()
        return d
