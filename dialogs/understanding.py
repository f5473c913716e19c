"""Reading an utterance as an answer to the question just asked: the state's own readings first, globals last.

Order (issue: dialogs that understand in context):
1. each kind the Listen's `Expect` declares, in order — a date before a yes/no where a date can be the answer,
   a roster name before any intent, "no thank you" as a no at a yes/no question;
2. only when none of them reads the utterance: "repeat" / "go back", then a global intent (goodbye, speak to a
   person) — and only when it is clearly said: an exact phrase of the intent, or the NLU sure of it with a
   margin over the next intent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from dialogs.expect import Expect, ExpectKind
from dialogs.vocab import BACK, GLOBAL_PHRASES, NO, REPEAT, SHORT_ANSWER_WORDS, YES
from nlu.fallback import match_command
from nlu.normalise.amounts import find_amount
from nlu.normalise.dates import resolve_date
from nlu.normalise.tokens import tokenize
from nlu.normalise.transactions import transaction_type
from nlu.types import MemberCandidate

if TYPE_CHECKING:
    from dialogs.context import Conversation, Input
    from dialogs.meeting.parse import Command, Parsed

# A global intent from the NLU alone (no exact phrase) needs this confidence and this lead over the runner-up.
GLOBAL_MIN_CONFIDENCE = 0.8
GLOBAL_MIN_MARGIN = 0.3


@dataclass(frozen=True)
class Reading:
    """What an utterance answers, for the kind that read it (only the fields of that kind are set)."""

    kind: ExpectKind
    yes: bool | None = None
    day: date | None = None
    amount_minor: int | None = None
    members: tuple[MemberCandidate, ...] = ()
    tx_type: str | None = None
    intent: str | None = None
    phrase: str | None = None
    entry: Parsed | None = None
    command: Command | None = None
    extra: dict[str, object] = field(default_factory=dict)


def words_of(text: str) -> list[str]:
    return tokenize(text)


def has_phrase(text: str, phrases: tuple[str, ...] | list[str]) -> bool:
    """A whole phrase of `phrases` occurs in the text (token boundaries)."""
    joined = " " + " ".join(tokenize(text)) + " "
    return any(f" {' '.join(tokenize(p))} " in joined for p in phrases if tokenize(p))


def yes_no_of(text: str, intent: str | None, lang: str) -> bool | None:
    """Yes/no from the words first (they are what the prompt asked for), then the NLU's affirm/deny."""
    tokens = tokenize(text)
    if tokens and len(tokens) <= SHORT_ANSWER_WORDS:
        # "no" before "yes": "not right" / "si sahihi" hold a yes word and mean no
        if has_phrase(text, NO.get(lang, ())):
            return False
        if has_phrase(text, YES.get(lang, ())):
            return True
    if len(tokens) < 2:
        return None  # one word that is not a yes or a no word ("hmm") is not trusted to the NLU's guess
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    return None


def _roster(c: Conversation, names: tuple[str, ...]) -> list:
    m = c.meeting
    roster = list(getattr(m, "roster", None) or [])
    return [r for r in roster if r.name in names] if names else roster


def _choice(text: str, phrases: tuple[str, ...]) -> str | None:
    """The one phrase whose distinctive word was said (fuzzy per word); None when none or several match."""
    from rapidfuzz import fuzz

    said = [w for w in tokenize(text) if len(w) >= 3]
    hits = []
    for phrase in phrases:
        if has_phrase(text, (phrase,)):
            return phrase
        words = [w for w in tokenize(phrase) if len(w) >= 4 and w not in GENERIC_WORDS]
        best = max((fuzz.ratio(a, b) for a in said for b in words), default=0.0)
        if best >= CHOICE_MATCH_SCORE:
            hits.append(phrase)
    return hits[0] if len(hits) == 1 else None


# A choice (a group's name) matches when one of its words (4+ letters) is this close to a word the caller said.
CHOICE_MATCH_SCORE = 80
GENERIC_WORDS = {"group", "kikundi", "vsla", "women", "wanawake", "chama", "cha", "the"}


