"""One Listen of a call: keypad digits (terminator, inter-digit timeout), speech (endpointer + ASR), barge-in,
no-input — turned into exactly one dialog event, with the timings of the turn.

A recogniser that rejects what it heard (out of grammar, or too unsure) makes the turn a "not understood"
utterance, so the dialog reprompts ("Sorry, I did not catch that") instead of acting on the nearest phrase; a
rejected meeting entry first gets a second hearing by the language's open engine when there is one.

Clock: the endpointer works in milliseconds on the call's clock (monotonic since the call began). Frames carry
their arrival time; frames arriving within `jitter_ms` of the previous frame's end are contiguous (TCP bursts),
later ones leave a gap (a held key or silence suppression), which is neither speech nor silence (vad.py).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from dialogs.actions import Listen
from dialogs.events import Digits, Event, NoInput, Utterance
from ivr.calls.config import CallSettings
from ivr.calls.engines import Hearing
from ivr.calls.media import FrameInbox
from ivr.calls.playout import Playout
from ivr.frames import CallerAudio, Dtmf, Hangup
from nlu.types import NOT_UNDERSTOOD, Understanding
from speech.asr.base import AsrError, AsrResult
from speech.asr.listener import Final, Listener
from speech.audio import rms_dbfs
from speech.vad import SpeechStarted
from speech.vad_config import VadSettings

log = logging.getLogger(__name__)
# The transcript of a turn the recogniser rejected: non-empty (so it is a no-match, not a no-input) and made of no
# word any reader of the dialog understands.
REJECTED_TRANSCRIPT = "[unk]"


@dataclass
class TurnTimes:
    """Monotonic instants of one turn (None = not reached)."""

    listen_started: float
    speech_end: float | None = None
    asr_final: float | None = None


async def second_hearing(hearing: Hearing, final: Final, lang: str, label: str) -> AsrResult:
    """What the grammar engine rejected, transcribed by the open engine when the Listen has one (the NLU then parses
    it as any utterance); the grammar engine's result otherwise."""
    result = final.result
    fallback = hearing.fallback
    if result.rejected is None or result.text or fallback is None:
        return result
    try:
        again = await fallback.recognize(final.utterance.pcm, final.utterance.rate, lang)
    except AsrError as exc:
        log.warning("call %s: second hearing by %s failed (%s)", label, fallback.name, exc)
        return result
    return again if again.text else result


