"""A whole phone call over AudioSocket, exactly as Asterisk would make it: register over HTTP, connect, speak a
Festival-voiced English request in real time, key the PIN as DTMF frames, record the bot. The bot's answer,
transcribed by the whisper engine, must hold the member's savings as ledger_core has them (read from its database).
Also: bad peers (unknown UUID, malformed frames) lose only their own connection while a good call completes.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from pathlib import Path

import httpx
import pytest

from ivr.audiosocket.codec import encode_uuid
from ivr.settings import Settings
from ledger_core.demo_people import DemoMember
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import upgrade_to_head
from speech.asr.factory import build_asr
from tests.dialogs.live import LedgerTruth, give_demo_pins, single_group_members
from tests.e2e.harness import TOKEN, bot_audio_between, register, running_ivr, wait_bot_said_something
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port
from tests.fixtures.settings import make_test_settings
from tests.peers.asterisk_audiosocket import FakeAsteriskCall
from tests.speech.asr_voices import festival, with_pauses

pytestmark = [pytest.mark.integration, pytest.mark.slow]
GROUP = "g-kes-umoja"


@pytest.fixture
def member() -> DemoMember:
    return single_group_members(GROUP)[0]


@pytest.fixture(scope="module")
def prompt_cache(shared_prompt_cache: Path) -> Path:
    """Rendered static prompts are shared by the tests of the session (Piper renders them once)."""
    return shared_prompt_cache


@pytest.fixture
def e2e_settings(tmp_path: Path, ledger_server: LedgerCoreProcess, rasa_server: str, member: DemoMember,
                 prompt_cache: Path) -> Settings:
    s = make_test_settings(
        tmp_path,
        ledger={"base_url": ledger_server.base_url, "retries": 0, "read_timeout_s": 5.0},
        nlu={"url": rasa_server},
        http={"port": free_port()},
        audiosocket={"port": free_port()},
        calls={"languages": ["en"], "register_token": TOKEN},
        speech={"models_dir": tmp_path / "models", "tts": {"cache_dir": prompt_cache,
                                                         "engines": {"en": "piper"}}},
    )
    install_keyring(keyring_from_settings(s))
    upgrade_to_head(s)
    give_demo_pins(s, member)
    return s


def numbers_in(text: str) -> set[int]:
    return {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text)}


async def savings_call(base_url: str, settings: Settings, member: DemoMember) -> bytes:
    """One call: the PIN as DTMF, savings asked by voice; returns the bot's answer audio (the ledger knows the
    member speaks English, so there is no language menu)."""
    async with httpx.AsyncClient() as http:
        call_id = await register(http, base_url, member.phone)
    call = await FakeAsteriskCall("127.0.0.1", settings.audiosocket.port, uuid.UUID(call_id)).connect()
    try:
        await wait_bot_said_something(call, since=0.0)  # welcome + "please type your PIN"
        await call.press(member.pin + "#")
        await wait_bot_said_something(call, since=time.monotonic())  # the menu
        # a phrase of the menu's grammar (the default engine is the grammar one; the rewording "how much money have
        # I saved" was heard as the group's totals); the grammar endpointer may answer within the clip's trailing
        # silence, so the bot's answer is looked for from the moment the caller starts speaking
        asked = time.monotonic()
        await call.send_audio(with_pauses([festival("how much have I saved", 8000)], 200, 8000))
        first, last = await wait_bot_said_something(call, since=asked, quiet_s=1.5)
        return bot_audio_between(call, first, last)
    finally:
        await call.close()


async def test_savings_by_voice_and_pin_over_audiosocket(e2e_settings: Settings, member: DemoMember,
                                                         truth: LedgerTruth) -> None:
    async with running_ivr(e2e_settings) as base_url:
        answer = await savings_call(base_url, e2e_settings, member)
    whisper = build_asr(e2e_settings.speech, "en", "whisper")
    heard = (await whisper.recognize(answer, 8000, "en")).text
    position = truth.member(GROUP, member.member_id)
    expected_major = position.savings_minor // 100  # KES: 2 minor digits
    assert position.savings_minor > 0
    assert "saving" in heard.lower(), heard
    assert expected_major in numbers_in(heard), f"ledger says {expected_major}, the bot said: {heard!r}"


async def test_bad_peers_close_only_their_own_connection(e2e_settings: Settings, member: DemoMember,
                                                         truth: LedgerTruth) -> None:
    port = e2e_settings.audiosocket.port
    async with running_ivr(e2e_settings) as base_url:
        good = asyncio.create_task(savings_call(base_url, e2e_settings, member))
        await asyncio.sleep(1.0)
        async with httpx.AsyncClient() as http:  # registered calls whose peers then misbehave
            ids = [uuid.UUID(await register(http, base_url, member.phone)) for _ in range(3)]
        bad_frames = {
            "unknown uuid": encode_uuid(uuid.uuid4()),
            "garbage first": b"\x42\x00\x05hello" * 3,
            "truncated uuid": b"\x01\x00\x10" + bytes(4),
            "unknown kind": encode_uuid(ids[0]) + b"\x7f\x00\x01x",
            "oversize audio": encode_uuid(ids[1]) + b"\x10\xff\xff" + bytes(100),
            "truncated audio": encode_uuid(ids[2]) + b"\x10\x01\x40" + bytes(100),
        }
        ended = {}
        for name, data in bad_frames.items():
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(data)
            await writer.drain()
            if name.startswith("truncated"):
                writer.write_eof()
            try:
                ended[name] = await asyncio.wait_for(reader.read(), 5.0)  # server closes: EOF
            finally:
                writer.close()
        answer = await good
    assert set(ended) == set(bad_frames)
    whisper = build_asr(e2e_settings.speech, "en", "whisper")
    heard = (await whisper.recognize(answer, 8000, "en")).text
    expected_major = truth.member(GROUP, member.member_id).savings_minor // 100
    assert expected_major in numbers_in(heard), heard
