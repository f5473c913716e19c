"""Submitting a recorded meeting: totals per type read back, then on yes one batch through the outbox.

Core unreachable -> "Saved. It will be sent when the network is back." (the outbox posts it later, exactly once:
one idempotency key per entry). Entries the core refuses are read back, kept in the draft and can be recorded
again correctly in the same call (or the next one: the draft is offered for resume).
"""

from __future__ import annotations

from dialogs.context import Conversation, Input
from dialogs.flow import StateDef, Step, goto
from dialogs.meeting.flow import YES_NO, ask, rejected_says, reprompt, to_entry
from dialogs.meeting.session import session, totals_says
from dialogs.values import Count


async def enter(c: Conversation, back: bool = False) -> list[Step]:
    m = session(c)
    assert m.draft is not None
    m.draft = await m.ports.store.draft(m.draft.draft_id)
    todo = [e for e in m.draft.entries if e.status == "confirmed"]
    if not todo:
        return [to_entry([c.say("meeting_no_entries")], short=True)]
    said = [*totals_says(c, m.draft.active, m.draft.currency), *c.says("meeting_submit_ask")]
    return ask(c, m, said, "meeting_submit_ask", expects=YES_NO)


async def on_submit(c: Conversation, inp: Input) -> list[Step]:
    m = session(c)
    if inp.kind == "none":
        return reprompt(c, m, "no_input")
    answer = {"1": True, "2": False}.get(inp.digits) if inp.kind == "digits" else (
        inp.reading.yes if inp.reading is not None else None)
    if answer is None:
        return reprompt(c, m, "no_match")
    if not answer:
        return [to_entry([c.say("meeting_back_to_entries")])]
    assert m.draft is not None
    outcome = await m.ports.submitter.submit(m.draft)
    m.draft = await m.ports.store.draft(m.draft.draft_id)
    if outcome.rejected:
        said = [c.say("meeting_posted_some", count=Count(len(outcome.sent)))] if outcome.sent else []
        return [to_entry([*said, *rejected_says(c, m)])]
    said = [c.say("meeting_queued") if outcome.queued else c.say("meeting_posted", count=Count(len(outcome.sent)))]
    return [*said, goto("menu")]


STATES = (StateDef("meeting_submit", enter, on_submit, protected=True, back="meeting_entry"),)
