"""Turn-taking numbers (VAD and endpointing) as typed config with documented defaults."""

from __future__ import annotations

from pydantic import BaseModel


class VadSettings(BaseModel):
    """Voice activity detection and endpointing."""
