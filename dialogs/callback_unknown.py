"""The callback to a number in no group: one short message that this line is for registered members, then goodbye.

Like the ReminderDialog it is driven by the CallSession (CallStarted → actions); nothing is asked and nothing
private is said, so it needs no NLU and no ledger.
"""

from __future__ import annotations

import uuid

import languages
from dialogs.actions import Action, End, Listen, Say
from dialogs.events import CallStarted, Event
from dialogs.ports import Clock, StorePort
from dialogs.prompts import interruptible, sentences
from nlu.types import Lang


class UnknownCallbackDialog:
    def __init__(self, *, call_id: uuid.UUID, store: StorePort, clock: Clock, lang: Lang | None = None) -> None:
        self.call_id = call_id
        self.lang: Lang = lang or languages.default_code()
        self.state = "start"
        self.listening: Listen | None = None
        self._store = store
        self._clock = clock

    async def handle(self, event: Event) -> list[Action]:
        if self.state == "ended":
            return []
        if not isinstance(event, CallStarted):
            self.state = "ended"
            await self._store.end_call(self.call_id, "hangup", self._clock())
            return []
        await self._store.start_call(self.call_id, event.caller, "out", "callback", event.now or self._clock())
        self.state = "ended"
        await self._store.end_call(self.call_id, "unknown_callback", self._clock())
        said = [Say(pid, interruptible=interruptible(pid), lang=self.lang)
                for pid, _ in sentences("callback_unknown", {}, self.lang)]
        return [*said, End("unknown_callback")]
