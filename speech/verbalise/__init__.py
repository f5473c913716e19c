"""Per-language verbalisers: numbers, money, dates and times as words (no TTS engine is trusted with digits)."""
