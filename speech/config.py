"""Settings section for speech (ASR/TTS engines, models, caches); composed into ivr.settings.Settings."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel


class SpeechSettings(BaseModel):
    """Which engines speak and listen, and where their models and caches live."""

    # Where `ivr models install` puts ASR models (a directory per engine and language).
    models_dir: Path = Path("var/models")
