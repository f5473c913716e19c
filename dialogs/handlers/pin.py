"""PIN on the keypad before any personal figure: never spoken back, never stored, lockout explained kindly.

A call on the meeting line (CallStarted.purpose "meeting") goes from a correct PIN straight to recording.
"""

from __future__ import annotations

import math
from datetime import datetime

from dialogs.context import Conversation, Input
from dialogs.flow import StateDef, Step, goto
from dialogs.ladder import listen_for, reprompt
from dialogs.people import secretary_of
from dialogs.values import Count, Name


async def enter(c: Conversation, back: bool = False) -> list[Step]:
    assert c.membership is not None
    # one person, every group and this calling number: three wrong PINs in total lock them all
    status = await c.store.pin_status(c.membership.member_id, c.now(), phone=c.caller, member_ids=c.member_ids)
    if status.kind == "none":
        return await no_pin(c)
    if status.kind == "locked" and status.locked_until is not None:
        return locked(c, status.locked_until)
    return [c.say("pin_ask", digits=Count(c.settings.pin_length)), listen_for(c, "pin_ask")]


async def on_pin(c: Conversation, inp: Input) -> list[Step]:
    """Keypad only: speech here is never sent to the NLU or stored (the caller may have said the PIN aloud)."""
    assert c.membership is not None
    if inp.kind == "none":
        return reprompt(c, "no_input")
    if inp.kind == "speech":
        return reprompt(c, "pin_keypad_only")
    s = c.settings
    check = await c.store.verify_pin(c.membership.member_id, inp.digits, now=c.now(),
                                     max_attempts=s.pin_max_attempts, lock_minutes=s.pin_lock_minutes,
                                     phone=c.caller, member_ids=c.member_ids)
    if check.status == "ok":
        c.authenticated = True
        c.pin_locked_until = None
        return [c.say("pin_ok"), after_pin(c)]
    if check.status == "wrong":
        remaining = check.remaining or 0
        said = c.say("pin_wrong_last") if remaining == 1 else c.say("pin_wrong", remaining=Count(remaining))
        return [said, listen_for(c, "pin_short")]
    if check.status == "locked" and check.locked_until is not None:
        return locked(c, check.locked_until)
    return await no_pin(c)


def after_pin(c: Conversation) -> Step:
    if c.purpose == "meeting" and c.meetings is not None:
        return goto("meeting_consent")
    return goto("menu")


def locked(c: Conversation, until: datetime) -> list[Step]:
    """Explain the pause in whole minutes (rounded up), then offer what needs no PIN."""
    c.pin_locked_until = until
    minutes = max(1, math.ceil((until - c.now()).total_seconds() / 60))
    return [c.say("pin_locked", minutes=Count(minutes)), c.say("pin_locked_help"), goto("menu")]


async def no_pin(c: Conversation) -> list[Step]:
    """First-time member: how to get a PIN (from the group secretary); figures stay private meanwhile."""
    found = await secretary_of(c)
    said = c.say("pin_none", secretary=Name(found[1])) if found else c.say("pin_none_no_name")
    return [said, c.say("pin_none_meanwhile"), goto("menu")]


STATES = (StateDef("pin", enter, on_pin, protected=True),)
