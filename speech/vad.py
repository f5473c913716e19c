"""Energy-based voice activity detection and endpointing over timestamped 20 ms frames.

Why energy and not webrtcvad: telephone audio reaching us is already band-limited and gain-controlled by the
network, a dBFS threshold with a minimum voiced duration is predictable and fully configurable (VadSettings), and
it needs no native build (the webrtcvad sdist on PyPI dates from 2017 and must be compiled).

The clock rule (Asterisk behaviour, see ARCHITECTURE.md section 6): the inbound stream is NOT continuous. Asterisk
drops voice frames while a keypad key is held and a phone with silence suppression sends nothing while its user is
quiet. So every frame carries its timestamp (ms on the call's clock) and:

* trailing silence that ends an utterance is counted only from *received* quiet frames; missing audio (a gap
  between one frame's end and the next frame's timestamp) is neither speech nor silence;
* a gap longer than ``max_gap_ms`` while speaking ends the utterance (reason ``"gap"``): the caller's phone has
  stopped sending because the caller stopped talking;
* no-input and gap timeouts also advance on the explicit clock via :meth:`Endpointer.tick`, so a caller who sends
  no frames at all still gets ``no_input``.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Literal

from speech.audio import SAMPLE_RATE, SAMPLE_WIDTH, rms_dbfs
from speech.vad_config import VadSettings

EndReason = Literal["silence", "max_length", "gap", "flush", "grammar"]


class VadError(ValueError):
    """Frames the endpointer cannot use (odd length, time going backwards)."""


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """Enough voiced audio to call it speech; ``at_ms`` is where the voiced run began (barge-in may fire)."""

    at_ms: int


@dataclass(frozen=True, slots=True)
class Utterance:
    """One utterance: PCM from the lookback start through the trailing silence, and the voiced span's times."""

    pcm: bytes
    rate: int
    start_ms: int  # timestamp of the first PCM sample (lookback included)
    speech_start_ms: int  # where the confirmed voiced run began
    end_ms: int  # end of the last voiced frame
    reason: EndReason

    @property
    def audio_ms(self) -> int:
        return len(self.pcm) // SAMPLE_WIDTH * 1000 // self.rate


@dataclass(frozen=True, slots=True)
class NoInput:
    """No speech for ``no_input_ms`` since listening (re)started; the timer re-arms at ``at_ms``."""

    at_ms: int
    waited_ms: int


VadEvent = SpeechStarted | Utterance | NoInput


