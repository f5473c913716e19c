"""The live app (create_app under uvicorn, as `ivr serve` runs it) with callbacks on: the dialplan's POST
/asterisk/missed-calls, the app's own dialer Originates to the AMI peer, the peer connects AudioSocket to the app
with the callback's UUID, and the normal member dialog takes the call (identity, then the PIN, then the menu)."""

from __future__ import annotations

import asyncio
import time
from datetime import time as clock_time
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from ivr.cli.ledger import set_demo_pins
from ivr.settings import Settings
from ledger_core.demo_people import demo_members
from models.base import make_sessionmaker
from models.calls import Call, Turn
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from models.reach import Callback
from tests.e2e.harness import running_ivr, wait_bot_said_something
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port
from tests.fixtures.settings import make_test_settings
from tests.peers.asterisk_audiosocket import FakeAsteriskCall
from tests.reminders.audio_peer import AudioAmiPeer
from tests.reminders.test_audio_call import peer  # noqa: F401  (the AMI + AudioSocket peer fixture)

pytestmark = [pytest.mark.integration, pytest.mark.slow]
TOKEN = "test-register-token"


async def _until_done(settings: Settings, timeout: float = 60.0) -> None:
    engine = engine_for(settings)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with make_sessionmaker(engine)() as s:
                if [c.status for c in s.scalars(select(Callback))] == ["done"]:
                    return
            await asyncio.sleep(0.1)
        raise AssertionError(f"the callback was not closed within {timeout} s")
    finally:
        engine.dispose()


async def test_a_missed_call_is_called_back_into_the_member_dialog(tmp_path: Path, ledger_server: LedgerCoreProcess,
                                                                   peer: AudioAmiPeer) -> None:  # noqa: F811
    settings: Settings = make_test_settings(
        tmp_path, ledger={"base_url": ledger_server.base_url}, http={"port": free_port()},
        audiosocket={"port": free_port()}, ami={"port": peer.port, "secret": SecretStr("test-ami-secret")},
        calls={"languages": ["en"], "meeting_transcribe_every_s": 0, "ami_enabled": True,
               "register_token": SecretStr(TOKEN)},
        # the real clock: quiet hours would make the test depend on the time of day
        reminders={"calls_from": clock_time(0, 0), "calls_until": clock_time(23, 59, 59)},
        callbacks={"enabled": True, "delay_s": 0.5, "tick_s": 0.1},
        speech={"models_dir": tmp_path / "models", "tts": {"cache_dir": tmp_path / "prompt_cache"}},
    )  # fmt: skip
    install_keyring(keyring_from_settings(settings))
    upgrade_to_head(settings)
    set_demo_pins(settings)
    member = next(m for m in demo_members() if m.group_id == "g-kes-umoja" and m.role == "member")
    steps: list[str] = []

    async def member_answers(call: FakeAsteriskCall, target: str) -> None:
        await wait_bot_said_something(call, since=time.monotonic(), quiet_s=1.2, timeout=90)  # hello + PIN prompt
        await call.press(member.pin + "#")
        steps.append("pin")
        await wait_bot_said_something(call, since=time.monotonic(), quiet_s=1.5, timeout=120)  # thank you + menu
        steps.append("menu")
        await call.hang_up()

    peer.answer = member_answers
    async with running_ivr(settings) as base_url:
        peer.audiosocket = ("127.0.0.1", settings.audiosocket.port)
        async with httpx.AsyncClient() as http:
            r = await http.post(f"{base_url}/asterisk/missed-calls", headers={"X-IVR-Token": TOKEN},
                                data={"caller": member.phone, "dialled": "+254700111222", "uniqueid": "1.1"})
            assert r.text == "ok scheduled"
            for _ in range(5):  # ringing again while waiting: still one callback
                r = await http.post(f"{base_url}/asterisk/missed-calls", headers={"X-IVR-Token": TOKEN},
                                    data={"caller": member.phone})
                assert r.text in ("ok merged", "ok rate_limited")
        deadline = time.monotonic() + 240
        while not (peer.calls and peer.calls[0].ended_by) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        await _until_done(settings)  # the peer's Hangup event reaches the app's dialer
        originates = [a for a in peer.actions if a.get("action") == ["Originate"]]
        assert len(originates) == 1 and originates[0]["exten"] == ["callback"]
        assert steps == ["pin", "menu"]
        async with httpx.AsyncClient() as http:
            st = (await http.get(f"{base_url}/admin/reminders/stats", headers={"X-API-Key": "test-admin-key"})).json()
        assert (st["callbacks"]["called_back"], st["callbacks"]["answered"]) == (1, 1), st["callbacks"]

    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine)() as s:
            (cb,) = s.scalars(select(Callback)).all()
            assert (cb.status, cb.drops) == ("done", 6)
            call = s.get(Call, cb.attempt_rows[0].call_id)
            assert call is not None and (call.direction, call.purpose, call.member_id) == (
                "out", "callback", member.member_id)
            prompts = [t.prompt_id for t in s.scalars(select(Turn).where(Turn.call_id == call.id).order_by(Turn.seq))]
            assert prompts == ["pin_ask"]  # identity from the caller ID, then the PIN (the member hung up at the menu)
            assert call.ended_at is not None
    finally:
        engine.dispose()
