"""CallRecorder on a fake clock: both directions land where they were heard/sent, sample-exact, across spooled
chunks; a barge-in erases unsent bot audio; nothing before consent; a decline keeps nothing; the spool is encrypted."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest
from cryptography.fernet import Fernet

from ivr.calls.recorder import CallRecorder
from models.crypto import KeyRing

RATE = 8000


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def tone(n: int, value: int) -> bytes:
    return np.full(n, value, dtype="<i2").tobytes()


def samples(wav: bytes) -> np.ndarray:
    with wave.open(io.BytesIO(wav)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE)
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


@pytest.fixture
def ring() -> KeyRing:
    return KeyRing([Fernet.generate_key().decode()], "lookup-key-for-tests-0123")


def make(tmp_path: Path, ring: KeyRing, clock: Clock) -> CallRecorder:
    return CallRecorder(spool_dir=tmp_path / "spool", t0=clock.t, keyring=ring, clock=clock)


def test_both_directions_placed_on_the_call_clock_across_spooled_chunks(tmp_path: Path, ring: KeyRing) -> None:
    clock = Clock()
    rec = make(tmp_path, ring, clock)
    clock.t += 0.5
    rec.start()  # consent at 0.5 s: the first half second is silence
    prompt = np.arange(1, 3 * RATE + 1, dtype=np.int64) % 1000  # 3 s of distinct samples, queued at once
    rec.bot(prompt.astype("<i2").tobytes(), due=clock.t + 0.1)
    for _ in range(200):  # 4 s of caller frames (value 7), arriving as they end
        clock.t += 0.02
        rec.caller(tone(160, 7), arrived=clock.t)
    spool = list((tmp_path / "spool").iterdir())
    assert len(spool) == 1 and spool[0].stat().st_size > 0  # older audio already spooled...
    assert b"\x07\x00\x07\x00" not in spool[0].read_bytes()  # ...encrypted
    wav, duration_ms = rec.wav(end=clock.t + 0.5) or (b"", 0)
    got = samples(wav)
    assert duration_ms == 5000 and len(got) == 5 * RATE
    assert not got[: RATE // 2].any()  # before consent: nothing kept
    start = int(0.6 * RATE)
    expected = np.zeros(len(got), dtype=np.int64)
    expected[start:start + len(prompt)] += prompt
    expected[RATE // 2: RATE // 2 + 200 * 160] += 7
    assert np.array_equal(got.astype(np.int64), expected)
    assert list((tmp_path / "spool").iterdir()) == []  # the spool is removed once read


def test_barge_in_erases_bot_audio_never_sent(tmp_path: Path, ring: KeyRing) -> None:
    clock = Clock()
    rec = make(tmp_path, ring, clock)
    rec.start()
    rec.bot(tone(2 * RATE, 100), due=clock.t)
    clock.t += 0.5
    rec.cut_bot_after(clock.t)  # the caller barged in after 0.5 s: the rest was flushed
    wav, _ = rec.wav(end=clock.t + 1.0) or (b"", 0)
    got = samples(wav)
    assert (got[: RATE // 2] == 100).all() and not got[RATE // 2:].any()


def test_loud_mix_is_clipped_not_wrapped(tmp_path: Path, ring: KeyRing) -> None:
    clock = Clock()
    rec = make(tmp_path, ring, clock)
    rec.start()
    rec.bot(tone(160, 30000), due=clock.t)
    rec.caller(tone(160, 30000), arrived=clock.t + 0.02)
    wav, _ = rec.wav(end=clock.t + 0.02) or (b"", 0)
    assert (samples(wav)[:160] == 32767).all()


def test_nothing_kept_without_or_after_declined_consent(tmp_path: Path, ring: KeyRing) -> None:
    clock = Clock()
    rec = make(tmp_path, ring, clock)
    rec.caller(tone(160, 5), arrived=clock.t + 0.02)
    assert rec.wav() is None  # never granted
    rec = make(tmp_path, ring, clock)
    rec.start()
    for _ in range(150):
        clock.t += 0.02
        rec.caller(tone(160, 5), arrived=clock.t)
    rec.discard()  # declined (the latest answer wins)
    assert rec.wav() is None and list((tmp_path / "spool").iterdir()) == []