class Endpointer:
    """Feeds on (frame, timestamp) pairs and emits SpeechStarted / Utterance / NoInput; one per listening call."""

    def __init__(self, settings: VadSettings | None = None, *, rate: int = SAMPLE_RATE, start_ms: int = 0,
                 no_input_ms: int | None = None) -> None:
        """``no_input_ms``: fire NoInput after this much time without speech; None = the caller owns that timer (a
        call's no-input timeout is the Listen's, counted from the end of the prompt by the call session)."""
        if rate <= 0:
            raise VadError(f"sample rate must be positive, got {rate}")
        self.settings = settings or VadSettings()
        self.rate = rate
        self.no_input_ms = no_input_ms
        self._armed_at = start_ms  # no-input timer origin
        self._clock = start_ms  # latest time seen (frame ends and ticks)
        self._last_end: int | None = None  # end of the last received frame
        # waiting state: recent frames for the lookback, and the current voiced run
        self._recent: deque[tuple[int, bytes]] = deque()
        self._run_start: int | None = None
        self._run_voiced = 0
        # speaking state
        self._speaking = False
        self._pcm = bytearray()
        self._utt_start = 0
        self._speech_start = 0
        self._voiced_end = 0
        self._quiet_ms = 0

    @property
    def speaking(self) -> bool:
        return self._speaking

    @property
    def quiet_ms(self) -> int:
        """While speaking: received quiet audio since the last voiced frame (what end_silence_ms is compared to)."""
        return self._quiet_ms if self._speaking else 0

    def end_now(self, reason: EndReason) -> list[VadEvent]:
        """End the utterance in progress now (the recogniser knows the answer is complete); [] when not speaking."""
        return [self._end(reason)] if self._speaking else []

    @property
    def utterance_so_far(self) -> bytes:
        """While speaking: the PCM of the utterance so far (lookback included), for streaming it to ASR."""
        return bytes(self._pcm) if self._speaking else b""

    def _frame_ms(self, frame: bytes) -> int:
        if not frame or len(frame) % SAMPLE_WIDTH:
            raise VadError(f"frame must be a non-empty even number of bytes, got {len(frame)}")
        return len(frame) // SAMPLE_WIDTH * 1000 // self.rate

    def feed(self, frame: bytes, ts_ms: int) -> list[VadEvent]:
        """Process one received frame that starts at ``ts_ms`` on the call's clock."""
        dur = self._frame_ms(frame)
        if self._last_end is not None and ts_ms < self._last_end - dur // 2:
            raise VadError(f"frame timestamp {ts_ms} ms is before the previous frame's end {self._last_end} ms")
        events = self.tick(ts_ms)
        level = rms_dbfs(frame)
        voiced = level != -math.inf and level >= self.settings.speech_threshold_dbfs
        if self._speaking:
            events.extend(self._feed_speaking(frame, ts_ms, dur, voiced))
        else:
            events.extend(self._feed_waiting(frame, ts_ms, dur, voiced))
        self._last_end = ts_ms + dur
        self._clock = max(self._clock, ts_ms + dur)
        return events

    def tick(self, now_ms: int) -> list[VadEvent]:
        """Advance the explicit clock: fires no-input and ends an utterance whose audio stopped arriving."""
        self._clock = max(self._clock, now_ms)
        s = self.settings
        if self._speaking:
            last = self._last_end if self._last_end is not None else self._utt_start
            if now_ms - last > s.max_gap_ms:
                return [self._end("gap")]
            return []
        waited = now_ms - self._armed_at
        if self.no_input_ms is not None and waited >= self.no_input_ms and self._run_start is None:
            self._armed_at = now_ms
            return [NoInput(at_ms=now_ms, waited_ms=waited)]
        return []

    def finish(self, now_ms: int | None = None) -> list[VadEvent]:
        """Stop listening (hang-up, DTMF answered the question): an utterance in progress is returned as is."""
        if now_ms is not None:
            self._clock = max(self._clock, now_ms)
        if self._speaking:
            return [self._end("flush")]
        return []

    # -- internals ------------------------------------------------------------------------------------------

    def _feed_waiting(self, frame: bytes, ts: int, dur: int, voiced: bool) -> list[VadEvent]:
        s = self.settings
        self._recent.append((ts, frame))
        keep_from = ts - s.lookback_ms - s.min_speech_ms - dur
        while self._recent and self._recent[0][0] < keep_from:
            self._recent.popleft()
        if not voiced:
            # A quiet frame breaks the run; a gap (missing frames) does not.
            self._run_start, self._run_voiced = None, 0
            return []
        if self._run_start is None:
            self._run_start = ts
        self._run_voiced += dur
        if self._run_voiced < s.min_speech_ms:
            return []
        speech_start = self._run_start
        first = speech_start - s.lookback_ms
        kept = [(t, f) for t, f in self._recent if t >= first]
        self._speaking = True
        self._utt_start = kept[0][0]
        self._speech_start = speech_start
        self._pcm = bytearray(b"".join(f for _, f in kept))
        self._voiced_end = ts + dur
        self._quiet_ms = 0
        self._recent.clear()
        self._run_start, self._run_voiced = None, 0
        return [SpeechStarted(at_ms=speech_start)]

    def _feed_speaking(self, frame: bytes, ts: int, dur: int, voiced: bool) -> list[VadEvent]:
        s = self.settings
        self._pcm.extend(frame)
        if voiced:
            self._quiet_ms = 0
            self._voiced_end = ts + dur
        else:
            self._quiet_ms += dur
        if self._quiet_ms >= s.end_silence_ms:
            return [self._end("silence")]
        if ts + dur - self._utt_start >= s.max_utterance_ms:
            return [self._end("max_length")]
        return []

    def _end(self, reason: EndReason) -> Utterance:
        utt = Utterance(
            pcm=bytes(self._pcm),
            rate=self.rate,
            start_ms=self._utt_start,
            speech_start_ms=self._speech_start,
            end_ms=self._voiced_end,
            reason=reason,
        )
        self._speaking = False
        self._pcm = bytearray()
        self._quiet_ms = 0
        self._armed_at = self._clock  # listening restarts: the no-input timer counts from here
        return utt
