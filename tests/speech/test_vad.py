"""Endpointer behaviour on synthetic tones, missing-frame gaps, explicit-clock timeouts and espeak-ng speech."""

from __future__ import annotations

import math

import numpy as np
import pytest
from asr_voices import espeak, frames, with_pauses
from pydantic import ValidationError

from speech.audio import FRAME_BYTES, SAMPLE_RATE, rms_dbfs
from speech.vad import Endpointer, NoInput, SpeechStarted, Utterance, VadError, VadEvent
from speech.vad_config import VadSettings


def tone(ms: int, dbfs: float = -20.0, rate: int = SAMPLE_RATE) -> bytes:
    n = rate * ms // 1000
    amp = 32767 * math.sqrt(2) * 10 ** (dbfs / 20)
    t = np.arange(n) / rate
    return (amp * np.sin(2 * np.pi * 440 * t)).astype("<i2").tobytes()


def quiet(ms: int, dbfs: float = -60.0) -> bytes:
    """Low line noise, well under the threshold (not digital zero)."""
    rng = np.random.default_rng(ms)
    n = SAMPLE_RATE * ms // 1000
    return (rng.normal(0, 32768 * 10 ** (dbfs / 20), n)).astype("<i2").tobytes()


def run(ep: Endpointer, segments: list[tuple[str, int]], t0: int = 0) -> tuple[list[VadEvent], int]:
    """Feed ("tone"|"quiet"|"gap", ms) segments as 20 ms frames on the call clock; gaps send no frames."""
    events: list[VadEvent] = []
    t = t0
    for kind, ms in segments:
        if kind == "gap":
            t += ms
            continue
        pcm = tone(ms) if kind == "tone" else quiet(ms)
        for i in range(0, len(pcm), FRAME_BYTES):
            events += ep.feed(pcm[i : i + FRAME_BYTES], t)
            t += 20
    return events, t


def utterances(events: list[VadEvent]) -> list[Utterance]:
    return [e for e in events if isinstance(e, Utterance)]


def test_speech_start_lookback_and_trailing_silence() -> None:
    ep = Endpointer(VadSettings())
    events, _ = run(ep, [("quiet", 1000), ("tone", 600), ("quiet", 800)])
    assert events[0] == SpeechStarted(at_ms=1000)
    (utt,) = utterances(events)
    assert utt.reason == "silence"
    assert utt.speech_start_ms == 1000
    assert utt.start_ms == 700  # 300 ms lookback before the voiced run
    assert utt.end_ms == 1600
    # lookback + 600 ms voiced + the 400 ms of quiet that ended it
    assert utt.audio_ms == 300 + 600 + 400


def test_click_shorter_than_min_speech_does_not_start() -> None:
    ep = Endpointer(VadSettings())
    events, _ = run(ep, [("quiet", 500), ("tone", 60), ("quiet", 500), ("tone", 100), ("quiet", 500)])
    assert events == []


def test_keypad_gap_is_neither_speech_nor_silence() -> None:
    """Asterisk sends no frames while a key is held: a 600 ms hole must not end the utterance."""
    ep = Endpointer(VadSettings())
    events, _ = run(ep, [("quiet", 300), ("tone", 300), ("gap", 600), ("tone", 300), ("quiet", 600)])
    (utt,) = utterances(events)
    assert utt.reason == "silence"
    assert utt.speech_start_ms == 300
    assert utt.end_ms == 300 + 300 + 600 + 300
    # the PCM holds only what was received: lookback (300) + 300 + 300 + 400 ms of trailing quiet
    assert utt.audio_ms == 300 + 300 + 300 + 400


def test_same_pause_as_received_silence_splits_the_utterance() -> None:
    ep = Endpointer(VadSettings())
    events, _ = run(ep, [("quiet", 300), ("tone", 300), ("quiet", 600), ("tone", 300), ("quiet", 600)])
    assert [u.speech_start_ms for u in utterances(events)] == [300, 1200]


def test_long_gap_ends_utterance_on_the_explicit_clock() -> None:
    """A phone with silence suppression stops sending when its user stops talking."""
    ep = Endpointer(VadSettings())
    events, t = run(ep, [("quiet", 200), ("tone", 400)])
    assert isinstance(events[-1], SpeechStarted)
    assert ep.tick(t + 900) == []
    (utt,) = ep.tick(t + 1001)
    assert isinstance(utt, Utterance) and utt.reason == "gap" and utt.end_ms == t
    assert not ep.speaking


