"""build_tts picks the configured engine per language through the registry and names the setting when it cannot;
Piper is the English default; a new engine is one class and one registration line."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from speech.tts.base import BaseTtsEngine, TtsEngine, TtsError, TtsUnavailable
from speech.tts.coqui import CoquiEngine
from speech.tts.espeak import EspeakEngine
from speech.tts.factory import build_tts, engine_name_for
from speech.tts.pack import PackEngine
from speech.tts.piper_engine import PiperEngine
from speech.tts.registry import engine_names, register_tts, unregister_tts
from tests.fixtures.settings import make_test_settings


def test_english_is_piper_and_the_rest_espeak_by_default(tmp_path: Path) -> None:
    s = make_test_settings(tmp_path)
    assert engine_name_for(s, "en") == "piper"
    assert engine_name_for(s, "sw") == "espeak"
    assert isinstance(build_tts(s, "en"), PiperEngine)
    assert isinstance(build_tts(s, "sw"), EspeakEngine)


def test_per_language_override(tmp_path: Path) -> None:
    s = make_test_settings(tmp_path, speech={"tts": {"engines": {"en": "espeak", "lg": "pack"},
                                                     "pack": {"dir": tmp_path / "packs"}}})
    assert isinstance(build_tts(s, "en"), EspeakEngine)
    with pytest.raises(TtsUnavailable, match="ivr prompts build --lang lg"):  # checked when built, not mid-call
        build_tts(s.speech, "lg")
    assert isinstance(build_tts(s.speech.tts, "sw", "espeak"), TtsEngine)


def test_explicit_engine_wins(tmp_path: Path) -> None:
    s = make_test_settings(tmp_path, speech={"tts": {"coqui": {"model": str(tmp_path)}}})
    assert isinstance(build_tts(s, "en", "coqui"), CoquiEngine)
    (tmp_path / "packs" / "sw").mkdir(parents=True)
    (tmp_path / "packs" / "sw" / "manifest.json").write_text('{"format": 1, "lang": "sw", "clips": []}')
    s = make_test_settings(tmp_path, speech={"tts": {"pack": {"dir": tmp_path / "packs"}}})
    assert isinstance(build_tts(s, "sw", "pack"), PackEngine)


def test_unusable_choices_name_the_fix(tmp_path: Path) -> None:
    s = make_test_settings(tmp_path)
    with pytest.raises(TtsUnavailable, match="IVR_SPEECH__TTS__ENGINES"):
        build_tts(s, "sw", "festival")
    with pytest.raises(TtsUnavailable, match="IVR_SPEECH__TTS__PIPER__VOICES"):
        build_tts(s, "sw", "piper")
    with pytest.raises(TtsUnavailable, match="IVR_SPEECH__TTS__COQUI__MODEL"):
        build_tts(s, "en", "coqui")


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IVR_SPEECH__TTS__ENGINES", '{"en": "espeak"}')
    monkeypatch.setenv("IVR_SPEECH__TTS__ESPEAK__RATE_WPM", "120")
    monkeypatch.setenv("IVR_SPEECH__TTS__ESPEAK__TUNING", "{}")
    s = make_test_settings(tmp_path)
    assert engine_name_for(s, "en") == "espeak"
    assert build_tts(s, "sw").voice_id("sw") == "sw@120wpm"


def test_wrong_settings_object_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        build_tts(object(), "sw")


class Beeper(BaseTtsEngine):
    """A whole TTS engine for the registry test: a 100 ms beep per sentence."""

    name = "beeper"

    async def _synthesize_impl(self, text: str, lang: str) -> bytes:
        if "slow" in text:
            await asyncio.sleep(1)
        if "boom" in text:
            raise ValueError(text)
        return b"\x00\x10" * 800


@pytest.fixture
def beeper() -> Iterator[None]:
    register_tts("beeper", Beeper)  # the one line a new engine needs
    yield
    unregister_tts("beeper")


async def test_a_new_engine_is_one_class_and_one_registration_line(beeper: None, tmp_path: Path) -> None:
    assert "beeper" in engine_names()
    s = make_test_settings(tmp_path, speech={"tts": {"engines": {"xx": "beeper"}, "timeout_s": 0.2}})
    engine = build_tts(s, "xx")
    assert isinstance(engine, Beeper) and engine.timeout_s == 0.2
    assert len(await engine.synthesize("hello", "xx")) == 1600
    chunks = [c async for c in engine.stream("One. Two! Three?", "xx")]  # streaming comes with the base class
    assert len(chunks) == 3
    with pytest.raises(TtsError, match="IVR_SPEECH__TTS__TIMEOUT_S"):  # the base class owns the timeout
        await engine.synthesize("slow", "xx")
    with pytest.raises(TtsError, match="beeper failed: ValueError") as info:  # errors typed, text not echoed
        await engine.synthesize("boom secret", "xx")
    assert "secret" not in str(info.value)
    with pytest.raises(TtsError, match="empty"):
        await engine.synthesize("  ", "xx")
    m = engine.metrics
    assert (m.requests, m.errors, m.timeouts) == (4, 2, 1)
    assert m.audio_s == pytest.approx(0.4) and m.rtf > 0
