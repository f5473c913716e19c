"""`ivr reminders run --at` pretends a moment for what is due; the calls themselves happen now. The IVR process that
admits the answered call (ivr.reminders.calls.ReminderCalls) and ends it stamps with its real clock, so the run's
records must be real times too: admitted whatever `--at` says, and no call ending before it started."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dialogs.store import SqlStore
from ivr.calls.session import SessionDeps
from ivr.reminders.calls import ReminderCalls
from ivr.reminders.placer import OnEnd, Placed
from ivr.reminders.planner import Planner
from ivr.reminders.runner import Runner
from ivr.reminders.store import Dial
from models.base import utcnow
from models.calls import Call
from models.reminders import Reminder, ReminderAttempt
from tests.fakes.reminder_fakes import FakeLedgerReads, group_info, meeting, roster
from tests.reminders.conftest import Env

NAIROBI = ZoneInfo("Africa/Nairobi")


class AdmittingPlacer:
    """Asterisk + the IVR in one: the first member answers (the IVR admits the UUID, the dialog ends the call with
    the IVR's real clock, then the Hangup arrives); the second member is busy."""

    def __init__(self, admission: ReminderCalls, sql: SqlStore, busy_phone: str) -> None:
        self.admission, self.sql, self.busy_phone = admission, sql, busy_phone
        self.admitted: dict[uuid.UUID, bool] = {}
        self._on_end: OnEnd | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def set_on_end(self, on_end: OnEnd) -> None:
        self._on_end = on_end

    async def place(self, dial: Dial) -> Placed:
        if dial.phone == self.busy_phone:
            return Placed("busy", 17)
        handler = await self.admission.accept(dial.call_id)
        self.admitted[dial.call_id] = handler is not None
        task = asyncio.create_task(self._talk(dial.call_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return Placed("answered")

    async def _talk(self, call_id: uuid.UUID) -> None:
        await asyncio.sleep(0.05)
        await self.sql.end_call(call_id, "listened", utcnow())  # what the ReminderDialog does in the IVR
        assert self._on_end is not None
        await self._on_end(call_id, 16)


class NoInboundCalls:
    """The inbound CallRegistry: no call was registered over HTTP in this test, so every UUID is refused."""

    def accept(self, call_id: uuid.UUID) -> None:
        return None


def no_media_deps(env: Env) -> SessionDeps:
    """Admission builds a CallSession but this test never attaches media: nothing below is used."""
    none: Any = None
    return SessionDeps(speaker=none, asr_for=lambda _lang: None, new_dialog=none, timings=None,
                       settings=env.settings.calls, vad=env.settings.speech.vad)


@pytest.mark.parametrize("days_from_today", [-6, 5], ids=["--at in the past", "--at in the future"])
async def test_a_pretended_moment_decides_what_is_due_and_the_records_keep_real_times(
        env: Env, days_from_today: int) -> None:
    day: date = utcnow().astimezone(NAIROBI).date() + timedelta(days=days_from_today)
    lg = FakeLedgerReads(groups={"g-a": group_info("g-a", "Africa/Nairobi", weekday=day.weekday())},
                         rosters={"g-a": roster("g-a", 2)}, events=[meeting("g-a", day)])
    pretend = datetime.combine(day - timedelta(days=1), time(18, 30), NAIROBI).astimezone(UTC)  # the eve
    env.clock.now = pretend
    store = env.store(meeting_hours_before=0)
    await store.set_contacts([("g-a-m1", "+254700000001"), ("g-a-m2", "+254700000002")])
    admission = ReminderCalls(inner=NoInboundCalls(), deps=no_media_deps(env), sessions=env.sessions,
                              nlu=None, settings=env.settings)  # type: ignore[arg-type]  (no NLU turn here)
    placer = AdmittingPlacer(admission, SqlStore(env.sessions), busy_phone="+254700000002")
    runner = Runner(planner=Planner(ledger=lg, store=store, settings=env.rem(meeting_hours_before=0)), store=store,
                    placer=placer, clock=env.clock)  # the `--at` clock; records default to the real clock
    started = utcnow()
    report = await asyncio.wait_for(runner.run(), 20)
    await admission.stop()
    assert report.outcomes == {"answered": 1, "busy": 1}
    assert list(placer.admitted.values()) == [True]  # the IVR took the answered call, whatever --at said
    with env.sessions() as s:
        for call in s.scalars(select(Call)):
            assert call.ended_at is not None
            stamps = [call.started_at, *([call.answered_at] if call.answered_at else []), call.ended_at]
            assert stamps == sorted(stamps), "a call ended before it started"
            assert all(abs((t - started).total_seconds()) < 60 for t in stamps)
        for a in s.scalars(select(ReminderAttempt)):
            assert a.ended_at is not None and a.started_at <= a.ended_at
        busy = s.scalars(select(Reminder).where(Reminder.member_id == "g-a-m2")).one()
        assert busy.next_attempt_at == pretend + timedelta(minutes=15)  # retries are scheduled as of --at
