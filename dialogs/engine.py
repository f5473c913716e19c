"""The dialog engine: one `Dialog` per call turns typed events into typed actions and stores every turn."""

from __future__ import annotations

import logging
import time
import uuid

from dialogs.actions import Action, End, Listen, Transfer
from dialogs.config import DialogSettings
from dialogs.context import Conversation, Input
from dialogs.events import CallStarted, Digits, Event, HangUp, NoInput, Utterance
from dialogs.handlers import identify, language, meeting, menu, person, pin
from dialogs.meeting.ports import MeetingPorts
from dialogs.ports import Clock, LedgerPort, NluPort, StorePort, TurnRecord
from nlu.types import Lang

log = logging.getLogger(__name__)
# Said in any state but the PIN prompt: the caller can always leave or ask for a person.
GLOBAL_INTENTS = {"goodbye", "speak_to_person"}


class Dialog:
    """Member self-service for one call. Keyword-only ports; `lang` fixes the language (no language menu)."""

    def __init__(self, *, ledger: LedgerPort, nlu: NluPort, store: StorePort, clock: Clock,
                 settings: DialogSettings, lang: Lang | None = None, call_id: uuid.UUID | None = None,
                 meetings: MeetingPorts | None = None) -> None:
        self.c = Conversation(
            call_id=call_id or uuid.uuid4(), ledger=ledger, nlu=nlu, store=store, clock=clock, settings=settings,
            lang=lang or settings.default_language, lang_fixed=lang is not None, meetings=meetings,
        )  # fmt: skip
        self._seq = 0

    @property
    def state(self) -> str:
        return self.c.state

    @property
    def lang(self) -> Lang:
        return self.c.lang

    @property
    def call_id(self) -> uuid.UUID:
        return self.c.call_id

    @property
    def listening(self) -> Listen | None:
        return self.c.listening if self.c.state != "ended" else None

    async def handle(self, event: Event) -> list[Action]:
        c = self.c
        if c.state == "ended":
            return []
        if isinstance(event, CallStarted):
            if c.state != "start":
                raise RuntimeError("CallStarted twice for one dialog")
            return await self._close_if_done(await identify.start(c, event))
        if isinstance(event, HangUp):
            c.goto("ended")
            await c.store.end_call(c.call_id, "hangup", c.now())
            return []
        if c.state == "start":
            raise RuntimeError(f"{type(event).__name__} before CallStarted")
        prompt_id = c.listening.prompt_id if c.listening else None
        state_before = c.state
        c.ledger_ms = 0.0
        inp, nlu_ms = await self._input(event)
        actions = await self._route(inp)
        private = state_before == "pin"  # nothing typed or said at the PIN prompt is stored
        await c.store.record_turn(TurnRecord(
            call_id=c.call_id, seq=self._next_seq(), prompt_id=prompt_id,
            transcript=None if private else (inp.text if inp.kind == "speech" else
                                             f"keypad:{inp.digits}" if inp.kind == "digits" else None),
            intent=("pin_entry" if private and inp.kind == "digits" else inp.intent or
                    ("no_input" if inp.kind == "none" else None)),
            confidence=inp.confidence, nlu_ms=nlu_ms, ledger_ms=round(c.ledger_ms) if c.ledger_ms else None,
        ))  # fmt: skip
        return await self._close_if_done(actions)

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    async def _input(self, event: Event) -> tuple[Input, int | None]:
        c = self.c
        if isinstance(event, Digits):
            return Input("digits", digits=event.digits), None
        if isinstance(event, NoInput) or (isinstance(event, Utterance) and not event.transcript.strip()):
            return Input("none"), None
        assert isinstance(event, Utterance)
        if c.state == "pin":
            return Input("speech"), None  # never sent to the NLU: it may hold a spoken PIN
        understanding = event.understanding
        nlu_ms = None
        if understanding is None:
            start = time.perf_counter()
            understanding = await c.nlu.understand(event.transcript, c.lang, currency=c.currency,
                                                   today=c.local_date())
            nlu_ms = round((time.perf_counter() - start) * 1000)
        if understanding.degraded:
            log.info("call %s: nlu degraded (%s), intent %s", c.call_id, understanding.reason, understanding.intent)
        return Input("speech", text=event.transcript, intent=understanding.intent,
                     confidence=understanding.confidence), nlu_ms

    async def _route(self, inp: Input) -> list[Action]:
        c = self.c
        if c.state != "pin":
            if inp.digits == "*" or (inp.kind == "speech" and inp.intent == "goodbye"):
                return person.goodbye(c)
            if c.state != "language" and (inp.digits == "0" or inp.intent in GLOBAL_INTENTS):
                return await person.transfer(c)
            if c.state in ("group", "unknown") and inp.intent == "change_language":
                return language.ask(c)
        match c.state:
            case "language":
                return await language.on_language(c, inp)
            case "group":
                return await identify.on_group(c, inp)
            case "pin":
                return await pin.on_pin(c, inp)
            case "menu":
                return await menu.on_menu(c, inp)
            case "unknown":
                return await person.on_unknown(c, inp)
            case "meeting":
                return await meeting.on_meeting(c, inp)
        raise RuntimeError(f"no handler for state {c.state!r}")

    async def _close_if_done(self, actions: list[Action]) -> list[Action]:
        c = self.c
        last = actions[-1] if actions else None
        if isinstance(last, End | Transfer):
            c.goto("ended")
            outcome = last.outcome if isinstance(last, End) else "transferred"
            await c.store.end_call(c.call_id, outcome, c.now())
        return actions
