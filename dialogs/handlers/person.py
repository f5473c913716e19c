"""Speaking to a person (the group's secretary or a field officer), goodbye, and the unknown-caller branch."""

from __future__ import annotations

from dialogs.actions import Action, End, Transfer
from dialogs.context import Conversation, Input
from dialogs.handlers.ladder import listen_for, reprompt
from dialogs.values import Name
from ledger_client.errors import LedgerError


def goodbye(c: Conversation) -> list[Action]:
    c.goto("ended")
    return [c.say("goodbye"), End("completed")]


async def secretary_of(c: Conversation) -> tuple[str, str] | None:
    """(member id, name) of the caller's group secretary, or None when the ledger doesn't say."""
    if c.group is None or not c.group.value.secretary_member_id:
        return None
    wanted = c.group.value.secretary_member_id
    try:
        roster = await c.timed_ledger(c.ledger.roster(c.group.value.group_id))
    except LedgerError:
        return None
    for member in roster.value.members:
        if member.member_id == wanted:
            return member.member_id, member.name
    return None


async def transfer(c: Conversation) -> list[Action]:
    """Hand over to a person; with nobody configured or known, say so kindly and keep listening."""
    officer = c.settings.field_officer
    order = ("field_officer", "secretary") if c.settings.transfer_to == "field_officer" else ("secretary",
                                                                                             "field_officer")
    for kind in order:
        if kind == "field_officer" and officer:
            c.goto("ended")
            return [c.say("transfer_officer"), Transfer("field_officer", officer,
                                                        c.group.value.group_id if c.group else None)]
        if kind == "secretary" and (found := await secretary_of(c)):
            member_id, name = found
            c.goto("ended")
            return [c.say("transfer", name=Name(name)), Transfer("secretary", member_id, c.group.value.group_id
                                                                 if c.group else None)]
    if c.state == "unknown":
        return [c.say("transfer_unavailable"), *goodbye(c)]
    prompt = "menu_short" if c.authenticated else "menu_limited"
    if c.state == "menu":
        return [c.say("transfer_unavailable"), c.say(prompt), listen_for(c, prompt)]
    return [c.say("transfer_unavailable"), listen_for(c, c.listening.prompt_id if c.listening else prompt)]


async def on_unknown(c: Conversation, inp: Input) -> list[Action]:
    """An unknown number may reach a person or end the call; anything else walks down the ladder."""
    if inp.kind == "none":
        return reprompt(c, "no_input")
    if inp.digits == "0" or inp.intent == "speak_to_person":
        return await transfer(c)
    if inp.digits == "*" or inp.intent == "goodbye":
        return goodbye(c)
    if inp.intent in ("help", "repeat"):
        c.failures = 0
        return [c.say("unknown_caller"), listen_for(c, "unknown_caller")]
    return reprompt(c, "no_match")
