"""Places a claimed reminder call with AMI Originate (UUID + purpose as channel variables) and maps AMI outcomes.

OriginateResponse `Reason` → outcome: 4 answered, 5 busy, 3 no_answer, 8 congestion, anything else failed.
An answered call ends with a `Hangup` event for its Uniqueid (the bot hangs up, or the member does).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from ivr.ami import AmiClient, AmiError, EventSubscription
from ivr.ami.events import Hangup, OriginateReason
from ivr.reminders.config import RemindersSettings
from ivr.reminders.store import Dial

log = logging.getLogger(__name__)
OnEnd = Callable[[uuid.UUID, int | None], Awaitable[None]]

OUTCOME_OF_REASON = {
    OriginateReason.ANSWERED: "answered",
    OriginateReason.BUSY: "busy",
    OriginateReason.NO_ANSWER: "no_answer",
    OriginateReason.CONGESTION: "congestion",
}
# Answer-time margin on top of the ring time before an Originate without OriginateResponse counts as failed.
RESPONSE_MARGIN_S = 30.0
# Unmatched Hangups remembered (most are other channels' or failed attempts'); enough for any burst of calls.
HUNG_MEMORY = 1000


@dataclass(frozen=True)
class Placed:
    outcome: str  # answered | busy | no_answer | failed | congestion
    cause: int | None = None
    ended: bool = False  # answered, and its Hangup already arrived (a very short call)


class CallPlacer(Protocol):
    """Dials one claimed reminder and reports how the dialling ended; `on_end` hears when answered calls end."""

    async def place(self, dial: Dial) -> Placed: ...

    def set_on_end(self, on_end: OnEnd) -> None: ...


class AmiPlacer:
    """CallPlacer over ivr.ami.AmiClient (the one AMI connection of the process)."""

    def __init__(self, ami: AmiClient, settings: RemindersSettings, ring_s: float) -> None:
        self._ami = ami
        self._s = settings
        self._ring_s = ring_s
        self._answered: dict[str, uuid.UUID] = {}  # AMI Uniqueid → call UUID
        # Hangups not (yet) matched to an answered call: the event can be read before place() sees its answer.
        self._hung: dict[str, int] = {}
        self._on_end: OnEnd | None = None
        self._watch: asyncio.Task[None] | None = None

    def set_on_end(self, on_end: OnEnd) -> None:
        self._on_end = on_end

    async def __aenter__(self) -> AmiPlacer:
        sub = self._ami.subscribe()
        self._watch = asyncio.create_task(self._hangups(sub), name="reminder-hangups")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch

    async def place(self, dial: Dial) -> Placed:
        channel = self._s.channel_template.format(phone=dial.phone.lstrip("+"))
        try:
            pending = await self._ami.originate(
                channel, caller_id=self._s.caller_id, ring_s=self._ring_s,
                variables={"IVR_CALL_UUID": str(dial.call_id), "IVR_PURPOSE": "reminder"},
            )  # fmt: skip
            response = await pending.result(timeout=self._ring_s + RESPONSE_MARGIN_S)
        except AmiError as exc:
            log.warning("reminder call %s not placed: %s", dial.call_id, type(exc).__name__)
            return Placed("failed")
        if response.answered:
            if response.uniqueid in self._hung:  # checked and registered in one step: no event can slip between
                return Placed("answered", self._hung.pop(response.uniqueid), ended=True)
            self._answered[response.uniqueid] = dial.call_id
            return Placed("answered")
        reason = response.reason
        return Placed(OUTCOME_OF_REASON.get(reason, "failed") if isinstance(reason, OriginateReason) else "failed")

    async def _hangups(self, sub: EventSubscription) -> None:
        async with sub:
            async for event in sub:
                if not isinstance(event, Hangup):
                    continue
                call_id = self._answered.pop(event.uniqueid, None)
                if call_id is None:
                    self._hung[event.uniqueid] = event.cause
                    while len(self._hung) > HUNG_MEMORY:
                        self._hung.pop(next(iter(self._hung)))
                elif self._on_end is not None:
                    await self._on_end(call_id, event.cause)
