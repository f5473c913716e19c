"""The entry loop: entries by voice or keypad, name disambiguation, missing pieces asked alone, read-back + yes.

An entry is committed to the IVR database (dialogs.meeting.sql) BEFORE the caller hears "Saved", so a dropped
call, a crash or a restart never loses a confirmed entry. "No" (or 2) at the read-back redoes the entry.
"""

from __future__ import annotations

from dialogs.actions import Action, Say
from dialogs.context import Conversation, Input
from dialogs.expect import Expect
from dialogs.meeting import parse
from dialogs.meeting.ports import NewEntry
from dialogs.meeting.session import MeetingSession, Pending, bulk_say, totals_says, tx_say
from dialogs.values import Count, Money, Name
from nlu.normalise.amounts import find_amount
from nlu.normalise.transactions import transaction_type

# Commands said at the entry prompt (intent names of the NLU).
ENTRY_COMMANDS = ("undo_last", "read_back_all", "finish_recording")
ENTRY_DIGITS = 24  # "12*4*150000" and more, ended by #
# Confirmation answers the recogniser is biased to; entries themselves are open vocabulary (names + any amount),
# so their Listens carry no phrase list (a grammar-constrained engine could not hear "two hundred and fifty").
YES_NO = {"en": ("yes", "no", "undo", "finish"), "sw": ("ndiyo", "hapana", "futa", "maliza")}


def _ask(c: Conversation, m: MeetingSession, said: list[Say], prompt_id: str, digits: int = 1,
         phrases: tuple[str, ...] = (), *, expects: Expect) -> list[Action]:
    from dialogs.handlers.meeting import ask

    return ask(c, m, said, prompt_id, digits=digits, phrases=phrases, expects=expects)


def roster_names(m: MeetingSession) -> tuple[str, ...]:
    return tuple(r.name for r in m.roster)


def ask_entry(c: Conversation, m: MeetingSession, said: list[Say], *, short: bool = False) -> list[Action]:
    m.step, m.pending = "entry", Pending()
    prompt = "meeting_entry_short" if short else "meeting_entry_ask"
    return _ask(c, m, [*said, c.say(prompt)], prompt, ENTRY_DIGITS,
                expects=Expect(("meeting_entry",), intents=ENTRY_COMMANDS, names=roster_names(m)))


def rejected_says(c: Conversation, m: MeetingSession) -> list[Say]:
    """The entries the core refused, each read back, and how to fix them (record again correctly, finish)."""
    assert m.draft is not None
    bad = m.draft.rejected
    if not bad:
        return []
    return [c.say("meeting_rejected_intro", count=Count(len(bad))),
            *[tx_say(c, e, m.draft.currency) for e in bad], c.say("meeting_rejected_fix")]


async def on_entry_step(c: Conversation, m: MeetingSession, inp: Input) -> list[Action]:
    from dialogs.handlers.meeting import reprompt

    match m.step:
        case "entry":
            return await _on_entry(c, m, inp)
        case "which":
            return _on_which(c, m, inp)
        case "member":
            return _on_member(c, m, inp)
        case "type":
            return _on_type(c, m, inp)
        case "amount":
            return _on_amount(c, m, inp)
        case "confirm":
            return await _on_confirm(c, m, inp)
    return reprompt(c, m, "no_match")


async def _on_entry(c: Conversation, m: MeetingSession, inp: Input) -> list[Action]:
    from dialogs.handlers.meeting import reprompt

    currency = c.currency
    if inp.kind == "digits":
        if inp.digits in parse.KEY_COMMANDS:
            return await command(c, m, parse.KEY_COMMANDS[inp.digits])  # type: ignore[arg-type]
        parsed = parse.keypad_entry(inp.digits, m.roster, currency)
        if parsed is None:
            return [c.say("meeting_member_unknown"), *m.ask, *_listen(c)]
        m.pending = Pending(candidates=parsed.candidates, type=parsed.type, amount_minor=parsed.amount_minor,
                            transcript=[f"keypad:{inp.digits}"])
        return fill(c, m)
    parsed = parse.speech_entry(inp.text, m.roster, currency, c.lang)
    if parsed.amount_minor is None and not parsed.bulk:  # a command never has an amount in it
        cmd = parse.command_of(inp.text, inp.intent)
        if cmd is not None:
            return await command(c, m, cmd)
        if not parsed.candidates and parsed.type is None:
            return reprompt(c, m, "no_match")
    m.pending = Pending(candidates=parsed.candidates, type=parsed.type, amount_minor=parsed.amount_minor,
                        bulk=parsed.bulk, transcript=[inp.text])
    return fill(c, m)


def _listen(c: Conversation) -> list[Action]:
    return [c.listening] if c.listening else []


