"""A call to the meeting line over AudioSocket, keypad only (no NLU): the line starts recording right after the PIN,
the secretary agrees, enters one transaction and hangs up. The call's session audio (both directions) is stored
encrypted — no clear audio anywhere under the data dir — its duration matches the call, the entry's offset points at
the bot's read-back inside it (whisper hears "Esther ... 300" just before the offset), and the background job's
transcript has it too. A second call that declines consent keeps no recording."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from ivr.meetings.transcribe import pcm_of, transcribe_meeting
from ivr.settings import Settings
from models import meetings as m
from models.base import make_sessionmaker
from models.calls import Call, Recording
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from models.recording_store import RecordingStore
from speech.asr.config import AsrSettings
from speech.asr.whisper_engine import WhisperEngine
from tests.dialogs.live import give_demo_pins
from tests.e2e.harness import TOKEN, register, running_ivr, wait_bot_said_something
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port
from tests.fixtures.settings import make_test_settings
from tests.meetings.live import officer
from tests.peers.asterisk_audiosocket import FakeAsteriskCall

pytestmark = [pytest.mark.integration, pytest.mark.slow]
UMOJA = "g-kes-umoja"
MEETING_LINE = "+254700999000"


def words(text: str) -> str:
    """Lower-case words and digits (whisper writes amounts as digits: "paid 300 shillings")."""
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower()).split())


def says_300(text: str) -> bool:
    return "300" in text or "three hundred" in text


@pytest.fixture
def line_settings(tmp_path: Path, ledger_server: LedgerCoreProcess, shared_prompt_cache: Path) -> Settings:
    s = make_test_settings(
        tmp_path,
        ledger={"base_url": ledger_server.base_url, "retries": 0, "read_timeout_s": 5.0},
        http={"port": free_port()},
        audiosocket={"port": free_port()},
        calls={"languages": ["en"], "register_token": TOKEN, "meeting_lines": [MEETING_LINE],
               "meeting_transcribe_every_s": 0},
        speech={"models_dir": tmp_path / "models", "tts": {"cache_dir": shared_prompt_cache,
                                                         "engines": {"en": "piper"}}},
    )
    install_keyring(keyring_from_settings(s))
    upgrade_to_head(s)
    give_demo_pins(s, officer(UMOJA))
    return s


async def keys(call: FakeAsteriskCall, digits: str) -> None:
    await call.press(digits)
    await wait_bot_said_something(call, since=time.monotonic(), quiet_s=1.2, timeout=90)


async def meeting_call(base_url: str, settings: Settings, script: list[str]) -> tuple[uuid.UUID, float]:
    """Dial the meeting line (without '+', as an ${EXTEN} may carry it), key `script`, hang up; (call id, seconds)."""
    sec = officer(UMOJA)
    async with httpx.AsyncClient() as http:
        call_id = uuid.UUID(await register(http, base_url, sec.phone, dialled=MEETING_LINE.lstrip("+")))
    call = await FakeAsteriskCall("127.0.0.1", settings.audiosocket.port, call_id).connect()
    started = time.monotonic()
    try:
        await wait_bot_said_something(call, since=0.0)  # welcome + PIN prompt (the ledger knows her language)
        for step in script:
            await keys(call, step)
        await call.hang_up()
        return call_id, time.monotonic() - started
    finally:
        await call.close()


def recordings_of(settings: Settings, call_id: uuid.UUID) -> list[Recording]:
    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine)() as s:
            return list(s.scalars(select(Recording).where(Recording.call_id == call_id)))
    finally:
        engine.dispose()


async def wait_call_closed(settings: Settings, call_id: uuid.UUID) -> Call:
    engine = engine_for(settings)
    try:
        deadline = time.monotonic() + 30
        while True:
            with make_sessionmaker(engine)() as s:
                c = s.get(Call, call_id)
                if c is not None and c.ended_at is not None:
                    await asyncio.sleep(1.0)  # the recording is written right after the outcome
                    return c
            assert time.monotonic() < deadline, "the call was never closed"
            await asyncio.sleep(0.2)
    finally:
        engine.dispose()


async def test_meeting_line_call_is_recorded_with_consent(line_settings: Settings) -> None:
    sec = officer(UMOJA)
    async with running_ivr(line_settings) as base_url:
        # PIN -> consent (the line offers recording) -> yes -> today -> Esther Atieno savings 300 -> read back -> yes
        call_id, seconds = await meeting_call(base_url, line_settings, [sec.pin + "#", "1", "1", "5*1*300#", "1"])
        call = await wait_call_closed(line_settings, call_id)
        assert call.purpose == "meeting"
        # consent declined: the call goes on (entries allowed), nothing kept
        declined_id, _ = await meeting_call(base_url, line_settings, [sec.pin + "#", "2"])
        await wait_call_closed(line_settings, declined_id)

    assert recordings_of(line_settings, declined_id) == []
    [rec] = recordings_of(line_settings, call_id)
    assert abs(rec.duration_ms / 1000 - seconds) < 2.0, (rec.duration_ms, seconds)
    store = RecordingStore.from_settings(line_settings)
    raw = store.path_of(rec.path).read_bytes()
    # encrypted at rest: a Fernet token (URL-safe base64, which may spell "RIFF" by chance), never the WAV itself
    assert raw.startswith(b"gAAAAA") and not raw.startswith(b"RIFF")
    assert store.decrypt(raw).startswith(b"RIFF")
    leftovers = [p for p in Path(line_settings.data_dir).rglob("*") if p.is_file() and p.read_bytes()[:4] == b"RIFF"]
    assert leftovers == [], leftovers  # no clear audio anywhere (spool chunks are encrypted and removed)
    pcm, rate = pcm_of(store.load(rec.path))
    assert rate == 8000 and abs(len(pcm) / 2 / rate * 1000 - rec.duration_ms) <= 20

    engine = engine_for(line_settings)
    try:
        with make_sessionmaker(engine)() as s:
            [entry] = s.scalars(select(m.MeetingEntry).where(m.MeetingEntry.call_id == call_id)).all()
            offset, draft_id = entry.offset_ms, entry.draft_id
    finally:
        engine.dispose()
    assert offset is not None and 0 < offset < rec.duration_ms
    whisper = WhisperEngine(AsrSettings())
    before = pcm[max(0, (offset - 14_000) * 16): offset * 16]  # 8 kHz * 2 bytes = 16 bytes per ms
    heard = words((await whisper.recognize(before, rate, "en")).text)
    assert says_300(heard) and "esther" in heard, heard  # the read-back, just before the entry's offset

    done = await transcribe_meeting(line_settings, draft_id, whisper)
    assert done.recordings == 1
    engine = engine_for(line_settings)
    try:
        with make_sessionmaker(engine)() as s:
            draft = s.get(m.MeetingDraft, draft_id)
            assert draft is not None and draft.transcript is not None
            assert says_300(words(draft.transcript)) and "esther" in words(draft.transcript), draft.transcript
    finally:
        engine.dispose()
