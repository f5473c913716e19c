"""espeak-ng engine against the real espeak-ng binary: 8 kHz audio of plausible length, typed errors."""

from __future__ import annotations

import asyncio

import pytest

from speech.audio import SAMPLE_RATE, duration_ms, rms_dbfs
from speech.tts.base import TtsEngine, TtsError, TtsUnavailable
from speech.tts.espeak import EspeakEngine

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("sw", "Akiba yako ni shilingi elfu kumi na mbili na mia tano"),
        ("en", "Your savings are twelve thousand five hundred shillings"),
        ("hi", "आपकी बचत बारह हज़ार पाँच सौ रुपये है"),
    ],
)
async def test_sentence_is_8khz_speech_of_plausible_length(lang: str, text: str) -> None:
    engine = EspeakEngine()
    assert isinstance(engine, TtsEngine)
    pcm = await engine.synthesize(text, lang)
    n_words = len(text.split())
    ms = duration_ms(pcm, SAMPLE_RATE)
    # 145 wpm is ~410 ms a word; allow 150-1000 ms a word for long/short words and edge silence
    assert 150 * n_words <= ms <= 1000 * n_words, ms
    assert len(pcm) % 2 == 0
    assert rms_dbfs(pcm) > -35.0  # speech, not silence


async def test_longer_text_gives_longer_audio() -> None:
    engine = EspeakEngine()
    short, long = await asyncio.gather(
        engine.synthesize("moja", "sw"), engine.synthesize("moja mbili tatu nne tano sita saba nane", "sw")
    )
    assert duration_ms(long) > 3 * duration_ms(short)


async def test_rate_setting_changes_duration_and_voice_id() -> None:
    slow, fast = EspeakEngine(rate_wpm=100), EspeakEngine(rate_wpm=250)
    text = "one two three four five six seven eight nine ten"
    assert duration_ms(await slow.synthesize(text, "en")) > duration_ms(await fast.synthesize(text, "en")) * 1.5
    assert slow.voice_id("en") != fast.voice_id("en")


async def test_voice_mapping_is_used() -> None:
    engine = EspeakEngine(voices={"xx": "sw"})
    assert duration_ms(await engine.synthesize("habari", "xx")) > 200


async def test_unknown_voice_is_unavailable_naming_the_setting() -> None:
    with pytest.raises(TtsUnavailable, match="IVR_SPEECH__TTS__ESPEAK__VOICES"):
        await EspeakEngine().synthesize("hello", "lg")


async def test_empty_text_is_an_error() -> None:
    with pytest.raises(TtsError, match="empty"):
        await EspeakEngine().synthesize("   ", "en")


def test_missing_binary_names_the_fix() -> None:
    with pytest.raises(TtsUnavailable, match="IVR_SPEECH__TTS__ESPEAK__BINARY"):
        EspeakEngine(binary="espeak-ng-not-installed")
