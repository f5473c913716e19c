"""One tokeniser for ASR text so every normaliser sees the same words ("Ksh.2,500/=" -> ["ksh", "2,500"])."""

from __future__ import annotations

import re

_CURRENCY_GLUE = re.compile(r"\b(ksh|kes|tsh|tzs|ugx|shs|sh|rs|inr)\.?(?=\d)")
_TOKEN = re.compile(r"\d+(?:st|nd|rd|th)\b|\d+(?:[.,]\d+)*(?:k|m)?\b|[a-z']+|\d+")


def tokenize(text: str) -> list[str]:
    """Lower-case words and numbers; thousands separators and decimals stay inside the number token."""
    t = text.lower().replace("/=", " ").replace("’", "'")
    t = _CURRENCY_GLUE.sub(r"\1 ", t)
    return [tok.strip("'") for tok in _TOKEN.findall(t) if tok.strip("'")]
