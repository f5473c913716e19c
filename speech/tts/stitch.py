"""Joining rendered pieces into one utterance: trimmed edges, set pauses (how value phrases, recorded clips and
sentences are stitched without the gaps each engine leaves at the start and end of a rendering)."""

from __future__ import annotations

from speech.audio import SAMPLE_RATE, rms_dbfs, silence

# Below this level a 10 ms slice counts as silence when trimming edges (engines' tails sit at -60..-90 dBFS).
TRIM_DBFS = -50.0
# Keep this much of the quiet edge so plosives and fades are not cut.
TRIM_PAD_MS = 20


def trim(pcm: bytes, rate: int = SAMPLE_RATE) -> bytes:
    """Drop leading/trailing silence (keeping TRIM_PAD_MS); an all-quiet rendering is returned unchanged."""
    step = rate // 100 * 2  # 10 ms in bytes
    loud = [i for i in range(0, len(pcm), step) if rms_dbfs(pcm[i : i + step]) > TRIM_DBFS]
    if not loud:
        return pcm
    pad = rate * TRIM_PAD_MS // 1000 * 2
    return pcm[max(0, loud[0] - pad) : min(len(pcm), loud[-1] + step + pad)]


def pause(ms: int) -> bytes:
    return silence(ms, SAMPLE_RATE)
