"""A telephone line in software: what a caller's voice goes through before it reaches us (for tests and benches).

Network audio is 8 kHz, band-limited to the 300-3400 Hz voice band, carries line noise and has been through a
G.711 μ-law codec (PSTN trunks and most SIP phones). Recognisers tuned on clean wide-band speech fail on exactly
these differences, so every synthetic caller in tests/benches goes through :func:`telephone_line` first.
Deterministic: the noise is seeded, so a rendered test clip is the same on every machine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from speech.audio import SAMPLE_RATE, AudioFormatError, resample, ulaw_decode, ulaw_encode

# ITU-T G.712 voice band; the cosine taper keeps the brick-wall filter from ringing.
BAND_HZ = (300.0, 3400.0)
TAPER_HZ = 100.0


@dataclass(frozen=True)
class LineProfile:
    """One kind of line: band, noise (dB below the speech level), gain and codec."""

    snr_db: float = 30.0  # a decent mobile/VoIP call; 15-20 dB is a noisy market
    gain_db: float = 0.0  # network level changes (AGC, trunks) shift the whole utterance
    band_hz: tuple[float, float] = BAND_HZ
    ulaw: bool = True


CLEAN = LineProfile(snr_db=45.0)
TYPICAL = LineProfile()
NOISY = LineProfile(snr_db=18.0, gain_db=-6.0)


def band_pass(samples: np.ndarray, rate: int, band: tuple[float, float]) -> np.ndarray:
    """Zero-phase band-pass in the frequency domain with cosine-tapered edges."""
    n = len(samples)
    if n == 0:
        return samples
    spec = np.fft.rfft(samples)
    f = np.fft.rfftfreq(n, 1.0 / rate)
    lo, hi = band
    gain = np.ones_like(f)
    gain[f < lo - TAPER_HZ] = 0.0
    rise = (f >= lo - TAPER_HZ) & (f < lo)
    gain[rise] = 0.5 - 0.5 * np.cos(np.pi * (f[rise] - (lo - TAPER_HZ)) / TAPER_HZ)
    fall = (f > hi) & (f <= hi + TAPER_HZ)
    gain[fall] = 0.5 + 0.5 * np.cos(np.pi * (f[fall] - hi) / TAPER_HZ)
    gain[f > hi + TAPER_HZ] = 0.0
    return np.fft.irfft(spec * gain, n)


def speech_rms(samples: np.ndarray, rate: int) -> float:
    """RMS of the louder half of 20 ms frames: the speech level, not diluted by the pauses around it."""
    size = max(1, rate // 50)
    frames = [samples[i : i + size] for i in range(0, len(samples) - size + 1, size)]
    if not frames:
        return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0
    levels = np.sort([float(np.mean(f**2)) for f in frames])
    loud = levels[len(levels) // 2 :]
    return math.sqrt(float(np.mean(loud))) if len(loud) else 0.0


def telephone_line(pcm: bytes, rate: int, profile: LineProfile = TYPICAL, *, seed: int = 0) -> bytes:
    """Mono s16le PCM at ``rate`` -> what arrives over a phone call: 8 kHz mono s16le."""
    if len(pcm) % 2:
        raise AudioFormatError(f"PCM length {len(pcm)} is not a whole number of 16-bit samples")
    narrow = resample(pcm, rate, SAMPLE_RATE)
    x = np.frombuffer(narrow, dtype="<i2").astype(np.float64)
    if not len(x):
        return b""
    x = band_pass(x, SAMPLE_RATE, profile.band_hz) * (10 ** (profile.gain_db / 20))
    level = speech_rms(x, SAMPLE_RATE)
    if level > 0 and math.isfinite(profile.snr_db):
        rng = np.random.default_rng(seed)
        noise = band_pass(rng.standard_normal(len(x)), SAMPLE_RATE, (100.0, 3800.0))
        noise *= level / (10 ** (profile.snr_db / 20)) / max(float(np.sqrt(np.mean(noise**2))), 1e-9)
        x = x + noise
    out = np.clip(np.round(x), -32768, 32767).astype("<i2").tobytes()
    return ulaw_decode(ulaw_encode(out)) if profile.ulaw else out
