"""Speaker: engine per language from settings behind the cache, fallback when an engine cannot start, warming."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from speech.audio import duration_ms
from speech.tts.base import TtsUnavailable
from speech.tts.espeak import EspeakEngine
from speech.tts.piper_engine import PiperEngine
from speech.tts.speaker import Speaker
from tests.fixtures.settings import make_test_settings

pytestmark = pytest.mark.integration


def _settings(tmp_path: Path, **tts: object):  # type: ignore[no-untyped-def]
    return make_test_settings(tmp_path, speech={"models_dir": tmp_path / "models",
                                                "tts": {"cache_dir": tmp_path / "cache", **tts}})


async def test_say_uses_the_language_engine_and_caches(tmp_path: Path) -> None:
    speaker = Speaker(_settings(tmp_path, engines={"en": "piper"}))
    assert isinstance(speaker.engine("en"), PiperEngine)
    assert isinstance(speaker.engine("sw"), EspeakEngine)
    assert speaker.engine("sw") is speaker.engine("sw")
    pcm = await speaker.say("Karibu", "sw")
    assert duration_ms(pcm) > 200
    assert await speaker.say("Karibu", "sw") == pcm and speaker.cache.stats.memory_hits == 1
    await speaker.say("shilingi mia tano", "sw", pii=True)
    assert len(list((tmp_path / "cache").rglob("*.enc"))) == 1


async def test_unavailable_engine_falls_back_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    speaker = Speaker(_settings(tmp_path, engines={"sw": "piper"}))
    with caplog.at_level(logging.WARNING):
        engine = speaker.engine("sw")
    assert isinstance(engine, EspeakEngine)
    assert "IVR_SPEECH__TTS__PIPER__VOICES" in caplog.text


def test_fallback_off_fails_at_start(tmp_path: Path) -> None:
    speaker = Speaker(_settings(tmp_path, engines={"sw": "piper"}, fallback_engine=""))
    with pytest.raises(TtsUnavailable, match="IVR_SPEECH__TTS__PIPER__VOICES"):
        speaker.engine("sw")


async def test_warm_fills_the_cache(tmp_path: Path) -> None:
    speaker = Speaker(_settings(tmp_path))
    assert await speaker.warm([("sw", "Karibu"), ("en", "Welcome")], show_progress=False) == 2
    assert speaker.cache.cached(speaker.engine("en"), "Welcome", "en") is not None
