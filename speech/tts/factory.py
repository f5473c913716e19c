"""Builds the TTS engine for a language from settings, by name through the registry (speech.tts.registry)."""

from __future__ import annotations

from typing import Any

from speech.tts.base import TtsEngine
from speech.tts.config import TtsSettings
from speech.tts.registry import builder_for


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
    return tts.engines.get(lang, tts.default_engine)


def build_tts(settings: Any, lang: str, engine: str | None = None) -> TtsEngine:
    """The engine that speaks `lang` (or the named `engine`), checked for `lang` now: TtsUnavailable names the
    setting or command to fix, at start-up rather than on a caller's first prompt."""
    tts = tts_settings_of(settings)
    built = builder_for(engine or engine_name_for(tts, lang))(tts)
    check = getattr(built, "check", None)
    if check is not None:
        check(lang)
    return built
