"""The ASR protocol every engine implements, and a base class that owns metrics and error translation.

Shape (after LiveKit's ``stt.STT``): an engine declares :class:`AsrCapabilities`; callers either
``recognize()`` a whole utterance or ``open_stream()`` and feed 20 ms frames, getting partials and one final.
An adapter subclasses :class:`BaseAsrEngine` and implements ``_recognize_impl`` (utterance-level engines get a
buffering stream for free); streaming engines also implement ``_open_stream_impl``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from speech.audio import SAMPLE_WIDTH, AudioFormatError
from speech.grammar.spec import GrammarSpec

log = logging.getLogger(__name__)

Grammar = tuple[str, ...]  # a phrase list (the older form); a GrammarSpec describes a whole listen state
AnyGrammar = Grammar | GrammarSpec
SUPPORTED_RATES = (8000, 16000)


class AsrError(RuntimeError):
    """Recognition failed (engine error, bad audio). Never returned as an empty result."""


class AsrUnavailable(AsrError):
    """The engine or its model for this language is not installed; the message says how to fix it in one line."""


class GrammarError(AsrError, ValueError):
    """A phrase grammar the engine cannot use (empty, or words outside the model's vocabulary)."""


@dataclass(frozen=True, slots=True)
class AsrCapabilities:
    streaming: bool  # partials while audio arrives
    grammar: bool  # decoding restricted to a phrase list (False: grammar applied after decoding, if at all)
    word_timings: bool
    alternatives: bool
    sample_rates: tuple[int, ...] = SUPPORTED_RATES


@dataclass(frozen=True, slots=True)
class WordTiming:
    word: str
    start_s: float
    end_s: float
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Alternative:
    text: str
    confidence: float


@dataclass(frozen=True, slots=True)
class AsrResult:
    """A transcript. ``confidence`` is 0..1; ``text`` is "" only when the engine heard nothing it could decode."""

    text: str
    confidence: float
    is_final: bool
    alternatives: tuple[Alternative, ...] = ()
    words: tuple[WordTiming, ...] | None = None
    # Set when the engine heard words but judged them out of grammar / too unsure (then `text` is ""): the
    # hypothesis it rejected, for tuning tools only (never logged: it is caller speech).
    rejected: str | None = field(default=None, repr=False)


@dataclass
class AsrMetrics:
    """Per-engine counters (process lifetime); ``rtf`` = processing time / audio time."""

    requests: int = 0
    errors: int = 0
    audio_s: float = 0.0
    processing_s: float = 0.0

    @property
    def rtf(self) -> float:
        return self.processing_s / self.audio_s if self.audio_s else 0.0


def normalise_grammar(phrases: Sequence[str] | GrammarSpec | None) -> AnyGrammar | None:
    """Strip and de-duplicate a phrase list (order kept); a GrammarSpec passes as is; ``None`` = open vocabulary."""
    if phrases is None:
        return None
    if isinstance(phrases, GrammarSpec):
        if phrases.empty:
            raise GrammarError("an empty grammar spec matches nothing; pass None for open vocabulary")
        return phrases
    if isinstance(phrases, str):
        raise GrammarError("a grammar is a list of phrases, not one string")
    out: list[str] = []
    for p in phrases:
        if not isinstance(p, str) or not p.strip():
            raise GrammarError(f"grammar phrases must be non-empty strings, got {p!r}")
        norm = " ".join(p.split())
        if norm not in out:
            out.append(norm)
    if not out:
        raise GrammarError("an empty grammar matches nothing; pass None for open vocabulary")
    return tuple(out)


def phrase_tuple(grammar: AnyGrammar) -> Grammar:
    """A phrase list for engines that take one (Vosk, whisper's snapping): a spec's phrases, names and other words."""
    if isinstance(grammar, GrammarSpec):
        from speech.grammar.compile import GrammarBuildError, compile_grammar

        try:
            return compile_grammar(grammar).phrase_list()
        except GrammarBuildError as exc:
            raise GrammarError(str(exc)) from exc
    return grammar


def check_audio(pcm: bytes, rate: int, rates: Sequence[int]) -> None:
    if rate not in rates:
        raise AudioFormatError(f"sample rate {rate} Hz not supported (use one of {', '.join(map(str, rates))})")
    if len(pcm) % SAMPLE_WIDTH:
        raise AudioFormatError(f"PCM length {len(pcm)} is not a whole number of 16-bit samples")


@runtime_checkable
class AsrStream(Protocol):
    """One utterance (or one listen state) of one call: feed frames, read partials, then ``finish()``."""

    async def feed(self, pcm: bytes) -> AsrResult | None: ...

    async def finish(self) -> AsrResult: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class AsrEngine(Protocol):
    name: str
    capabilities: AsrCapabilities

    async def recognize(self, pcm: bytes, rate: int, lang: str,
                        grammar: Sequence[str] | GrammarSpec | None = None) -> AsrResult: ...

    async def open_stream(self, lang: str, rate: int, grammar: Sequence[str] | GrammarSpec | None = None
                          ) -> AsrStream: ...


class BaseAsrEngine:
    """Owns metrics, audio checks and error translation; subclasses implement ``_recognize_impl``."""

    name: str = "base"
    capabilities: AsrCapabilities = AsrCapabilities(
        streaming=False, grammar=False, word_timings=False, alternatives=False
    )

    def __init__(self) -> None:
        self.metrics = AsrMetrics()

    async def _recognize_impl(self, pcm: bytes, rate: int, lang: str, grammar: AnyGrammar | None) -> AsrResult:
        raise NotImplementedError

    async def _open_stream_impl(self, lang: str, rate: int, grammar: AnyGrammar | None) -> AsrStream:
        return BufferedStream(self, lang, rate, grammar)

    async def recognize(self, pcm: bytes, rate: int, lang: str,
                        grammar: Sequence[str] | GrammarSpec | None = None) -> AsrResult:
        """Recognise one whole utterance (mono s16le at ``rate``)."""
        check_audio(pcm, rate, self.capabilities.sample_rates)
        g = normalise_grammar(grammar)
        started = time.perf_counter()
        try:
            result = await self._recognize_impl(pcm, rate, lang, g)
        except AsrError:
            self.metrics.errors += 1
            raise
        except Exception as exc:
            self.metrics.errors += 1
            raise AsrError(f"{self.name} failed to recognise {lang} audio: {exc}") from exc
        self.record(len(pcm) / SAMPLE_WIDTH / rate, time.perf_counter() - started)
        return result

    async def open_stream(self, lang: str, rate: int, grammar: Sequence[str] | GrammarSpec | None = None
                          ) -> AsrStream:
        """A stream for one utterance / listen state; feed 20 ms frames in order."""
        check_audio(b"", rate, self.capabilities.sample_rates)
        g = normalise_grammar(grammar)
        try:
            return await self._open_stream_impl(lang, rate, g)
        except AsrError:
            self.metrics.errors += 1
            raise
        except Exception as exc:
            self.metrics.errors += 1
            raise AsrError(f"{self.name} could not open a {lang} stream: {exc}") from exc

    def record(self, audio_s: float, processing_s: float) -> None:
        self.metrics.requests += 1
        self.metrics.audio_s += audio_s
        self.metrics.processing_s += processing_s
        # Lengths and timings only: never the transcript (caller speech stays out of logs).
        log.debug("%s: %.2f s audio in %.3f s", self.name, audio_s, processing_s)


@dataclass
class BufferedStream:
    """Stream adapter for utterance-level engines: buffers frames, recognises the whole utterance on finish."""

    engine: BaseAsrEngine
    lang: str
    rate: int
    grammar: AnyGrammar | None
    _buf: bytearray = field(default_factory=bytearray)
    _closed: bool = False

    async def feed(self, pcm: bytes) -> AsrResult | None:
        if self._closed:
            raise AsrError("stream already finished")
        check_audio(pcm, self.rate, self.engine.capabilities.sample_rates)
        self._buf.extend(pcm)
        return None  # no partials: the engine is utterance-level

    async def finish(self) -> AsrResult:
        if self._closed:
            raise AsrError("stream already finished")
        self._closed = True
        return await self.engine.recognize(bytes(self._buf), self.rate, self.lang, self.grammar)

    async def aclose(self) -> None:
        self._closed = True
        self._buf.clear()
