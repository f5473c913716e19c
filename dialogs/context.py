"""The per-call conversation state shared by the state handlers, plus small helpers to build actions."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from zoneinfo import ZoneInfo

import languages
from dialogs.actions import Listen, Say
from dialogs.config import DialogSettings
from dialogs.expect import Expect
from dialogs.ports import Clock, LedgerPort, NluPort, StorePort
from dialogs.prompts import PHRASES, interruptible, sentences
from dialogs.values import Value, sayable
from ledger_client.cache import Fetched
from ledger_client.types import GroupInfo, Membership
from nlu.types import IntentScore, Lang

if TYPE_CHECKING:
    from dialogs.understanding import Reading

T = TypeVar("T")
# A state's name in the engine's table (dialogs/states.py), plus "start" (before CallStarted) and "ended".
State = str


@dataclass(frozen=True)
class Input:
    """One caller turn, normalised: speech with its intent, keypad digits, or silence."""

    kind: Literal["speech", "digits", "none"]
    text: str = ""
    intent: str | None = None
    confidence: float | None = None
    digits: str = ""
    ranking: tuple[IntentScore, ...] = ()
    reading: Reading | None = None  # what the current question's own readings made of it (dialogs.understanding)


@dataclass
class Conversation:
    """Everything a call's dialog remembers; handlers read and change it and return actions."""

    call_id: uuid.UUID
    ledger: LedgerPort
    nlu: NluPort
    store: StorePort
    clock: Clock
    settings: DialogSettings
    lang: Lang = field(default_factory=languages.default_code)
    lang_fixed: bool = False  # chosen on the command line / by the channel: no language menu
    state: State = "start"
    caller: str = ""
    memberships: list[Membership] = field(default_factory=list)
    membership: Membership | None = None
    group: Fetched[GroupInfo] | None = None
    authenticated: bool = False
    failures: int = 0  # consecutive no-input / no-match turns in the current state
    listening: Listen | None = None
    last_content: list[Say] = field(default_factory=list)  # the last figures said (what "repeat" at the menu says)
    last_said: list[Say] = field(default_factory=list)  # the last turn's words (star / "repeat" says them again)
    # where the flow goes once a language is chosen: on after identification, or back to where it was asked
    after_language: str = "identify"
    menu_level: str = "main"  # which level of the menu the keys refer to ("main" or "more")
    pin_locked_until: datetime | None = None  # PIN entry paused (said when the caller asks for figures)
    menu: tuple[Any, ...] = ()  # the menu table (dialogs.menu.MENU unless a test or deployment passes its own)
    leaving: Any = None  # a global intent waiting for "do you want to stop ...?" (dialogs/handlers/leave.py)
    ledger_ms: float = 0.0
    # meeting recording (dialogs/handlers/meeting*.py): its ports, and its per-call state once started
    purpose: str = "self_service"  # CallStarted.purpose: "meeting" = the officers' meeting-recording line
    meetings: Any = None
    meeting: Any = None

    # ---- action helpers ----------------------------------------------------------------------------------------

    def say(self, prompt_id: str, **values: Value) -> Say:
        """A catalog prompt; one whose values cannot be said (a figure too large to read) becomes a helpful line."""
        if values and not sayable(values, self.lang):
            return Say("figure_unreadable", {}, interruptible("figure_unreadable"), self.lang)
        return Say(prompt_id, dict(values), interruptible(prompt_id), self.lang)

    def says(self, prompt_id: str, **values: Value) -> list[Say]:
        """A prompt and its follow-up sentences (dialogs.prompts.FOLLOW), the figure first."""
        whole = self.say(prompt_id, **values)
        if whole.prompt_id != prompt_id:  # a figure that cannot be said: the one helpful line instead
            return [whole]
        return [self.say(pid, **vals) for pid, vals in sentences(prompt_id, dict(values), self.lang)]

    def listen(self, prompt_id: str, *, expects: Expect, grammar: str | None = "menu",
               phrases: tuple[str, ...] | None = None, digits: int = 1, speech: bool = True,
               timeout_s: float | None = None) -> Listen:
        if phrases is None:
            phrases = PHRASES[self.lang].get(grammar, ()) if grammar else ()
        spec = Listen(
            prompt_id=prompt_id, phrases=phrases, speech=speech, max_digits=digits, terminator="#",
            no_input_timeout_s=timeout_s or self.settings.no_input_timeout_s,
            inter_digit_timeout_s=self.settings.inter_digit_timeout_s, expects=expects,
        )  # fmt: skip
        self.listening = spec
        return spec

    def goto(self, state: State) -> None:
        if state != self.state:
            self.failures = 0
        self.state = state

    # ---- facts -------------------------------------------------------------------------------------------------

    @property
    def member_ids(self) -> list[str]:
        return [m.member_id for m in self.memberships]

    @property
    def currency(self) -> str:
        return self.group.value.currency if self.group else "KES"

    def now(self) -> datetime:
        return self.clock()

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.group.value.timezone if self.group else "UTC")

    def local_date(self, moment: datetime | None = None) -> date:
        """A moment as a calendar date where the group lives (figures' as-of, overdue checks)."""
        moment = moment or self.now()
        tz = self.group.value.timezone if self.group else "UTC"
        return moment.astimezone(ZoneInfo(tz)).date()

    async def timed_ledger(self, call: Awaitable[T]) -> T:
        """Await a ledger read, adding its time to this turn's ledger_ms."""
        start = time.perf_counter()
        try:
            return await call
        finally:
            self.ledger_ms += (time.perf_counter() - start) * 1000

