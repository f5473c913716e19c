"""Integration: a reminder run over the demo ledger (real ledger_core over HTTP) placing calls through the real AMI
client against the protocol-faithful AMI peer: expected calls, caps, busy retried, outcomes stored, 9 opts out."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from dialogs.events import CallStarted, Digits, Utterance
from dialogs.reminder_call import ReminderDialog
from dialogs.store import SqlStore
from ivr.ami import AmiClient
from ivr.reminders.service import reminders_service
from ivr.reminders.store import ReminderStore
from ivr.settings import Settings
from ledger_client.client import LedgerClient
from ledger_core.demo_people import demo_members
from models.base import make_sessionmaker, utcnow
from models.calls import Call
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for
from models.reminders import Reminder, ReminderAttempt
from tests.fakes.dialog_fakes import FakeClock, FakeNlu
from tests.fixtures.ledger_server import LedgerCoreProcess
from tests.fixtures.settings import make_test_settings
from tests.peers.ami_peer import AmiPeer
from tests.reminders.lines import action_lines

pytestmark = pytest.mark.integration
UMOJA = "g-kes-umoja"
NAIROBI = ZoneInfo("Africa/Nairobi")


def channel(phone: str) -> str:
    return f"PJSIP/{phone.lstrip('+')}@trunk"


@contextlib.asynccontextmanager
async def peer() -> AsyncIterator[AmiPeer]:
    p = await AmiPeer("mikashboks", "test-ami-secret", step_s=0.005).start()
    try:
        yield p
    finally:
        await p.stop()


def settings_for(tmp_path: Path, ledger: LedgerCoreProcess, ami_port: int) -> Settings:
    s = make_test_settings(
        tmp_path, ledger={"base_url": ledger.base_url},
        ami={"port": ami_port, "secret": SecretStr("test-ami-secret"), "ping_interval_s": 60.0},
        reminders={"meeting_hours_before": 0, "repayment_days_before": 0, "repayment_on_day": False,
                   "nudge_loan_repaid": False, "caller_id_number": "+254700999000",
                   "max_concurrent_calls": 4, "max_concurrent_per_group": 3},
    )  # fmt: skip
    install_keyring(keyring_from_settings(s))
    return s


async def next_umoja_meeting(ledger: LedgerCoreProcess, settings: Settings) -> datetime:
    async with httpx.AsyncClient() as http:
        events = await LedgerClient(http=http, settings=settings.ledger).upcoming_events(
            utcnow(), utcnow() + timedelta(days=8))
    day = min(e.date for e in events if e.kind == "meeting" and e.group_id == UMOJA)
    return datetime.combine(day, time(14, 0), NAIROBI)


class Member:
    """Answers reminder calls the way a member would: the dialog runs from text, then the bot hangs up over AMI."""

    def __init__(self, settings: Settings, ami: AmiClient, amipeer: AmiPeer, clock: FakeClock,
                 script: dict[str, list[str]]) -> None:
        self.settings, self.ami, self.peer, self.clock, self.script = settings, ami, amipeer, clock, script
        self.engine = engine_for(settings)
        self.sessions = make_sessionmaker(self.engine)
        self.seen: set[str] = set()
        self.max_live = 0
        self.heard: dict[str, list[str]] = {}
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        store = ReminderStore(self.sessions, self.settings.reminders)
        while True:
            self.max_live = max(self.max_live, len(self.peer.channels))
            for name in list(self.peer.channels):
                if name in self.seen:
                    continue
                self.seen.add(name)
                target = name.rsplit("-", 1)[0] + "@trunk"
                originate = [a for a in self.peer.actions if a.get("action") == ["Originate"]
                             and a.get("channel") == [target]][-1]
                variables = dict(v.split("=", 1) for v in originate["variable"])
                call_id = uuid.UUID(variables["IVR_CALL_UUID"])
                brief = await store.brief(call_id)
                dialog = ReminderDialog(brief=brief, reminders=store, store=SqlStore(self.sessions), nlu=FakeNlu(),
                                        clock=self.clock, settings=self.settings.dialogs)
                lines = action_lines(await dialog.handle(CallStarted(target, direction="out", purpose="reminder")))
                for said in self.script.get(target, ["yes", "#2"]):
                    event = Digits(said[1:]) if said.startswith("#") else Utterance(said)
                    lines += action_lines(await dialog.handle(event))
                self.heard[target] = lines
                await asyncio.sleep(0.15)  # the rest of the call
                await self.ami.hangup(name)  # the bot hangs up: Asterisk reports Hangup
            await asyncio.sleep(0.005)

    def start(self) -> Member:
        self.task = asyncio.create_task(self.run())
        return self

    async def stop(self) -> None:
        assert self.task is not None
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        self.engine.dispose()


async def test_a_run_over_the_demo_data(tmp_path: Path, ledger_server: LedgerCoreProcess) -> None:
    members = [m for m in demo_members() if m.group_id == UMOJA]
    grace, mary, faith, esther, joyce = members[0], members[1], members[3], members[4], members[5]
    async with peer() as amipeer:
        settings = settings_for(tmp_path, ledger_server, amipeer.port)
        meeting = await next_umoja_meeting(ledger_server, settings)
        clock = FakeClock((meeting - timedelta(days=1)).replace(hour=18, minute=30).astimezone(ZoneInfo("UTC")))
        amipeer.outcomes = {channel(grace.phone): "busy", channel(mary.phone): "noanswer",
                            channel(esther.phone): "congestion", channel(joyce.phone): "fail"}
        ami = AmiClient(settings.ami)
        await ami.start()
        member = Member(settings, ami, amipeer, clock, {channel(faith.phone): ["yes", "#9"]}).start()
        try:
            async with reminders_service(settings, clock=clock, dial=True, ami=ami) as svc:
                await svc.store.set_contacts([(m.member_id, m.phone) for m in demo_members()])
                assert svc.runner is not None
                report = await asyncio.wait_for(svc.runner.run(), 60)

                # every Umoja member is called once, the evening before their meeting; nobody else
                originates = [a for a in amipeer.actions if a.get("action") == ["Originate"]]
                assert sorted(a["channel"][0] for a in originates) == sorted(channel(m.phone) for m in members)
                for a in originates:
                    variables = dict(v.split("=", 1) for v in a["variable"])
                    assert variables["IVR_PURPOSE"] == "reminder"
                    assert (a["context"], a["exten"], a["async"]) == (["mikashboks-outbound"], ["reminder"], ["true"])
                    with svc.store._sessions() as s:
                        call = s.get(Call, uuid.UUID(variables["IVR_CALL_UUID"]))
                        assert call is not None and (call.direction, call.purpose) == ("out", "reminder")
                assert report.outcomes == {"answered": 11, "busy": 1, "no_answer": 1, "congestion": 1, "failed": 1}
                assert member.max_live <= 3 and report.max_concurrent == 3  # Umoja's cap: 3 at once, and used

                # the answered calls heard the right day, in English
                weekday = meeting.strftime("%A")
                heard = member.heard[channel(faith.phone)]
                assert any(f"your group meets on {weekday}" in line for line in heard)
                assert "ask your group secretary to turn them back on" in " ".join(heard)

                with svc.store._sessions() as s:
                    by_member = {r.member_id: r for r in s.scalars(select(Reminder))}
                    assert by_member[grace.member_id].status == "pending"
                    assert by_member[grace.member_id].next_attempt_at == clock.now + timedelta(minutes=15)
                    assert by_member[faith.member_id].opted_out and by_member[faith.member_id].status == "done"
                    confirmed = sum(r.confirmed for r in by_member.values())
                    assert confirmed == 10 and all(r.listened for r in by_member.values() if r.status == "done")
                    outcomes = {r.member_id: [a.outcome for a in r.attempt_rows] for r in by_member.values()}
                    assert outcomes[mary.member_id] == ["no_answer"] and outcomes[grace.member_id] == ["busy"]
                    assert outcomes[esther.member_id] == ["congestion"] and outcomes[joyce.member_id] == ["failed"]
                    # the hang-up cause of each failed attempt, from its channel's Hangup event
                    causes = {r.member_id: [a.cause for a in r.attempt_rows] for r in by_member.values()}
                    assert causes[grace.member_id] == [17] and causes[mary.member_id] == [19]
                    assert causes[esther.member_id] == [34] and causes[joyce.member_id] == [None]  # no channel

                # +15 min: the busy and the unanswered members are retried; Grace answers this time
                amipeer.outcomes = {channel(mary.phone): "noanswer"}
                clock.advance(minutes=15)
                retry = await asyncio.wait_for(svc.runner.run(), 30)
                retried = [grace.phone, mary.phone, esther.phone, joyce.phone]
                assert sorted(d.phone for d in retry.dials) == sorted(retried)
                assert retry.outcomes == {"answered": 3, "no_answer": 1}
                with svc.store._sessions() as s:
                    attempts = s.scalars(select(ReminderAttempt).join(Reminder).where(
                        Reminder.member_id == grace.member_id).order_by(ReminderAttempt.seq)).all()
                    assert [a.outcome for a in attempts] == ["busy", "answered"] and attempts[1].ended_at is not None
                    again = s.scalars(select(Reminder).where(Reminder.member_id == mary.member_id)).one()
                    assert (again.status, again.attempts) == ("pending", 2)
                    assert again.next_attempt_at == clock.now + timedelta(minutes=30)

                # next week's campaign skips the member who pressed 9
                clock.advance(days=7)
                before = len(originates)
                nxt = await asyncio.wait_for(svc.runner.run(), 60)
                called = [d.phone for d in nxt.dials]
                assert faith.phone not in called and grace.phone in called and len(called) == 14
                assert mary.phone in called  # last week's reminder expired with its meeting; this week's is new
                assert any(ln.candidate.member_id == faith.member_id and "opted out" in ln.reason
                           for ln in nxt.planned)
                assert len([a for a in amipeer.actions if a.get("action") == ["Originate"]]) == before + 4 + 14
        finally:
            await member.stop()
            await ami.close()
