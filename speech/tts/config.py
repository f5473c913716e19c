"""Settings for TTS engines and the prompt cache."""

from __future__ import annotations

from pydantic import BaseModel


class TtsSettings(BaseModel):
    """Which TTS engine speaks, per language, and where rendered prompts are cached."""
