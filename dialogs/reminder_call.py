"""The outbound reminder call: confirm it is the member, say the reminder, then repeat / confirm / stop.

Privacy rule (whoever answers may not be the member):
1. The greeting names only the member's first name and asks them to confirm (say "yes" or press 1). Nothing else
   is said before that; "no" / 2 ends the call politely, silence twice ends it too.
2. After confirmation the reminder says the event and its day (and for meetings the time and place, which the whole
   group knows) — never an amount: "your loan repayment is due on Tuesday".
3. An amount is said only after the member types the correct PIN in this call (press 3 on a repayment reminder).
4. Pressing 9 or saying "stop" stores the opt-out (preferences + consent history) and tells the member how to opt
   back in (through their group secretary: `ivr reminders opt-in` / the admin API). 9 is only honoured after step 1,
   so a stranger cannot switch reminders off.
In-call keys: 1 or "repeat" → again; 2 or "I will attend" / "I will pay" → confirmed; 9 or "stop" → opt out.
"""

from __future__ import annotations

import logging
import uuid
from datetime import time
from typing import Literal

from dialogs.actions import Action, End, Listen, Say
from dialogs.config import DialogSettings
from dialogs.events import CallStarted, Digits, Event, Hangup, NoInput, Utterance
from dialogs.expect import Expect
from dialogs.ports import Clock, NluPort, StorePort, TurnRecord
from dialogs.prompts import CATALOGS, PHRASES, sentences
from dialogs.reminder_port import ReminderBrief, ReminderPort
from dialogs.values import Count, Date, Money, Name, Time, Value
from nlu.types import Lang

log = logging.getLogger(__name__)
State = Literal["start", "identity", "reminder", "pin", "ended"]

# The reminder itself and the goodbyes are said whole: a cough must not skip the day of the meeting.
NOT_INTERRUPTIBLE = frozenset({
    "reminder_support", "reminder_nudge_proud", "reminder_opt_back", "reminder_pin_help", "reminder_meeting_place",
    "reminder_meeting", "reminder_repayment", "reminder_repayment_amount", "reminder_nudge_repaid", "pin_ask",
    "reminder_opted_out", "reminder_wrong_person", "reminder_goodbye", "reminder_thanks_attend", "reminder_thanks_pay",
})  # fmt: skip
CONFIRM_INTENTS = {"will_attend", "will_pay", "affirm"}
# The prompts tell the member to say exactly these words; they count even when the NLU is degraded.
SAID = {
    "repeat": {"repeat", "rudia"},
    "confirm": {"i will attend", "i will pay", "nitahudhuria", "nitalipa", "yes", "ndiyo", "ndio"},
    "stop": {"stop", "acha", "stop these calls", "acha simu hizi"},
    "deny": {"no", "hapana", "la"},
}
# What each listen state of the reminder call answers to (the recogniser's grammar is built from it too).
EXPECTS = {
    "reminder_identity": Expect(("yes_no",), globals=()),
    "reminder": Expect(("menu",), intents=("repeat", "will_attend", "will_pay", "stop_reminders"),
                       globals=("goodbye",)),
}
INTENT_OF = {"repeat": "repeat", "confirm": "affirm", "stop": "stop_reminders", "deny": "deny"}


