"""Unit tests for speech.audio: resampling, telephone conversion, framing, WAV, μ-law and levels."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import numpy as np
import pytest

from speech.audio import (
    FRAME_BYTES,
    FRAME_MS,
    SAMPLE_RATE,
    AudioFormatError,
    concat,
    duration_ms,
    read_wav,
    resample,
    rms_dbfs,
    silence,
    split_frames,
    to_telephone,
    ulaw_decode,
    ulaw_encode,
    wav_bytes,
    write_wav,
)


def tone(freq: float, ms: int, rate: int, amplitude: float = 0.5) -> bytes:
    n = rate * ms // 1000
    t = np.arange(n) / rate
    samples = np.round(amplitude * 32767 * np.sin(2 * np.pi * freq * t)).astype("<i2")
    return samples.tobytes()


def dominant_freq(pcm: bytes, rate: int) -> float:
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    spectrum = np.abs(np.fft.rfft(x))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[int(np.argmax(spectrum))])


def test_frame_constants_match_audiosocket() -> None:
    assert (SAMPLE_RATE, FRAME_MS, FRAME_BYTES) == (8000, 20, 320)


@pytest.mark.parametrize(("src", "dst"), [(16000, 8000), (8000, 16000), (22050, 8000), (44100, 16000), (8000, 8000)])
def test_resample_keeps_duration_and_pitch(src: int, dst: int) -> None:
    pcm = tone(440, 1000, src)
    out = resample(pcm, src, dst)
    assert abs(duration_ms(out, dst) - 1000) <= 2
    assert abs(dominant_freq(out, dst) - 440) <= 3
    assert abs(rms_dbfs(out) - rms_dbfs(pcm)) < 0.5


def test_resample_rejects_odd_length_and_bad_rate() -> None:
    with pytest.raises(AudioFormatError, match="multiple of 2"):
        resample(b"\x00\x00\x00", 16000, 8000)
    with pytest.raises(AudioFormatError, match="positive integer"):
        resample(b"\x00\x00", 0, 8000)


def test_to_telephone_downmixes_stereo_and_converts_width() -> None:
    left = np.frombuffer(tone(300, 500, 16000), dtype="<i2")
    stereo = np.empty(left.size * 2, dtype="<i2")
    stereo[0::2] = left
    stereo[1::2] = left
    out = to_telephone(stereo.tobytes(), 16000, sample_width=2, channels=2)
    assert abs(duration_ms(out) - 500) <= 2
    assert abs(dominant_freq(out, SAMPLE_RATE) - 300) <= 4
    # 8-bit unsigned input (WAV convention) becomes signed 16-bit
    u8 = bytes(np.clip(np.frombuffer(tone(300, 500, 8000), "<i2") // 256 + 128, 0, 255).astype(np.uint8))
    out8 = to_telephone(u8, 8000, sample_width=1)
    assert len(out8) == len(u8) * 2
    assert rms_dbfs(out8) > -12


def test_to_telephone_rejects_misaligned_stereo() -> None:
    with pytest.raises(AudioFormatError):
        to_telephone(b"\x00" * 6, 8000, channels=2)


def test_wav_round_trip(tmp_path: Path) -> None:
    pcm = tone(1000, 300, 16000)
    path = tmp_path / "x.wav"
    write_wav(path, pcm, 16000)
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
    data, rate = read_wav(path)
    assert rate == 16000 and data == pcm
    assert wav_bytes(pcm, 16000) == path.read_bytes()


def test_read_wav_downmixes_stereo_file(tmp_path: Path) -> None:
    path = tmp_path / "stereo.wav"
    frames = b"".join(struct.pack("<hh", 1000, 3000) for _ in range(800))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(frames)
    data, rate = read_wav(path)
    assert rate == 8000 and len(data) == 1600
    assert set(np.frombuffer(data, "<i2").tolist()) == {2000}


def test_read_wav_errors_are_typed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not a wav at all")
    with pytest.raises(AudioFormatError, match="not a readable PCM WAV"):
        read_wav(bad)
    with pytest.raises(AudioFormatError, match="cannot read"):
        read_wav(tmp_path / "missing.wav")


def test_split_frames_pads_or_drops_tail() -> None:
    pcm = bytes(range(256)) * 3 + b"\x01\x02"  # 770 bytes = 2 frames + 130 bytes
    padded = split_frames(pcm)
    assert [len(f) for f in padded] == [320, 320, 320]
    assert padded[2][:130] == pcm[640:] and padded[2][130:] == b"\x00" * 190
    assert b"".join(padded[:2]) == pcm[:640]
    assert len(split_frames(pcm, pad=False)) == 2
    assert split_frames(b"") == []
    with pytest.raises(AudioFormatError):
        split_frames(pcm, frame_bytes=321)


def test_silence_and_duration() -> None:
    assert len(silence(20)) == FRAME_BYTES
    assert duration_ms(silence(1000, 16000), 16000) == 1000
    assert silence(0) == b""
    with pytest.raises(AudioFormatError):
        silence(-1)


def test_dbfs_of_silence_and_tones() -> None:
    assert rms_dbfs(silence(100)) == -math.inf
    assert rms_dbfs(b"") == -math.inf
    # a full-scale sine is about -3 dBFS; half amplitude about -9 dBFS
    assert rms_dbfs(tone(440, 500, 8000, amplitude=1.0)) == pytest.approx(-3.01, abs=0.05)
    assert rms_dbfs(tone(440, 500, 8000, amplitude=0.5)) == pytest.approx(-9.03, abs=0.05)
    square = struct.pack("<hh", -32768, -32768) * 100
    assert rms_dbfs(square) == 0.0


def test_ulaw_round_trip_within_tolerance() -> None:
    pcm = tone(700, 200, 8000, amplitude=0.8)
    enc = ulaw_encode(pcm)
    assert len(enc) == len(pcm) // 2
    dec = ulaw_decode(enc)
    a = np.frombuffer(pcm, "<i2").astype(np.int32)
    b = np.frombuffer(dec, "<i2").astype(np.int32)
    # μ-law is logarithmic: error bounded by ~1/32 of the magnitude plus a small floor
    assert np.all(np.abs(a - b) <= np.abs(a) // 32 + 40)
    snr = 10 * math.log10(float(np.sum(a * a)) / float(np.sum((a - b) ** 2)))
    assert snr > 30
    # G.711 silence is 0xFF
    assert ulaw_encode(silence(20)) == b"\xff" * 160


def test_concat_inserts_gaps() -> None:
    a, b = tone(300, 100, 8000), tone(500, 100, 8000)
    out = concat([a, b], gap_ms=50)
    assert duration_ms(out) == 250
    assert out[: len(a)] == a and out[-len(b) :] == b
    assert rms_dbfs(out[len(a) : len(a) + 800]) == -math.inf

