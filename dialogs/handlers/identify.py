"""Who is calling: caller ID through the ledger (or a typed number when it is hidden), then which group.

The language is asked only when neither the member's remembered choice nor the ledger knows it.
"""

from __future__ import annotations

from dialogs.actions import End
from dialogs.context import Conversation, Input
from dialogs.events import CallStarted
from dialogs.flow import StateDef, Step, goto
from dialogs.ladder import group_options, listen_for, reprompt
from dialogs.prompts import CATALOGS
from dialogs.values import Count, Name
from ledger_client.errors import LedgerError
from ledger_client.types import Membership

# The languages the dialogs can speak: every installed pack with a prompt catalog.
LANGUAGES = tuple(CATALOGS)
# What networks put in the caller ID when the number is withheld.
HIDDEN_CALLER_IDS = frozenset({"", "anonymous", "unknown", "restricted", "private", "withheld", "unavailable"})


def hidden(caller: str) -> bool:
    return caller.strip().lower() in HIDDEN_CALLER_IDS or not any(ch.isdigit() for ch in caller)


async def start(c: Conversation, event: CallStarted, back: bool = False) -> list[Step]:
    """Look the caller up; a hidden number is asked for; strangers hear a kind word."""
    c.caller = event.caller
    c.purpose = event.purpose
    await c.store.start_call(c.call_id, event.caller, event.direction, event.purpose, event.now or c.now())
    if hidden(event.caller):
        return [c.say("number_hidden"), goto("hidden_number")]
    return await look_up(c, event.caller)


async def look_up(c: Conversation, phone: str) -> list[Step]:
    try:
        found = await c.timed_ledger(c.ledger.memberships(phone))
    except LedgerError:
        c.goto("ended")
        return [c.say("ledger_down"), End("ledger_down")]
    if not found.value.memberships:
        return [goto("unknown")]
    c.memberships = list(found.value.memberships)
    if not c.lang_fixed:
        known = await c.store.language_of(c.member_ids)
        if known not in LANGUAGES:
            known = next((m.language for m in c.memberships if m.language in LANGUAGES), None)
        if known is None or known not in LANGUAGES:
            return [goto("language", back_to="identify")]
        c.lang = known
    return [goto("identified")]


async def identified(c: Conversation, back: bool = False) -> list[Step]:
    """Greet the member by first name, then choose the group (if several) and go on to the PIN."""
    greet = c.say("welcome_member", name=Name(c.memberships[0].first_name))
    if len(c.memberships) == 1:
        return [greet, *await choose(c, c.memberships[0], announce=False)]
    return [greet, goto("group")]


async def ask_group(c: Conversation, back: bool = False) -> list[Step]:
    return [c.say("group_choose", count=Count(len(c.memberships))), *group_options(c),
            listen_for(c, "group_choose")]


async def on_group(c: Conversation, inp: Input) -> list[Step]:
    if inp.kind == "none":
        return reprompt(c, "no_input")
    if inp.reading is not None and inp.reading.intent == "change_language":
        return [goto("language", back_to="group")]
    chosen: Membership | None = None
    if inp.kind == "digits" and inp.digits.isdigit() and 1 <= int(inp.digits) <= len(c.memberships):
        chosen = c.memberships[int(inp.digits) - 1]
    elif inp.reading is not None and inp.reading.phrase:
        chosen = next((m for m in c.memberships if m.group_name == inp.reading.phrase), None)
    if chosen is None:
        return reprompt(c, "no_match")
    return await choose(c, chosen, announce=True)


async def choose(c: Conversation, membership: Membership, *, announce: bool) -> list[Step]:
    c.membership = membership
    try:
        c.group = await c.timed_ledger(c.ledger.group(membership.group_id))
    except LedgerError:
        c.goto("ended")
        return [c.say("ledger_down"), End("ledger_down")]
    await c.store.identify_call(c.call_id, member_id=membership.member_id, group_id=membership.group_id,
                                name=membership.member_name, language=c.lang)
    said = [c.say("group_chosen", name=Name(membership.group_name))] if announce else []
    return [*said, goto("pin")]


async def ask_number(c: Conversation, back: bool = False) -> list[Step]:
    return [c.say("number_ask"), listen_for(c, "number_ask")]


async def on_number(c: Conversation, inp: Input) -> list[Step]:
    """The caller types the number their group knows; the PIN still guards every figure."""
    if inp.kind == "none":
        return reprompt(c, "no_input")
    digits = inp.digits if inp.kind == "digits" else ""
    if len(digits) < 7 or not digits.isdigit():
        return reprompt(c, "no_match")
    c.caller = "+" + digits if not digits.startswith("0") else digits
    return await look_up(c, c.caller)


async def unknown(c: Conversation, back: bool = False) -> list[Step]:
    return [c.say("unknown_caller"), c.say("unknown_options"), listen_for(c, "unknown_options")]


async def on_unknown(c: Conversation, inp: Input) -> list[Step]:
    """An unknown number may reach a person or end the call; anything else walks down the ladder."""
    if inp.kind == "none":
        return reprompt(c, "no_input")
    intent = inp.reading.intent if inp.reading is not None else None
    if intent == "help":
        c.failures = 0
        return await unknown(c)
    if intent == "change_language":
        return [goto("language", back_to="unknown")]
    return reprompt(c, "no_match")


async def _starts_only(c: Conversation, inp: Input) -> list[Step]:
    raise RuntimeError("this state has no question of its own")


STATES = (
    StateDef("identify", start, _starts_only),
    StateDef("identified", identified, _starts_only),
    StateDef("group", ask_group, on_group),
    StateDef("hidden_number", ask_number, on_number),
    StateDef("unknown", unknown, on_unknown),
)
