"""End to end: a reminder run places the call over AMI; the answered channel reaches the live call pipeline over
AudioSocket like any call; the member keys 1 (it is me) and 2 (I will attend); the bot's audio, transcribed by the
whisper engine, names the meeting's weekday (from the ledger), and the outcome is stored. A second member, called at
the same time, keys 1 then 9: the opt-out is stored and the next campaign skips them."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from ivr.ami import AmiClient
from ivr.audiosocket.server import AudioSocketServer
from ivr.calls.registry import CallRegistry
from ivr.calls.session import CallInfo, CallSession, SessionDeps
from ivr.reminders.calls import ReminderCalls
from ivr.reminders.service import reminders_service
from ivr.settings import Settings
from ledger_client.client import LedgerClient
from ledger_core.demo_people import demo_members
from models.base import make_sessionmaker, utcnow
from models.calls import Call
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from models.reminders import Reminder
from speech.asr.config import AsrSettings
from speech.asr.whisper_engine import WhisperEngine
from speech.tts.speaker import Speaker
from tests.e2e.harness import bot_audio_between, wait_bot_said_something
from tests.fakes.dialog_fakes import FakeClock, FakeNlu
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port
from tests.fixtures.settings import make_test_settings
from tests.peers.asterisk_audiosocket import FakeAsteriskCall
from tests.reminders.audio_peer import AudioAmiPeer

pytestmark = [pytest.mark.integration, pytest.mark.slow]
UMOJA = "g-kes-umoja"


def words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]", " ", text.lower()).split())


@pytest.fixture
async def peer() -> AsyncIterator[AudioAmiPeer]:
    p = AudioAmiPeer("mikashboks", "test-ami-secret", step_s=0.005)
    await p.start()
    yield p
    await p.stop()


async def test_answered_reminder_call_says_the_meeting_day(tmp_path: Path, ledger_server: LedgerCoreProcess,
                                                           peer: AudioAmiPeer, shared_prompt_cache: Path) -> None:
    settings: Settings = make_test_settings(
        tmp_path, ledger={"base_url": ledger_server.base_url}, audiosocket={"port": free_port()},
        ami={"port": peer.port, "secret": SecretStr("test-ami-secret")}, calls={"languages": ["en"]},
        reminders={"meeting_hours_before": 0, "repayment_days_before": 0, "repayment_on_day": False,
                   "nudge_loan_repaid": False, "caller_id_number": "+254700999000"},
        speech={"models_dir": tmp_path / "models", "tts": {"cache_dir": shared_prompt_cache}},
    )  # fmt: skip
    install_keyring(keyring_from_settings(settings))
    upgrade_to_head(settings)
    member, other = [m for m in demo_members() if m.group_id == UMOJA and m.role == "member"][:2]
    async with httpx.AsyncClient() as http:
        events = await LedgerClient(http=http, settings=settings.ledger).upcoming_events(
            utcnow(), utcnow() + timedelta(days=8))
    day = min(e.date for e in events if e.kind == "meeting" and e.group_id == UMOJA)
    eve = datetime.combine(day - timedelta(days=1), datetime.min.time(), ZoneInfo("Africa/Nairobi"))
    clock = FakeClock((eve + timedelta(hours=18, minutes=30)).astimezone(ZoneInfo("UTC")))

    # the live pipeline's pieces, as the app builds them (keypad only: no recogniser needed for 1 and 2)
    engine = engine_for(settings)
    sessions = make_sessionmaker(engine)
    deps = SessionDeps(speaker=Speaker(settings), asr_for=lambda _lang: None, new_dialog=lambda _cid: None,  # type: ignore[arg-type,return-value]
                       timings=None, settings=settings.calls, vad=settings.speech.vad)

    def no_inbound(info: CallInfo, on_end: object) -> CallSession:
        raise AssertionError("no inbound call in this test")

    # as the app builds it: admission and the dialog on the real clock; the campaign's clock only decides what is due
    bridge = ReminderCalls(inner=CallRegistry(settings.calls, no_inbound), deps=deps, sessions=sessions,
                           nlu=FakeNlu(), settings=settings)
    server = AudioSocketServer(settings.audiosocket, bridge)
    await server.start()
    peer.audiosocket = ("127.0.0.1", server.port)
    heard: dict[str, bytes] = {}

    async def member_answers(call: FakeAsteriskCall, target: str) -> None:
        if other.phone.lstrip("+") in target:  # the second member: "it's me", then 9 to stop these calls
            await wait_bot_said_something(call, since=time.monotonic(), quiet_s=1.2, timeout=90)
            await call.press("1")
            await wait_bot_said_something(call, since=time.monotonic(), quiet_s=1.5, timeout=120)
            await call.press("9")
            return
        since = time.monotonic()
        await wait_bot_said_something(call, since=since, quiet_s=1.2, timeout=90)
        heard["greeting"] = bot_audio_between(call, since, time.monotonic())  # whole, with its silences
        await call.press("1")
        start = time.monotonic()
        await wait_bot_said_something(call, since=start, quiet_s=1.5, timeout=120)
        heard["reminder"] = bot_audio_between(call, start, time.monotonic())
        await call.press("2")

    peer.answer = member_answers
    ami = AmiClient(settings.ami)
    await ami.start()
    try:
        async with reminders_service(settings, clock=clock, dial=True, ami=ami) as svc:
            await svc.store.set_contacts([(member.member_id, member.phone), (other.member_id, other.phone)])
            assert svc.runner is not None
            report = await asyncio.wait_for(svc.runner.run(), 300)
            assert report.outcomes == {"answered": 2} and report.max_concurrent == 2
            assert [c.ended_by for c in peer.calls] == ["server_hangup"] * 2  # the bot hung up (0x00) both times
            nxt = await svc.planner.lines(clock.now + timedelta(days=7))
            assert [ln.reason for ln in nxt if ln.candidate.member_id == other.member_id] == [
                "member opted out of reminder calls"]
            assert [ln.status for ln in nxt if ln.candidate.member_id == member.member_id] == ["new"]

        whisper = WhisperEngine(AsrSettings())
        greeting = words((await whisper.recognize(heard["greeting"], 8000, "en")).text)
        said = words((await whisper.recognize(heard["reminder"], 8000, "en")).text)
        assert "hello" in greeting and "message" in greeting, greeting  # names are up to the TTS voice
        assert day.strftime("%A").lower() in said, said  # the meeting's weekday, as the ledger schedules it
        assert "meet" in said and "reminder" in said, said
        for wrong in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
            if wrong != day.strftime("%A").lower():
                assert wrong not in said, said

        with sessions() as s:
            rows = {r.member_id: r for r in s.scalars(select(Reminder))}
            r = rows[member.member_id]
            assert (r.identity_confirmed, r.listened, r.confirmed, r.status) == (True, True, True, "done")
            c = s.get(Call, r.attempt_rows[0].call_id)
            assert c is not None and (c.direction, c.purpose, c.outcome) == ("out", "reminder", "confirmed")
            o = rows[other.member_id]
            assert (o.identity_confirmed, o.confirmed, o.opted_out, o.status) == (True, False, True, "done")
            c = s.get(Call, o.attempt_rows[0].call_id)
            assert c is not None and c.outcome == "opted_out"
    finally:
        await ami.close()
        await server.stop()
        await bridge.stop()
        engine.dispose()
