"""The entry loop: entries by voice or keypad, namesakes asked about, missing pieces asked alone, read-back + yes.

An entry is committed to the IVR database (dialogs.meeting.sql) BEFORE the caller hears "Saved", so a dropped
call, a crash or a restart never loses a confirmed entry. Repair, not restart: "no" at the read-back asks what
should change and keeps the rest ("no, five hundred" corrects the amount at once); a name heard alone and matched
loosely is checked ("I heard Peter Otieno. Say yes, or say the name again").
"""

from __future__ import annotations

from dialogs.context import Conversation, Input
from dialogs.expect import Expect
from dialogs.flow import StateDef, Step, goto
from dialogs.meeting import parse
from dialogs.meeting.flow import (
    ENTRY_COMMANDS,
    YES_NO_PHRASES,
    again,
    ask,
    fill,
    reprompt,
    roster_names,
    to_entry,
)
from dialogs.meeting.ports import NewEntry
from dialogs.meeting.session import MeetingSession, Pending, bulk_say, session, totals_says, tx_say
from dialogs.values import Count, Money, Name
from nlu.normalise.amounts import find_amount

ENTRY_DIGITS = 24  # "12*4*150000" and more, ended by #


def _expect_entry(m: MeetingSession) -> Expect:
    return Expect(("meeting_entry",), intents=ENTRY_COMMANDS, names=roster_names(m))


# --- the entry question ---------------------------------------------------------------------------------------


async def enter_entry(c: Conversation, said: list | None = None, short: bool = False,
                      back: bool = False) -> list[Step]:
    m = session(c)
    m.pending = Pending()
    prompts = ["meeting_entry_short"] if short or back else ["meeting_entry_ask", "meeting_entry_keys",
                                                                           "meeting_entry_commands"]
    return ask(c, m, [*(said or []), *(c.say(p) for p in prompts)], prompts[0], digits=ENTRY_DIGITS,
               expects=_expect_entry(m))


async def on_entry(c: Conversation, inp: Input) -> list[Step]:
    m = session(c)
    if inp.kind == "none":
        return reprompt(c, m, "no_input")
    if inp.kind == "digits":
        if inp.digits in parse.KEY_COMMANDS:
            return await command(c, m, parse.KEY_COMMANDS[inp.digits])  # type: ignore[arg-type]
        parsed = parse.keypad_entry(inp.digits, m.roster, c.currency)
        if parsed is None:
            return again(c, m, [c.say("meeting_member_unknown")])
        m.pending = Pending(candidates=parsed.candidates, type=parsed.type, amount_minor=parsed.amount_minor,
                            transcript=[f"keypad:{inp.digits}"])
        return fill(c, m)
    reading = inp.reading
    if reading is None:
        return reprompt(c, m, "no_match")
    if reading.command is not None:
        return await command(c, m, reading.command)
    parsed = reading.entry
    assert parsed is not None
    m.pending = Pending(candidates=parsed.candidates, type=parsed.type, amount_minor=parsed.amount_minor,
                        bulk=parsed.bulk, transcript=[inp.text])
    return fill(c, m)


async def command(c: Conversation, m: MeetingSession, cmd: parse.Command) -> list[Step]:
    assert m.draft is not None
    currency = m.draft.currency
    if cmd == "undo":
        gone = await m.ports.store.undo_last(m.draft.draft_id)
        m.draft = await m.ports.store.draft(m.draft.draft_id)
        if gone is None:
            return [to_entry([c.say("meeting_nothing_to_undo")], short=True)]
        if gone.bulk:
            return [to_entry([c.say("meeting_undone_bulk", amount=Money(gone.amount_minor, currency))], short=True)]
        return [to_entry([c.say("meeting_undone"), tx_say(c, gone, currency)], short=True)]
    m.draft = await m.ports.store.draft(m.draft.draft_id)
    entries = m.draft.active
    if cmd == "read_all":
        if not entries:
            return [to_entry([c.say("meeting_read_none")], short=True)]
        said = [c.say("meeting_read_intro", count=Count(len(entries))), *[tx_say(c, e, currency) for e in entries]]
        return [to_entry(said, short=True)]
    if cmd == "total":
        return [to_entry(totals_says(c, entries, currency), short=True)]
    return [goto("meeting_submit")]


# --- which namesake ---------------------------------------------------------------------------------------------


