"""The one object the call path speaks through: an engine per language (built once, with a logged fallback)
behind the prompt cache, and start-up warming of static prompts with a progress bar."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from rich.progress import Progress

from speech.prompt_cache import PromptCache
from speech.tts.base import TtsEngine, TtsUnavailable
from speech.tts.factory import build_tts, engine_name_for, tts_settings_of

log = logging.getLogger(__name__)


class Speaker:
    """`await speaker.say(text, lang, pii=...)` -> 8 kHz slin16; one per process (engines hold loaded voices)."""

    def __init__(self, settings: Any, cache: PromptCache | None = None) -> None:
        self._settings = settings
        self._tts = tts_settings_of(settings)
        self.cache = cache if cache is not None else PromptCache.from_settings(settings)
        self._engines: dict[str, TtsEngine] = {}
        self._lock = threading.Lock()

    def engine(self, lang: str) -> TtsEngine:
        """The engine for `lang`; if the configured one cannot start, the fallback engine (logged once)."""
        with self._lock:
            engine = self._engines.get(lang)
            if engine is None:
                engine = self._build(lang)
                self._engines[lang] = engine
            return engine

    def _build(self, lang: str) -> TtsEngine:
        name = engine_name_for(self._tts, lang)
        try:
            return build_tts(self._tts, lang, name)
        except TtsUnavailable as exc:
            fallback = self._tts.fallback_engine
            if not fallback or fallback == name:
                raise
            log.warning("TTS %s unavailable for %s (%s); speaking %s with %s", name, lang, exc, lang, fallback)
            return build_tts(self._tts, lang, fallback)

    async def say(self, text: str, lang: str, *, pii: bool = False) -> bytes:
        """Audio for already-verbalised `text`; `pii=True` when it holds amounts or names (encrypted cache)."""
        return await self.cache.get(self.engine(lang), text, lang, pii=pii)

    async def warm(self, prompts: Iterable[tuple[str, str]], *, show_progress: bool = True) -> int:
        """Render static prompts, (lang, text) pairs, before the first call; returns how many were warmed."""
        items = list(prompts)
        with Progress(disable=not show_progress, transient=True) as bar:
            task = bar.add_task("warming prompts", total=len(items))
            return await self.cache.warm(self.engine, items, lambda n: bar.update(task, completed=n))
