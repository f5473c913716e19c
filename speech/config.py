"""Settings section for speech (ASR/TTS engines, VAD, models, caches); composed into ivr.settings.Settings."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from speech.asr.config import AsrSettings
from speech.tts.config import TtsSettings
from speech.vad_config import VadSettings


class SpeechSettings(BaseModel):
    """Which engines speak and listen, and where their models and caches live."""

    # Where `ivr models install` puts ASR models (a directory per engine and language).
    models_dir: Path = Path("var/models")
    asr: AsrSettings = Field(default_factory=AsrSettings)
    tts: TtsSettings = Field(default_factory=TtsSettings)
    vad: VadSettings = Field(default_factory=VadSettings)
