"""Submitting a recorded meeting: totals per type read back, then on yes one batch through the outbox.

Core unreachable -> "Saved. It will be sent when the network is back." (the outbox posts it later, exactly once:
one idempotency key per entry). Entries the core refuses are read back, kept in the draft and can be recorded
again correctly in the same call (or the next one: the draft is offered for resume).
"""

from __future__ import annotations

from dialogs.actions import Action, Say
from dialogs.context import Conversation, Input
from dialogs.meeting.session import MeetingSession, totals_says
from dialogs.values import Count


async def ask_submit(c: Conversation, m: MeetingSession, said: list[Say]) -> list[Action]:
    from dialogs.handlers.meeting import YES_NO_EXPECT, ask
    from dialogs.handlers.meeting_entry import ask_entry

    assert m.draft is not None
    m.draft = await m.ports.store.draft(m.draft.draft_id)
    todo = [e for e in m.draft.entries if e.status == "confirmed"]
    if not todo:
        return ask_entry(c, m, [*said, c.say("meeting_no_entries")], short=True)
    m.step = "submit"
    return ask(c, m, [*said, *totals_says(c, m.draft.active, m.draft.currency), c.say("meeting_submit_ask")],
               "meeting_submit_ask", expects=YES_NO_EXPECT)


async def on_submit(c: Conversation, m: MeetingSession, inp: Input) -> list[Action]:
    from dialogs.handlers import menu
    from dialogs.handlers.meeting import reprompt, yes_no
    from dialogs.handlers.meeting_entry import ask_entry, rejected_says

    answer = yes_no(inp)
    if answer is None:
        return reprompt(c, m, "no_match")
    if not answer:
        return ask_entry(c, m, [c.say("meeting_back_to_entries")])
    assert m.draft is not None
    outcome = await m.ports.submitter.submit(m.draft)
    m.draft = await m.ports.store.draft(m.draft.draft_id)
    if outcome.rejected:
        said = []
        if outcome.sent:
            said.append(c.say("meeting_posted_some", count=Count(len(outcome.sent))))
        return ask_entry(c, m, [*said, *rejected_says(c, m)])
    said = [c.say("meeting_queued") if outcome.queued else c.say("meeting_posted", count=Count(len(outcome.sent)))]
    return [*said, *menu.enter(c)]
