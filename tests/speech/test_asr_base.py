"""The ASR base class: grammar normalisation, audio checks, metrics, error translation, the buffering stream."""

from __future__ import annotations

import pytest

from speech.asr.base import (
    AsrEngine,
    AsrError,
    AsrStream,
    AsrUnavailable,
    GrammarError,
    normalise_grammar,
)
from speech.audio import AudioFormatError, silence
from tests.fakes.asr_fake import ScriptedAsr


def test_normalise_grammar() -> None:
    assert normalise_grammar(None) is None
    assert normalise_grammar(["  check  my balance ", "yes", "yes"]) == ("check my balance", "yes")
    for bad in ([], [""], ["  "], [3]):
        with pytest.raises(GrammarError):
            normalise_grammar(bad)  # type: ignore[arg-type]
    with pytest.raises(GrammarError, match="list of phrases"):
        normalise_grammar("yes")


async def test_recognize_counts_metrics_and_passes_grammar() -> None:
    asr = ScriptedAsr(["yes"])
    assert isinstance(asr, AsrEngine)
    res = await asr.recognize(silence(500, 8000), 8000, "en", ["yes ", "no"])
    assert (res.text, res.is_final) == ("yes", True)
    assert asr.calls == [(8000, 8000, "en", ("yes", "no"))]
    assert asr.metrics.requests == 1 and asr.metrics.audio_s == pytest.approx(0.5)
    assert asr.metrics.rtf >= 0.0


async def test_bad_audio_is_refused_before_the_engine() -> None:
    asr = ScriptedAsr(["x"])
    with pytest.raises(AudioFormatError, match="11025"):
        await asr.recognize(silence(100, 11025), 11025, "en")
    with pytest.raises(AudioFormatError, match="16-bit"):
        await asr.recognize(b"\x00\x00\x00", 8000, "en")
    assert asr.calls == []


async def test_engine_exceptions_become_typed_errors() -> None:
    asr = ScriptedAsr([], fail_with=ValueError("boom"))
    with pytest.raises(AsrError, match="scripted failed to recognise en audio: boom"):
        await asr.recognize(silence(100), 8000, "en")
    asr.fail_with = AsrUnavailable("no model")
    with pytest.raises(AsrUnavailable, match="no model"):
        await asr.recognize(silence(100), 8000, "en")
    assert asr.metrics.errors == 2 and asr.metrics.requests == 0


async def test_buffered_stream_recognises_everything_fed_once() -> None:
    asr = ScriptedAsr(["check my balance"])
    stream = await asr.open_stream("en", 16000, ["check my balance"])
    assert isinstance(stream, AsrStream)
    for _ in range(10):
        assert await stream.feed(silence(20, 16000)) is None
    res = await stream.finish()
    assert res.text == "check my balance"
    assert asr.calls == [(6400, 16000, "en", ("check my balance",))]
    with pytest.raises(AsrError, match="already finished"):
        await stream.feed(silence(20, 16000))
    with pytest.raises(AsrError, match="already finished"):
        await stream.finish()
