"""Calibrate pocketsphinx's starting cepstral mean on telephone audio (IVR_SPEECH__ASR__POCKETSPHINX_CMN_INIT).

The mean of the 13 cepstra depends on the line (band, codec, level, noise), not on what is said: run real calls'
audio (or the tuning voices through speech.telephone) through the model's front end and average the running mean
over the whole set. Every turn then starts from it instead of from the model's wide-band microphone value.
"""

from __future__ import annotations

from collections.abc import Iterable

from speech.asr.config import AsrSettings
from speech.asr.pocketsphinx_engine import Upsampler
from speech.asr.sphinx_decoders import Decoder
from speech.audio import SAMPLE_WIDTH

SKIP_FIRST = 5  # the first samples still lean on the start value


def calibrate_cmn(clips: Iterable[tuple[bytes, int]], asr: AsrSettings | None = None) -> str:
    """(PCM, rate) clips -> the comma-separated cepstral mean to start every turn from."""
    settings = asr or AsrSettings()
    decoder = Decoder(settings, reference=True)  # any search: only the front end matters here
    samples: list[list[float]] = []
    decoder.ps.start_utt()
    for pcm, rate in clips:
        if len(pcm) < rate * SAMPLE_WIDTH // 10:
            continue
        decoder.ps.process_raw(Upsampler(rate)(pcm), False, False)
        samples.append([float(x) for x in decoder.ps.get_cmn(True).split(",")])
    decoder.ps.end_utt()
    if len(samples) <= SKIP_FIRST:
        raise ValueError(f"calibration needs more than {SKIP_FIRST} clips of at least 0.1 s, got {len(samples)}")
    used = samples[SKIP_FIRST:]
    mean = [sum(col) / len(used) for col in zip(*used, strict=True)]
    return ",".join(f"{x:.3f}" for x in mean)
