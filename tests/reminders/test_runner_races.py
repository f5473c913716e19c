"""The run's exit test against interleavings injected deterministically: a call's end freeing a per-group slot while
a claim (which saw the old cap state) is in flight must not end the run with the held-back member still due."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ivr.reminders.placer import OnEnd, Placed
from ivr.reminders.planner import Planner
from ivr.reminders.runner import Runner
from ivr.reminders.store import Dial, ReminderStore
from models.reminders import Reminder
from tests.fakes.reminder_fakes import FakeLedgerReads
from tests.reminders.conftest import Env
from tests.reminders.test_scheduler import EVE_DUE, add_contacts, ledger


class HeldPlacer:
    """Answers every call and keeps it live until the test ends it (`end`)."""

    def __init__(self) -> None:
        self.placed: list[Dial] = []
        self.live: list[uuid.UUID] = []
        self._on_end: OnEnd | None = None

    def set_on_end(self, on_end: OnEnd) -> None:
        self._on_end = on_end

    async def place(self, dial: Dial) -> Placed:
        self.placed.append(dial)
        self.live.append(dial.call_id)
        return Placed("answered")

    async def end(self, call_id: uuid.UUID) -> None:
        assert self._on_end is not None
        self.live.remove(call_id)
        await self._on_end(call_id, 16)


class EndDuringClaim(ReminderStore):
    """A store whose claims, once a call is live, let that call end after the claim read the cap state and before
    the claim returns: the interleaving seen on a real Asterisk (the Hangup lands while the claim's SQL runs)."""

    placer: HeldPlacer
    injected = 0

    async def claim_due(self, now: datetime, **kw: Any) -> list[Dial]:
        claimed = await super().claim_due(now, **kw)
        if not claimed and self.placer.live:
            self.injected += 1
            await self.placer.end(self.placer.live[0])  # the slot frees now; this claim saw it taken
        return claimed


async def test_a_slot_freed_during_an_empty_claim_is_used_before_the_run_ends(env: Env) -> None:
    lg: FakeLedgerReads = ledger(("g-a", "Africa/Nairobi", 2))
    await add_contacts(env, lg)
    env.clock.now = EVE_DUE
    rem = env.rem(meeting_hours_before=0, max_concurrent_per_group=1)
    store = EndDuringClaim(env.sessions, rem)
    store.placer = placer = HeldPlacer()
    runner = Runner(planner=Planner(ledger=lg, store=store, settings=rem), store=store, placer=placer,
                    clock=env.clock, stamp=env.clock)
    report = await asyncio.wait_for(runner.run(), 10)
    # the second member, held back by the group cap of 1, was called in this run, not left for the next one
    assert len(placer.placed) == 2 and report.outcomes["answered"] == 2
    assert store.injected == 2  # both calls ended inside a claim that returned nothing
    with env.sessions() as s:
        assert {r.status for r in s.scalars(select(Reminder))} == {"done"}
