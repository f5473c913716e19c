"""Reminders by SMS with the real stores (SQLite and PostgreSQL) and a scripted gateway: members who chose SMS are
texted, never dialled; unanswered calls after the last retry get one SMS; quiet hours, pauses, opt-outs and the
one-per-reminder key hold across runs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ivr.reminders.planner import Planner
from ivr.reminders.runner import Runner
from ivr.reminders.service import Reminders
from ivr.sms.outbox import SmsOutbox
from ivr.sms.reminders import SmsReminders, run_campaign
from ivr.sms.state import SmsState
from models.reach import SmsOutbox as Row
from models.reminders import Reminder
from tests.fakes.reminder_fakes import FakePlacer
from tests.reminders.conftest import Env
from tests.reminders.test_scheduler import EVE_DUE, add_contacts, ledger, phone
from tests.sms.test_outbox import ScriptedGateway


def setup(env: Env, placer: FakePlacer, **rem: object) -> tuple[Reminders, SmsReminders, ScriptedGateway]:
    lg = ledger(("g-ke", "Africa/Nairobi", 3))
    store = env.store(meeting_hours_before=0, **rem)
    settings = env.rem(meeting_hours_before=0, **rem)
    planner = Planner(ledger=lg, store=store, settings=settings)
    runner = Runner(planner=planner, store=store, placer=placer, clock=env.clock)
    gw = ScriptedGateway()
    outbox = SmsOutbox(env.sessions, gw, env.settings.sms, env.clock)
    env.lg = lg  # type: ignore[attr-defined]
    return Reminders(store, planner, runner), SmsReminders(env.sessions, outbox, env.settings.sms, settings), gw


async def test_members_who_chose_sms_are_texted_once_and_never_dialled(env: Env) -> None:
    placer = FakePlacer()
    svc, sms, gw = setup(env, placer)
    await add_contacts(env, env.lg)  # type: ignore[attr-defined]
    await SmsState(env.sessions, svc.store).set_channel(["g-ke-m1"], "sms")
    env.clock.now = EVE_DUE + timedelta(minutes=1)
    report, sent = await run_campaign(svc, sms, clock=env.clock, enabled=True)
    assert sent.primary == 1 and sorted(d.phone for d in report.dials) == [phone("g-ke-m2"), phone("g-ke-m3")]
    assert [p.to for p in gw.taken] == [phone("g-ke-m1")] and "your group meets on Thursday 26/11" in gw.taken[0].text
    env.clock.advance(minutes=5)
    report, sent = await run_campaign(svc, sms, clock=env.clock, enabled=True)
    assert (report.dials, sent.primary, len(gw.taken)) == ([], 0, 1)  # the same reminder: no second SMS
    with env.sessions() as s:
        r = s.scalars(select(Reminder).where(Reminder.member_id == "g-ke-m1")).one()
        assert (r.status, r.last_outcome, r.attempts) == ("done", "sms", 0)


async def test_quiet_hours_pause_and_opt_out_hold_for_sms(env: Env) -> None:
    svc, sms, gw = setup(env, FakePlacer())  # quiet hours: calls (and SMS) 08:00-20:00 local
    await add_contacts(env, env.lg)  # type: ignore[attr-defined]
    await SmsState(env.sessions, svc.store).set_channel(["g-ke-m1", "g-ke-m2", "g-ke-m3"], "sms")
    await svc.store.pause("g-ke", "test")
    env.clock.now = EVE_DUE + timedelta(minutes=1)
    _report, sent = await run_campaign(svc, sms, clock=env.clock, enabled=True)
    assert sent.primary == 0 and gw.taken == []  # paused: nothing goes out
    await svc.store.resume("g-ke")
    await svc.store.set_opt_out("g-ke-m2", True)
    env.clock.now = EVE_DUE.replace(hour=18)  # 21:00 in Nairobi: after calls_until (20:00)
    _report, sent = await run_campaign(svc, sms, clock=env.clock, enabled=True)
    assert sent.primary == 0 and gw.taken == []
    with env.sessions() as s:
        by = {r.member_id: r for r in s.scalars(select(Reminder))}
        assert (by["g-ke-m2"].status, by["g-ke-m2"].opted_out) == ("cancelled", True)
        assert by["g-ke-m1"].status == "pending"  # waits for tomorrow morning (the meeting is at 14:00)
    env.clock.now = EVE_DUE.replace(hour=5, minute=0) + timedelta(days=1)  # Thursday 08:00 in Nairobi
    _report, sent = await run_campaign(svc, sms, clock=env.clock, enabled=True)
    assert sent.primary == 2 and sorted(p.to for p in gw.taken) == sorted([phone("g-ke-m1"), phone("g-ke-m3")])


async def test_an_unanswered_call_after_its_last_retry_gets_one_sms(env: Env) -> None:
    placer = FakePlacer(outcomes={phone("g-ke-m1"): "no_answer"})
    svc, sms, gw = setup(env, placer, max_retries=1, retry_delays_min=[15])
    await add_contacts(env, env.lg)  # type: ignore[attr-defined]
    env.clock.now = EVE_DUE + timedelta(minutes=1)
    _report, sent = await run_campaign(svc, sms, clock=env.clock, enabled=True)
    assert sent.fallback == 0 and gw.taken == []  # a retry is still to come
    env.clock.advance(minutes=15)
    _report, sent = await run_campaign(svc, sms, clock=env.clock, enabled=True)
    assert sent.fallback == 1 and [p.to for p in gw.taken] == [phone("g-ke-m1")]
    for _ in range(3):
        env.clock.advance(minutes=20)
        _report, sent = await run_campaign(svc, sms, clock=env.clock, enabled=True)
        assert sent.fallback == 0
    assert len(gw.taken) == 1
    with env.sessions() as s:
        (row,) = s.scalars(select(Row)).all()
        assert (row.purpose, row.status, row.member_id) == ("reminder_fallback", "sent", "g-ke-m1")
