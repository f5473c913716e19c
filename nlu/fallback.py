"""Keyword/phrase matcher per language for the core commands, so a call never dies because Rasa is down."""

from __future__ import annotations

from dataclasses import dataclass

import languages
from nlu.normalise.tokens import tokenize
from nlu.types import LANGS, Lang

# Each pack's words.yml `fallback` rows, checked in their order: the first intent with a matching phrase wins, so
# specific commands ("stop reminders", "speak to a person") come before the menu items, and bare yes/no words come
# last (and only in short answers, so "no more reminders" is an opt-out, not a "no"); "no" before "yes" so "not
# correct"/"si sahihi" is a no.



def _pack_phrases() -> dict[Lang, list[tuple[str, tuple[str, ...]]]]:
    """The `fallback` list of each pack's words.yml: [[intent, [phrase, ...]], ...], checked in that order."""
    out: dict[Lang, list[tuple[str, tuple[str, ...]]]] = {}
    for code, p in languages.packs().items():
        rows = p.data("words.yml").get("fallback")
        if not rows:
            continue
        try:
            out[code] = [(str(intent), tuple(" ".join(tokenize(str(w))) for w in words)) for intent, words in rows]
        except (TypeError, ValueError):
            raise languages.LanguagePackError(
                f"{p.path('words.yml')}: `fallback` must be a list of [intent, [phrases]]") from None
    return out


PHRASES: dict[Lang, list[tuple[str, tuple[str, ...]]]] = _pack_phrases()
# yes/no words only count in a short answer: "no more reminders" is not a "no".
SHORT_ONLY = {"affirm", "deny"}
SHORT_ANSWER_WORDS = 4
# A whole-utterance keyword hit is a strong signal, a phrase inside a longer sentence a weaker one.
EXACT_CONFIDENCE = 0.9
PARTIAL_CONFIDENCE = 0.6


@dataclass(frozen=True)
class FallbackMatch:
    intent: str
    confidence: float
    lang: Lang


def _match(words: list[str], lang: Lang) -> FallbackMatch | None:
    padded = " " + " ".join(words) + " "
    for intent, phrases in PHRASES[lang]:
        if intent in SHORT_ONLY and len(words) > SHORT_ANSWER_WORDS:
            continue
        for phrase in phrases:
            if f" {phrase} " in padded:
                exact = padded.strip() == phrase
                return FallbackMatch(intent, EXACT_CONFIDENCE if exact else PARTIAL_CONFIDENCE, lang)
    return None


def match_command(text: str, lang: Lang) -> FallbackMatch | None:
    """The core command in the utterance: caller's language first, then the other (callers code-switch)."""
    words = tokenize(text)
    if not words:
        return None
    for candidate in (lang, *[other for other in LANGS if other != lang]):
        if candidate not in PHRASES:
            continue
        found = _match(words, candidate)
        if found:
            return found
    return None
