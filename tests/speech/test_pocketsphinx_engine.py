"""The pocketsphinx grammar engine on real telephone-line audio (synthetic test voices, speech.telephone): declared
capabilities, streaming equals whole-utterance decoding, 8 kHz is upsampled, out-of-grammar speech is rejected, and
grammar/model problems are clear errors naming what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.calls.grammars import GrammarBuilder
from ivr.calls.states import listen_for
from speech.asr.base import AsrStream, AsrUnavailable, GrammarError
from speech.asr.config import AsrSettings
from speech.asr.pocketsphinx_engine import MODEL_RATE, PocketsphinxEngine, Upsampler
from speech.audio import AudioFormatError, resample
from speech.grammar.spec import GrammarSpec
from tests.speech.asr_corpus import GROUPS, OUT_OF_GRAMMAR, TEST_VOICES, render

pytestmark = pytest.mark.integration
FRAME_8K = 320  # 20 ms at 8 kHz, 16-bit


@pytest.fixture(scope="module")
def engine() -> PocketsphinxEngine:
    return PocketsphinxEngine(AsrSettings())


@pytest.fixture(scope="module")
def builder() -> GrammarBuilder:
    return GrammarBuilder()


def menu_spec(builder: GrammarBuilder, lang: str) -> GrammarSpec:
    spec = builder.for_listen(listen_for("menu", lang), lang, GROUPS[lang][1])
    assert spec is not None
    return spec


SMALL = {"en": GrammarSpec.of("en", {"check_savings": ["my savings", "savings"], "check_loan": ["my loan", "loan"],
                                     "next_meeting": ["next meeting"]}),
         "sw": GrammarSpec.of("sw", {"check_savings": ["akiba yangu", "akiba"], "check_loan": ["mkopo wangu"],
                                     "next_meeting": ["mkutano ujao"]})}
SAID = {"en": "my savings", "sw": "akiba yangu"}
REJECT_FLOOR = {"en": 0.4, "sw": 0.5}


async def stream_text(engine: PocketsphinxEngine, pcm: bytes, lang: str, grammar: GrammarSpec, chunk: int
                      ) -> tuple[str, list[str]]:
    stream = await engine.open_stream(lang, 8000, grammar)
    assert isinstance(stream, AsrStream)
    partials = []
    for i in range(0, len(pcm), chunk):
        r = await stream.feed(pcm[i : i + chunk])
        if r is not None:
            assert not r.is_final
            partials.append(r.text)
    final = await stream.finish()
    assert final.is_final
    return final.text, partials


def test_capabilities_declared(engine: PocketsphinxEngine) -> None:
    caps = engine.capabilities
    assert engine.name == "pocketsphinx"
    assert caps.streaming and caps.grammar and caps.word_timings
    assert set(caps.sample_rates) == {8000, 16000}


@pytest.mark.parametrize("lang", ["en", "sw"])
async def test_streaming_20ms_frames_gives_the_whole_utterance_final(engine: PocketsphinxEngine, lang: str) -> None:
    pcm = render(TEST_VOICES[lang][0], SAID[lang])
    whole = await engine.recognize(pcm, 8000, lang, SMALL[lang])
    assert whole.text == SAID[lang], whole
    assert 0.5 <= whole.confidence <= 1.0
    assert whole.words and [w.word for w in whole.words] == SAID[lang].split()
    assert all(0 <= w.start_s < w.end_s <= len(pcm) / 16000 + 0.05 for w in whole.words)
    streamed, partials = await stream_text(engine, pcm, lang, SMALL[lang], FRAME_8K)
    assert streamed == whole.text
    assert partials, "a streaming engine gives partial hypotheses while the caller speaks"
    # frames of odd sizes (a jittery network) decode to the same final: the upsampler is continuous
    odd, _ = await stream_text(engine, pcm, lang, SMALL[lang], 2 * 77)
    assert odd == whole.text


def test_upsampler_is_continuous_across_frames() -> None:
    pcm = render(TEST_VOICES["en"][0], SAID["en"])
    up = Upsampler(8000)
    pieces = b"".join(up(pcm[i : i + FRAME_8K]) for i in range(0, len(pcm), FRAME_8K))
    assert abs(len(pieces) - 2 * len(pcm)) <= 4  # 8 -> 16 kHz
    assert Upsampler(MODEL_RATE)(pcm) == pcm  # wide-band audio passes untouched


async def test_8khz_and_16khz_input_hear_the_same(engine: PocketsphinxEngine) -> None:
    pcm8 = render(TEST_VOICES["en"][1], "next meeting")
    pcm16 = resample(pcm8, 8000, 16000)
    r8 = await engine.recognize(pcm8, 8000, "en", SMALL["en"])
    r16 = await engine.recognize(pcm16, 16000, "en", SMALL["en"])
    assert r8.text == r16.text == "next meeting"
    with pytest.raises(AudioFormatError, match="44100"):
        await engine.recognize(pcm8, 44100, "en", SMALL["en"])


@pytest.mark.parametrize("lang", ["en", "sw"])
async def test_out_of_grammar_speech_is_rejected(engine: PocketsphinxEngine, builder: GrammarBuilder,
                                                 lang: str) -> None:
    spec = menu_spec(builder, lang)
    rejected, heard = 0, []
    for voice in TEST_VOICES[lang][:2]:
        for text in OUT_OF_GRAMMAR[lang]:
            r = await engine.recognize(render(voice, text), 8000, lang, spec)
            heard.append((voice.name, text, r.text, round(r.confidence, 2)))
            if not r.text:
                rejected += 1
                assert r.confidence < engine.asr.pocketsphinx_min_confidence
    total = len(heard)
    # measured on these two voices: en 6/12, sw 7/12 (menu phrases share everyday words with chatter)
    assert rejected >= REJECT_FLOOR[lang] * total, f"rejected {rejected}/{total}: {heard}"
    # the same grammar still hears an in-grammar answer from the same voices
    ok = await engine.recognize(render(TEST_VOICES[lang][0], SAID[lang]), 8000, lang, spec)
    assert ok.text, ok


async def test_rejection_can_be_turned_off(builder: GrammarBuilder) -> None:
    engine = PocketsphinxEngine(AsrSettings(pocketsphinx_reject=False))
    r = await engine.recognize(render(TEST_VOICES["en"][0], OUT_OF_GRAMMAR["en"][0]), 8000, "en",
                               menu_spec(builder, "en"))
    assert r.text and r.confidence == 1.0  # without the reference decoder the nearest phrase comes back


@pytest.mark.parametrize("lang", ["en", "sw"])
async def test_word_without_pronunciation_is_a_clear_grammar_error(engine: PocketsphinxEngine, lang: str) -> None:
    spec = GrammarSpec.of(lang, {"x": ["akiba", "λόγος"]})  # no rule spells a Greek letter
    with pytest.raises(GrammarError, match="λ"):
        await engine.open_stream(lang, 8000, spec)
    # the decoder went back to the pool: the engine still hears a good grammar afterwards
    r = await engine.recognize(render(TEST_VOICES[lang][0], SAID[lang]), 8000, lang, SMALL[lang])
    assert r.text == SAID[lang]


async def test_empty_or_missing_grammar_is_refused(engine: PocketsphinxEngine) -> None:
    pcm = render(TEST_VOICES["en"][0], SAID["en"])
    with pytest.raises(GrammarError, match="empty"):
        await engine.recognize(pcm, 8000, "en", GrammarSpec.of("en"))
    with pytest.raises(GrammarError, match="empty"):
        await engine.recognize(pcm, 8000, "en", [])
    with pytest.raises(GrammarError, match="IVR_SPEECH__ASR__OPEN_ENGINES"):
        await engine.recognize(pcm, 8000, "en", None)
    with pytest.raises(GrammarError, match="sw grammar"):
        await engine.recognize(pcm, 8000, "en", SMALL["sw"])


async def test_missing_model_names_the_setting(tmp_path: Path) -> None:
    engine = PocketsphinxEngine(AsrSettings(pocketsphinx_model_dir=tmp_path / "nowhere"))
    with pytest.raises(AsrUnavailable, match="IVR_SPEECH__ASR__POCKETSPHINX_MODEL_DIR") as info:
        await engine.load("en")
    assert "\n" not in str(info.value)


async def test_language_without_lexicon_is_unavailable() -> None:
    engine = PocketsphinxEngine(AsrSettings())
    with pytest.raises(AsrUnavailable, match="languages/xx"):
        await engine.load("xx")


async def test_metrics_count_audio_and_time(engine: PocketsphinxEngine) -> None:
    before = engine.metrics.requests, engine.metrics.audio_s
    pcm = render(TEST_VOICES["sw"][1], SAID["sw"])
    await engine.recognize(pcm, 8000, "sw", SMALL["sw"])
    assert engine.metrics.requests == before[0] + 1
    assert engine.metrics.audio_s == pytest.approx(before[1] + len(pcm) / 16000)
    assert engine.metrics.processing_s > 0
