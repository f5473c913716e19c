"""The one entry point dialogs call: Rasa first, the keyword fallback when Rasa is down or unsure, entities always."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from nlu.config import NluSettings
from nlu.fallback import match_command
from nlu.normalise.amounts import find_amount
from nlu.normalise.dates import resolve_date
from nlu.normalise.names import RosterMember, find_members
from nlu.normalise.transactions import transaction_type
from nlu.types import NOT_UNDERSTOOD, Entities, Lang, NluUnavailable, RasaParse, Understanding

log = logging.getLogger(__name__)


class IntentParser(Protocol):
    """What `Nlu` needs from Rasa (nlu.client.RasaClient; a fake in unit tests)."""

    async def parse(self, text: str) -> RasaParse: ...


def extract_entities(
    text: str, lang: Lang, *, currency: str, roster: Sequence[RosterMember] = (), today: date, name_min_score: float
) -> Entities:
    """Every normaliser over the utterance. Each returns None/empty rather than guess."""
    amount = find_amount(text, currency, lang)
    members = tuple(find_members(text, roster, min_score=name_min_score)) if roster else ()
    return Entities(
        amount_minor=amount.minor if amount else None,
        currency=amount.currency if amount else None,
        transaction_type=str(tt) if (tt := transaction_type(text)) else None,
        members=members,
        date=resolve_date(text, today),
    )


class Nlu:
    """Rasa -> fallback -> explicit NOT_UNDERSTOOD; keyword-only construction, the parser is injected."""

    def __init__(self, *, parser: IntentParser, settings: NluSettings) -> None:
        self._parser = parser
        self._settings = settings

    async def understand(
        self,
        text: str,
        lang: Lang,
        *,
        currency: str,
        roster: Sequence[RosterMember] = (),
        today: date | None = None,
    ) -> Understanding:
        entities = extract_entities(
            text, lang, currency=currency, roster=roster, today=today or date.today(),
            name_min_score=self._settings.name_min_score,
        )  # fmt: skip
        try:
            parsed = await self._parser.parse(text)
        except NluUnavailable as exc:
            return self._fallback(text, lang, entities, reason="rasa_unavailable", detail=str(exc), parsed=None)
        if parsed.confidence >= self._settings.confidence_threshold:
            return Understanding(parsed.intent, parsed.confidence, "rasa", False, None, parsed.ranking, entities)
        return self._fallback(text, lang, entities, reason="low_confidence", detail="", parsed=parsed)

    def _fallback(
        self, text: str, lang: Lang, entities: Entities, *, reason: str, detail: str, parsed: RasaParse | None
    ) -> Understanding:
        ranking = parsed.ranking if parsed else ()
        found = match_command(text, lang)
        # degraded answers are logged with the reason and the outcome, never with what the caller said
        if found:
            log.warning("nlu degraded (%s%s): keyword fallback -> %s", reason, f": {detail}" if detail else "",
                        found.intent)  # fmt: skip
            return Understanding(found.intent, found.confidence, "fallback", True, reason, ranking, entities)
        log.warning("nlu degraded (%s%s): not understood", reason, f": {detail}" if detail else "")
        confidence = parsed.confidence if parsed else 0.0
        return Understanding(NOT_UNDERSTOOD, confidence, "none", True, reason, ranking, entities)
