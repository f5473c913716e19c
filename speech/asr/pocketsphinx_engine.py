"""Pocketsphinx: grammar-constrained streaming recognition with the US-English model the wheel ships, any language
through a pronunciation lexicon.

Per utterance: 8 kHz call audio is upsampled to the model's 16 kHz as it arrives (fed 8 kHz the model collapses),
both decoders of a lent pair start from the cepstral mean calibrated on telephone audio (the built-in start value
cost ~50 points of accuracy on phone audio), and each 20 ms frame is decoded at once, so the final is ready about a
millisecond after the audio ends. The confidence compares the grammar's best path with a free phone loop's
(sphinx_decoders.py); below ``pocketsphinx_min_confidence`` the result is *rejected* (empty text, ``rejected``
set) so the dialog reprompts instead of acting on the nearest phrase.

Pocketsphinx holds the GIL while it decodes (~0.3 ms per 20 ms frame), so frames are decoded inline on the caller's
task: a worker thread would cost a hop per frame and still block the loop for the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import warnings
from collections.abc import Sequence
from typing import Any

from speech.asr.base import (
    AsrCapabilities,
    AsrError,
    AsrResult,
    BaseAsrEngine,
    Grammar,
    GrammarError,
    WordTiming,
    check_audio,
)
from speech.asr.config import AsrSettings
from speech.asr.sphinx_decoders import DecoderPair, DecoderPool
from speech.audio import SAMPLE_WIDTH
from speech.grammar.compile import CompiledGrammar, GrammarBuildError, compile_grammar
from speech.grammar.spec import GrammarSpec

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

log = logging.getLogger(__name__)
MODEL_RATE = 16_000
FRAME_S = 0.01  # pocketsphinx frames are 10 ms
PARTIAL_EVERY = 10  # frames fed between partial hypotheses (200 ms): nothing on the call path waits for partials
NOT_WORDS = ("<s>", "</s>", "<sil>", "(NULL)")
SEEN_GRAMMARS = 256  # compiled grammars remembered per engine (as compile_grammar's own cache)


def margin_of(grammar_score: float, reference_score: float, frames: int) -> float:
    """How much better the grammar's best path fits the audio than free phones do, per 100 frames (1 s; in the
    binding's scaled natural-log units). Per frame, so a long answer is judged by the same yardstick as a short one."""
    if not math.isfinite(grammar_score) or not math.isfinite(reference_score) or frames <= 0:
        return -math.inf
    return (grammar_score - reference_score) / frames * 100


def confidence_of(margin: float, floor: float, scale: float) -> float:
    """Logistic of the margin above the grammar's floor: 0.5 exactly at the floor."""
    if not math.isfinite(margin):
        return 0.0
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, (margin - floor) / scale))))


def ln_score(hyp: Any) -> float:
    """The hypothesis's path score as a natural log (the binding hands it over exponentiated)."""
    if hyp is None or hyp.score <= 0.0:
        return -math.inf
    return math.log(hyp.score)


