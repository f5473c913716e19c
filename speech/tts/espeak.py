"""espeak-ng engine: the always-available voice for every language espeak has (en, sw, hi, ...), tuned per language."""

from __future__ import annotations

import asyncio
import shutil
from typing import Any

from pydantic import BaseModel, Field

import languages
from speech.audio import AudioFormatError, read_wav_bytes, to_telephone
from speech.tts.base import BaseTtsEngine, TtsError, TtsUnavailable
from speech.tts.registry import register_tts


class EspeakTuning(BaseModel):
    """How one language is said; unset fields use the section-wide values."""

    voice: str | None = None  # espeak voice + variant, e.g. "sw+m3"
    rate_wpm: int | None = Field(default=None, ge=80, le=450)
    pitch: int | None = Field(default=None, ge=0, le=99)
    word_gap: int | None = Field(default=None, ge=0, le=50)


def _default_tuning() -> dict[str, EspeakTuning]:
    # Each language pack's choice (pack.yml `tts: {engine: espeak, voice, rate_wpm}`). Swahili's was chosen by
    # bench/intelligibility.py (30 prompts + 20 amounts through the telephone line, whisper base): the klatt variant
    # at 120 wpm had the lowest character error rate (36.8 % vs 45.4 % for the plain voice at 145 wpm; m3/f3
    # 45.8/45.7 %, 135/160 wpm 47.0/48.7 %) and kept 95 % of amounts right. Slower helps: Swahili numbers are long
    # chains of short words ("elfu kumi na mbili na mia tano").
    return {code: EspeakTuning(voice=p.tts.voice, rate_wpm=p.tts.rate_wpm)
            for code, p in languages.packs().items()
            if p.tts.engine == "espeak" and (p.tts.voice or p.tts.rate_wpm)}


class EspeakSettings(BaseModel):
    """espeak-ng (section `speech.tts.espeak`, env IVR_SPEECH__TTS__ESPEAK__*)."""

    # espeak-ng binary (found on PATH).
    binary: str = "espeak-ng"
    # Override the espeak voice per language, e.g. {"sw": "sw+f3"} (default: the language code is the voice).
    voices: dict[str, str] = Field(default_factory=dict)
    # 145 words/min: a little slower than espeak's 175 default, easier to follow on a narrow-band phone line.
    rate_wpm: int = Field(default=145, ge=80, le=450)
    # espeak's pitch scale 0-99; 50 is the voice's own.
    pitch: int = Field(default=50, ge=0, le=99)
    # Pause between words in units of 10 ms (espeak -g); 0 = the voice's own spacing.
    word_gap: int = Field(default=0, ge=0, le=50)
    # Per-language tuning (voice variant, rate, pitch, word gap), measured per language: see the default.
    tuning: dict[str, EspeakTuning] = Field(default_factory=_default_tuning)


class EspeakEngine(BaseTtsEngine):
    """Runs `espeak-ng -v VOICE --stdin --stdout` as an asyncio subprocess per utterance (~25 ms a sentence).

    Text goes in on stdin, never on the command line, so amounts and names do not show up in `ps`.
    """

    name = "espeak"

    def __init__(
        self,
        binary: str = "espeak-ng",
        voices: dict[str, str] | None = None,
        rate_wpm: int = 145,
        timeout_s: float = 30.0,
        *,
        pitch: int = 50,
        word_gap: int = 0,
        tuning: dict[str, EspeakTuning] | None = None,
    ) -> None:
        super().__init__(timeout_s=timeout_s)
        path = shutil.which(binary)
        if path is None:
            raise TtsUnavailable(
                f"espeak-ng not found ({binary!r}): run scripts/setup.sh (apt espeak-ng) "
                "or set IVR_SPEECH__TTS__ESPEAK__BINARY"
            )
        self._binary = path
        self._voices = dict(voices or {})
        self._rate = rate_wpm
        self._pitch = pitch
        self._gap = word_gap
        self._tuning = dict(tuning or {})

    @classmethod
    def from_settings(cls, tts: Any) -> EspeakEngine:
        cfg: EspeakSettings = tts.espeak
        return cls(cfg.binary, cfg.voices, cfg.rate_wpm, tts.timeout_s, pitch=cfg.pitch, word_gap=cfg.word_gap,
                   tuning=cfg.tuning)

    def params(self, lang: str) -> tuple[str, int, int, int]:
        """(voice, rate, pitch, word gap) for `lang`: explicit voices win, then the language's tuning."""
        t = self._tuning.get(lang, EspeakTuning())
        voice = self._voices.get(lang) or t.voice or lang
        return (voice, t.rate_wpm or self._rate, self._pitch if t.pitch is None else t.pitch,
                self._gap if t.word_gap is None else t.word_gap)

    def voice_id(self, lang: str) -> str:
        voice, rate, pitch, gap = self.params(lang)
        extra = "".join([f"p{pitch}" if pitch != 50 else "", f"g{gap}" if gap else ""])
        return f"{voice}@{rate}wpm{extra}"

    async def _synthesize_impl(self, text: str, lang: str) -> bytes:
        voice, rate, pitch, gap = self.params(lang)
        proc = await asyncio.create_subprocess_exec(
            self._binary, "-v", voice, "-s", str(rate), "-p", str(pitch), "-g", str(gap), "--stdin", "--stdout",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await proc.communicate(text.encode("utf-8"))
        except asyncio.CancelledError:  # the base class's timeout (or a hang-up): no orphaned espeak
            proc.kill()
            await proc.wait()
            raise
        if proc.returncode != 0:
            msg = err.decode("utf-8", "replace").strip().splitlines()
            detail = msg[-1] if msg else f"exit {proc.returncode}"
            if "voice does not exist" in detail:
                raise TtsUnavailable(
                    f"espeak-ng has no voice {voice!r} for language {lang!r}: "
                    "set IVR_SPEECH__TTS__ESPEAK__VOICES or use another engine for it"
                )
            raise TtsError(f"espeak-ng failed: {detail}")
        try:
            pcm, rate_hz = read_wav_bytes(out, name="espeak-ng output")
        except AudioFormatError as exc:
            raise TtsError(f"espeak-ng produced unreadable audio: {exc}") from exc
        return to_telephone(pcm, rate_hz)


register_tts("espeak", EspeakEngine)
