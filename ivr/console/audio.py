"""Cut a span out of a stored WAV recording (a meeting entry's read-back) without re-encoding it."""

from __future__ import annotations

import io
import wave


def wav_span(wav_bytes: bytes, start_ms: int, end_ms: int | None) -> bytes:
    """[start_ms, end_ms) of a PCM WAV as a new WAV (end None = to the end); clamped to the recording."""
    with wave.open(io.BytesIO(wav_bytes), "rb") as src:
        params = src.getparams()
        rate, total = src.getframerate(), src.getnframes()
        first = min(total, max(0, start_ms * rate // 1000))
        last = total if end_ms is None else min(total, max(first, end_ms * rate // 1000))
        src.setpos(first)
        frames = src.readframes(last - first)
    out = io.BytesIO()
    with wave.open(out, "wb") as dst:
        dst.setparams(params)
        dst.writeframes(frames)
    return out.getvalue()
