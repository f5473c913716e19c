"""Pick the ASR engine for a language from settings (models are shared process-wide by each engine's registry)."""

from __future__ import annotations

from speech.asr.base import AsrEngine, AsrUnavailable
from speech.asr.config import AsrEngineName
from speech.config import SpeechSettings


def engine_name_for(speech: SpeechSettings, lang: str) -> AsrEngineName:
    return speech.asr.engines.get(lang, speech.asr.default_engine)


def build_asr(speech: SpeechSettings, lang: str, engine: str | None = None) -> AsrEngine:
    """The configured engine for ``lang`` (or the named one). Models load lazily on first use or ``load()``."""
    name = engine or engine_name_for(speech, lang)
    if name == "vosk":
        from speech.asr.vosk_engine import VoskEngine

        return VoskEngine(speech.asr, speech.models_dir)
    if name == "pocketsphinx":
        from speech.asr.pocketsphinx_engine import PocketsphinxEngine

        return PocketsphinxEngine(speech.asr)
    if name == "whisper":
        from speech.asr.whisper_engine import WhisperEngine

        return WhisperEngine(speech.asr)
    raise AsrUnavailable(f"unknown ASR engine {name!r}: set IVR_SPEECH__ASR__ENGINES to 'pocketsphinx', 'vosk' "
                         "or 'whisper'")
