"""The TTS protocol every engine implements, and a base class that owns timeouts, error translation and metrics.

Shape (as speech.asr.base): an adapter subclasses :class:`BaseTtsEngine`, sets ``name`` and implements
``_synthesize_impl`` (one text -> 8 kHz slin16). Engines that render sentence by sentence natively (Piper) also
implement ``_stream_impl``; the others get a stream that splits the text into sentences and renders each, so every
engine can start playback on its first sentence. The base class enforces ``timeout_s`` per call (per sentence when
streaming), turns any engine exception into :class:`TtsError` without echoing the text (it may hold amounts or
names), and counts requests, errors, audio and processing time.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from speech.audio import SAMPLE_RATE, SAMPLE_WIDTH

log = logging.getLogger(__name__)

# Sentence ends: . ! ? followed by space (a comma is not a sentence end: "elfu kumi, na mbili" is one number).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class TtsError(RuntimeError):
    """Synthesis failed for this text (bad input, engine crash, timeout). The message never holds the text."""


class TtsUnavailable(TtsError):
    """The engine cannot run here (binary, package, model or worker missing); the message names the fix."""


@dataclass(frozen=True, slots=True)
class TtsCapabilities:
    streaming: bool  # renders sentence by sentence natively (first audio before the whole text is done)
    any_text: bool = True  # False for recorded packs: only texts whose clips exist can be said


@dataclass
class TtsMetrics:
    """Per-engine counters (process lifetime); ``rtf`` = processing time / audio time."""

    requests: int = 0
    errors: int = 0
    timeouts: int = 0
    audio_s: float = 0.0
    processing_s: float = 0.0

    @property
    def rtf(self) -> float:
        return self.processing_s / self.audio_s if self.audio_s else 0.0


def split_sentences(text: str) -> list[str]:
    """Sentences of `text` (on . ! ? followed by a space), empty pieces dropped."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


@runtime_checkable
class TtsEngine(Protocol):
    """Text in, telephone audio out: 8 kHz mono signed 16-bit little-endian PCM."""

    name: str

    def voice_id(self, lang: str) -> str:
        """A stable id of the voice used for `lang` (part of the prompt-cache key: new voice, new renderings)."""
        ...

    async def synthesize(self, text: str, lang: str) -> bytes:
        """Render `text` (already verbalised: no digits) in `lang`; raises TtsError/TtsUnavailable."""
        ...


@runtime_checkable
class StreamingTtsEngine(TtsEngine, Protocol):
    """Capability: yields audio sentence by sentence, so playback starts before a long text is fully rendered."""

    def stream(self, text: str, lang: str) -> AsyncIterator[bytes]:
        """8 kHz slin16 chunks (one per sentence); concatenated they equal synthesize(text, lang)."""
        ...


class BaseTtsEngine:
    """Owns the timeout, error translation and metrics; subclasses implement ``_synthesize_impl``.

    A new engine is one subclass plus one line registering it (speech.tts.registry.register_tts)."""

    name: str = "base"
    capabilities: TtsCapabilities = TtsCapabilities(streaming=False)

    def __init__(self, *, timeout_s: float = 30.0) -> None:
        self.timeout_s = timeout_s
        self.metrics = TtsMetrics()

    @classmethod
    def from_settings(cls, tts: Any) -> BaseTtsEngine:
        """Build from the `speech.tts` settings section; engines with their own section override this."""
        return cls(timeout_s=tts.timeout_s)

    # --- what an adapter implements ---------------------------------------------------------------------------
    def voice_id(self, lang: str) -> str:
        return f"{self.name}:{lang}"

    async def _synthesize_impl(self, text: str, lang: str) -> bytes:
        raise NotImplementedError

    def _stream_impl(self, text: str, lang: str) -> AsyncIterator[bytes] | None:
        """A native sentence stream, or None to have the base class render sentence by sentence."""
        return None

    async def _prepare(self, lang: str) -> None:
        """Make the engine ready to render (e.g. start a worker process); not counted against ``timeout_s``, which
        bounds a render, not a model load (that has its own start-up timeout); default: nothing."""

    def _on_timeout(self) -> None:
        """Called when a render overran ``timeout_s`` (e.g. kill a stuck worker); default: nothing."""

    def check(self, lang: str) -> None:
        """Raise TtsUnavailable now (at start-up) if `lang` cannot be spoken; default: always speakable."""

    def preload(self, lang: str) -> None:
        """Load voices/models for `lang` now (blocking: call through asyncio.to_thread); default: nothing."""

    # --- what callers use -------------------------------------------------------------------------------------
    async def synthesize(self, text: str, lang: str) -> bytes:
        """The whole text as 8 kHz slin16; TtsError (or TtsUnavailable) on failure, never empty audio."""
        if not text.strip():
            raise TtsError("nothing to say: empty text")
        await self._guard(self._prepare(lang), timed=False)
        started = time.perf_counter()
        pcm = await self._guard(self._synthesize_impl(text, lang))
        self._record(pcm, time.perf_counter() - started)
        return pcm

    async def stream(self, text: str, lang: str) -> AsyncIterator[bytes]:
        """Audio sentence by sentence (the timeout applies to each sentence)."""
        if not text.strip():
            raise TtsError("nothing to say: empty text")
        await self._guard(self._prepare(lang), timed=False)
        native = self._stream_impl(text, lang)
        if native is None:
            for sentence in split_sentences(text):
                yield await self.synthesize(sentence, lang)
            return
        it = aiter(native)
        while True:
            started = time.perf_counter()
            try:
                chunk = await self._guard(anext(it))
            except StopAsyncIteration:
                return
            self._record(chunk, time.perf_counter() - started)
            yield chunk

    async def _guard(self, work: Any, *, timed: bool = True) -> Any:
        try:
            return await asyncio.wait_for(work, self.timeout_s if timed else None)
        except StopAsyncIteration:
            raise
        except TimeoutError as exc:
            self.metrics.errors += 1
            self.metrics.timeouts += 1
            self._on_timeout()
            raise TtsError(f"{self.name} took longer than {self.timeout_s} s (IVR_SPEECH__TTS__TIMEOUT_S)") from exc
        except TtsError:
            self.metrics.errors += 1
            raise
        except Exception as exc:  # engine-specific errors: typed, without echoing the text
            self.metrics.errors += 1
            raise TtsError(f"{self.name} failed: {type(exc).__name__}") from exc

    def _record(self, pcm: bytes, processing_s: float) -> None:
        self.metrics.requests += 1
        self.metrics.audio_s += len(pcm) / SAMPLE_WIDTH / SAMPLE_RATE
        self.metrics.processing_s += processing_s
        # Lengths and timings only: never the text (it may hold amounts or names).
        log.debug("%s: %.2f s audio in %.3f s", self.name, len(pcm) / SAMPLE_WIDTH / SAMPLE_RATE, processing_s)
