"""Meeting recording, start to entry loop: recording consent, resume offer, meeting date.

Only a group's chair, secretary or treasurer, after the PIN, can record. Consent comes first and is stored
(declining still allows entering, with no audio kept). A draft with saved entries is offered for resume before
anything else ("You have 7 entries saved ... Press 1 to continue, 2 to submit").
"""

from __future__ import annotations

from dialogs.actions import Action, End, Say
from dialogs.context import Conversation, Input
from dialogs.expect import Expect
from dialogs.handlers import meeting_entry, meeting_submit
from dialogs.meeting.session import MeetingSession, is_officer, session
from dialogs.values import Count, Date
from ledger_client.errors import LedgerError
from nlu.normalise.dates import resolve_date
from nlu.normalise.tokens import tokenize

YES_WORDS = {"yes", "yeah", "yep", "correct", "right", "ok", "okay", "ndio", "ndiyo", "sawa", "sahihi", "kweli"}
YES_NO_EXPECT = Expect(("yes_no",))
NO_WORDS = {"no", "nope", "wrong", "incorrect", "hapana", "la", "sio", "siyo", "makosa"}


def yes_no(inp: Input) -> bool | None:
    """1 / yes / affirm -> True, 2 / no / deny -> False, anything else -> None."""
    if inp.kind == "digits":
        return {"1": True, "2": False}.get(inp.digits)
    if inp.intent == "affirm":
        return True
    if inp.intent == "deny":
        return False
    words = set(tokenize(inp.text))
    if len(words) <= 4 and words & NO_WORDS:
        return False
    if len(words) <= 4 and words & YES_WORDS:
        return True
    return None


def ask(c: Conversation, m: MeetingSession, said: list[Say], prompt_id: str, *, expects: Expect, digits: int = 1,
        phrases: tuple[str, ...] = ()) -> list[Action]:
    """Say `said`, remember it for reprompts, and listen (speech + keypad)."""
    m.ask = said
    c.failures = 0
    return [*said, c.listen(prompt_id, phrases=phrases, digits=digits, expects=expects)]


RECORD_WORDS = ("record the meeting", "record meeting", "record a meeting", "rekodi mkutano", "kurekodi mkutano",
                "anza mkutano")


def wants_recording(inp: Input) -> bool:
    """"Record the meeting" at the main menu: Rasa's intent, or the words themselves (Rasa may be down)."""
    if inp.kind != "speech":
        return False
    joined = " " + " ".join(tokenize(inp.text)) + " "
    return inp.intent == "record_meeting" or any(f" {w} " in joined for w in RECORD_WORDS)


def line_start(c: Conversation) -> list[Action] | None:
    """A call on the meeting line (CallStarted.purpose == "meeting") starts recording once, right after the PIN."""
    if c.purpose != "meeting" or c.meetings is None or not c.authenticated:
        return None
    m = session(c)
    if m.offered:
        return None
    return start(c)


def start(c: Conversation) -> list[Action]:
    """"Record the meeting": officers after the PIN only; consent first."""
    from dialogs.handlers import menu

    if c.meetings is not None:
        session(c).offered = True
    if c.meetings is None or not is_officer(c):
        return [c.say("meeting_officers_only"), *menu.enter(c)]
    if not c.authenticated:
        return [c.say("meeting_need_pin"), *menu.enter(c)]
    m = session(c)
    c.goto("meeting")
    m.step = "consent"
    return ask(c, m, [c.say("meeting_consent")], "meeting_consent", phrases=meeting_entry.YES_NO.get(c.lang, ()),
               expects=YES_NO_EXPECT)


async def on_meeting(c: Conversation, inp: Input) -> list[Action]:
    m = session(c)
    if inp.kind == "none":
        return reprompt(c, m, "no_input")
    match m.step:
        case "consent":
            return await _on_consent(c, m, inp)
        case "resume":
            return await _on_resume(c, m, inp)
        case "date":
            return await _on_date(c, m, inp)
        case "submit":
            return await meeting_submit.on_submit(c, m, inp)
    return await meeting_entry.on_entry_step(c, m, inp)


def reprompt(c: Conversation, m: MeetingSession, prefix: str) -> list[Action]:
    """Sorry + the last question again; after too many misses a polite goodbye (every saved entry stays saved)."""
    c.failures += 1
    if c.failures > c.settings.reprompts + 1:
        c.goto("ended")
        return [c.say("meeting_goodbye_saved"), End("no_input" if prefix == "no_input" else "no_match")]
    listen = c.listening
    assert listen is not None
    return [c.say(prefix), *m.ask, listen]


async def _on_consent(c: Conversation, m: MeetingSession, inp: Input) -> list[Action]:
    answer = yes_no(inp)
    if answer is None:
        return reprompt(c, m, "no_match")
    assert c.membership is not None
    await m.ports.store.record_consent(c.membership.member_id, c.call_id, answer, c.now())
    m.consent = answer
    said = [c.say("meeting_consent_yes" if answer else "meeting_consent_no")]
    try:
        fetched = await c.timed_ledger(c.ledger.roster(c.membership.group_id))
    except LedgerError:
        from dialogs.handlers import menu

        return [*said, c.say("meeting_roster_down"), *menu.enter(c)]
    m.roster = sorted(fetched.value.members, key=lambda r: r.roster_number)
    found = await m.ports.store.resumable(c.membership.group_id)
    if found is not None:
        m.draft = found
        m.step = "resume"
        said.append(c.say("meeting_resume", count=Count(len(found.active)), date=Date(found.meeting_date)))
        return ask(c, m, said, "meeting_resume",
                   expects=Expect(("yes_no", "menu"), intents=("record_meeting", "finish_recording")))
    m.step = "date"
    said.append(c.say("meeting_date", date=Date(c.local_date())))
    return ask(c, m, said, "meeting_date", expects=Expect(("date", "yes_no")))


async def _on_resume(c: Conversation, m: MeetingSession, inp: Input) -> list[Action]:
    assert m.draft is not None
    m.meeting_date = m.draft.meeting_date
    if inp.digits == "1" or (inp.digits == "" and yes_no(inp) is True) or inp.intent == "record_meeting":
        said = [c.say("meeting_resumed", date=Date(m.draft.meeting_date))]
        said += meeting_entry.rejected_says(c, m)
        return meeting_entry.ask_entry(c, m, said)
    if inp.digits == "2" or inp.intent == "finish_recording" or "submit" in tokenize(inp.text):
        return await meeting_submit.ask_submit(c, m, [])
    return reprompt(c, m, "no_match")


async def _on_date(c: Conversation, m: MeetingSession, inp: Input) -> list[Action]:
    today = c.local_date()
    if (inp.kind == "digits" and inp.digits == "1") or (inp.kind == "speech" and yes_no(inp) is True):
        day = today
    else:
        named = resolve_date(inp.text, today) if inp.kind == "speech" else None
        if named is None:
            return reprompt(c, m, "no_match")
        if named > today:
            return [c.say("meeting_date_future"), *m.ask, *([c.listening] if c.listening else [])]
        day = named
    assert c.membership is not None and c.group is not None
    m.meeting_date = day
    m.draft = await m.ports.store.open_draft(group_id=c.membership.group_id, meeting_date=day,
                                             currency=c.currency, recorder=c.membership.member_id,
                                             recorder_name=c.membership.member_name)
    said = [c.say("meeting_date_set", date=Date(day))]
    if m.draft.active:  # that meeting already has entries (recorded earlier, maybe by another officer)
        said.append(c.say("meeting_has_entries", count=Count(len(m.draft.active))))
    return meeting_entry.ask_entry(c, m, said)
