"""Speaking to a person and saying goodbye: the global intents, shared by every state (never a handler import).

Transfer never connects callers to themselves: a secretary asking for a person is offered the chair, then the
field officer; anyone else gets the configured order (secretary or field officer first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from dialogs.actions import End, Transfer
from dialogs.values import Name
from ledger_client.errors import LedgerError

if TYPE_CHECKING:
    from dialogs.context import Conversation
    from dialogs.flow import Step


@dataclass(frozen=True)
class Person:
    kind: Literal["secretary", "chair", "field_officer"]
    destination: str  # a ledger member id, or the field officer's dial target
    name: str | None = None


def goodbye(c: Conversation) -> list[Step]:
    c.goto("ended")
    return [c.say("goodbye"), End("completed")]


async def _roster(c: Conversation) -> list:
    if c.group is None:
        return []
    try:
        return list((await c.timed_ledger(c.ledger.roster(c.group.value.group_id))).value.members)
    except LedgerError:
        return []


async def secretary_of(c: Conversation) -> tuple[str, str] | None:
    """(member id, name) of the caller's group secretary, or None when the ledger doesn't say."""
    if c.group is None or not c.group.value.secretary_member_id:
        return None
    wanted = c.group.value.secretary_member_id
    for member in await _roster(c):
        if member.member_id == wanted:
            return member.member_id, member.name
    return None


async def people_to_reach(c: Conversation) -> list[Person]:
    """Who "speak to a person" may reach, in order, never the caller themself."""
    me = set(c.member_ids)
    officer = c.settings.field_officer
    group_people: list[Person] = []
    roster = await _roster(c)
    secretary_id = c.group.value.secretary_member_id if c.group else None
    secretary = next((m for m in roster if m.member_id == secretary_id), None)
    chairs = [m for m in roster if m.role == "chair"]
    if secretary is not None and secretary.member_id not in me:
        group_people.append(Person("secretary", secretary.member_id, secretary.name))
    else:
        # the caller is the secretary (or the group has none we know of): the chair, then the field officer
        group_people += [Person("chair", m.member_id, m.name) for m in chairs[:1] if m.member_id not in me]
    officers = [Person("field_officer", officer)] if officer else []
    caller_is_secretary = secretary is not None and secretary.member_id in me
    if c.settings.transfer_to == "field_officer" and not caller_is_secretary:
        return officers + group_people
    return group_people + officers


async def transfer(c: Conversation) -> list[Step]:
    """Hand over to a person; with nobody to reach, say so kindly and keep listening (or end, for strangers)."""
    found = await people_to_reach(c)
    group_id = c.group.value.group_id if c.group else None
    if found:
        person = found[0]
        c.goto("ended")
        if person.kind == "field_officer":
            said = c.say("transfer_officer")
        else:
            said = c.say("transfer" if person.kind == "secretary" else "transfer_chair", name=Name(person.name or ""))
        return [said, Transfer(person.kind, person.destination, group_id)]
    if c.state == "unknown":
        return [c.say("transfer_unavailable"), *goodbye(c)]
    if c.state in ("menu", "menu_more"):
        prompt = "menu_short" if c.authenticated else "menu_limited"
        from dialogs.ladder import listen_for

        return [c.say("transfer_unavailable"), c.say(prompt), listen_for(c, prompt)]
    return [c.say("transfer_unavailable"), *([c.listening] if c.listening else [])]


async def global_intent(c: Conversation, intent: str) -> list[Step]:
    if intent == "goodbye":
        return goodbye(c)
    if intent == "speak_to_person":
        return await transfer(c)
    raise ValueError(f"not a global intent: {intent!r}")
