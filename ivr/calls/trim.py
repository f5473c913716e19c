"""Leading silence off prompt audio before it is queued: the caller hears nothing during it, so every millisecond of
it is added to the bot's response time (TTS engines start sentences with 50-200 ms of quiet)."""

from __future__ import annotations

import array

# Samples below this (about -50 dBFS) are quiet; a short pad is kept so the first syllable is not clipped.
QUIET_AMPLITUDE = 100
KEEP_MS = 20


def trim_leading_silence(pcm: bytes, rate: int = 8000) -> bytes:
    """`pcm` (16-bit mono) from KEEP_MS before its first audible sample; all-quiet audio is returned unchanged."""
    samples = array.array("h", pcm[: len(pcm) - len(pcm) % 2])
    for i, s in enumerate(samples):
        if s > QUIET_AMPLITUDE or s < -QUIET_AMPLITUDE:
            start = max(0, i - rate * KEEP_MS // 1000)
            return pcm[start * 2 :]
    return pcm