def test_no_input_without_any_frames_then_rearms() -> None:
    ep = Endpointer(VadSettings(), start_ms=1000, no_input_ms=5000)
    assert ep.tick(5999) == []
    assert ep.tick(6000) == [NoInput(at_ms=6000, waited_ms=5000)]
    assert ep.tick(10999) == []
    assert ep.tick(11000) == [NoInput(at_ms=11000, waited_ms=5000)]


def test_no_input_with_quiet_frames_and_not_after_speech() -> None:
    ep = Endpointer(VadSettings(), no_input_ms=2000)
    events, _ = run(ep, [("quiet", 2100)])
    assert [e for e in events if isinstance(e, NoInput)] == [NoInput(at_ms=2000, waited_ms=2000)]
    ep2 = Endpointer(VadSettings(), no_input_ms=2000)
    events2, _ = run(ep2, [("quiet", 500), ("tone", 1000), ("quiet", 1000)])
    assert not [e for e in events2 if isinstance(e, NoInput)]
    assert len(utterances(events2)) == 1


def test_max_utterance_length_cuts() -> None:
    ep = Endpointer(VadSettings(max_utterance_ms=2000))
    events, _ = run(ep, [("quiet", 400), ("tone", 3000)])
    (utt,) = utterances(events)
    assert utt.reason == "max_length"
    assert utt.audio_ms == 2000


def test_finish_flushes_utterance_in_progress() -> None:
    ep = Endpointer(VadSettings())
    _events, t = run(ep, [("quiet", 400), ("tone", 500)])
    (utt,) = ep.finish(t)
    assert isinstance(utt, Utterance) and utt.reason == "flush" and utt.end_ms == t
    assert ep.finish(t) == []


def test_bad_frames_are_refused() -> None:
    ep = Endpointer(VadSettings())
    ep.feed(quiet(20), 1000)
    with pytest.raises(VadError, match="before the previous frame"):
        ep.feed(quiet(20), 500)
    with pytest.raises(VadError, match="even number"):
        ep.feed(b"\x00\x01\x02", 1040)
    with pytest.raises(VadError, match="even number"):
        ep.feed(b"", 1040)


def test_settings_validation() -> None:
    with pytest.raises(ValidationError, match="max_gap_ms"):
        VadSettings(end_silence_ms=500, max_gap_ms=400)
    with pytest.raises(ValidationError):
        VadSettings(speech_threshold_dbfs=3.0)


@pytest.mark.parametrize("rate", [8000, 16000])
def test_two_espeak_phrases_with_a_pause_are_two_utterances(rate: int) -> None:
    one, two = espeak("네", rate), espeak("아니요", rate)
    pcm = with_pauses([one, two], 800, rate, lead_ms=500)
    ep = Endpointer(VadSettings(), rate=rate)
    events: list[VadEvent] = []
    for i, f in enumerate(frames(pcm, rate)):
        events += ep.feed(f, i * 20)
    utts = utterances(events)
    assert len(utts) == 2
    assert [type(e).__name__ for e in events] == ["SpeechStarted", "Utterance", "SpeechStarted", "Utterance"]
    # where each clip is loud (espeak pads its clips with quiet lead-in and tail), measured frame by frame
    on1, off1 = voiced_span(one, rate)
    on2, off2 = voiced_span(two, rate)
    start2 = 500 + len(one) * 1000 // 2 // rate + 800
    assert abs(utts[0].speech_start_ms - (500 + on1)) <= 20
    assert abs(utts[0].end_ms - (500 + off1)) <= 20
    assert abs(utts[1].speech_start_ms - (start2 + on2)) <= 20
    assert abs(utts[1].end_ms - (start2 + off2)) <= 20
    assert all(u.reason == "silence" for u in utts)


def voiced_span(pcm: bytes, rate: int) -> tuple[int, int]:
    loud = [i * 20 for i, f in enumerate(frames(pcm, rate)) if rms_dbfs(f) >= VadSettings().speech_threshold_dbfs]
    return loud[0], loud[-1] + 20


def test_long_gap_detected_when_the_next_frame_arrives() -> None:
    ep = Endpointer(VadSettings())
    events, _ = run(ep, [("quiet", 200), ("tone", 400), ("gap", 1500), ("tone", 400), ("quiet", 500)])
    first, second = utterances(events)
    assert (first.reason, first.end_ms) == ("gap", 600)
    assert (second.reason, second.speech_start_ms) == ("silence", 2100)
    assert [type(e).__name__ for e in events] == ["SpeechStarted", "Utterance", "SpeechStarted", "Utterance"]
