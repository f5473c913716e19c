"""Settings for TTS (section `speech.tts`, env IVR_SPEECH__TTS__*): which engine speaks each language, the prompt
cache, and each engine's own section, declared next to the engine (espeak.py, piper_engine.py, coqui.py, pack.py)
and only composed here."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

import languages
from speech.tts.coqui import CoquiSettings
from speech.tts.espeak import EspeakSettings
from speech.tts.pack import PackSettings
from speech.tts.piper_engine import PiperSettings


def _default_engines() -> dict[str, str]:
    # Each language pack's choice (pack.yml `tts.engine`; English: Piper's CC0 voice, far clearer on a phone line
    # than espeak-ng — see the README's WER table); where an engine is missing the language falls back to espeak.
    return {code: p.tts.engine for code, p in languages.packs().items() if p.tts.engine != "espeak"}


class TtsSettings(BaseModel):
    """Which TTS engine speaks, per language, and where rendered prompts are cached."""

    # Engine for a language with no entry in `engines`: espeak-ng speaks every language we serve (en, sw, hi).
    default_engine: str = "espeak"
    # Engine per language, e.g. {"en": "piper", "sw": "pack"}; the voice per language is in each engine's
    # section (espeak.voices / espeak.tuning, piper.voices, a pack per language folder).
    engines: dict[str, str] = Field(default_factory=_default_engines)
    # Used when a language's engine cannot start (voice/model/worker missing), and for the prompts a recorded
    # pack has no clips for: a robot voice beats dead air. The failure is logged naming the fix; "" turns the
    # fallback off (start-up fails instead, and a pack with gaps raises).
    fallback_engine: str = "espeak"
    # One synthesis (one sentence, when streaming) must finish within this, or the engine raises TtsError.
    timeout_s: float = Field(default=30.0, gt=0)
    # How a prompt with values is rendered (the first audio must not wait for a figure to render):
    # "lead" — the text before the first value plays from the cache (pre-rendered at start-up) while the rest of
    # that sentence renders; every other sentence is rendered whole (static ones pre-rendered);
    # "pieces" — every text part and every value phrase separately, joined (fastest, most reuse, choppier);
    # "sentences" — each sentence whole (best prosody; the first sentence's render delays the first audio).
    # Value renderings are cached (encrypted when personal) and reused by every call saying the same thing.
    value_rendering: str = Field(default="lead", pattern="^(lead|pieces|sentences)$")
    # Pause around a stitched value phrase: long enough to set the figure apart, short enough not to sound like
    # a list (tuned with bench/intelligibility.py).
    value_gap_ms: int = Field(default=60, ge=0, le=500)
    # Pause between sentences when pieces are stitched (a speaker breathes between sentences).
    sentence_gap_ms: int = Field(default=250, ge=0, le=1000)
    # Neural renders (Piper) at once per process; more wait their turn (speech/tts/render_pool.py).
    render_threads: int = Field(default=2, ge=1, le=32)
    # CPU priority of the render threads below the event loop's (Linux nice, 0-19; 0 = same priority): under a
    # saturated CPU the calls' audio clock runs first and renders finish later.
    render_nice: int = Field(default=5, ge=0, le=19)

    espeak: EspeakSettings = Field(default_factory=EspeakSettings)
    piper: PiperSettings = Field(default_factory=PiperSettings)
    coqui: CoquiSettings = Field(default_factory=CoquiSettings)
    pack: PackSettings = Field(default_factory=PackSettings)

    # Rendered audio cache on disk (encrypted when the text holds PII) with an in-memory LRU in front.
    cache_dir: Path = Path("var/prompt_cache")
    # ~512 renderings: static prompts and sentences of ~3 s and value phrases of ~1 s at 8 kHz slin16 = ~15 MB.
    cache_memory_items: int = 512
    # prune() trims the oldest renderings beyond this (static prompts of a catalog are a few MB; dates and
    # other dynamic non-PII texts would otherwise grow without bound).
    cache_max_disk_mb: int = 500
    # PII renderings (amounts, names) are deleted from disk after this long; static prompts never expire.
    cache_pii_ttl_s: int = 86_400
