"""Which phrase grammar a Listen gets from its ASR engine, checked once per (engine, language, phrases).

Engines that constrain decoding to a phrase list get the Listen's phrases (Vosk: far cheaper and more accurate);
open-vocabulary engines (Whisper) transcribe freely and leave meaning to the NLU, since snapping "how much have I
saved" onto one menu word would throw the caller's words away. A grammar the model cannot use (a word missing from
its vocabulary) is logged once and the Listen decodes without it, rather than the caller going unheard.
"""

from __future__ import annotations

import logging

from speech.asr.base import AsrEngine, GrammarError

log = logging.getLogger(__name__)


class GrammarCheck:
    """Shared by all calls of a process; a check opens (and closes) one recogniser the first time only."""

    def __init__(self) -> None:
        self._usable: dict[tuple[str, str, tuple[str, ...]], bool] = {}

    async def usable(self, engine: AsrEngine, lang: str, phrases: tuple[str, ...]) -> list[str] | None:
        if not phrases or not engine.capabilities.grammar:
            return None
        key = (engine.name, lang, phrases)
        ok = self._usable.get(key)
        if ok is None:
            try:
                stream = await engine.open_stream(lang, 8000, list(phrases))
                await stream.aclose()
                ok = True
            except GrammarError as exc:
                log.warning("%s %s: listen phrases unusable as a grammar (%s); decoding without it", engine.name,
                            lang, exc)
                ok = False
            self._usable[key] = ok
        return list(phrases) if ok else None
