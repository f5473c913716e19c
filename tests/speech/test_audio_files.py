"""speech.audio against real audio tools: WAVs written by sox and espeak-ng, and sox's own G.711 μ-law coder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from speech.audio import (
    SAMPLE_RATE,
    AudioFormatError,
    duration_ms,
    read_wav,
    resample,
    rms_dbfs,
    to_telephone,
    ulaw_decode,
    ulaw_encode,
    write_wav,
)

pytestmark = pytest.mark.integration


def sox(*args: str) -> None:
    subprocess.run(["sox", *args], check=True, capture_output=True)


def dominant_freq(pcm: bytes, rate: int) -> float:
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    return float(np.fft.rfftfreq(len(x), 1 / rate)[int(np.argmax(np.abs(np.fft.rfft(x))))])


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("s16_mono_8k", ["-r", "8000", "-c", "1", "-b", "16"]),
        ("s24_stereo_44k", ["-r", "44100", "-c", "2", "-b", "24"]),
        ("s32_mono_48k", ["-r", "48000", "-c", "1", "-b", "32"]),
        ("u8_mono_11k", ["-r", "11025", "-c", "1", "-b", "8", "-e", "unsigned-integer"]),
        ("f32_mono_16k", ["-r", "16000", "-c", "1", "-b", "32", "-e", "floating-point"]),
        ("ulaw_mono_8k", ["-r", "8000", "-c", "1", "-e", "u-law"]),
    ],
)
def test_read_sox_wavs_and_convert_to_telephone(tmp_path: Path, name: str, fmt: list[str]) -> None:
    path = tmp_path / f"{name}.wav"
    rate_in = int(fmt[1])
    sox("-n", *fmt, str(path), "synth", "0.5", "sine", "440", "vol", "0.5")
    pcm, rate = read_wav(path)
    assert rate == rate_in
    assert abs(duration_ms(pcm, rate) - 500) <= 1
    tel = resample(pcm, rate, SAMPLE_RATE)
    assert abs(duration_ms(tel) - 500) <= 2
    assert abs(dominant_freq(tel, SAMPLE_RATE) - 440) <= 4
    # amplitude 0.5 sine: -9 dBFS (8-bit and μ-law quantisation cost a little)
    assert rms_dbfs(tel) == pytest.approx(-9.03, abs=0.3)


def test_espeak_wav_to_telephone_and_back_through_sox(tmp_path: Path) -> None:
    src = tmp_path / "espeak.wav"
    subprocess.run(["espeak-ng", "-v", "sw", "-w", str(src), "saa tatu asubuhi"], check=True, capture_output=True)
    pcm, rate = read_wav(src)
    assert rate == 22050
    tel = to_telephone(pcm, rate)
    assert abs(duration_ms(tel) - duration_ms(pcm, rate)) <= 2
    out = tmp_path / "tel.wav"
    write_wav(out, tel, SAMPLE_RATE)
    info = subprocess.run(["soxi", str(out)], check=True, capture_output=True, text=True).stdout
    assert "Sample Rate    : 8000" in info and "Channels       : 1" in info and "16-bit" in info
    # sox reads back exactly our samples
    raw = subprocess.run(["sox", str(out), "-t", "raw", "-e", "signed-integer", "-b", "16", "-L", "-"],
                         check=True, capture_output=True).stdout
    assert raw == tel
    assert rms_dbfs(tel) > -35


def test_ulaw_agrees_with_sox_g711_coder(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    pcm = (rng.normal(0, 6000, 8000).clip(-32768, 32767)).astype("<i2").tobytes()
    raw = tmp_path / "in.raw"
    raw.write_bytes(pcm)
    enc = subprocess.run(  # -D: no dither, so sox's coder is deterministic
        ["sox", "-D", "-t", "raw", "-r", "8000", "-e", "signed-integer", "-b", "16", "-L", "-c", "1", str(raw),
         "-t", "raw", "-e", "u-law", "-"],
        check=True, capture_output=True,
    ).stdout
    # Decoding is a fixed G.711 table: byte-exact with sox.
    dec = subprocess.run(
        ["sox", "-t", "raw", "-r", "8000", "-e", "u-law", "-c", "1", "-", "-t", "raw", "-e", "signed-integer",
         "-b", "16", "-L", "-"],
        input=enc, check=True, capture_output=True,
    ).stdout
    assert ulaw_decode(enc) == dec
    # Encoding: audioop truncates, sox rounds; they may differ by one quantisation step at a boundary, no more.
    ours = np.frombuffer(ulaw_decode(ulaw_encode(pcm)), "<i2").astype(np.int32)
    theirs = np.frombuffer(dec, "<i2").astype(np.int32)
    x = np.frombuffer(pcm, "<i2").astype(np.int32)
    assert np.mean(ours == theirs) > 0.95
    step = np.abs(x) // 8 + 16  # a μ-law step is at most 1/8 of the magnitude (plus the linear segment near 0)
    assert np.all(np.abs(ours - theirs) <= step)


def test_non_wav_file_is_a_typed_error(tmp_path: Path) -> None:
    mp3ish = tmp_path / "x.wav"
    mp3ish.write_bytes(b"ID3\x03" + b"\x00" * 100)
    with pytest.raises(AudioFormatError, match="not a readable PCM WAV"):
        read_wav(mp3ish)
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00" + b"\x09" * 16)
    with pytest.raises(AudioFormatError):
        read_wav(broken)
