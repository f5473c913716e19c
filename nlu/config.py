"""Settings section for NLU (Rasa server, fallback thresholds); composed into ivr.settings.Settings."""

from __future__ import annotations

from pydantic import BaseModel


class NluSettings(BaseModel):
    """How the IVR reaches Rasa and when it falls back to the keyword matcher."""

    # Rasa's HTTP API (rasa run --enable-api), bound to loopback.
    url: str = "http://127.0.0.1:5005"
    # Parses take ~3 ms; a caller is waiting, so give up quickly and use the fallback matcher.
    timeout_s: float = 1.0
