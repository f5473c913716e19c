"""The page's own audio code in headless Chromium against a scripted call: microphone → 8 kHz frames, playback,
keypad, transcript, hang-up, and the clear errors (microphone denied, server down)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI

from ivr.frames import CallerAudio, Dtmf, Hangup, HangupCause
from ivr.softphone.router import softphone_router
from speech.asr.config import AsrSettings
from speech.asr.whisper_engine import WhisperEngine
from speech.audio import silence
from tests.fakes.softphone_fakes import ScriptedCalls
from tests.fixtures.ledger_server import free_port
from tests.fixtures.settings import make_test_settings
from tests.softphone.browser import chromium, write_wav
from tests.softphone.serve import serving
from tests.speech.asr_voices import festival

pytestmark = [pytest.mark.integration, pytest.mark.slow]
PHRASE = "how much money have I saved"


@pytest.fixture
def calls() -> ScriptedCalls:
    t = np.arange(8000) / 8000  # one second of 440 Hz: the bot's "greeting"
    return ScriptedCalls(greeting=(np.sin(2 * np.pi * 440 * t) * 8000).astype("<i2").tobytes())


@pytest.fixture
async def base_url(tmp_path: Path, calls: ScriptedCalls) -> AsyncIterator[str]:
    settings = make_test_settings(tmp_path, softphone={"demo_callers": [{"phone": "+254700000001", "label": "Demo"}]})
    app = FastAPI()
    app.include_router(softphone_router(settings, get_calls=lambda _app: calls))
    async with serving(app) as url:
        yield url


@pytest.mark.parametrize("capture", ["audio-worklet", "script-processor-fallback"])
async def test_microphone_reaches_the_call_as_8khz_frames_and_bot_audio_plays(
        tmp_path: Path, base_url: str, calls: ScriptedCalls, capture: str) -> None:
    wav = write_wav(tmp_path / "caller.wav",
                    silence(1000, 16000) + festival(PHRASE, 16000) + silence(1500, 16000), 16000)
    async with chromium(tmp_path, wav) as browser:
        page = await browser.new_page()
        if capture == "script-processor-fallback":  # a browser without AudioWorklet
            await page.add_init_script("delete window.AudioWorkletNode;")
        await page.goto(base_url + "/phone")
        await page.wait_for_function("document.querySelector('#demo-callers option') !== null")
        assert await page.input_value("#caller") == "+254700000001"  # the first demo caller is preselected
        await page.get_by_role("button", name="Call").click()
        await page.wait_for_function("window.softphone.stats.state === 'connected'", timeout=15_000)
        await page.get_by_text("Welcome to the test line.").wait_for(timeout=5_000)
        await page.wait_for_function("window.softphone.stats.framesSent >= 250", timeout=15_000)  # 5 s of mic
        for digit in "12#":
            await page.get_by_role("button", name="hash" if digit == "#" else digit, exact=True).click()
        await page.get_by_role("button", name="Hang up").click()
        await page.wait_for_function("window.softphone.stats.state === 'ended'", timeout=5_000)
        status = await page.text_content("#status")
        player = await page.evaluate("window.softphone.player")
    call = calls.calls[0]
    await asyncio.wait_for(call.hung_up.wait(), 5)
    assert status == "You hung up."
    audio = [f for f in call.frames if isinstance(f, CallerAudio)]
    assert len(audio) >= 250 and {len(f.pcm) for f in audio} == {320} and {f.sample_rate for f in audio} == {8000}
    assert [f.digit for f in call.frames if isinstance(f, Dtmf)] == ["1", "2", "#"]
    assert call.frames[-1] == Hangup(HangupCause.CALLER, "caller pressed hang up")
    heard = (await WhisperEngine(AsrSettings()).recognize(b"".join(f.pcm for f in audio), 8000, "en")).text
    assert "".join(c for c in heard.lower() if c.isalpha() or c == " ").split() == PHRASE.lower().split(), heard
    # bot audio: about one 20 ms frame played per frame the server paced out (≥ 5 s of call)
    assert player["framesPlayed"] >= 250, player


async def test_microphone_denied_is_explained(tmp_path: Path, base_url: str, calls: ScriptedCalls) -> None:
    async with chromium(tmp_path, None, fake_ui=False) as browser:  # headless: the permission prompt is dismissed
        page = await browser.new_page()
        await page.goto(base_url + "/phone")
        await page.fill("#caller", "+254 700 000 002")
        await page.get_by_role("button", name="Call").click()
        alert = page.get_by_role("alert")
        await alert.wait_for(timeout=10_000)
        text = await alert.text_content()
        assert text is not None and text.startswith("Microphone access was denied."), text
        assert await page.is_enabled("#call")  # the caller can try again
    assert calls.calls == []  # no call was placed without a microphone


async def test_server_down_is_explained(tmp_path: Path, base_url: str) -> None:
    async with chromium(tmp_path, None) as browser:
        page = await browser.new_page()
        await page.goto(base_url + "/phone")
        port = base_url.rsplit(":", 1)[1]
        # the page was served, then the server went away: point the socket at a port nobody listens on
        await page.evaluate(f"""() => {{
            const Real = window.WebSocket;
            window.WebSocket = class extends Real {{
                constructor(url) {{ super(url.replace(':{port}/', ':{free_port()}/')); }}
            }};
        }}""")
        await page.get_by_role("button", name="Call").click()
        alert = page.get_by_role("alert")
        await alert.wait_for(timeout=10_000)
        assert (await alert.text_content() or "").startswith("Cannot reach the MiKashBoks server")
        assert await page.text_content("#status") == "Not connected."
