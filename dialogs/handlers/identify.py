"""Who is calling: caller ID through the ledger, then (for members of several groups) which group."""

from __future__ import annotations

from rapidfuzz import fuzz

from dialogs.actions import Action, End
from dialogs.context import Conversation, Input
from dialogs.events import CallStarted
from dialogs.handlers import pin
from dialogs.handlers.ladder import group_options, listen_for, reprompt
from dialogs.values import Count, Name
from ledger_client.errors import LedgerError
from ledger_client.types import Membership

# A spoken group name matches when one of its words (4+ letters) is this close to a word the caller said.
NAME_MATCH_SCORE = 80
GENERIC_WORDS = {"group", "kikundi", "vsla", "women", "wanawake", "chama", "cha", "the"}


async def start(c: Conversation, event: CallStarted) -> list[Action]:
    """Look the caller up; known members go to the language menu (unless remembered), others hear a kind word."""
    c.caller = event.caller
    c.purpose = event.purpose
    await c.store.start_call(c.call_id, event.caller, event.direction, event.purpose, event.now or c.now())
    try:
        found = await c.timed_ledger(c.ledger.memberships(event.caller))
    except LedgerError:
        c.goto("ended")
        return [c.say("ledger_down"), End("ledger_down")]
    if not found.value.memberships:
        c.goto("unknown")
        return [c.say("unknown_caller"), listen_for(c, "unknown_caller")]
    c.memberships = list(found.value.memberships)
    if not c.lang_fixed:
        stored = await c.store.language_of(c.member_ids)
        if stored not in ("en", "sw"):
            c.after_language = "identify"
            c.goto("language")
            return [c.say("language_menu"), listen_for(c, "language_menu")]
        c.lang = "sw" if stored == "sw" else "en"
    return await identified(c)


async def identified(c: Conversation) -> list[Action]:
    """Greet the member by first name, then choose the group (if several) and go on to the PIN."""
    actions: list[Action] = [c.say("welcome_member", name=Name(c.memberships[0].first_name))]
    if len(c.memberships) == 1:
        return actions + await choose(c, c.memberships[0], announce=False)
    return actions + ask_group(c)


def ask_group(c: Conversation) -> list[Action]:
    c.goto("group")
    return [c.say("group_choose", count=Count(len(c.memberships))), *group_options(c), listen_for(c, "group_choose")]


def match_group(text: str, memberships: list[Membership]) -> Membership | None:
    """The one group whose name the caller said (fuzzy, per word); None when none or several match."""
    said = [w for w in text.lower().replace(",", " ").split() if len(w) >= 3]
    hits = []
    for m in memberships:
        words = [w for w in m.group_name.lower().split() if len(w) >= 4 and w not in GENERIC_WORDS]
        best = max((fuzz.ratio(a, b) for a in said for b in words), default=0.0)
        if best >= NAME_MATCH_SCORE:
            hits.append(m)
    return hits[0] if len(hits) == 1 else None


async def on_group(c: Conversation, inp: Input) -> list[Action]:
    if inp.kind == "none":
        return reprompt(c, "no_input")
    chosen: Membership | None = None
    if inp.kind == "digits" and inp.digits.isdigit() and 1 <= int(inp.digits) <= len(c.memberships):
        chosen = c.memberships[int(inp.digits) - 1]
    elif inp.kind == "speech":
        chosen = match_group(inp.text, c.memberships)
    if chosen is None:
        return reprompt(c, "no_match")
    return await choose(c, chosen, announce=True)


async def choose(c: Conversation, membership: Membership, *, announce: bool) -> list[Action]:
    c.membership = membership
    try:
        c.group = await c.timed_ledger(c.ledger.group(membership.group_id))
    except LedgerError:
        c.goto("ended")
        return [c.say("ledger_down"), End("ledger_down")]
    await c.store.identify_call(c.call_id, member_id=membership.member_id, group_id=membership.group_id,
                                name=membership.member_name, language=c.lang)
    actions: list[Action] = [c.say("group_chosen", name=Name(membership.group_name))] if announce else []
    return actions + await pin.enter(c)
