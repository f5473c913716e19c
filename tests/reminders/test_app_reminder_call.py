"""The live app (create_app under uvicorn, as `ivr serve` runs it) admits an answered reminder call: the runner (as
`ivr reminders run` would, in its own process role) stores the call's UUID and sends AMI Originate to the AMI peer,
the peer connects AudioSocket to the APP's server with that UUID, and the reminder dialog — not the inbound menu —
takes the call (member keys 1 "it's me", 2 "I will attend"; outcome "confirmed"). The app's reminders admin API
(app.state.reminders) reports the campaign."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from ivr.ami import AmiClient
from ivr.reminders.service import reminders_service
from ivr.settings import Settings
from ledger_client.client import LedgerClient
from ledger_core.demo_people import demo_members
from models.base import make_sessionmaker, utcnow
from models.calls import Call
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from models.reminders import Reminder
from tests.e2e.harness import running_ivr, wait_bot_said_something
from tests.fakes.dialog_fakes import FakeClock
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port
from tests.fixtures.settings import make_test_settings
from tests.peers.asterisk_audiosocket import FakeAsteriskCall
from tests.reminders.audio_peer import AudioAmiPeer
from tests.reminders.test_audio_call import UMOJA, peer  # noqa: F401  (the AMI + AudioSocket peer fixture)

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_app_admits_an_originated_reminder_call(tmp_path: Path, ledger_server: LedgerCoreProcess,
                                                      peer: AudioAmiPeer,  # noqa: F811
                                                      shared_prompt_cache: Path) -> None:
    settings: Settings = make_test_settings(
        tmp_path, ledger={"base_url": ledger_server.base_url}, http={"port": free_port()},
        audiosocket={"port": free_port()}, ami={"port": peer.port, "secret": SecretStr("test-ami-secret")},
        calls={"languages": ["en"], "meeting_transcribe_every_s": 0},
        # the campaign's `--at` clock may be up to a week off the app's real clock: the run's records carry real
        # times, so the app admits the call with the default expiry
        reminders={"meeting_hours_before": 0, "repayment_days_before": 0, "repayment_on_day": False,
                   "nudge_loan_repaid": False, "caller_id_number": "+254700999000"},
        speech={"models_dir": tmp_path / "models", "tts": {"cache_dir": shared_prompt_cache}},
    )  # fmt: skip
    install_keyring(keyring_from_settings(settings))
    upgrade_to_head(settings)
    member = next(m for m in demo_members() if m.group_id == UMOJA and m.role == "member")
    async with httpx.AsyncClient() as http:
        events = await LedgerClient(http=http, settings=settings.ledger).upcoming_events(
            utcnow(), utcnow() + timedelta(days=8))
    day = min(e.date for e in events if e.kind == "meeting" and e.group_id == UMOJA)
    eve = datetime.combine(day - timedelta(days=1), datetime.min.time(), ZoneInfo("Africa/Nairobi"))
    clock = FakeClock((eve + timedelta(hours=18, minutes=30)).astimezone(ZoneInfo("UTC")))
    keyed: list[str] = []

    async def member_answers(call: FakeAsteriskCall, target: str) -> None:
        await wait_bot_said_something(call, since=time.monotonic(), quiet_s=1.2, timeout=90)  # greeting
        await call.press("1")
        keyed.append("1")
        await wait_bot_said_something(call, since=time.monotonic(), quiet_s=1.5, timeout=120)  # the reminder
        await call.press("2")
        keyed.append("2")

    peer.answer = member_answers
    async with running_ivr(settings) as base_url:
        peer.audiosocket = ("127.0.0.1", settings.audiosocket.port)  # the app's own AudioSocket server
        ami = AmiClient(settings.ami)
        await ami.start()
        try:
            async with reminders_service(settings, clock=clock, dial=True, ami=ami) as svc:
                await svc.store.set_contacts([(member.member_id, member.phone)])
                assert svc.runner is not None
                report = await asyncio.wait_for(svc.runner.run(), 300)
        finally:
            await ami.close()
        assert report.outcomes == {"answered": 1}
        assert keyed == ["1", "2"] and [c.ended_by for c in peer.calls] == ["server_hangup"]
        async with httpx.AsyncClient() as http:
            r = await http.get(f"{base_url}/admin/reminders/stats", headers={"X-API-Key": "test-admin-key"})
        assert r.status_code == 200, r.text
        assert sum(c["confirmed"] for c in r.json()["campaigns"]) == 1, r.json()

    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine)() as s:
            rem = s.scalars(select(Reminder).where(Reminder.member_id == member.member_id)).one()
            assert (rem.identity_confirmed, rem.confirmed, rem.status) == (True, True, "done")
            c = s.get(Call, rem.attempt_rows[0].call_id)
            assert c is not None and (c.direction, c.purpose, c.outcome) == ("out", "reminder", "confirmed")
    finally:
        engine.dispose()
