"""One listen state of a call: the endpointer and a streaming recogniser driven together, frame by frame.

Frames go to the ASR stream *while* the caller speaks (from the lookback on), so the final is ready as soon as
the endpointer hears the trailing silence, and partials are available for barge-in or early intent. Utterance-level
engines simply buffer until then (see BufferedStream).

Grammar-aware endpointing: a stream that can tell when its best path is a whole answer nothing in the grammar
continues (``answer_complete()``, pocketsphinx) lets the turn end after ``grammar_end_silence_ms`` of quiet instead
of the full ``end_silence_ms`` ("savings" needs no 400 ms wait; "elfu kumi ... na mbili" still gets it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from speech.asr.base import AsrEngine, AsrResult, AsrStream
from speech.grammar.spec import GrammarSpec
from speech.vad import Endpointer, NoInput, SpeechStarted, Utterance, VadEvent
from speech.vad_config import VadSettings


@dataclass(frozen=True, slots=True)
class Partial:
    """An interim hypothesis for the utterance in progress."""

    result: AsrResult


@dataclass(frozen=True, slots=True)
class Final:
    """The utterance the endpointer cut, and what the recogniser made of it."""

    utterance: Utterance
    result: AsrResult


ListenEvent = SpeechStarted | Partial | Final | NoInput


class Listener:
    """Feed (frame, timestamp) pairs; get SpeechStarted, Partial, Final and NoInput events in order."""

    def __init__(
        self,
        engine: AsrEngine,
        lang: str,
        *,
        rate: int,
        grammar: Sequence[str] | GrammarSpec | None = None,
        vad: VadSettings | None = None,
        start_ms: int = 0,
        no_input_ms: int | None = None,
    ) -> None:
        self.engine = engine
        self.lang = lang
        self.rate = rate
        self.grammar: list[str] | GrammarSpec | None = (
            grammar if grammar is None or isinstance(grammar, GrammarSpec) else list(grammar))
        self.endpointer = Endpointer(vad, rate=rate, start_ms=start_ms, no_input_ms=no_input_ms)
        self._early_ms = self.endpointer.settings.grammar_end_silence_ms
        self._stream: AsrStream | None = None

    async def feed(self, frame: bytes, ts_ms: int) -> list[ListenEvent]:
        was_speaking = self.endpointer.speaking
        vad_events = self.endpointer.feed(frame, ts_ms)
        out: list[ListenEvent] = []
        handled = False
        for ev in vad_events:
            if isinstance(ev, Utterance) and ev.reason != "gap" and was_speaking:
                # this frame belongs to the utterance it ended
                await self._feed_stream(frame, out)
                handled = True
            out.extend(await self._on_vad(ev))
        if was_speaking and self.endpointer.speaking and not handled and not vad_events:
            await self._feed_stream(frame, out)
            if self.endpointer.quiet_ms >= self._early_ms and self._answer_complete():
                for ev in self.endpointer.end_now("grammar"):
                    out.extend(await self._on_vad(ev))
        return out

    def _answer_complete(self) -> bool:
        check = getattr(self._stream, "answer_complete", None)
        return bool(check()) if check is not None else False

    async def tick(self, now_ms: int) -> list[ListenEvent]:
        """Advance the clock when no frames arrive (no-input, a silence-suppressing phone going quiet)."""
        out: list[ListenEvent] = []
        for ev in self.endpointer.tick(now_ms):
            out.extend(await self._on_vad(ev))
        return out

    async def finish(self, now_ms: int | None = None) -> list[ListenEvent]:
        """Stop listening: an utterance in progress is recognised as it stands."""
        out: list[ListenEvent] = []
        for ev in self.endpointer.finish(now_ms):
            out.extend(await self._on_vad(ev))
        return out

    async def aclose(self) -> None:
        if self._stream is not None:
            await self._stream.aclose()
            self._stream = None

    async def _feed_stream(self, pcm: bytes, out: list[ListenEvent]) -> None:
        if self._stream is None:
            return
        partial = await self._stream.feed(pcm)
        if partial is not None:
            out.append(Partial(partial))

    async def _on_vad(self, ev: VadEvent) -> list[ListenEvent]:
        out: list[ListenEvent] = []
        if isinstance(ev, SpeechStarted):
            out.append(ev)
            self._stream = await self.engine.open_stream(self.lang, self.rate, self.grammar)
            # The lookback (~0.5 s) goes in frame by frame, yielding between frames: one piece would hold the loop
            # ~25 ms per call, and callers who start speaking together would stall every call's audio.
            audio, step = self.endpointer.utterance_so_far, self.rate // 50 * 2
            for i in range(0, len(audio), step):
                await self._feed_stream(audio[i:i + step], out)
                await asyncio.sleep(0)
        elif isinstance(ev, Utterance):
            stream, self._stream = self._stream, None
            if stream is None:  # pragma: no cover - an utterance always follows a SpeechStarted
                raise RuntimeError("utterance without a stream")
            out.append(Final(ev, await stream.finish()))
        else:
            out.append(ev)
        return out
