"""The listen states operators and benches name (`ivr hear --listen STATE`), as the dialogs declare them.

Each state is the Listen a live call uses at that point — the same Expect, the same catalog words — so a file heard
through `ivr hear` gets exactly the grammar, engine and understanding a caller would, and what each state means
(the entities it yields) is read with the same normalisers the dialogs use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from dialogs.actions import Listen
from dialogs.expect import Expect
from dialogs.handlers.meeting_entry import ENTRY_DIGITS
from dialogs.meeting import parse
from dialogs.meeting.flow import ENTRY_COMMANDS, YES_NO_PHRASES
from dialogs.menu import MENU
from dialogs.prompts import PHRASES
from ledger_client.types import RosterMember
from nlu.normalise.amounts import find_amount
from nlu.normalise.names import RosterMember as NameEntry
from nlu.normalise.names import find_members
from nlu.types import Understanding
from speech.currency import currency as currency_of
from speech.grammar.numbers import spoken_digits

# The main menu as a member hears it (officers' extra choice, record_meeting, is a command of its own state).
MENU_INTENTS = tuple(dict.fromkeys(i.intent for i in MENU if i.audience != "officers" and i.intent != "go_back"))
State = Literal["menu", "yes_no", "amount", "digits", "member_name", "meeting_entry"]
STATES: tuple[State, ...] = ("menu", "yes_no", "amount", "digits", "member_name", "meeting_entry")


def listen_for(state: State, lang: str, roster: Sequence[RosterMember] = ()) -> Listen:
    """The Listen of ``state`` in ``lang`` (names from ``roster``), as the dialog builds it."""
    names = tuple(m.name for m in roster)
    match state:
        case "menu":
            return Listen("menu_main", PHRASES[lang]["menu"], expects=Expect(("menu",), intents=MENU_INTENTS))
        case "yes_no":
            return Listen("meeting_confirm", YES_NO_PHRASES.get(lang, ()), expects=Expect(("yes_no",)))
        case "amount":
            return Listen("meeting_ask_amount", max_digits=9, expects=Expect(("amount",)))
        case "digits":
            return Listen("meeting_ask_member", max_digits=8, expects=Expect(("digits",), globals=()))
        case "member_name":
            return Listen("meeting_ask_member", max_digits=4, expects=Expect(("member_name",), names=names))
        case "meeting_entry":
            return Listen("meeting_entry_ask", max_digits=ENTRY_DIGITS,
                          expects=Expect(("meeting_entry",), intents=ENTRY_COMMANDS, names=names))
    raise ValueError(f"unknown listen state {state!r}; one of {', '.join(STATES)}")


@dataclass(frozen=True)
class Meaning:
    """What a state made of one utterance: the intent (or None) and the entities of that state."""

    intent: str | None
    entities: dict[str, Any] = field(default_factory=dict)


def _major(minor: int, currency: str) -> int | float:
    value = minor / currency_of(currency).factor
    return int(value) if value == int(value) else value


def meaning(state: State, text: str, understanding: Understanding | None, *, lang: str, currency: str,
            roster: Sequence[RosterMember] = ()) -> Meaning:
    """The intent and entities of ``state`` for a transcript (``understanding`` = the NLU's reading of it)."""
    intent = understanding.intent if understanding is not None and understanding.intent != "nlu_fallback" else None
    if not text:
        return Meaning(None)
    match state:
        case "yes_no":
            return Meaning(intent if intent in ("affirm", "deny") else None)
        case "amount":
            found = find_amount(text, currency, lang)
            return Meaning(intent, {"amount": _major(found.minor, currency)} if found and found.minor > 0 else {})
        case "digits":
            digits = spoken_digits(text, lang)
            return Meaning(intent, {"digits": digits} if digits else {})
        case "member_name":
            entries = [NameEntry(m.member_id, m.name, (m.nickname,) if m.nickname else ()) for m in roster]
            ranked = parse.pick(find_members(text, entries)) if entries else ()
            return Meaning(intent, {"member": ranked[0].name} if len(ranked) == 1 else {})
        case "meeting_entry":
            p = parse.speech_entry(text, roster, currency, lang)
            ents: dict[str, Any] = {}
            if len(p.candidates) == 1:
                ents["member"] = p.candidates[0].name
            if p.type is not None:
                ents["type"] = p.type
            if p.amount_minor is not None:
                ents["amount"] = _major(p.amount_minor, currency)
            return Meaning(intent, ents)
    return Meaning(intent)
