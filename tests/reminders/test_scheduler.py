"""Scheduler unit tests with a frozen clock: idempotency across a restart, opt-out, caps, retry ladder, quiet hours."""

from __future__ import annotations

import asyncio
import zlib
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from ivr.reminders.planner import Planner
from models.reminders import Reminder, ReminderAttempt
from tests.fakes.reminder_fakes import FakeLedgerReads, FakePlacer, group_info, meeting, repayment, roster
from tests.reminders.conftest import Env

THURSDAY = date(2026, 11, 26)
EVE_DUE = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wednesday 18:00 in Nairobi


def ledger(*groups: tuple[str, str, int]) -> FakeLedgerReads:
    """groups: (id, timezone, members); one Thursday 14:00 meeting each."""
    return FakeLedgerReads(
        groups={g: group_info(g, tz) for g, tz, _ in groups},
        rosters={g: roster(g, n) for g, _, n in groups},
        events=[meeting(g, THURSDAY) for g, _, _ in groups],
    )


def phone(member_id: str) -> str:
    return "+2547" + f"{zlib.crc32(member_id.encode()) % 10**8:08d}"


async def add_contacts(env: Env, lg: FakeLedgerReads) -> None:
    await env.store().set_contacts([(m.member_id, phone(m.member_id)) for r in lg.rosters.values()
                                    for m in r.members])


def rows(env: Env) -> list[Reminder]:
    with env.sessions() as s:
        return list(s.scalars(select(Reminder).order_by(Reminder.id)))


async def test_planning_is_idempotent_across_a_scheduler_restart(env: Env) -> None:
    lg = ledger(("g-a", "Africa/Nairobi", 4))
    await add_contacts(env, lg)
    first = await Planner(ledger=lg, store=env.store(), settings=env.rem()).plan(env.clock())
    assert [ln.status for ln in first].count("new") == 8  # eve + 2 h before, 4 members
    planned = {r.key for r in rows(env)}
    assert len(planned) == 8
    # a new process: new store, new planner, same database
    again = await Planner(ledger=lg, store=env.store(), settings=env.rem()).plan(env.clock())
    assert {ln.status for ln in again} == {"already planned"}
    assert {r.key for r in rows(env)} == planned
    # and after the calls were placed, a restart still adds nothing
    env.clock.now = EVE_DUE
    runner, _ = env.runner(lg, placer := FakePlacer(), meeting_hours_before=0)
    await runner.run()
    runner2, _ = env.runner(lg, placer2 := FakePlacer(), meeting_hours_before=0)
    report = await runner2.run()
    assert len(placer.placed) == 4 and placer2.placed == [] and report.new == 0
    with env.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReminderAttempt)) == 4


async def test_opted_out_members_are_skipped_at_planning_and_at_dialling(env: Env) -> None:
    lg = ledger(("g-a", "Africa/Nairobi", 3))
    await add_contacts(env, lg)
    store = env.store()
    await store.set_opt_out("g-a-m1", True)
    lines = await Planner(ledger=lg, store=store, settings=env.rem(meeting_hours_before=0)).plan(env.clock())
    skipped = [ln for ln in lines if ln.candidate.member_id == "g-a-m1"]
    assert [ln.reason for ln in skipped] == ["member opted out of reminder calls"]
    await store.set_opt_out("g-a-m2", True)  # after planning, before the call
    env.clock.now = EVE_DUE
    runner, _ = env.runner(lg, placer := FakePlacer(), meeting_hours_before=0)
    await runner.run()
    assert [d.phone for d in placer.placed] == [phone("g-a-m3")]
    statuses = {r.member_id: r.status for r in rows(env)}
    assert statuses == {"g-a-m2": "cancelled", "g-a-m3": "done"}
    # opting back in: the next campaign calls them again
    await store.set_opt_out("g-a-m2", False)
    lg.events = [meeting("g-a", THURSDAY + timedelta(days=7))]
    env.clock.now = EVE_DUE + timedelta(days=7)
    runner, _ = env.runner(lg, placer := FakePlacer(), meeting_hours_before=0)
    await runner.run()
    assert sorted(d.phone for d in placer.placed) == sorted([phone("g-a-m2"), phone("g-a-m3")])