class Upsampler:
    """8 -> 16 kHz for a stream of frames, continuous across frame boundaries."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._state: Any = None

    def __call__(self, pcm: bytes) -> bytes:
        if self.rate == MODEL_RATE:
            return pcm
        out, self._state = audioop.ratecv(pcm, SAMPLE_WIDTH, 1, self.rate, MODEL_RATE, self._state)
        return bytes(out)


class PocketsphinxStream:
    """One utterance on a lent decoder pair; ``finish`` returns the pair to the pool."""

    def __init__(self, engine: PocketsphinxEngine, pool: DecoderPool, pair: DecoderPair, grammar: CompiledGrammar,
                 rate: int, *, count: bool = True) -> None:
        self._engine = engine
        self._count = count  # recognize() counts the whole call itself
        self._pool = pool
        self._pair: DecoderPair | None = pair
        self.grammar = grammar
        self._rate = rate
        self._up = Upsampler(rate)
        self._frames = 0
        self._audio_s = 0.0
        self._busy_s = 0.0
        self._last_partial = ""
        self._closed = False
        cmn = engine.asr.pocketsphinx_cmn_init
        for d in self._decoders():
            d.ps.set_cmn(cmn)  # every turn starts from the telephone-calibrated mean, not from the last caller's
            d.ps.start_utt()

    def _decoders(self) -> list[Any]:
        assert self._pair is not None
        return [d for d in (self._pair.grammar, self._pair.reference) if d is not None]

    async def feed(self, pcm: bytes) -> AsrResult | None:
        check_audio(pcm, self._rate, self._engine.capabilities.sample_rates)
        if self._closed or self._pair is None:
            raise AsrError("stream already finished")
        started = time.perf_counter()
        data = self._up(bytes(pcm))
        try:
            for d in self._decoders():
                d.ps.process_raw(data, False, False)
        except RuntimeError as exc:
            await self.aclose()
            raise AsrError(f"pocketsphinx failed to decode: {exc}") from exc
        self._audio_s += len(pcm) / SAMPLE_WIDTH / self._rate
        self._frames += 1
        partial = None
        if self._frames % PARTIAL_EVERY == 0:
            text = self.hypothesis()
            if text != self._last_partial:
                self._last_partial = text
                partial = AsrResult(text=text, confidence=0.0, is_final=False)
        self._busy_s += time.perf_counter() - started
        return partial

    def hypothesis(self) -> str:
        """The grammar decoder's best words so far (fillers and silences dropped)."""
        if self._pair is None:
            return ""
        hyp = self._pair.grammar.ps.hyp()
        return " ".join(w for w in (hyp.hypstr.split() if hyp else ()) if w not in self.grammar.fillers)

    def answer_complete(self) -> bool:
        """The best path so far is a whole answer nothing in the grammar continues (grammar-aware endpointing)."""
        if self._pair is None or not self.grammar.closed:
            return False
        started = time.perf_counter()
        done = self.grammar.answer_complete(self.hypothesis())
        self._busy_s += time.perf_counter() - started
        return done

    async def finish(self) -> AsrResult:
        if self._closed or self._pair is None:
            raise AsrError("stream already finished")
        started = time.perf_counter()
        pair = self._pair
        try:
            for d in self._decoders():
                d.ps.end_utt()
            result = self._result(pair)
        except RuntimeError as exc:
            raise AsrError(f"pocketsphinx failed to finish the utterance: {exc}") from exc
        finally:
            self._release()
        self._busy_s += time.perf_counter() - started
        if self._count:
            self._engine.record(self._audio_s, self._busy_s)
        return result

    def _result(self, pair: DecoderPair) -> AsrResult:
        g = pair.grammar.ps
        hyp = g.hyp()
        segs = [s for s in (g.seg() or ()) if s.word not in NOT_WORDS and not s.word.startswith("[")]
        words = tuple(WordTiming(_base(s.word), s.start_frame * FRAME_S, (s.end_frame + 1) * FRAME_S) for s in segs)
        spoken = [w.word for w in words if w.word not in self.grammar.fillers]
        text = " ".join(spoken)
        if not text:
            return AsrResult(text="", confidence=0.0, is_final=True, words=())
        asr = self._engine.asr
        if pair.reference is None:
            conf = 1.0
        else:
            margin = margin_of(ln_score(hyp), ln_score(pair.reference.ps.hyp()), g.n_frames())
            # Answers that are whole phrases or names fit the audio closely when right; numbers and entries, long
            # strings of short words, fit less well even when right: each kind has its own floor (measured).
            floor = asr.pocketsphinx_floor_closed if self.grammar.closed else asr.pocketsphinx_floor_open
            floor += asr.pocketsphinx_floor_offsets.get(self.grammar.spec.lang, 0.0)
            conf = confidence_of(margin, floor, asr.pocketsphinx_confidence_scale)
        if conf < asr.pocketsphinx_min_confidence:
            # Out of grammar (or too unclear to act on): say so; the words are kept for tuning only, never logged.
            return AsrResult(text="", confidence=conf, is_final=True, words=words, rejected=text)
        return AsrResult(text=text, confidence=conf, is_final=True, words=words)

    def _release(self) -> None:
        self._closed = True
        pair, self._pair = self._pair, None
        if pair is not None:
            self._pool.give_back(pair)

    async def aclose(self) -> None:
        if self._pair is not None and not self._closed:
            for d in self._decoders():
                with contextlib.suppress(RuntimeError):
                    d.ps.end_utt()
        self._release()