async def enter_which(c: Conversation, said: list | None = None, back: bool = False) -> list[Step]:
    m = session(c)
    p = m.pending
    names = {f"n{i}": Name(cand.name) for i, cand in enumerate(p.candidates, 1)}
    prompt = "meeting_which" if len(p.candidates) == 2 else "meeting_which3"
    options = tuple(cand.name for cand in p.candidates)
    return ask(c, m, [*(said or []), c.say(prompt, **names)], prompt, phrases=options,
               expects=Expect(("member_name",), names=options))


async def on_which(c: Conversation, inp: Input) -> list[Step]:
    m = session(c)
    if inp.kind == "none":
        return reprompt(c, m, "no_input")
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


# --- which member (name or number), and the check of a loosely heard name --------------------------------------


async def enter_member(c: Conversation, said: list | None = None, back: bool = False) -> list[Step]:
    m = session(c)
    return ask(c, m, [*(said or []), c.say("meeting_ask_member")], "meeting_ask_member", digits=4,
               expects=Expect(("member_name",), names=roster_names(m)))


async def on_member(c: Conversation, inp: Input) -> list[Step]:
    m = session(c)
    if inp.kind == "none":
        return reprompt(c, m, "no_input")
    p = m.pending
    if inp.kind == "digits":
        member = parse.by_number(m.roster, inp.digits)
        p.candidates = (member,) if member else ()
    else:
        p.candidates = inp.reading.members if inp.reading is not None else ()
        p.transcript.append(inp.text)
    if not p.candidates:
        return again(c, m, [c.say("meeting_member_unknown")])
    if len(p.candidates) == 1 and inp.kind == "speech" and p.candidates[0].score < parse.SURE_NAME_SCORE:
        return [goto("meeting_name_check")]
    return fill(c, m)


async def enter_name_check(c: Conversation, back: bool = False) -> list[Step]:
    m = session(c)
    heard = m.pending.candidates[0]
    return ask(c, m, [c.say("meeting_heard_name", name=Name(heard.name))], "meeting_heard_name",
               expects=Expect(("yes_no", "member_name"), names=roster_names(m)))


async def on_name_check(c: Conversation, inp: Input) -> list[Step]:
    m = session(c)
    if inp.kind == "none":
        return reprompt(c, m, "no_input")
    p = m.pending
    reading = inp.reading
    if inp.digits == "1" or (reading is not None and reading.yes is True):
        p.member = p.candidates[0]
        return fill(c, m)
    if reading is not None and reading.members:
        p.candidates = reading.members
        if len(p.candidates) == 1 and p.candidates[0].score >= parse.SURE_NAME_SCORE:
            p.member = p.candidates[0]
        return fill(c, m)
    if inp.digits == "2" or (reading is not None and reading.yes is False):
        p.candidates = ()
        return [goto("meeting_member")]
    return reprompt(c, m, "no_match")


# --- type and amount --------------------------------------------------------------------------------------------


async def enter_type(c: Conversation, said: list | None = None, back: bool = False) -> list[Step]:
    m = session(c)
    return ask(c, m, [*(said or []), c.say("meeting_ask_type"), *c.says("meeting_type_keys")], "meeting_ask_type",
               expects=Expect(("transaction_type",)))


async def on_type(c: Conversation, inp: Input) -> list[Step]:
    m = session(c)
    if inp.kind == "none":
        return reprompt(c, m, "no_input")
    if inp.kind == "digits":
        kind = parse.TYPE_CODES.get(inp.digits)
    else:
        kind = inp.reading.tx_type if inp.reading is not None else None
    if kind is None:
        return reprompt(c, m, "no_match")
    m.pending.type = kind
    return fill(c, m)


async def enter_amount(c: Conversation, said: list | None = None, back: bool = False) -> list[Step]:
    m = session(c)
    return ask(c, m, [*(said or []), c.say("meeting_ask_amount")], "meeting_ask_amount", digits=9,
               expects=Expect(("amount",)))


async def on_amount(c: Conversation, inp: Input) -> list[Step]:
    """Only the amount is asked again; an unreadable one is asked for again, never guessed."""
    m = session(c)
    if inp.kind == "none":
        return reprompt(c, m, "no_input")
    if inp.kind == "digits":
        amount = parse.keypad_amount(inp.digits, c.currency)
    else:
        amount = inp.reading.amount_minor if inp.reading is not None else None
        m.pending.transcript.append(inp.text)
    if amount is None:
        return again(c, m, [c.say("meeting_amount_unreadable")])
    m.pending.amount_minor = amount
    return fill(c, m)


# --- the read-back, and its repair ------------------------------------------------------------------------------


