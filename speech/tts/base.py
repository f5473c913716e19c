"""The one protocol every TTS engine implements, and the typed errors they raise."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable


class TtsError(RuntimeError):
    """Synthesis failed for this text (bad input, engine crash, timeout). The message never holds the text."""


class TtsUnavailable(TtsError):
    """The engine cannot run here (binary, package, model or worker missing); the message names the fix."""


@runtime_checkable
class TtsEngine(Protocol):
    """Text in, telephone audio out: 8 kHz mono signed 16-bit little-endian PCM."""

    name: str

    def voice_id(self, lang: str) -> str:
        """A stable id of the voice used for `lang` (part of the prompt-cache key: new voice, new renderings)."""
        ...

    async def synthesize(self, text: str, lang: str) -> bytes:
        """Render `text` (already verbalised: no digits) in `lang`; raises TtsError/TtsUnavailable."""
        ...


@runtime_checkable
class StreamingTtsEngine(TtsEngine, Protocol):
    """Capability: yields audio sentence by sentence, so playback starts before a long text is fully rendered."""

    def stream(self, text: str, lang: str) -> AsyncIterator[bytes]:
        """8 kHz slin16 chunks (one per sentence); concatenated they equal synthesize(text, lang)."""
        ...