async def hear_audio(pcm: bytes, rate: int, hearing: Hearing, lang: str, vad: VadSettings) -> tuple[AsrResult, str]:
    """One recorded turn heard as a call would hear it (same endpointer, engine, grammar, second hearing): the
    first utterance in ``pcm`` and the name of the engine that produced its text. No speech: an empty result."""
    engine = hearing.engine
    if engine is None:
        return AsrResult(text="", confidence=0.0, is_final=True), "none"
    listener = Listener(engine, lang, rate=rate, grammar=hearing.grammar, vad=vad)
    step = rate * 20 // 1000 * 2
    try:
        final: Final | None = None
        for i in range(0, len(pcm) - len(pcm) % 2, step):
            frame = pcm[i : i + step]
            for ev in await listener.feed(frame, i // 2 * 1000 // rate):
                if isinstance(ev, Final):
                    final = ev
            if final is not None:
                break
        if final is None:
            final = next((ev for ev in await listener.finish() if isinstance(ev, Final)), None)
        if final is None:
            return AsrResult(text="", confidence=0.0, is_final=True), engine.name
        result = await second_hearing(hearing, final, lang, "file")
        used = hearing.fallback.name if result is not final.result and hearing.fallback is not None else engine.name
        return result, used
    finally:
        await listener.aclose()


class CallClock:
    """Milliseconds since the call began, and contiguous timestamps for inbound frames."""

    def __init__(self, jitter_ms: int) -> None:
        self.t0 = time.monotonic()
        self._jitter = jitter_ms
        self._next_ms = 0

    def ms(self, t: float | None = None) -> int:
        return round(((time.monotonic() if t is None else t) - self.t0) * 1000)

    def at(self, ms: int) -> float:
        return self.t0 + ms / 1000

    def stamp(self, frame: CallerAudio, floor_ms: int) -> int:
        """Timestamp (start of the frame, ms) for an inbound frame; never earlier than the previous one's end."""
        dur = round(frame.duration_ms)
        arrived = self.ms(frame.arrived) - dur
        ts = self._next_ms if arrived < self._next_ms + self._jitter else arrived
        ts = max(ts, floor_ms)
        self._next_ms = ts + dur
        return ts


class ListenTurn:
    """Collects the caller's answer to one Listen. `run()` → the dialog event, or None when the caller hung up."""

    def __init__(self, listen: Listen, *, inbox: FrameInbox, playout: Playout, clock: CallClock,
                 hearing: Hearing, lang: str, vad: VadSettings, settings: CallSettings, call_label: str) -> None:
        self.listen = listen
        self.hearing = hearing
        self._lang = lang
        self._inbox = inbox
        self._playout = playout
        self._clock = clock
        self._settings = settings
        self._label = call_label
        self.times = TurnTimes(time.monotonic())
        self._start_ms = clock.ms(self.times.listen_started)
        self._listener: Listener | None = None
        if listen.speech and hearing.engine is not None:
            # no no-input timer in the endpointer: the Listen's timeout runs here, from the end of the prompt
            self._listener = Listener(hearing.engine, lang, rate=8000, grammar=hearing.grammar, vad=vad,
                                      start_ms=self._start_ms)
        self._digits = ""
        self._last_digit: float | None = None
        self._voiced_ms = 0  # caller voice heard in the current utterance (barge-in needs `barge_in_ms` of it)
        self._vad = vad

    async def run(self) -> Event | None:
        try:
            return await self._collect()
        finally:
            if self._listener is not None:
                await self._listener.aclose()

    async def _collect(self) -> Event | None:
        tick = self._settings.tick_ms / 1000
        while True:
            frame = await self._inbox.get(tick)
            if isinstance(frame, Hangup):
                return None
            if isinstance(frame, Dtmf):
                event = self._on_digit(frame.digit)
                if event is not None:
                    return event
            elif isinstance(frame, CallerAudio):
                event = await self._on_audio(frame)
                if event is not None:
                    return event
            event = await self._on_clock()
            if event is not None:
                return event

    # --- keypad ---------------------------------------------------------------------------------------------------

    def _on_digit(self, digit: str) -> Event | None:
        if digit == self.listen.terminator and not self._digits:
            return None  # a stray terminator (e.g. '#' after a PIN that was already complete): not an answer
        if self._playout.interruptible_now:
            self._playout.barge_in()  # a key press always interrupts an interruptible prompt
        if self._listener is not None:
            self._listener = None  # keypad wins over speech in progress (closed in run())
        if self.listen.terminator is not None and digit == self.listen.terminator:
            return Digits(self._digits)
        self._digits += digit
        self._last_digit = time.monotonic()
        if len(self._digits) >= self.listen.max_digits:
            return Digits(self._digits)
        return None

    # --- speech ---------------------------------------------------------------------------------------------------

    async def _on_audio(self, frame: CallerAudio) -> Event | None:
        listener = self._listener
        if listener is None or self._digits:
            return None
        playing = self._playout.playing
        if playing and not self._playout.interruptible_now:
            return None  # the caller talks over a prompt that may not be cut (figures, PIN): not an answer
        ts = self._clock.stamp(frame, self._start_ms)
        try:
            events = await listener.feed(frame.pcm, ts)
        except AsrError as exc:
            log.warning("call %s: ASR failed (%s); treated as no input", self._label, exc)
            return NoInput()
        dur = round(frame.duration_ms)
        started = False
        for ev in events:
            if isinstance(ev, SpeechStarted):
                self._voiced_ms = ts + dur - ev.at_ms  # the voiced run that made it speech
                started = True
            elif isinstance(ev, Final):
                return await self._final(ev)
        if not listener.endpointer.speaking:
            self._voiced_ms = 0
        elif not started and rms_dbfs(frame.pcm) >= self._vad.speech_threshold_dbfs:
            self._voiced_ms += dur  # voice only: the trailing quiet of a short "mm" does not add up to a barge-in
        if (listener.endpointer.speaking and self._playout.interruptible_now
                and self._voiced_ms >= self._settings.barge_in_ms):
            dropped = self._playout.barge_in()
            log.info("call %s: barge-in, %d queued frames dropped", self._label, dropped)
        return None

    async def _final(self, ev: Final) -> Event:
        self.times.speech_end = self._clock.at(ev.utterance.end_ms)
        result = await second_hearing(self.hearing, ev, self._lang, self._label)
        self.times.asr_final = time.monotonic()
        if result.rejected is not None and not result.text:
            log.info("call %s: utterance rejected by %s (confidence %.2f)", self._label,
                     self.hearing.engine.name if self.hearing.engine else "?", result.confidence)
            return Utterance(REJECTED_TRANSCRIPT, result.confidence,
                             Understanding(NOT_UNDERSTOOD, 0.0, "none", True, "asr_rejected"))
        return Utterance(result.text, result.confidence)

    # --- timers ---------------------------------------------------------------------------------------------------

    async def _on_clock(self) -> Event | None:
        now = time.monotonic()
        if self._digits:
            if self._last_digit is not None and now - self._last_digit >= self.listen.inter_digit_timeout_s:
                return Digits(self._digits)
            return None
        listener = self._listener
        if listener is not None:
            try:
                for ev in await listener.tick(self._clock.ms(now)):
                    if isinstance(ev, Final):
                        return await self._final(ev)
            except AsrError as exc:
                log.warning("call %s: ASR failed (%s); treated as no input", self._label, exc)
                return NoInput()
            if listener.endpointer.speaking:
                return None
        idle = self._playout.idle_since
        if idle is not None and now - max(idle, self.times.listen_started) >= self.listen.no_input_timeout_s:
            return NoInput()
        return None
