"""Meeting recording, start: recording consent, the resume offer, and the meeting's date.

Only a group's chair, secretary or treasurer, after the PIN, can record. Consent comes first and is stored
(declining still allows entering, with no audio kept); the dialog tells the call layer with `Record(on=...)`.
A draft with saved entries is offered for resume before anything else. At "is this today's meeting?" a named
day is read before a yes or no: "it was yesterday" and "no, it was on Saturday" are dates.
"""

from __future__ import annotations

from dialogs.actions import Record
from dialogs.context import Conversation, Input
from dialogs.expect import Expect
from dialogs.flow import StateDef, Step, goto
from dialogs.meeting.flow import YES_NO, YES_NO_PHRASES, again, ask, rejected_says, reprompt, to_entry
from dialogs.meeting.session import is_officer, session
from dialogs.values import Count, Date
from ledger_client.errors import LedgerError
from nlu.normalise.tokens import tokenize


async def enter_consent(c: Conversation, back: bool = False) -> list[Step]:
    """"Record the meeting": officers after the PIN only; consent first."""
    if c.meetings is None or not is_officer(c):
        return [c.say("meeting_officers_only"), goto("menu")]
    if not c.authenticated:
        return [c.say("meeting_need_pin"), goto("menu")]
    m = session(c)
    said = [c.say("meeting_consent"), c.say("meeting_consent_keys")]
    return ask(c, m, said, "meeting_consent", phrases=YES_NO_PHRASES.get(c.lang, ()),
               expects=YES_NO)


async def on_consent(c: Conversation, inp: Input) -> list[Step]:
    m = session(c)
    if inp.kind == "none":
        return reprompt(c, m, "no_input")
    answer = {"1": True, "2": False}.get(inp.digits) if inp.kind == "digits" else (
        inp.reading.yes if inp.reading is not None else None)
    if answer is None:
        return reprompt(c, m, "no_match")
    assert c.membership is not None
    await m.ports.store.record_consent(c.membership.member_id, c.call_id, answer, c.now())
    m.consent = answer
    said: list[Step] = [Record(on=answer), c.say("meeting_consent_yes" if answer else "meeting_consent_no")]
    try:
        fetched = await c.timed_ledger(c.ledger.roster(c.membership.group_id))
    except LedgerError:
        return [*said, c.say("meeting_roster_down"), goto("menu")]
    m.roster = sorted(fetched.value.members, key=lambda r: r.roster_number)
    found = await m.ports.store.resumable(c.membership.group_id)
    if found is not None:
        m.draft = found
        return [*said, goto("meeting_resume")]
    return [*said, goto("meeting_date")]


async def enter_resume(c: Conversation, back: bool = False) -> list[Step]:
    m = session(c)
    assert m.draft is not None
    said = c.says("meeting_resume", count=Count(len(m.draft.active)), date=Date(m.draft.meeting_date))
    return ask(c, m, said, "meeting_resume",
               expects=Expect(("yes_no", "menu"), intents=("record_meeting", "finish_recording")))


async def on_resume(c: Conversation, inp: Input) -> list[Step]:
    m = session(c)
    if inp.kind == "none":
        return reprompt(c, m, "no_input")
    assert m.draft is not None
    m.meeting_date = m.draft.meeting_date
    reading = inp.reading
    go_on = inp.digits == "1" or (reading is not None and (reading.yes is True or reading.intent == "record_meeting"))
    if go_on:
        said = [c.say("meeting_resumed", date=Date(m.draft.meeting_date)), *rejected_says(c, m)]
        return [to_entry(said)]
    submit = inp.digits == "2" or (reading is not None and reading.intent == "finish_recording") or (
        inp.kind == "speech" and "submit" in tokenize(inp.text))
    if submit:
        return [goto("meeting_submit")]
    return reprompt(c, m, "no_match")


async def enter_date(c: Conversation, back: bool = False) -> list[Step]:
    m = session(c)
    said = [c.say("meeting_date", date=Date(c.local_date())), c.say("meeting_date_other")]
    return ask(c, m, said, "meeting_date",
               expects=Expect(("date", "yes_no"), past=True))


async def on_date(c: Conversation, inp: Input) -> list[Step]:
    m = session(c)
    if inp.kind == "none":
        return reprompt(c, m, "no_input")
    today = c.local_date()
    reading = inp.reading
    if inp.kind == "digits":
        if inp.digits != "1":
            return reprompt(c, m, "no_match")
        day = today
    elif reading is not None and reading.day is not None:
        day = reading.day
    elif reading is not None and reading.yes is True:
        day = today
    elif reading is not None and reading.yes is False:
        return again(c, m, [c.say("meeting_date_which")])  # "no" alone: which day was it, then?
    else:
        return reprompt(c, m, "no_match")
    if day > today:
        return again(c, m, [c.say("meeting_date_future")])
    assert c.membership is not None and c.group is not None
    m.meeting_date = day
    m.draft = await m.ports.store.open_draft(group_id=c.membership.group_id, meeting_date=day,
                                             currency=c.currency, recorder=c.membership.member_id,
                                             recorder_name=c.membership.member_name)
    said = [c.say("meeting_date_set", date=Date(day))]
    if m.draft.active:  # that meeting already has entries (recorded earlier, maybe by another officer)
        said.append(c.say("meeting_has_entries", count=Count(len(m.draft.active))))
    return [to_entry(said)]


STATES = (
    StateDef("meeting_consent", enter_consent, on_consent, protected=True),
    StateDef("meeting_resume", enter_resume, on_resume, protected=True),
    StateDef("meeting_date", enter_date, on_date, protected=True),
)