def read_kind(c: Conversation, inp: Input, kind: ExpectKind, expects: Expect) -> Reading | None:
    """One kind's reading of a spoken answer, or None."""
    from dialogs.meeting import parse

    text, lang = inp.text, c.lang
    match kind:
        case "yes_no":
            yes = yes_no_of(text, inp.intent, lang)
            return Reading(kind, yes=yes) if yes is not None else None
        case "date":
            day = resolve_date(text, c.local_date(), prefer_past=expects.past)
            return Reading(kind, day=day) if day is not None else None
        case "amount":
            found = find_amount(text, c.currency, lang)
            return Reading(kind, amount_minor=found.minor) if found and found.minor > 0 else None
        case "member_name":
            members = parse.names_in(text, _roster(c, expects.names))
            return Reading(kind, members=members) if members else None
        case "transaction_type":
            found_type = transaction_type(text)
            return Reading(kind, tx_type=parse.LEDGER_TYPE[found_type]) if found_type else None
        case "choice":
            phrase = _choice(text, expects.phrases)
            return Reading(kind, phrase=phrase) if phrase else None
        case "menu":
            intent = inp.intent if inp.intent in expects.intents else None
            if intent is None:  # Rasa unsure or down: the words the prompts tell callers to say
                found_cmd = match_command(text, lang)
                intent = found_cmd.intent if found_cmd and found_cmd.intent in expects.intents else None
            return Reading(kind, intent=intent) if intent else None
        case "meeting_entry":
            parsed = parse.speech_entry(text, _roster(c, expects.names), c.currency, lang)
            if parsed.amount_minor is None and not parsed.bulk:
                command = parse.command_of(text, inp.intent)
                if command is not None:
                    return Reading(kind, command=command)
            if parsed.type is not None or parsed.amount_minor is not None or parsed.bulk:
                return Reading(kind, entry=parsed)
            # a name and nothing else is weak evidence of an entry ("the weather" is not "Peter"): only a sure one
            if parsed.candidates and parsed.candidates[0].score >= parse.SURE_NAME_SCORE:
                return Reading(kind, entry=parsed)
            return None
        case "free":
            return Reading(kind) if text.strip() else None
    return None


def read(c: Conversation, inp: Input, expects: Expect) -> Reading | None:
    """The first declared kind that reads the utterance."""
    if inp.kind != "speech" or not inp.text.strip():
        return None
    for kind in expects.kinds:
        reading = read_kind(c, inp, kind, expects)
        if reading is not None:
            return reading
    return None


def meta_of(inp: Input, lang: str) -> str | None:
    """"repeat" or "go_back" said as such (the words, or the NLU's repeat intent)."""
    if inp.kind != "speech":
        return None
    if has_phrase(inp.text, BACK.get(lang, ())) and len(tokenize(inp.text)) <= SHORT_ANSWER_WORDS:
        return "go_back"
    if inp.intent == "go_back":
        return "go_back"
    if has_phrase(inp.text, REPEAT.get(lang, ())) or inp.intent == "repeat":
        return "repeat"
    return None


def clear_global(inp: Input, expects: Expect, lang: str) -> str | None:
    """A global intent the state honours, when clearly said: its exact phrase, or a sure NLU with a margin."""
    if inp.kind != "speech":
        return None
    phrases: Mapping[str, tuple[str, ...]] = GLOBAL_PHRASES.get(lang, {})
    for intent in expects.globals:
        if has_phrase(inp.text, phrases.get(intent, ())):
            return intent
    if inp.intent in expects.globals and (inp.confidence or 0.0) >= GLOBAL_MIN_CONFIDENCE:
        others = [s.confidence for s in inp.ranking if s.name != inp.intent]
        if not others or (inp.confidence or 0.0) - max(others) >= GLOBAL_MIN_MARGIN:
            return inp.intent
    return None
