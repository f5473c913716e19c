"""ASR engines per language, chosen and loaded once per process at start-up, with the fallback said out loud.

No English Vosk model is on the package registries, so where none is installed English is heard by faster-whisper
(tiny.en) and start-up says so; a language with no usable engine is keypad-only (also said), never a crash mid-call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from speech.asr.base import AsrEngine, AsrUnavailable
from speech.asr.factory import build_asr, engine_name_for
from speech.config import SpeechSettings

log = logging.getLogger(__name__)


@dataclass
class AsrEngines:
    """`engines[lang]` hears that language; `notes` are the one-line start-up messages (fallbacks, keypad-only)."""

    engines: dict[str, AsrEngine] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def for_lang(self, lang: str) -> AsrEngine | None:
        return self.engines.get(lang)


async def _load(engine: AsrEngine, lang: str) -> None:
    load = getattr(engine, "load", None)
    if load is None:
        return
    if engine.name == "vosk":
        await load(lang)
    else:
        await load()


async def load_asr_engines(speech: SpeechSettings, languages: list[str]) -> AsrEngines:
    """Build and load each language's engine (models shared process-wide); Vosk → Whisper (English) → keypad."""
    out = AsrEngines()
    for lang in languages:
        name = engine_name_for(speech, lang)
        candidates = [name] + (["whisper"] if name == "vosk" and lang == "en" else [])
        for i, candidate in enumerate(candidates):
            try:
                engine = build_asr(speech, lang, candidate)
                await _load(engine, lang)
            except AsrUnavailable as exc:
                if i + 1 < len(candidates):
                    out.notes.append(f"{lang}: no Vosk model installed ({exc}); English speech is recognised by "
                                     "faster-whisper tiny.en instead (install a Vosk model with `ivr models install` "
                                     "or set IVR_SPEECH__ASR__ENGINES)")
                    continue
                out.notes.append(f"{lang}: no speech recogniser ({exc}); callers in {lang} use the keypad only")
                break
            out.engines[lang] = engine
            if i == 0:
                out.notes.append(f"{lang}: speech recognised by {engine.name}")
            break
    for note in out.notes:
        log.info("ASR %s", note)
    return out