async def test_global_and_per_group_caps_hold_and_every_call_is_placed(env: Env) -> None:
    lg = ledger(("g-a", "Africa/Nairobi", 5), ("g-b", "Africa/Dar_es_Salaam", 5))
    await add_contacts(env, lg)
    env.clock.now = EVE_DUE
    placer = FakePlacer(talk_s=0.05)
    runner, _ = env.runner(lg, placer, meeting_hours_before=0, max_concurrent_calls=3, max_concurrent_per_group=2)
    report = await runner.run()
    assert len(placer.placed) == 10 and report.outcomes["answered"] == 10
    assert placer.max_live <= 3 and max(placer.max_live_per_group.values()) <= 2
    assert placer.max_live == 3  # the caps are used, not just respected
    assert report.max_concurrent <= 3
    assert {r.status for r in rows(env)} == {"done"}


async def test_busy_climbs_the_retry_ladder_then_gives_up(env: Env) -> None:
    lg = ledger(("g-a", "Africa/Nairobi", 1))
    await add_contacts(env, lg)
    busy = FakePlacer(outcomes={phone("g-a-m1"): "busy"})
    env.clock.now = EVE_DUE
    seen = []
    for expected_wait in (15, 30, 60, None):
        runner, _ = env.runner(lg, busy, meeting_hours_before=0)
        await runner.run()
        (r,) = rows(env)
        seen.append(r.status)
        if expected_wait is None:
            break
        assert r.next_attempt_at == env.clock.now + timedelta(minutes=expected_wait)
        # nothing is dialled before the retry is due
        env.clock.now = r.next_attempt_at - timedelta(minutes=1)
        runner, _ = env.runner(lg, busy, meeting_hours_before=0)
        before = len(busy.placed)
        await runner.run()
        assert len(busy.placed) == before
        env.clock.now = r.next_attempt_at
    assert seen == ["pending", "pending", "pending", "gave_up"]
    assert len(busy.placed) == 4  # the first call and three retries
    with env.sessions() as s:
        outcomes = list(s.scalars(select(ReminderAttempt.outcome).order_by(ReminderAttempt.seq)))
    assert outcomes == ["busy"] * 4


async def test_a_retry_never_falls_in_quiet_hours_and_expires_with_its_event(env: Env) -> None:
    lg = ledger(("g-a", "Africa/Nairobi", 1))
    await add_contacts(env, lg)
    env.clock.now = datetime(2026, 11, 25, 16, 50, tzinfo=UTC)  # 19:50 Wednesday in Nairobi
    placer = FakePlacer(outcomes={phone("g-a-m1"): "no_answer"})
    runner, _ = env.runner(lg, placer, meeting_hours_before=0)
    await runner.run()
    (r,) = rows(env)
    assert r.status == "pending"
    assert r.next_attempt_at == datetime(2026, 11, 26, 5, 0, tzinfo=UTC)  # 08:00 Thursday, not 20:05
    # a repayment reminder on its due day at 19:50 cannot be retried before its day ends: it gives up
    lg.events = [repayment("g-a", "g-a-m1", date(2026, 11, 25), 150000)]
    runner, _ = env.runner(lg, placer, meeting_eve=False, meeting_hours_before=0, repayment_days_before=0)
    await runner.run()
    rep = [x for x in rows(env) if x.kind == "repayment"]
    assert [x.status for x in rep] == ["gave_up"]


