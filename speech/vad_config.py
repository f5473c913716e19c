"""Turn-taking numbers (VAD and endpointing) as typed config with documented defaults."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator


class VadSettings(BaseModel):
    """Voice activity detection and endpointing (env: IVR_SPEECH__VAD__<NAME>).

    Every number is in milliseconds of the *call's clock* (frame timestamps), not of received audio, except
    where a comment says otherwise — see speech/vad.py for the gap rule.
    """

    # A 20 ms frame is "voiced" at or above this RMS level. Telephone speech sits around -30..-15 dBFS while line
    # noise and comfort noise stay below -50 dBFS; -40 leaves ~10 dB of margin on both sides.
    speech_threshold_dbfs: float = Field(default=-40.0, le=0.0)
    # Voiced audio needed before we say "speech started" (and barge-in may fire), so a click, a line pop or a
    # breath does not start an utterance. 120 ms is shorter than any syllable-bearing word.
    min_speech_ms: int = Field(default=120, ge=20)
    # Received quiet audio that ends an utterance. 400 ms sits in the 300-500 ms band used by IVRs: long enough
    # for the pause between words of a number ("elfu kumi ... na mbili"), short enough to answer briskly.
    end_silence_ms: int = Field(default=400, ge=100)
    # With a grammar recogniser: quiet audio after which the turn ends early when the best hypothesis is already a
    # whole answer that nothing in the state's grammar continues ("savings", "ndiyo"). 220 ms is longer than the
    # stop-closure pauses inside words, and saves ~180 ms per turn; numbers, digits and entries, which may go on
    # ("elfu kumi ... na mbili"), always wait the full end_silence_ms.
    grammar_end_silence_ms: int = Field(default=220, ge=60)
    # Hard cap on one utterance so a noisy line or a caller reading a paragraph cannot hold the turn forever.
    max_utterance_ms: int = Field(default=15_000, ge=1_000)
    # Audio kept from before speech was detected and prepended to the utterance, so the first syllable (whose
    # onset is quieter than the threshold, and the min_speech_ms it took to confirm) is not clipped.
    lookback_ms: int = Field(default=300, ge=0)
    # Inbound gaps (no frames) shorter than this are neither speech nor silence: Asterisk drops voice frames
    # while a keypad key is held (a 250 ms press is 250 ms of missing audio) and networks jitter. A gap longer
    # than this during an utterance ends it: the caller's phone has stopped sending because the caller is silent.
    max_gap_ms: int = Field(default=1_000, ge=100)

    @model_validator(mode="after")
    def _consistent(self) -> VadSettings:
        if self.max_gap_ms <= self.end_silence_ms:
            raise ValueError(
                f"vad.max_gap_ms ({self.max_gap_ms}) must exceed vad.end_silence_ms ({self.end_silence_ms}): "
                "a keypad-length gap must not end an utterance sooner than real silence would"
            )
        if self.grammar_end_silence_ms > self.end_silence_ms:
            raise ValueError(f"vad.grammar_end_silence_ms ({self.grammar_end_silence_ms}) cannot exceed "
                             f"vad.end_silence_ms ({self.end_silence_ms}): it is the early way out")
        if self.max_utterance_ms <= self.min_speech_ms:
            raise ValueError("vad.max_utterance_ms must exceed vad.min_speech_ms")
        return self