class ReminderDialog:
    """One answered reminder call; the same surface as dialogs.engine.Dialog (handle / listening / state)."""

    def __init__(self, *, brief: ReminderBrief, reminders: ReminderPort, store: StorePort, nlu: NluPort,
                 clock: Clock, settings: DialogSettings) -> None:
        self.brief = brief
        self._reminders = reminders
        self._store = store
        self._nlu = nlu
        self._clock = clock
        self._s = settings
        self.state: State = "start"
        self.lang: Lang = brief.language if brief.language in CATALOGS else settings.default_language
        self.listening: Listen | None = None
        self._failures = 0
        self._seq = 0
        self._heard = False  # the reminder was said and the call went on past it

    @property
    def call_id(self) -> uuid.UUID:
        return self.brief.call_id

    async def handle(self, event: Event) -> list[Action]:
        if self.state == "ended":
            return []
        if isinstance(event, CallStarted):
            if self.state != "start":
                raise RuntimeError("CallStarted twice for one reminder dialog")
            self.state = "identity"
            return [*self._says("reminder_greet", name=Name(self.brief.first_name)),
                    self._listen("reminder_greet", "reminder_identity")]
        if isinstance(event, Hangup):
            return await self._end([], "hangup" if not self._heard else "listened")
        if self.state == "start":
            raise RuntimeError(f"{type(event).__name__} before CallStarted")
        prompt_id = self.listening.prompt_id if self.listening else None
        private = self.state == "pin"
        kind, digits, text, intent = await self._input(event)
        actions = await self._route(kind, digits, text, intent)
        self._seq += 1
        await self._store.record_turn(TurnRecord(
            call_id=self.call_id, seq=self._seq, prompt_id=prompt_id,
            transcript=None if private else (text if kind == "speech" else f"keypad:{digits}" if digits else None),
            intent="pin_entry" if private and kind == "digits" else intent or ("no_input" if kind == "none" else None),
            confidence=None, nlu_ms=None, ledger_ms=None,
        ))  # fmt: skip
        return actions

    # --- input --------------------------------------------------------------------------------------------------

    async def _input(self, event: Event) -> tuple[str, str, str, str | None]:
        if isinstance(event, Digits):
            return "digits", event.digits, "", None
        if isinstance(event, NoInput) or (isinstance(event, Utterance) and not event.transcript.strip()):
            return "none", "", "", None
        assert isinstance(event, Utterance)
        if self.state == "pin":
            return "speech", "", "", None  # may hold a spoken PIN: never sent to the NLU, never stored
        text = event.transcript.strip().lower().rstrip(".!")
        for meaning, words in SAID.items():
            if text in words:
                return "speech", "", event.transcript, INTENT_OF[meaning]
        understanding = event.understanding or await self._nlu.understand(
            event.transcript, self.lang, currency=self.brief.currency)
        return "speech", "", event.transcript, understanding.intent

    # --- states -------------------------------------------------------------------------------------------------

    async def _route(self, kind: str, digits: str, text: str, intent: str | None) -> list[Action]:
        if self.state == "identity":
            return await self._on_identity(kind, digits, intent)
        if self.state == "pin":
            return await self._on_pin(kind, digits)
        return await self._on_reminder(kind, digits, intent)

    async def _on_identity(self, kind: str, digits: str, intent: str | None) -> list[Action]:
        if digits == "1" or intent == "affirm" or intent in CONFIRM_INTENTS:
            await self._reminders.mark(self.call_id, identity_confirmed=True)
            self.state, self._failures = "reminder", 0
            return self._reminder()
        if digits == "2" or intent == "deny":
            return await self._end([self._say("reminder_wrong_person")], "wrong_person")
        self._failures += 1
        if self._failures > 1:
            return await self._end([self._say("reminder_wrong_person")], "not_confirmed")
        name = Name(self.brief.first_name)
        return [self._say("reminder_identity_short", name=name), self._listen("reminder_identity_short",
                                                                             "reminder_identity")]

    async def _on_reminder(self, kind: str, digits: str, intent: str | None) -> list[Action]:
        if not self._heard:
            self._heard = True
            await self._reminders.mark(self.call_id, listened=True)
        nudge = self.brief.kind == "nudge"
        if digits == "1" or intent == "repeat":
            self._failures = 0
            return self._reminder()
        if (digits == "2" or intent in CONFIRM_INTENTS) and not nudge:
            await self._reminders.mark(self.call_id, confirmed=True)
            thanks = "reminder_thanks_attend" if self.brief.kind == "meeting" else "reminder_thanks_pay"
            return await self._end([self._say(thanks)], "confirmed")
        if digits == "9" or intent == "stop_reminders":
            await self._reminders.opt_out(self.call_id)
            return await self._end([*self._says("reminder_opted_out")], "opted_out")
        if (digits == "3" or intent == "check_loan") and self.brief.kind == "repayment":
            return await self._ask_pin()
        if digits == "*" or intent == "goodbye":
            return await self._end([self._say("reminder_goodbye")], "listened")
        self._failures += 1
        if self._failures > self._s.reprompts:
            return await self._end([self._say("reminder_goodbye")], "listened")
        apology = self._say("no_input" if kind == "none" else "no_match")
        short = "reminder_options_nudge" if nudge else "reminder_options_short"
        return [apology, *self._says(short), self._listen(short, "reminder")]

    async def _ask_pin(self) -> list[Action]:
        status = await self._store.pin_status(self.brief.member_id, self._clock(), member_ids=[self.brief.member_id])
        if status.kind != "set":
            prompt = "reminder_no_pin" if status.kind == "none" else "reminder_pin_failed"
            return [*self._says(prompt), *self._options()]
        self.state = "pin"
        spec = Listen("pin_ask", (), speech=False, max_digits=self._s.pin_length, terminator="#",
                      no_input_timeout_s=self._s.pin_timeout_s, inter_digit_timeout_s=self._s.inter_digit_timeout_s,
                      expects=Expect(("digits",), globals=()))
        self.listening = spec
        return [self._say("pin_ask", digits=Count(self._s.pin_length)), spec]

    async def _on_pin(self, kind: str, digits: str) -> list[Action]:
        if kind == "speech":
            return [self._say("pin_keypad_only"), self.listening or self._listen("pin_ask", None)]
        self.state = "reminder"
        if kind == "none":
            return self._options()
        s = self._s
        check = await self._store.verify_pin(self.brief.member_id, digits, now=self._clock(),
                                             max_attempts=s.pin_max_attempts, lock_minutes=s.pin_lock_minutes,
                                             member_ids=[self.brief.member_id])
        if check.status != "ok" or self.brief.amount_minor is None:
            return [*self._says("reminder_pin_failed"), *self._options()]
        amount = Money(self.brief.amount_minor, self.brief.currency)
        return [self._say("reminder_repayment_amount", amount=amount, date=Date(self.brief.event_date)),
                *self._options()]

    # --- helpers ------------------------------------------------------------------------------------------------

    def _reminder(self) -> list[Action]:
        b = self.brief
        if b.kind == "meeting":
            values: dict[str, Value] = {"date": Date(b.event_date), "place": Name(b.place or b.group_name)}
            if b.event_time:
                values["time"] = Time(time.fromisoformat(b.event_time))
            said = self._says("reminder_meeting", **values)
        elif b.kind == "repayment":
            said = self._says("reminder_repayment", date=Date(b.event_date))
        else:
            said = self._says("reminder_nudge_repaid", name=Name(b.first_name))
        return [*said, *self._options()]

    def _options(self) -> list[Action]:
        prompt = {"meeting": "reminder_options_meeting", "repayment": "reminder_options_repayment"}.get(
            self.brief.kind, "reminder_options_nudge")
        return [*self._says(prompt), self._listen(prompt, "reminder")]

    def _says(self, prompt_id: str, **values: Value) -> list[Say]:
        """A prompt and the short sentences that follow it (dialogs.prompts.FOLLOW), each with its own values."""
        return [self._say(pid, **vals) for pid, vals in sentences(prompt_id, dict(values), self.lang)]

    def _say(self, prompt_id: str, **values: Value) -> Say:
        return Say(prompt_id, dict(values), prompt_id not in NOT_INTERRUPTIBLE, self.lang)

    def _listen(self, prompt_id: str, grammar: str | None) -> Listen:
        spec = Listen(prompt_id, PHRASES[self.lang].get(grammar, ()) if grammar else (), speech=True, max_digits=1,
                      terminator="#", no_input_timeout_s=self._s.no_input_timeout_s,
                      inter_digit_timeout_s=self._s.inter_digit_timeout_s, expects=EXPECTS.get(grammar or "", Expect()))
        self.listening = spec
        return spec

    async def _end(self, actions: list[Action], outcome: str) -> list[Action]:
        self.state, self.listening = "ended", None
        await self._store.end_call(self.call_id, outcome, self._clock())
        return [*actions, End(outcome)] if actions else actions