async def enter_confirm(c: Conversation, said: list | None = None, back: bool = False) -> list[Step]:
    m = session(c)
    p = m.pending
    assert m.draft is not None and p.type is not None and p.amount_minor is not None
    if p.bulk:
        read = bulk_say(c, p.type, p.amount_minor, len(m.roster), m.draft.currency)
    else:
        read = [tx_say(c, p, m.draft.currency)]
    return ask(c, m, [*(said or []), *read, *c.says("meeting_confirm")], "meeting_confirm",
               phrases=YES_NO_PHRASES.get(c.lang, ()),
               expects=Expect(("yes_no", "menu"), intents=("undo_last", "finish_recording")))


def _corrected(c: Conversation, m: MeetingSession, text: str) -> bool:
    """Apply the pieces a correction names ("no, five hundred"; "Faith paid four hundred shares")."""
    parsed = parse.speech_entry(text, m.roster, c.currency, c.lang)
    p = m.pending
    changed = False
    if parsed.candidates and not p.bulk:
        p.candidates, p.member, changed = parsed.candidates, None, True
    if parsed.type is not None:
        p.type, changed = parsed.type, True
    if parsed.amount_minor is not None:
        p.amount_minor, changed = parsed.amount_minor, True
    if changed:
        p.transcript.append(text)
    return changed


async def on_confirm(c: Conversation, inp: Input) -> list[Step]:
    m = session(c)
    if inp.kind == "none":
        return reprompt(c, m, "no_input")
    reading = inp.reading
    answer = {"1": True, "2": False}.get(inp.digits) if inp.kind == "digits" else (
        reading.yes if reading is not None else None)
    if reading is not None and reading.intent in ("undo_last", "finish_recording"):
        return [to_entry([c.say("meeting_redo_cancelled")], short=True)] if reading.intent == "undo_last" else \
            [goto("meeting_submit")]
    if answer is None:
        return reprompt(c, m, "no_match")
    if not answer:
        if inp.kind == "speech" and _corrected(c, m, inp.text):
            return fill(c, m)
        return [goto("meeting_fix")]
    return await _save(c, m)


async def _save(c: Conversation, m: MeetingSession) -> list[Step]:
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
    return [to_entry([c.say("meeting_saved", count=Count(len(m.draft.active)))], short=True)]


async def enter_fix(c: Conversation, back: bool = False) -> list[Step]:
    m = session(c)
    return ask(c, m, [c.say("meeting_redo")], "meeting_redo", digits=ENTRY_DIGITS, expects=_expect_entry(m))


async def on_fix(c: Conversation, inp: Input) -> list[Step]:
    """The caller names what was wrong; the rest of the entry is kept. A keypad entry replaces it whole."""
    m = session(c)
    if inp.kind == "none":
        return reprompt(c, m, "no_input")
    if inp.kind == "digits":
        parsed = parse.keypad_entry(inp.digits, m.roster, c.currency)
        if parsed is None:
            return again(c, m, [c.say("meeting_member_unknown")])
        m.pending = Pending(candidates=parsed.candidates, type=parsed.type, amount_minor=parsed.amount_minor,
                            transcript=[f"keypad:{inp.digits}"])
        return fill(c, m)
    if inp.reading is not None and inp.reading.command == "undo":
        return [to_entry([c.say("meeting_redo_cancelled")], short=True)]
    if inp.kind == "speech" and _corrected(c, m, inp.text):
        return fill(c, m)
    amount = find_amount(inp.text, c.currency, c.lang) if inp.kind == "speech" else None
    if amount is not None and amount.minor > 0:
        m.pending.amount_minor = amount.minor
        return fill(c, m)
    return reprompt(c, m, "no_match")


# Every step but the entry question goes back to it (the entry in progress is dropped, nothing saved is lost).
STATES = (
    StateDef("meeting_entry", enter_entry, on_entry, protected=True),
    StateDef("meeting_which", enter_which, on_which, protected=True, back="meeting_entry"),
    StateDef("meeting_member", enter_member, on_member, protected=True, back="meeting_entry"),
    StateDef("meeting_name_check", enter_name_check, on_name_check, protected=True, back="meeting_member"),
    StateDef("meeting_type", enter_type, on_type, protected=True, back="meeting_entry"),
    StateDef("meeting_amount", enter_amount, on_amount, protected=True, back="meeting_entry"),
    StateDef("meeting_confirm", enter_confirm, on_confirm, protected=True, back="meeting_entry"),
    StateDef("meeting_fix", enter_fix, on_fix, protected=True, back="meeting_confirm"),
)
