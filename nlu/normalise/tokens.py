"""One tokeniser for ASR text so every normaliser sees the same words ("Ksh.2,500/=" -> ["ksh", "2,500"])."""

from __future__ import annotations

import re

_CURRENCY_GLUE = re.compile(r"\b(ksh|kes|tsh|tzs|ugx|shs|sh|rs|inr)\.?(?=\d)")
# Words of other scripts too (Devanagari for Hindi): letters with their combining vowel signs, nukta and virama
# (Unicode marks, which \w alone would split off), without the script's digits and danda punctuation.
_TOKEN = re.compile(r"\d+(?:st|nd|rd|th)\b|\d+(?:[.,]\d+)*(?:k|m)?\b|[a-z']+"
                    r"|(?:[^\W\d_a-z]|[\u0900-\u0963\u0970-\u0dff])+|\d+")


def tokenize(text: str) -> list[str]:
    """Lower-case words and numbers; thousands separators and decimals stay inside the number token."""
    t = text.lower().replace("/=", " ").replace("’", "'")
    t = _CURRENCY_GLUE.sub(r"\1 ", t)
    return [tok.strip("'") for tok in _TOKEN.findall(t) if tok.strip("'")]
