"""Settings for ASR engines."""

from __future__ import annotations

from pydantic import BaseModel


class AsrSettings(BaseModel):
    """Which ASR engine listens, per language."""
