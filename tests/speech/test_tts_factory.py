"""build_tts picks the configured engine per language and names the setting when it cannot."""

from __future__ import annotations

from pathlib import Path

import pytest

from speech.tts.base import TtsEngine, TtsUnavailable
from speech.tts.coqui import CoquiEngine
from speech.tts.espeak import EspeakEngine
from speech.tts.factory import build_tts, engine_name_for
from speech.tts.pack import PackEngine
from speech.tts.piper_engine import PiperEngine
from tests.fixtures.settings import make_test_settings


def test_default_is_espeak_with_per_language_override(tmp_path: Path) -> None:
    s = make_test_settings(tmp_path, speech={"tts": {"engine_by_lang": {"en": "piper", "lg": "pack"},
                                                     "packs_dir": tmp_path / "packs"}})
    assert engine_name_for(s, "sw") == "espeak"
    assert isinstance(build_tts(s, "sw"), EspeakEngine)
    assert isinstance(build_tts(s, "en"), PiperEngine)
    assert isinstance(build_tts(s.speech, "lg"), PackEngine)
    assert isinstance(build_tts(s.speech.tts, "sw", "espeak"), TtsEngine)


def test_explicit_engine_wins(tmp_path: Path) -> None:
    s = make_test_settings(tmp_path, speech={"tts": {"coqui_model": str(tmp_path)}})
    assert isinstance(build_tts(s, "en", "coqui"), CoquiEngine)
    assert isinstance(build_tts(s, "sw", "pack"), PackEngine)


def test_unusable_choices_name_the_fix(tmp_path: Path) -> None:
    s = make_test_settings(tmp_path)
    with pytest.raises(TtsUnavailable, match="IVR_SPEECH__TTS__ENGINE"):
        build_tts(s, "sw", "festival")
    with pytest.raises(TtsUnavailable, match="IVR_SPEECH__TTS__PIPER_VOICES"):
        build_tts(s, "sw", "piper")
    with pytest.raises(TtsUnavailable, match="IVR_SPEECH__TTS__COQUI_MODEL"):
        build_tts(s, "en", "coqui")


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IVR_SPEECH__TTS__ENGINE_BY_LANG", '{"en": "piper"}')
    monkeypatch.setenv("IVR_SPEECH__TTS__ESPEAK_RATE_WPM", "120")
    s = make_test_settings(tmp_path)
    assert engine_name_for(s, "en") == "piper"
    assert build_tts(s, "sw").voice_id("sw") == "sw@120wpm"


def test_wrong_settings_object_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        build_tts(object(), "sw")
