"""Shared moves of the meeting-recording states: ask a question (remembered for reprompts), reprompt, and `fill`,
which picks the next question for the entry being built — all returning `Goto`s, so no handler imports another."""

from __future__ import annotations

import languages
from dialogs.actions import End, Say
from dialogs.context import Conversation
from dialogs.expect import Expect
from dialogs.flow import Step, goto
from dialogs.meeting import parse
from dialogs.meeting.session import MeetingSession, tx_say
from dialogs.values import Count

YES_NO = Expect(("yes_no",))
# Commands said at the entry prompt (intent names of the NLU).
ENTRY_COMMANDS = ("undo_last", "read_back_all", "finish_recording")
# Confirmation answers the recogniser is biased to.
YES_NO_PHRASES = {code: tuple(str(w) for w in p.data("words.yml").get("meeting_commands") or ())
                  for code, p in languages.packs().items() if p.data("words.yml").get("meeting_commands")}


def roster_names(m: MeetingSession) -> tuple[str, ...]:
    return tuple(r.name for r in m.roster)


def ask(c: Conversation, m: MeetingSession, said: list[Say], prompt_id: str, *, expects: Expect, digits: int = 1,
        phrases: tuple[str, ...] = ()) -> list[Step]:
    """Say `said`, remember it for reprompts, and listen (speech + keypad)."""
    m.ask = said
    c.failures = 0
    return [*said, c.listen(prompt_id, phrases=phrases, digits=digits, expects=expects)]


def reprompt(c: Conversation, m: MeetingSession, prefix: str) -> list[Step]:
    """Sorry + the last question again; after too many misses a polite goodbye (every saved entry stays saved)."""
    c.failures += 1
    if c.failures > c.settings.reprompts + 1:
        c.goto("ended")
        return [c.say("meeting_goodbye_saved"), End("no_input" if prefix == "no_input" else "no_match")]
    listen = c.listening
    assert listen is not None
    return [c.say(prefix), *m.ask, listen]


def again(c: Conversation, m: MeetingSession, said: list[Say]) -> list[Step]:
    """`said`, then the current question again (without an apology and without resetting the ladder)."""
    return [*said, *m.ask, *([c.listening] if c.listening else [])]


def to_entry(said: list[Say] | None = None, *, short: bool = False) -> Step:
    return goto("meeting_entry", said=list(said or []), short=short)


def rejected_says(c: Conversation, m: MeetingSession) -> list[Say]:
    """The entries the core refused, each read back, and how to fix them (record again correctly, finish)."""
    assert m.draft is not None
    bad = m.draft.rejected
    if not bad:
        return []
    return [c.say("meeting_rejected_intro", count=Count(len(bad))),
            *[tx_say(c, e, m.draft.currency) for e in bad], c.say("meeting_rejected_fix")]


def fill(c: Conversation, m: MeetingSession, said: list[Say] | None = None) -> list[Step]:
    """The question for the first missing piece (which member, type, amount); with all of them, the read-back."""
    p, said = m.pending, list(said or [])
    if p.bulk:
        if p.type is not None and p.type not in parse.BULK_TYPES:
            return [to_entry([*said, c.say("meeting_bulk_not_allowed")])]
    elif p.member is None:
        if len(p.candidates) == 1:
            p.member = p.candidates[0]
        elif len(p.candidates) > 1:
            return [goto("meeting_which", said=said)]
        else:
            return [goto("meeting_member", said=said)]
    if p.type is None:
        return [goto("meeting_type", said=said)]
    if p.amount_minor is None:
        return [goto("meeting_amount", said=said)]
    return [goto("meeting_confirm", said=said)]
