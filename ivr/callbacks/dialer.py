"""Places due callbacks through the process's AMI client (Originate into [mikashboks-outbound] exten `callback`,
IVR_CALL_UUID + IVR_PURPOSE=callback) and stores how each ended; answered calls end on their AMI Hangup.

The Originate path is the reminders' own placer (ivr.reminders.placer.AmiPlacer: ChannelId = call UUID, hang-up
causes matched by channel, the same outcome mapping); only the extension and the purpose differ, so the dialplan
can tell a callback from a reminder.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from ivr.ami import AmiClient
from ivr.callbacks.config import CallbackSettings
from ivr.callbacks.store import CallbackDial, CallbackStore
from ivr.reminders.config import RemindersSettings
from ivr.reminders.placer import AmiPlacer, Placed

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class CallbackDialer:
    """Claims due callbacks each tick and dials them; `tick()` is the whole step (tests call it on a frozen clock)."""

    def __init__(self, *, ami: AmiClient, store: CallbackStore, settings: CallbackSettings,
                 reminders: RemindersSettings, ring_s: float, clock: Clock, media_addr: str = "") -> None:
        self._store = store
        self._s = settings
        self._clock = clock
        self._placer = AmiPlacer(ami, reminders, ring_s, purpose="callback", exten=settings.exten,
                                 media_addr=media_addr)
        self._placer.set_on_end(self._ended)
        self._placing: set[asyncio.Task[None]] = set()
        self._loop: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()  # the answer and the end of one call are stored in order

    async def __aenter__(self) -> CallbackDialer:
        await self._placer.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._placer.__aexit__(*exc)
        tasks = [t for t in (self._loop, *self._placing) if t is not None]
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t

    def start(self) -> None:
        """Tick every `tick_s` in the background (the app's lifespan)."""
        self._loop = asyncio.create_task(self._every_tick(), name="callbacks")

    async def _every_tick(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:  # a database or AMI hiccup must not end the scheduler; the next tick tries again
                log.exception("callback tick failed")
            await asyncio.sleep(self._s.tick_s)

    async def tick(self) -> list[CallbackDial]:
        now = self._clock()
        await self._store.expire_stale(now)
        dials = await self._store.claim_due(now)
        for dial in dials:
            task = asyncio.create_task(self._place(dial), name=f"callback-{dial.call_id}")
            self._placing.add(task)
            task.add_done_callback(self._placing.discard)
        return dials

    async def idle(self) -> None:
        """Wait until every Originate of this process has its OriginateResponse (tests)."""
        while self._placing:
            await asyncio.gather(*list(self._placing), return_exceptions=True)

    async def _place(self, dial: CallbackDial) -> None:
        placed = await self._originate(dial)
        log.info("callback %d attempt %d: %s", dial.callback_id, dial.attempt, placed.outcome)
        async with self._lock:
            await self._store.dial_result(dial.call_id, placed.outcome, self._clock(), placed.cause)
            if placed.ended:
                await self._store.call_ended(dial.call_id, self._clock(), placed.cause)

    async def _originate(self, dial: CallbackDial) -> Placed:
        return await self._placer.place(dial)

    async def _ended(self, call_id: uuid.UUID, cause: int | None) -> None:
        """An answered callback's channel hung up (the bot ended the call, or the member did)."""
        async with self._lock:
            await self._store.call_ended(call_id, self._clock(), cause)
