"""Listener = endpointer + streaming recogniser: event order, audio handed over, real Vosk end to end."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from asr_voices import espeak, frames, with_pauses

from speech.asr.config import AsrSettings
from speech.asr.listener import Final, Listener, ListenEvent, Partial
from speech.asr.vosk_engine import VoskEngine
from speech.vad import NoInput, SpeechStarted
from speech.vad_config import VadSettings
from tests.fakes.asr_fake import ScriptedAsr


def kinds(events: list[ListenEvent]) -> list[str]:
    """Event type names with runs of partials collapsed to one."""
    return [k for k, _ in itertools.groupby(type(e).__name__ for e in events)]


async def feed_all(listener: Listener, pcm: bytes, rate: int, t0: int = 0) -> tuple[list[ListenEvent], int]:
    events: list[ListenEvent] = []
    t = t0
    for f in frames(pcm, rate):
        events += await listener.feed(f, t)
        t += 20
    return events, t


async def test_stream_receives_exactly_the_utterance_audio() -> None:
    asr = ScriptedAsr(["first", "second"])
    listener = Listener(asr, "en", rate=8000, grammar=["first", "second"])
    pcm = with_pauses([espeak("one", 8000, voice="en"), espeak("two", 8000, voice="en")], 700, 8000)
    events, _ = await feed_all(listener, pcm, 8000)
    assert kinds(events) == ["SpeechStarted", "Final", "SpeechStarted", "Final"]
    finals = [e for e in events if isinstance(e, Final)]
    assert [f.result.text for f in finals] == ["first", "second"]
    # what the recogniser got is byte-for-byte what the endpointer cut (lookback + speech + trailing silence)
    assert [c[0] for c in asr.calls] == [len(f.utterance.pcm) for f in finals]
    assert all(c[3] == ("first", "second") for c in asr.calls)


async def test_no_input_and_silence_suppressed_phone() -> None:
    asr = ScriptedAsr(["yes"])
    listener = Listener(asr, "en", rate=8000, vad=VadSettings(), no_input_ms=3000)
    assert await listener.tick(2999) == []
    (ev,) = await listener.tick(3000)
    assert isinstance(ev, NoInput)
    # the phone sends speech frames only, then nothing: the clock ends the utterance
    speech = espeak("yes", 8000, voice="en")
    events, t = await feed_all(listener, speech, 8000, t0=3200)
    assert isinstance(events[0], SpeechStarted)
    assert await listener.tick(t + 500) == []
    (final,) = await listener.tick(t + 1100)
    assert isinstance(final, Final) and final.utterance.reason == "gap" and final.result.text == "yes"


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize("rate", [8000, 16000])
async def test_real_vosk_streams_partials_and_two_finals(tmp_path: Path, rate: int) -> None:
    engine = VoskEngine(AsrSettings(), tmp_path)
    listener = Listener(engine, "ko", rate=rate, grammar=["네", "아니요", "메뉴", "도움말"])
    pcm = with_pauses([espeak("메뉴", rate), espeak("아니요", rate)], 600, rate)
    events, _ = await feed_all(listener, pcm, rate)
    assert kinds(events) == ["SpeechStarted", "Partial", "Final", "SpeechStarted", "Partial", "Final"]
    assert [e.result.text for e in events if isinstance(e, Final)] == ["메뉴", "아니요"]
    partials = [e.result.text for e in events if isinstance(e, Partial)]
    assert "메뉴" in partials and "아니요" in partials
    await listener.aclose()
