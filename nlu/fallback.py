"""Keyword/phrase matcher per language for the core commands, so a call never dies because Rasa is down."""

from __future__ import annotations

from dataclasses import dataclass

import languages
from nlu.normalise.tokens import tokenize
from nlu.types import LANGS, Lang

# Checked in this order: the first intent with a matching phrase wins, so specific commands ("stop reminders",
# "speak to a person") come before the menu items, and bare yes/no words come last (and only in short answers,
# so "no more reminders" is an opt-out, not a "no"); "no" before "yes" so "not correct"/"si sahihi" is a no.
PHRASES: dict[Lang, list[tuple[str, tuple[str, ...]]]] = {
    "en": [
        ("stop_reminders", ("stop calling", "stop reminders", "stop the reminders", "no more reminders",
                            "don't call me", "do not call me", "unsubscribe", "opt out", "stop these calls",
                            "stop the calls", "don't want reminders", "don't remind me", "do not remind me",
                            "stop reminding")),
        ("speak_to_person", ("speak to a person", "talk to a person", "speak to someone", "talk to someone",
                             "real person", "human", "agent", "operator", "customer care", "transfer me")),
        ("change_language", ("change language", "change the language", "switch language", "swahili", "kiswahili",
                             "other language")),
        ("record_meeting", ("record the meeting", "record meeting", "record a meeting")),
        ("go_back", ("go back", "take me back", "previous question")),
        ("more_choices", ("more choices", "more options", "other choices", "other options", "more")),
        ("repeat", ("repeat", "say that again", "say again", "say it again", "come again", "pardon",
                    "didn't hear", "did not hear", "one more time")),
        ("help", ("help", "menu", "options", "what can i do", "what can i say", "how does this work")),
        ("goodbye", ("goodbye", "good bye", "bye", "hang up", "end the call")),
        ("social_fund", ("social fund", "social found", "welfare", "emergency fund")),
        ("check_fines", ("fine", "fines", "fined", "penalty", "penalties")),
        ("check_loan", ("loan", "owe", "debt")),
        ("next_meeting", ("meeting", "meet")),
        ("group_position", ("group balance", "group total", "cash box", "the box", "group position")),
        ("check_savings", ("savings", "saving", "saved", "shares", "balance")),
        ("deny", ("no", "nope", "wrong", "incorrect", "not correct", "not right", "negative")),
        ("affirm", ("yes", "yeah", "yep", "correct", "right", "ok", "okay", "sure", "confirm", "true")),
    ],
    "sw": [
        ("stop_reminders", ("acha kunipigia", "usinipigie", "acha vikumbusho", "sitaki vikumbusho",
                            "zima vikumbusho", "usinikumbushe", "sitaki kukumbushwa", "acheni kunipigia",
                            "niondoe kwenye vikumbusho")),
        ("speak_to_person", ("kuongea na mtu", "niongee na mtu", "niunganishe", "binadamu", "mtu halisi",
                             "huduma kwa wateja", "nihamishe", "agent")),
        ("change_language", ("badilisha lugha", "badili lugha", "lugha nyingine", "kiingereza", "english")),
        ("record_meeting", ("rekodi mkutano", "kurekodi mkutano", "anza mkutano")),
        ("go_back", ("rudi nyuma", "nirudishe", "swali lililopita")),
        ("more_choices", ("machaguo zaidi", "machaguo mengine", "huduma nyingine", "zaidi")),
        ("repeat", ("rudia", "sema tena", "sijasikia", "sikusikia", "umesema nini", "mara moja tena")),
        ("help", ("msaada", "nisaidie", "menyu", "chaguo", "naweza kufanya nini")),
        ("goodbye", ("kwaheri", "kwa heri", "kata simu", "tutaonana")),
        ("social_fund", ("mfuko wa jamii", "mfuko wa jami", "mchango wa jamii", "mfuko wa dharura",
                         "mfuko wa ustawi")),
        ("check_fines", ("faini", "adhabu")),
        ("check_loan", ("mkopo", "deni", "nadaiwa", "loan")),
        ("next_meeting", ("mkutano", "tutakutana", "tunakutana", "meeting")),
        ("group_position", ("salio la kikundi", "akiba ya kikundi", "sanduku", "jumla ya kikundi",
                            "kikundi kina")),
        ("check_savings", ("akiba", "hisa", "salio", "nimeweka", "balance")),
        ("deny", ("hapana", "la", "si sahihi", "sio", "siyo", "si kweli", "makosa")),
        ("affirm", ("ndio", "ndiyo", "sawa", "sahihi", "kweli", "naam", "ehe")),
    ],
}  # fmt: skip


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


PHRASES.update(_pack_phrases())
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