async def test_planning_moves_early_reminders_into_the_window_and_drops_impossible_ones(env: Env) -> None:
    lg = ledger(("g-a", "Africa/Nairobi", 1))
    lg.events = [meeting("g-a", THURSDAY, when="09:00")]
    await add_contacts(env, lg)
    lines = await Planner(ledger=lg, store=env.store(), settings=env.rem(meeting_hours_before=3)).lines(env.clock())
    soon = next(ln for ln in lines if ln.candidate.rule == "meeting_soon")
    assert soon.candidate.due_at == datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # 06:00 local
    assert soon.first_call_at == datetime(2026, 11, 26, 5, 0, tzinfo=UTC)  # moved to 08:00 local
    # the same reminder planned after the meeting started: too late, not stored
    late = await Planner(ledger=lg, store=env.store(), settings=env.rem(meeting_hours_before=3)).lines(
        datetime(2026, 11, 26, 6, 30, tzinfo=UTC))
    assert {ln.reason for ln in late} == {"too late: no allowed calling time before the event"}


async def test_a_call_that_never_reports_its_end_expires(env: Env) -> None:
    lg = ledger(("g-a", "Africa/Nairobi", 1))
    await add_contacts(env, lg)
    env.clock.now = EVE_DUE
    runner, store = env.runner(lg, FakePlacer(hang_up=False), meeting_hours_before=0, call_expiry_s=0.2)
    report = await runner.run()
    assert report.outcomes["expired"] == 1
    assert [r.status for r in rows(env)] == ["done"]
    # a call left "dialing" by a crashed run is closed by the next run's expiry pass
    lg.events = [meeting("g-a", THURSDAY + timedelta(days=7))]
    env.clock.now = EVE_DUE + timedelta(days=7)
    assert await store.claim_due(env.clock()) == []  # nothing planned yet for next week: plan, claim, "crash"
    await Planner(ledger=lg, store=store, settings=env.rem(meeting_hours_before=0)).plan(env.clock())
    assert len(await store.claim_due(env.clock())) == 1
    env.clock.now += timedelta(seconds=1)
    assert await store.expire_stale(env.clock()) == 1
    assert rows(env)[-1].status == "expired"


async def test_paused_groups_wait_and_resume(env: Env) -> None:
    lg = ledger(("g-a", "Africa/Nairobi", 2), ("g-b", "Africa/Nairobi", 2))
    await add_contacts(env, lg)
    env.clock.now = EVE_DUE
    store = env.store()
    await store.pause("g-a", "test")
    runner, _ = env.runner(lg, placer := FakePlacer(), meeting_hours_before=0)
    await runner.run()
    assert {d.group_id for d in placer.placed} == {"g-b"}
    await store.pause("*", "test")
    assert await store.resume("g-a")
    runner, _ = env.runner(lg, placer, meeting_hours_before=0)
    await runner.run()
    assert len(placer.placed) == 2  # everything paused
    assert await store.resume("*")
    runner, _ = env.runner(lg, placer, meeting_hours_before=0)
    await runner.run()
    assert sorted(d.group_id for d in placer.placed) == ["g-a", "g-a", "g-b", "g-b"]


async def test_a_call_that_ends_before_its_answer_is_stored_does_not_hang_the_run(env: Env) -> None:
    lg = ledger(("g-a", "Africa/Nairobi", 2))
    await add_contacts(env, lg)
    env.clock.now = EVE_DUE
    for placer in (FakePlacer(end_first=True), FakePlacer(ended_flag=True)):
        runner, _ = env.runner(lg, placer, meeting_hours_before=0, call_expiry_s=600)
        report = await asyncio.wait_for(runner.run(), 10)  # never waits for the 600 s expiry
        assert report.outcomes["answered"] == 2
        assert {(r.status, r.last_outcome) for r in rows(env)} == {("done", "answered")}
        with env.sessions() as s:
            assert all(a.ended_at is not None for a in s.scalars(select(ReminderAttempt)))
        lg.events = [meeting(g, THURSDAY + timedelta(days=7)) for g in lg.groups]
        env.clock.now += timedelta(days=7)
