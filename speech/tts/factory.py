"""Builds the TTS engine for a language from settings (engine names: espeak, piper, coqui, pack)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from speech.tts.base import TtsEngine, TtsUnavailable
from speech.tts.config import TtsSettings

ENGINES = ("espeak", "piper", "coqui", "pack")
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


def tts_settings_of(settings: Any) -> TtsSettings:
    """Accepts ivr.settings.Settings, its `speech` section, or a TtsSettings."""
    if isinstance(settings, TtsSettings):
        return settings
    speech = getattr(settings, "speech", settings)
    tts = getattr(speech, "tts", None)
    if not isinstance(tts, TtsSettings):
        raise TypeError(f"expected Settings, SpeechSettings or TtsSettings, got {type(settings).__name__}")
    return tts


def engine_name_for(settings: Any, lang: str) -> str:
    tts = tts_settings_of(settings)
    return tts.engine_by_lang.get(lang, tts.engine)


def _coqui_python(path: Path) -> Path:
    # The default is relative to the checkout (where setup.sh builds .venv-coqui), wherever the CLI runs from.
    if path.is_absolute() or path.exists():
        return path
    return _PROJECT_ROOT / path


def build_tts(settings: Any, lang: str, engine: str | None = None) -> TtsEngine:
    """The engine that speaks `lang` (or the named `engine`); TtsUnavailable names the setting or command to fix."""
    tts = tts_settings_of(settings)
    name = engine or engine_name_for(tts, lang)
    if name == "espeak":
        from speech.tts.espeak import EspeakEngine

        return EspeakEngine(tts.espeak_binary, tts.espeak_voices, tts.espeak_rate_wpm, tts.timeout_s)
    if name == "piper":
        from speech.tts.piper_engine import PiperEngine

        engine_ = PiperEngine(tts.piper_voices, tts.piper_length_scale, tts.timeout_s)
        engine_.model_for(lang)  # a missing voice is a start-up error, not a first-call error
        return engine_
    if name == "coqui":
        from speech.tts.coqui import CoquiEngine

        return CoquiEngine(tts.coqui_model, _coqui_python(tts.coqui_python), speaker=tts.coqui_speaker,
                           start_timeout_s=tts.coqui_start_timeout_s, timeout_s=tts.timeout_s,
                           threads=tts.coqui_threads)
    if name == "pack":
        from speech.tts.pack import PackEngine

        return PackEngine(tts.packs_dir)
    raise TtsUnavailable(f"unknown TTS engine {name!r}: choose one of {', '.join(ENGINES)} "
                         "(IVR_SPEECH__TTS__ENGINE / IVR_SPEECH__TTS__ENGINE_BY_LANG)")