def _base(word: str) -> str:
    """'akiba(2)' -> 'akiba' (an alternative pronunciation is the same word)."""
    return word.split("(", 1)[0] if word.endswith(")") else word


class PocketsphinxEngine(BaseAsrEngine):
    """Streaming, grammar-only recogniser (every listen state brings its grammar); one decoder pool per language."""

    name = "pocketsphinx"
    capabilities = AsrCapabilities(streaming=True, grammar=True, word_timings=True, alternatives=False)

    def __init__(self, asr: AsrSettings) -> None:
        super().__init__()
        self.asr = asr
        self._pools: dict[str, DecoderPool] = {}
        self._seen: dict[tuple[str, object], CompiledGrammar] = {}

    def pool(self, lang: str) -> DecoderPool:
        pool = self._pools.get(lang)
        if pool is None:
            pool = self._pools.setdefault(lang, DecoderPool(lang, self.asr))
        return pool

    async def load(self, lang: str) -> None:
        """Check the model and the language's lexicon and warm one decoder pair (call at start-up)."""
        pool = self.pool(lang)
        _ = pool.lexicon
        await asyncio.to_thread(pool.warm, 1)

    def compiled(self, lang: str, grammar: Grammar | GrammarSpec | None) -> CompiledGrammar:
        if grammar is None:
            raise GrammarError("pocketsphinx decodes with a grammar only: give the listen state its GrammarSpec "
                               "(open dictation goes to another engine, see IVR_SPEECH__ASR__OPEN_ENGINES)")
        spec = grammar if isinstance(grammar, GrammarSpec) else GrammarSpec.from_phrases(lang, grammar)
        if spec.lang != lang:
            raise GrammarError(f"a {spec.lang} grammar cannot listen to {lang} audio")
        try:
            return compile_grammar(spec, self.asr.pocketsphinx_word_loop_weight)
        except GrammarBuildError as exc:
            raise GrammarError(str(exc)) from exc

    async def _compiled_off_loop(self, lang: str, grammar: Grammar | GrammarSpec | None) -> CompiledGrammar:
        """compiled(), in a thread the first time a grammar is seen (a large grammar takes ~0.1-0.6 s of pure
        Python: on the loop that would stall every call's audio); from the cache after that."""
        key = (lang, grammar if isinstance(grammar, GrammarSpec) else tuple(grammar or ()))
        hit = self._seen.get(key)
        if hit is None:
            hit = await asyncio.to_thread(self.compiled, lang, grammar)
            if len(self._seen) >= SEEN_GRAMMARS:
                self._seen.pop(next(iter(self._seen)))
            self._seen[key] = hit
        return hit

    async def _open_stream_impl(self, lang: str, rate: int, grammar: Grammar | GrammarSpec | None
                                ) -> PocketsphinxStream:
        compiled = await self._compiled_off_loop(lang, grammar)
        pool = self.pool(lang)
        pair = await asyncio.to_thread(pool.take, compiled)
        return PocketsphinxStream(self, pool, pair, compiled, rate)

    async def _recognize_impl(self, pcm: bytes, rate: int, lang: str, grammar: Grammar | GrammarSpec | None
                              ) -> AsrResult:
        compiled = await self._compiled_off_loop(lang, grammar)
        pool = self.pool(lang)
        pair = await asyncio.to_thread(pool.take, compiled)
        stream = PocketsphinxStream(self, pool, pair, compiled, rate, count=False)
        step = rate // 50 * SAMPLE_WIDTH
        try:
            for i in range(0, len(pcm), step):
                await stream.feed(pcm[i : i + step])
            return await stream.finish()
        finally:
            await stream.aclose()

    def live_decoders(self) -> int:
        return sum(p.created for p in self._pools.values())

    def phrases_of(self, lang: str, grammar: Sequence[str] | GrammarSpec) -> tuple[str, ...]:
        return self.compiled(lang, grammar if isinstance(grammar, GrammarSpec) else tuple(grammar)).phrase_list()
