"""The dialog engine: one `Dialog` per call turns typed events into typed actions and stores every turn.

It owns the table of states (dialogs/states.py): a handler answers with actions and `Goto(<state>)`, never by
importing another handler. Each turn is read in context (dialogs/understanding.py): the question's own readings
first, then "repeat" / "go back", then a global intent said clearly — and leaving a protected state (a meeting
recording, a PIN entry) by a global intent is checked with the caller first.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping
from dataclasses import replace

from dialogs import people
from dialogs.actions import Action, End, Listen, Say, Transfer
from dialogs.config import DialogSettings
from dialogs.context import Conversation, Input
from dialogs.events import CallStarted, Digits, Event, Hangup, NoInput, Utterance
from dialogs.expect import Expect
from dialogs.flow import Goto, StateDef, Step, goto
from dialogs.handlers.leave import Leaving
from dialogs.meeting.ports import MeetingPorts
from dialogs.menu import MENU, MenuItem
from dialogs.ports import Clock, LedgerPort, NluPort, StorePort, TurnRecord
from dialogs.states import STATES
from dialogs.understanding import clear_global, has_phrase, meta_of, read
from dialogs.vocab import GLOBAL_PHRASES
from nlu.types import Lang

log = logging.getLogger(__name__)
# Keys that mean the same in every state but the PIN prompt: 0 = a person, * = hear this again.
PERSON_KEY, REPEAT_KEY = "0", "*"
# Apologies and acknowledgements that "repeat" does not say again (it repeats the content and the question).
NOT_REPEATED = frozenset({"no_match", "no_input", "pin_ok", "language_saved", "leave_cancelled"})
# Goto chains longer than this are a bug in the state table (a state entering itself forever).
MAX_GOTOS = 12
KEYPAD_ONLY_STATES = frozenset({"pin"})  # what is typed here is a secret: no global keys, nothing stored


class Dialog:
    """Member self-service for one call. Keyword-only ports; `lang` fixes the language (no language menu)."""

    def __init__(self, *, ledger: LedgerPort, nlu: NluPort, store: StorePort, clock: Clock,
                 settings: DialogSettings, lang: Lang | None = None, call_id: uuid.UUID | None = None,
                 meetings: MeetingPorts | None = None, states: Mapping[str, StateDef] | None = None,
                 menu: tuple[MenuItem, ...] = MENU) -> None:
        self.c = Conversation(
            call_id=call_id or uuid.uuid4(), ledger=ledger, nlu=nlu, store=store, clock=clock, settings=settings,
            lang=lang or settings.default_language, lang_fixed=lang is not None, meetings=meetings, menu=menu,
        )  # fmt: skip
        self.states = states if states is not None else STATES
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
            return await self._finish_turn(await self._expand([goto("identify", event=event)]))
        if isinstance(event, Hangup):
            c.goto("ended")
            await c.store.end_call(c.call_id, "hangup", c.now())
            return []
        if c.state == "start":
            raise RuntimeError(f"{type(event).__name__} before CallStarted")
        prompt_id = c.listening.prompt_id if c.listening else None
        private = c.state in KEYPAD_ONLY_STATES  # nothing typed or said at the PIN prompt is stored
        c.ledger_ms = 0.0
        inp, nlu_ms = await self._input(event, private)
        actions = await self._expand(await self._route(inp))
        await c.store.record_turn(TurnRecord(
            call_id=c.call_id, seq=self._next_seq(), prompt_id=prompt_id,
            transcript=None if private else (inp.text if inp.kind == "speech" else
                                             f"keypad:{inp.digits}" if inp.kind == "digits" else None),
            intent=("pin_entry" if private and inp.kind == "digits" else inp.intent or
                    ("no_input" if inp.kind == "none" else None)),
            confidence=inp.confidence, nlu_ms=nlu_ms, ledger_ms=round(c.ledger_ms) if c.ledger_ms else None,
        ))  # fmt: skip
        return await self._finish_turn(actions)

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    async def _input(self, event: Event, private: bool) -> tuple[Input, int | None]:
        c = self.c
        if isinstance(event, Digits):
            return Input("digits", digits=event.digits), None
        if isinstance(event, NoInput) or (isinstance(event, Utterance) and not event.transcript.strip()):
            return Input("none"), None
        assert isinstance(event, Utterance)
        if private:
            # never sent to the NLU or stored (it may hold a spoken PIN); only an exact global phrase is looked for
            said = next((i for i, p in GLOBAL_PHRASES.get(c.lang, {}).items() if has_phrase(event.transcript, p)),
                        None)
            return Input("speech", intent=said), None
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
                     confidence=understanding.confidence, ranking=understanding.ranking), nlu_ms

    # --- routing ----------------------------------------------------------------------------------------------

    async def _route(self, inp: Input) -> list[Step]:
        c = self.c
        state = self.states[c.state]
        expects = c.listening.expects if c.listening else Expect()
        if c.state in KEYPAD_ONLY_STATES:
            if inp.kind == "speech" and inp.intent in expects.globals:
                return await self._global(state, inp.intent or "")
            return await state.on_input(c, inp)
        if inp.kind == "digits":
            if inp.digits == REPEAT_KEY:
                return self._repeat()
            if inp.digits == PERSON_KEY and "speak_to_person" in expects.globals:
                return await self._global(state, "speak_to_person")
            return await state.on_input(c, inp)
        if inp.kind == "speech":
            reading = read(c, inp, expects)
            if reading is not None:
                return await state.on_input(c, replace(inp, reading=reading))
            meta = meta_of(inp, c.lang)
            if meta == "repeat":
                return self._repeat()
            if meta == "go_back":
                return self._back(state)
            wanted = clear_global(inp, expects, c.lang)
            if wanted is not None:
                return await self._global(state, wanted)
        return await state.on_input(c, inp)

    def _repeat(self) -> list[Step]:
        c = self.c
        said: list[Step] = [s for s in c.last_said if s.prompt_id not in NOT_REPEATED]
        c.failures = 0
        return [*said, c.listening] if c.listening else said

    def _back(self, state: StateDef) -> list[Step]:
        if state.back is None:
            return self._repeat()
        return [goto(state.back, back=True)]

    async def _global(self, state: StateDef, intent: str) -> list[Step]:
        """Goodbye / speak to a person; from a protected state only after the caller says yes to leaving."""
        c = self.c
        if state.protected:
            said = tuple(s for s in c.last_said if s.prompt_id not in NOT_REPEATED)
            c.leaving = Leaving(intent, c.state, c.listening, said)
            return [goto("leave")]
        return await people.global_intent(c, intent)

    # --- expansion --------------------------------------------------------------------------------------------

    async def _expand(self, steps: list[Step]) -> list[Action]:
        """Replace each Goto by its state's entry actions (which may hold further Gotos)."""
        out: list[Action] = []
        pending = list(steps)
        hops = 0
        while pending:
            step = pending.pop(0)
            if not isinstance(step, Goto):
                out.append(step)
                continue
            hops += 1
            if hops > MAX_GOTOS:
                raise RuntimeError(f"state table loops: more than {MAX_GOTOS} Gotos in one turn")
            target = self.states.get(step.state)
            if target is None:
                raise RuntimeError(f"no state {step.state!r} in the dialog's table")
            self.c.goto(step.state)
            pending[:0] = await target.enter(self.c, **dict(step.args))
        return out

    async def _finish_turn(self, actions: list[Action]) -> list[Action]:
        c = self.c
        said = [a for a in actions if isinstance(a, Say)]
        if said:
            c.last_said = said
        last = actions[-1] if actions else None
        if isinstance(last, End | Transfer):
            c.goto("ended")
            outcome = last.outcome if isinstance(last, End) else "transferred"
            await c.store.end_call(c.call_id, outcome, c.now())
        return actions
