"""Synthetic callers for the ASR/VAD tests: espeak-ng Korean and Festival English, as mono s16le PCM at a rate."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from speech.audio import FRAME_MS, read_wav_bytes, resample, silence


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is not installed: run scripts/setup.sh (step 10-apt)")


def espeak(text: str, rate: int, voice: str = "ko") -> bytes:
    """espeak-ng speech for ``text`` resampled to ``rate``."""
    _need("espeak-ng")
    wav = subprocess.run(["espeak-ng", "-v", voice, "--stdout", text], capture_output=True, check=True).stdout
    pcm, src = read_wav_bytes(wav)
    return resample(pcm, src, rate)


def festival(text: str, rate: int) -> bytes:
    """Festival (cmu_us_slt_arctic_hts) English speech for ``text`` resampled to ``rate``."""
    _need("text2wave")
    with tempfile.TemporaryDirectory() as tmp:  # text2wave seeks in its output: no pipe
        out = Path(tmp) / "say.wav"
        subprocess.run(
            ["text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)", "-o", str(out)],
            input=text.encode(),
            capture_output=True,
            check=True,
        )
        wav = out.read_bytes()
    pcm, src = read_wav_bytes(wav)
    return resample(pcm, src, rate)


def with_pauses(parts: list[bytes], pause_ms: int, rate: int, lead_ms: int = 300) -> bytes:
    """Phrases separated by digital silence, with silence before and after."""
    gap = silence(pause_ms, rate)
    return silence(lead_ms, rate) + gap.join(parts) + silence(lead_ms + pause_ms, rate)


def frames(pcm: bytes, rate: int) -> list[bytes]:
    """20 ms frames at ``rate`` (the tail zero-padded)."""
    size = rate * FRAME_MS // 1000 * 2
    out = [pcm[i : i + size] for i in range(0, len(pcm), size)]
    if out and len(out[-1]) < size:
        out[-1] = out[-1] + b"\x00" * (size - len(out[-1]))
    return out