def fill(c: Conversation, m: MeetingSession, said: list[Say] | None = None) -> list[Action]:
    """Ask for the first missing piece (which member, type, amount); with all of them, read back and ask yes/no."""
    p, said = m.pending, list(said or [])
    if p.bulk:
        if p.type is not None and p.type not in parse.BULK_TYPES:
            return ask_entry(c, m, [*said, c.say("meeting_bulk_not_allowed")])
    elif p.member is None:
        if len(p.candidates) == 1:
            p.member = p.candidates[0]
        elif len(p.candidates) > 1:
            m.step = "which"
            names = {f"n{i}": Name(cand.name) for i, cand in enumerate(p.candidates, 1)}
            prompt = "meeting_which" if len(p.candidates) == 2 else "meeting_which3"
            options = tuple(cand.name for cand in p.candidates)
            return _ask(c, m, [*said, c.say(prompt, **names)], prompt, phrases=options,
                        expects=Expect(("member_name",), names=options))
        else:
            m.step = "member"
            return _ask(c, m, [*said, c.say("meeting_ask_member")], "meeting_ask_member", 4,
                        expects=Expect(("member_name",), names=roster_names(m)))
    if p.type is None:
        m.step = "type"
        return _ask(c, m, [*said, c.say("meeting_ask_type")], "meeting_ask_type",
                    expects=Expect(("transaction_type",)))
    if p.amount_minor is None:
        m.step = "amount"
        return _ask(c, m, [*said, c.say("meeting_ask_amount")], "meeting_ask_amount", 9, expects=Expect(("amount",)))
    m.step = "confirm"
    assert m.draft is not None
    if p.bulk:
        read = bulk_say(c, p.type, p.amount_minor, len(m.roster), m.draft.currency)
    else:
        read = tx_say(c, p, m.draft.currency)
    return _ask(c, m, [*said, read, c.say("meeting_confirm")], "meeting_confirm", phrases=YES_NO.get(c.lang, ()),
                expects=Expect(("yes_no", "menu"), intents=("undo_last", "finish_recording")))


def _on_which(c: Conversation, m: MeetingSession, inp: Input) -> list[Action]:
    from dialogs.handlers.meeting import reprompt

    p = m.pending
    chosen = None
    if inp.kind == "digits" and inp.digits.isdigit() and 1 <= int(inp.digits) <= len(p.candidates):
        chosen = p.candidates[int(inp.digits) - 1]
    elif inp.kind == "speech":
        chosen = parse.best_of(inp.text, p.candidates, m.roster)
    if chosen is None:
        return reprompt(c, m, "no_match")
    p.member = chosen
    return fill(c, m)


def _on_member(c: Conversation, m: MeetingSession, inp: Input) -> list[Action]:
    p = m.pending
    if inp.kind == "digits":
        member = parse.by_number(m.roster, inp.digits)
        p.candidates = (member,) if member else ()
    else:
        p.candidates = parse.names_in(inp.text, m.roster)
        p.transcript.append(inp.text)
    if not p.candidates:
        return [c.say("meeting_member_unknown"), *m.ask, *_listen(c)]
    return fill(c, m)


def _on_type(c: Conversation, m: MeetingSession, inp: Input) -> list[Action]:
    from dialogs.handlers.meeting import reprompt

    if inp.kind == "digits":
        kind = parse.TYPE_CODES.get(inp.digits)
    else:
        found = transaction_type(inp.text)
        kind = parse.LEDGER_TYPE[found] if found else None
    if kind is None:
        return reprompt(c, m, "no_match")
    m.pending.type = kind
    return fill(c, m)


def _on_amount(c: Conversation, m: MeetingSession, inp: Input) -> list[Action]:
    """Only the amount is asked again; an unreadable one is asked for again, never guessed."""
    if inp.kind == "digits":
        amount = parse.keypad_amount(inp.digits, c.currency)
    else:
        found = find_amount(inp.text, c.currency, c.lang)
        amount = found.minor if found and found.minor > 0 else None
        m.pending.transcript.append(inp.text)
    if amount is None:
        return [c.say("meeting_amount_unreadable"), *m.ask, *_listen(c)]
    m.pending.amount_minor = amount
    return fill(c, m)


async def _on_confirm(c: Conversation, m: MeetingSession, inp: Input) -> list[Action]:
    from dialogs.handlers.meeting import reprompt, yes_no

    answer = yes_no(inp)
    if answer is None:
        return reprompt(c, m, "no_match")
    if not answer:
        return ask_entry(c, m, [c.say("meeting_redo")])
    p = m.pending
    assert m.draft is not None and p.type is not None and p.amount_minor is not None
    transcript = " | ".join(p.transcript) or None
    if p.bulk:
        new = [NewEntry(r.member_id, r.name, p.type, p.amount_minor, transcript, bulk=True) for r in m.roster]
    else:
        assert p.member is not None
        new = [NewEntry(p.member.member_id, p.member.name, p.type, p.amount_minor, transcript)]
    # committed here, before the caller hears "Saved"
    await m.ports.store.add_entries(m.draft.draft_id, new, call_id=c.call_id, at=c.now())
    m.draft = await m.ports.store.draft(m.draft.draft_id)
    return ask_entry(c, m, [c.say("meeting_saved", count=Count(len(m.draft.active)))], short=True)


async def command(c: Conversation, m: MeetingSession, cmd: parse.Command) -> list[Action]:
    from dialogs.handlers import meeting_submit

    assert m.draft is not None
    currency = m.draft.currency
    if cmd == "undo":
        gone = await m.ports.store.undo_last(m.draft.draft_id)
        m.draft = await m.ports.store.draft(m.draft.draft_id)
        if gone is None:
            return ask_entry(c, m, [c.say("meeting_nothing_to_undo")], short=True)
        if gone.bulk:
            return ask_entry(c, m, [c.say("meeting_undone_bulk", amount=Money(gone.amount_minor, currency))],
                             short=True)
        return ask_entry(c, m, [c.say("meeting_undone"), tx_say(c, gone, currency)], short=True)
    m.draft = await m.ports.store.draft(m.draft.draft_id)
    entries = m.draft.active
    if cmd == "read_all":
        if not entries:
            return ask_entry(c, m, [c.say("meeting_read_none")], short=True)
        said = [c.say("meeting_read_intro", count=Count(len(entries)))]
        return ask_entry(c, m, [*said, *[tx_say(c, e, currency) for e in entries]], short=True)
    if cmd == "total":
        return ask_entry(c, m, totals_says(c, entries, currency), short=True)
    return await meeting_submit.ask_submit(c, m, [])
