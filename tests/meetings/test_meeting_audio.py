"""A meeting recorded over AudioSocket, as Asterisk would carry it: PIN and keys as DTMF frames, "record the
meeting", an entry and "yes" spoken by a Festival voice in real time, another entry on the keypad; ledger_core's
database must then hold exactly the two confirmed entries."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import pytest

from ivr.settings import Settings
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import upgrade_to_head
from tests.dialogs.live import give_demo_pins
from tests.e2e.harness import TOKEN, register, running_ivr, wait_bot_said_something
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port
from tests.fixtures.settings import make_test_settings
from tests.meetings.live import Ledger, officer
from tests.peers.asterisk_audiosocket import FakeAsteriskCall
from tests.speech.asr_voices import festival, with_pauses

pytestmark = [pytest.mark.integration, pytest.mark.slow]
UMOJA = "g-kes-umoja"


@pytest.fixture
def audio_settings(tmp_path: Path, ledger_server: LedgerCoreProcess, rasa_server: str,
                   shared_prompt_cache: Path) -> Settings:
    s = make_test_settings(
        tmp_path,
        ledger={"base_url": ledger_server.base_url, "retries": 0, "read_timeout_s": 5.0},
        nlu={"url": rasa_server},
        http={"port": free_port()},
        audiosocket={"port": free_port()},
        calls={"languages": ["en"], "register_token": TOKEN},
        speech={"models_dir": tmp_path / "models", "tts": {"cache_dir": shared_prompt_cache,
                                                         "engines": {"en": "piper"}}},
    )
    install_keyring(keyring_from_settings(s))
    upgrade_to_head(s)
    give_demo_pins(s, officer(UMOJA))
    return s


async def test_meeting_recorded_over_audiosocket(audio_settings: Settings, ledger_server: LedgerCoreProcess) -> None:
    ledger = Ledger(ledger_server.db_url)
    sec = officer(UMOJA)
    ids = ledger.ids_of(UMOJA)
    before = ledger.txn_ids(UMOJA)

    async def then(call: FakeAsteriskCall) -> None:
        await wait_bot_said_something(call, since=time.monotonic(), quiet_s=1.2, timeout=90)

    async def speak(call: FakeAsteriskCall, text: str) -> None:
        await call.send_audio(with_pauses([festival(text, 8000)], 200, 8000))
        await then(call)

    async def keys(call: FakeAsteriskCall, digits: str) -> None:
        await call.press(digits)
        await then(call)

    async with running_ivr(audio_settings) as base_url:
        async with httpx.AsyncClient() as http:
            call_id = await register(http, base_url, sec.phone)
        call = await FakeAsteriskCall("127.0.0.1", audio_settings.audiosocket.port, uuid.UUID(call_id)).connect()
        try:
            await wait_bot_said_something(call, since=0.0)  # welcome + PIN prompt (the ledger knows her language)
            await keys(call, sec.pin + "#")  # -> main menu
            await speak(call, "record the meeting")  # -> consent
            await keys(call, "1")  # agree -> "we will record the meeting of today"
            await keys(call, "1")  # today -> entry prompt
            await speak(call, "Faith paid two hundred savings")  # -> read back + "is that right?"
            # -> saved. (Festival slt's bare "yes" is rejected by the grammar engine at this question, confidence
            # 0.08, and the bot asks again: a known weakness on short answers, see README "Speech".)
            await speak(call, "yes that is right")
            await keys(call, "5*1*300#")  # Esther Atieno, savings, 300 -> read back
            await keys(call, "1")  # -> saved
            await keys(call, "6#")  # finish -> totals + "shall I send?"
            await call.press("1")  # yes -> posted (then the menu, which this test does not wait for)
            expected = Counter({(ids["Faith Njeri"], "savings", 20000): 1,
                                (ids["Esther Atieno"], "savings", 30000): 1})
            deadline = time.monotonic() + 60
            while ledger.new_entries(UMOJA, before) != expected and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
        finally:
            await call.close()
    assert ledger.new_entries(UMOJA, before) == expected
    ledger.close()
