"""Telephone audio helpers: every stage of the call path speaks 8 kHz mono signed 16-bit little-endian PCM.

Conversions (rate, channels, sample width, WAV parsing) go through pydub, which uses ``audioop`` (stdlib up to
Python 3.12, the ``audioop-lts`` package from 3.13). Level measurement uses numpy. All functions are pure: bytes in,
bytes out; bad input raises :class:`AudioFormatError` (a ``ValueError``) rather than returning something empty.
"""

from __future__ import annotations

import io
import math
import shutil
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydub import AudioSegment

# numpy and pydub are imported where they are used: commands that only print words (`ivr say`, `ivr nlu parse`)
# and settings, which name the audio constants below, must not pay for loading them.

with warnings.catch_warnings():  # stdlib audioop warns of its removal; audioop-lts provides it from Python 3.13
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

# Asterisk AudioSocket carries signed linear 16-bit at 8 kHz ("slin16" in its docs, "slin" in dialplan).
SAMPLE_RATE = 8000
# AudioSocket frames are 20 ms: the unit of pacing and barge-in.
FRAME_MS = 20
SAMPLE_WIDTH = 2
# 8000 samples/s * 0.020 s * 2 bytes = 320 bytes per frame.
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * SAMPLE_WIDTH


class AudioFormatError(ValueError):
    """Audio that is not what the caller claims (odd byte count, unreadable WAV, bad rate)."""


def _check_pcm(pcm: bytes, sample_width: int = SAMPLE_WIDTH, channels: int = 1) -> None:
    if not isinstance(pcm, (bytes, bytearray, memoryview)):
        raise AudioFormatError(f"PCM must be bytes, got {type(pcm).__name__}")
    block = sample_width * channels
    if len(pcm) % block:
        raise AudioFormatError(f"PCM length {len(pcm)} is not a multiple of {block} bytes (width x channels)")


def _check_rate(rate: int) -> None:
    if not isinstance(rate, int) or rate <= 0:
        raise AudioFormatError(f"sample rate must be a positive integer, got {rate!r}")


def _segment(pcm: bytes, rate: int, sample_width: int = SAMPLE_WIDTH, channels: int = 1) -> AudioSegment:
    from pydub import AudioSegment

    return AudioSegment(data=bytes(pcm), sample_width=sample_width, frame_rate=rate, channels=channels)


def resample(pcm: bytes, src_rate: int, dst_rate: int) -> bytes:
    """Resample mono s16le PCM from ``src_rate`` to ``dst_rate``; the duration is kept."""
    _check_pcm(pcm)
    _check_rate(src_rate)
    _check_rate(dst_rate)
    if src_rate == dst_rate or not pcm:
        return bytes(pcm)
    return bytes(_segment(pcm, src_rate).set_frame_rate(dst_rate).raw_data)


def to_telephone(pcm: bytes, rate: int, sample_width: int = 2, channels: int = 1) -> bytes:
    """Any linear PCM (width 1-4 bytes, any channel count, any rate) to 8 kHz mono s16le."""
    _check_rate(rate)
    if sample_width not in (1, 2, 3, 4):
        raise AudioFormatError(f"sample width must be 1-4 bytes, got {sample_width}")
    if channels < 1:
        raise AudioFormatError(f"channels must be >= 1, got {channels}")
    _check_pcm(pcm, sample_width, channels)
    if not pcm:
        return b""
    seg = _segment(pcm, rate, sample_width, channels)
    seg = seg.set_channels(1).set_sample_width(SAMPLE_WIDTH).set_frame_rate(SAMPLE_RATE)
    return bytes(seg.raw_data)


