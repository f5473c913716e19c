"""Places a claimed reminder call with AMI Originate (UUID + purpose as channel variables) and maps AMI outcomes.

OriginateResponse `Reason` → outcome: 4 answered, 5 busy, 3 no answer, 8 congestion, anything else failed.
The call UUID is also the Originate's `ChannelId`, so it is the outbound channel's Uniqueid, and asterisk/manager.conf
lists IVR_CALL_UUID in `channelvars`, so every channel event carries it too. That is how a Hangup is matched to its
call: a failed attempt's OriginateResponse names no Uniqueid (`<unknown>`), and only the channel's Hangup says why
it failed (Cause 17 busy, 19 no answer), sometimes just before, sometimes just after the response. An answered
call ends with a Hangup for the same channel (the bot hangs up, or the member does).
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
# A failed attempt's Hangup (with its cause) can reach us after the OriginateResponse: Asterisk publishes channel
# events through Stasis while the originate thread writes the response. 2 s covers that lag on a loaded server; an
# attempt that never had a channel (Reason 0, no such endpoint) has no Hangup and is stored without a cause.
FAILED_CAUSE_WAIT_S = 2.0


@dataclass(frozen=True)
class Placed:
    outcome: str  # answered | busy | no_answer | failed | congestion
    cause: int | None = None
    ended: bool = False  # answered, and its Hangup already arrived (a very short call)


class Dialable(Protocol):
    """What a placer dials: the call's UUID and the member's number (a claimed reminder or callback)."""

    @property
    def call_id(self) -> uuid.UUID: ...

    @property
    def phone(self) -> str: ...


class CallPlacer(Protocol):
    """Dials one claimed reminder and reports how the dialling ended; `on_end` hears when answered calls end."""

    async def place(self, dial: Dialable) -> Placed: ...

    def set_on_end(self, on_end: OnEnd) -> None: ...


class AmiPlacer:
    """CallPlacer over ivr.ami.AmiClient (the one AMI connection of the process).

    `purpose` and `exten` say which outbound call this is (IVR_PURPOSE, the extension of [mikashboks-outbound]):
    reminders, and missed-call callbacks (ivr/callbacks), dial through the same code.
    """

    def __init__(self, ami: AmiClient, settings: RemindersSettings, ring_s: float, *, purpose: str = "reminder",
                 exten: str = "reminder", media_addr: str = "") -> None:
        self._ami = ami
        self._s = settings
        self._ring_s = ring_s
        self._purpose = purpose
        self._exten = exten
        # `host:port` of this process's AudioSocket (IVR_AUDIOSOCKET__ADVERTISE, set per worker by `ivr serve
        # --workers`): sent as IVR_MEDIA_ADDR so the answered call comes back to the worker that placed it.
        self._variables = {"IVR_MEDIA_ADDR": media_addr} if media_addr else {}
        # Per call being placed: resolved with the Hangup's cause when its channel hangs up (before or after the
        # OriginateResponse; for an answered call, whenever the call ends).
        self._hangups_of: dict[uuid.UUID, asyncio.Future[int]] = {}
        self._answered: set[uuid.UUID] = set()  # live answered calls: their Hangup goes to on_end
        self._by_uniqueid: dict[str, uuid.UUID] = {}  # answered channels' Uniqueid, should ChannelId be ignored
        self._on_end: OnEnd | None = None
        self._watch: asyncio.Task[None] | None = None

    def set_on_end(self, on_end: OnEnd) -> None:
        self._on_end = on_end

    @property
    def caller_id(self) -> str:
        """`"Name" <number>` as Originate's CallerID wants it; the name alone when no number is configured."""
        name, number = self._s.caller_id, self._s.caller_id_number
        return f'"{name}" <{number}>' if number else name

    async def __aenter__(self) -> AmiPlacer:
        sub = self._ami.subscribe()
        self._watch = asyncio.create_task(self._hangups(sub), name=f"{self._purpose}-hangups")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch

    async def place(self, dial: Dialable) -> Placed:
        channel = self._s.channel_template.format(phone=dial.phone.lstrip("+"))
        hung: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._hangups_of[dial.call_id] = hung  # before Originate: no Hangup can come before we listen for it
        try:
            try:
                pending = await self._ami.originate(
                    channel, caller_id=self.caller_id, ring_s=self._ring_s, channel_id=str(dial.call_id),
                    exten=self._exten, variables={"IVR_CALL_UUID": str(dial.call_id), "IVR_PURPOSE": self._purpose,
                                                       **self._variables},
                )  # fmt: skip
                response = await pending.result(timeout=self._ring_s + RESPONSE_MARGIN_S)
            except AmiError as exc:
                log.warning("%s call %s not placed: %s", self._purpose, dial.call_id, type(exc).__name__)
                return Placed("failed")
            if response.answered:
                if hung.done():  # ended before we saw the answer (a very short call)
                    return Placed("answered", hung.result(), ended=True)
                self._answered.add(dial.call_id)  # in the same step as the check: no event slips between
                self._by_uniqueid[response.uniqueid] = dial.call_id
                return Placed("answered")
            reason = response.reason
            outcome = OUTCOME_OF_REASON.get(reason, "failed") if isinstance(reason, OriginateReason) else "failed"
            cause: int | None = None
            with contextlib.suppress(TimeoutError):
                cause = await asyncio.wait_for(asyncio.shield(hung), FAILED_CAUSE_WAIT_S)
            return Placed(outcome, cause)
        finally:
            if dial.call_id not in self._answered:
                self._hangups_of.pop(dial.call_id, None)

    def _call_of(self, event: Hangup) -> uuid.UUID | None:
        for text in (event.variables.get("IVR_CALL_UUID", ""), event.uniqueid):
            with contextlib.suppress(ValueError):
                call_id = uuid.UUID(text)
                if call_id in self._hangups_of:
                    return call_id
        return self._by_uniqueid.get(event.uniqueid)

    async def _hangups(self, sub: EventSubscription) -> None:
        async with sub:
            async for event in sub:
                if not isinstance(event, Hangup):
                    continue
                call_id = self._call_of(event)
                if call_id is None:
                    continue  # another channel (an inbound call, a transfer leg)
                hung = self._hangups_of.get(call_id)
                if hung is not None and not hung.done():
                    hung.set_result(event.cause)
                if call_id in self._answered:
                    self._answered.discard(call_id)
                    self._hangups_of.pop(call_id, None)
                    self._by_uniqueid.pop(event.uniqueid, None)
                    if self._on_end is not None:
                        await self._on_end(call_id, event.cause)
