"""Joining rendered pieces into one utterance: trimmed edges, set pauses (how value phrases, recorded clips and
sentences are stitched without the gaps each engine leaves at the start and end of a rendering)."""

from __future__ import annotations

import numpy as np

from speech.audio import SAMPLE_RATE, rms_dbfs, silence

# Below this level a 10 ms slice counts as silence when trimming edges (engines' tails sit at -60..-90 dBFS).
TRIM_DBFS = -50.0
# Keep this much of the quiet edge so plosives and fades are not cut.
TRIM_PAD_MS = 20


def trim(pcm: bytes, rate: int = SAMPLE_RATE) -> bytes:
    """Drop leading/trailing silence (keeping TRIM_PAD_MS); an all-quiet rendering is returned unchanged."""
    step = rate // 100 * 2  # 10 ms in bytes
    if len(pcm) % 2:
        rms_dbfs(pcm)  # the same clear error for half a sample
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    n = step // 2
    whole = len(x) // n * n
    power = list((x[:whole].reshape(-1, n) ** 2).mean(axis=1)) if whole else []
    if whole < len(x):  # a last, shorter block counts by its own length
        power.append(float((x[whole:] ** 2).mean()))
    floor = (32768.0 * 10 ** (TRIM_DBFS / 20)) ** 2  # rms_dbfs(block) > TRIM_DBFS, without a log per block
    loud = [k * step for k, p in enumerate(power) if p > floor]
    if not loud:
        return pcm
    pad = rate * TRIM_PAD_MS // 1000 * 2
    return pcm[max(0, loud[0] - pad) : min(len(pcm), loud[-1] + step + pad)]


def pause(ms: int) -> bytes:
    return silence(ms, SAMPLE_RATE)


# Starter pack clips are levelled so stitched pieces sound like one speaker at one distance: the loudest 50 ms at
# this RMS (a clear telephone voice), never a sample above MAX_PEAK_DBFS.
TARGET_DBFS = -14.0
MAX_PEAK_DBFS = -1.0


def level(pcm: bytes, rate: int = SAMPLE_RATE) -> bytes:
    """`pcm` scaled so its loudest 50 ms sits at TARGET_DBFS (peak-limited); silence is returned unchanged."""
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    n = rate // 20
    if len(x) == 0 or not np.any(x):
        return pcm
    frames = x[: len(x) // n * n].reshape(-1, n) if len(x) >= n else x.reshape(1, -1)
    loudest = float(np.sqrt(np.max(np.mean(frames * frames, axis=1))))
    peak = float(np.max(np.abs(x)))
    gain = min(32768 * 10 ** (TARGET_DBFS / 20) / max(loudest, 1.0), 32767 * 10 ** (MAX_PEAK_DBFS / 20) / peak)
    return np.clip(np.round(x * gain), -32768, 32767).astype("<i2").tobytes()
