"""PIN on the keypad before any personal figure: never spoken back, never stored, lockout explained kindly."""

from __future__ import annotations

import math
from datetime import datetime

from dialogs.actions import Action
from dialogs.context import Conversation, Input
from dialogs.handlers import menu
from dialogs.handlers.ladder import listen_for, reprompt
from dialogs.handlers.person import secretary_of
from dialogs.values import Count, Name


async def enter(c: Conversation) -> list[Action]:
    assert c.membership is not None
    status = await c.store.pin_status(c.membership.member_id, c.now())
    if status.kind == "none":
        return await no_pin(c)
    if status.kind == "locked" and status.locked_until is not None:
        return locked(c, status.locked_until)
    c.goto("pin")
    return [c.say("pin_ask", digits=Count(c.settings.pin_length)), listen_for(c, "pin_ask")]


async def on_pin(c: Conversation, inp: Input) -> list[Action]:
    """Keypad only: speech here is never sent to the NLU or stored (the caller may have said the PIN aloud)."""
    assert c.membership is not None
    if inp.kind == "none":
        return reprompt(c, "no_input")
    if inp.kind == "speech":
        return reprompt(c, "pin_keypad_only")
    s = c.settings
    check = await c.store.verify_pin(c.membership.member_id, inp.digits, now=c.now(),
                                     max_attempts=s.pin_max_attempts, lock_minutes=s.pin_lock_minutes)
    if check.status == "ok":
        c.authenticated = True
        return [c.say("pin_ok"), *menu.enter(c)]
    if check.status == "wrong":
        remaining = check.remaining or 0
        said = c.say("pin_wrong_last") if remaining == 1 else c.say("pin_wrong", remaining=Count(remaining))
        return [said, listen_for(c, "pin_short")]
    if check.status == "locked" and check.locked_until is not None:
        return locked(c, check.locked_until)
    return await no_pin(c)


def locked(c: Conversation, until: datetime) -> list[Action]:
    """Explain the pause in whole minutes (rounded up), then offer what needs no PIN."""
    minutes = max(1, math.ceil((until - c.now()).total_seconds() / 60))
    return [c.say("pin_locked", minutes=Count(minutes)), *menu.enter(c)]


async def no_pin(c: Conversation) -> list[Action]:
    """First-time member: how to get a PIN (from the group secretary); figures stay private meanwhile."""
    found = await secretary_of(c)
    said = c.say("pin_none", secretary=Name(found[1])) if found else c.say("pin_none_no_name")
    return [said, *menu.enter(c)]