def read_wav(path: str | Path) -> tuple[bytes, int]:
    """Read a PCM WAV file of any width/channels; returns (mono s16le PCM, sample rate)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise AudioFormatError(f"cannot read WAV {p}: {exc.strerror or exc}") from exc
    return read_wav_bytes(data, name=str(p))


def read_wav_bytes(data: bytes, name: str = "<bytes>") -> tuple[bytes, int]:
    """Parse WAV bytes into (mono s16le PCM, sample rate).

    Integer PCM (8/16/24/32-bit) is parsed in-process; other encodings (float, μ-law, A-law) are decoded by ffmpeg
    (installed by scripts/setup.sh), which pydub drives.
    """
    try:
        from pydub import AudioSegment

        seg = AudioSegment._from_safe_wav(io.BytesIO(data))
    except Exception as exc:  # pydub raises assorted errors for non-WAV / non-PCM data
        seg = _decode_with_ffmpeg(data, name, exc)
    seg = seg.set_channels(1).set_sample_width(SAMPLE_WIDTH)
    return bytes(seg.raw_data), int(seg.frame_rate)


def _decode_with_ffmpeg(data: bytes, name: str, pcm_error: Exception) -> AudioSegment:
    from pydub import AudioSegment

    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioFormatError(f"{name} is not a readable PCM WAV file ({pcm_error})") from pcm_error
    if shutil.which(AudioSegment.converter) is None:
        raise AudioFormatError(f"{name} is a non-PCM WAV ({pcm_error}); decoding it needs ffmpeg "
                               "(apt-get install ffmpeg, or run scripts/setup.sh)") from pcm_error
    try:
        return AudioSegment.from_file(io.BytesIO(data), format="wav")
    except Exception as exc:
        raise AudioFormatError(f"{name} is not a readable WAV file ({exc})") from exc


def wav_bytes(pcm: bytes, rate: int) -> bytes:
    """Wrap mono s16le PCM in a WAV container."""
    _check_pcm(pcm)
    _check_rate(rate)
    buf = io.BytesIO()
    _segment(pcm, rate).export(buf, format="wav")
    return buf.getvalue()


def write_wav(path: str | Path, pcm: bytes, rate: int) -> None:
    """Write mono s16le PCM as a WAV file (parent directories must exist)."""
    Path(path).write_bytes(wav_bytes(pcm, rate))


def split_frames(pcm: bytes, frame_bytes: int = FRAME_BYTES, pad: bool = True) -> list[bytes]:
    """Cut PCM into fixed-size frames; the tail is zero-padded (``pad``) or dropped."""
    if frame_bytes <= 0 or frame_bytes % SAMPLE_WIDTH:
        raise AudioFormatError(f"frame size must be a positive even number of bytes, got {frame_bytes}")
    _check_pcm(pcm)
    data = bytes(pcm)
    frames = [data[i : i + frame_bytes] for i in range(0, len(data), frame_bytes)]
    if frames and len(frames[-1]) < frame_bytes:
        if pad:
            frames[-1] = frames[-1] + b"\x00" * (frame_bytes - len(frames[-1]))
        else:
            frames.pop()
    return frames


def silence(ms: int, rate: int = SAMPLE_RATE) -> bytes:
    """``ms`` milliseconds of digital silence at ``rate``."""
    if ms < 0:
        raise AudioFormatError(f"silence length must be >= 0 ms, got {ms}")
    _check_rate(rate)
    return b"\x00\x00" * (rate * ms // 1000)


def rms_dbfs(pcm: bytes) -> float:
    """RMS level relative to full scale (a full-scale square wave is 0 dBFS); digital silence is -inf."""
    _check_pcm(pcm)
    if not pcm:
        return -math.inf
    import numpy as np

    samples = np.frombuffer(bytes(pcm), dtype="<i2").astype(np.float64)
    rms = math.sqrt(float(np.dot(samples, samples)) / len(samples))  # every 20 ms of every call: 5x faster than mean
    if rms == 0.0:
        return -math.inf
    return min(0.0, 20.0 * math.log10(rms / 32768.0))


def ulaw_encode(pcm: bytes) -> bytes:
    """s16le PCM to G.711 μ-law (one byte per sample)."""
    _check_pcm(pcm)
    return audioop.lin2ulaw(bytes(pcm), SAMPLE_WIDTH)


def ulaw_decode(data: bytes) -> bytes:
    """G.711 μ-law to s16le PCM."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise AudioFormatError(f"μ-law data must be bytes, got {type(data).__name__}")
    return audioop.ulaw2lin(bytes(data), SAMPLE_WIDTH)


def duration_ms(pcm: bytes, rate: int = SAMPLE_RATE) -> int:
    """Length of mono s16le PCM in whole milliseconds."""
    _check_pcm(pcm)
    _check_rate(rate)
    return len(pcm) // SAMPLE_WIDTH * 1000 // rate


def concat(parts: list[bytes], gap_ms: int = 0, rate: int = SAMPLE_RATE) -> bytes:
    """Join PCM clips with ``gap_ms`` of silence between them (used to stitch recorded prompt-pack clips)."""
    gap = silence(gap_ms, rate)
    for part in parts:
        _check_pcm(part)
    return gap.join(bytes(p) for p in parts)
