"""The earcon: a short rising two-note tone that tells the caller "your turn to speak" (played before a Listen).

Both notes sit inside the telephone band (300-3400 Hz) and survive μ-law; 10 ms fades avoid clicks; -14 dBFS
peak keeps it softer than speech. The VAD cannot mistake it for the caller: it is bot audio, and it ends before
listening starts.
"""

from __future__ import annotations

import functools

import numpy as np

from speech.audio import SAMPLE_RATE

NOTES_HZ = (660.0, 990.0)  # a rising fifth: heard as a question / invitation
NOTE_MS = 90
GAP_MS = 20
PEAK_DBFS = -14.0
FADE_MS = 10


@functools.cache
def earcon(rate: int = SAMPLE_RATE) -> bytes:
    """The earcon as mono s16le PCM at `rate` (8 kHz by default): ~200 ms."""
    amp = 32767 * 10 ** (PEAK_DBFS / 20)
    n = rate * NOTE_MS // 1000
    fade = rate * FADE_MS // 1000
    env = np.ones(n)
    env[:fade] = np.linspace(0, 1, fade)
    env[-fade:] = np.linspace(1, 0, fade)
    t = np.arange(n) / rate
    notes = [amp * env * np.sin(2 * np.pi * f * t) for f in NOTES_HZ]
    gap = np.zeros(rate * GAP_MS // 1000)
    wave = np.concatenate([notes[0], gap, notes[1]])
    return wave.astype("<i2").tobytes()
