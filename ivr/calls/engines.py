"""ASR engines per language, chosen and loaded once per process at start-up, and the engine + grammar per Listen.

Each language gets a *grammar engine* (pocketsphinx by default: its model ships in the wheel and a lexicon makes it
hear Swahili; Vosk where a model is installed) for states with a grammar, and an *open engine* for dictation where
one exists (faster-whisper for English). Start-up says which engine hears each language and what happens when one
is missing (the next candidate, or keypad only) — never a crash mid-call.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from dialogs.actions import Listen
from ivr.calls.grammars import GrammarBuilder
from speech.asr.base import AsrEngine, AsrUnavailable, GrammarError
from speech.asr.config import AsrEngineName
from speech.asr.factory import build_asr, engine_name_for
from speech.config import SpeechSettings
from speech.grammar.spec import GrammarSpec

log = logging.getLogger(__name__)
# What to try when a language's configured grammar engine cannot start: the bundled recogniser, then English's
# open engine (better than keypad only).
GRAMMAR_FALLBACK: tuple[AsrEngineName, ...] = ("pocketsphinx",)


@dataclass
class AsrEngines:
    """`engines[lang]` hears grammar states, `open[lang]` dictation; `notes` are the one-line start-up messages."""

    engines: dict[str, AsrEngine] = field(default_factory=dict)
    open: dict[str, AsrEngine] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def for_lang(self, lang: str) -> AsrEngine | None:
        return self.engines.get(lang) or self.open.get(lang)

    def open_for(self, lang: str) -> AsrEngine | None:
        return self.open.get(lang)

    def all(self) -> list[AsrEngine]:
        return list(dict.fromkeys([*self.engines.values(), *self.open.values()]))


async def _load(engine: AsrEngine, lang: str) -> None:
    load = getattr(engine, "load", None)
    if load is None:
        return
    if engine.name == "whisper":
        await load()
    else:
        await load(lang)


async def _start(speech: SpeechSettings, lang: str, name: str, built: dict[str, AsrEngine]) -> AsrEngine:
    """One engine instance per name per process (its models are shared by every language it hears)."""
    engine = built.get(name) or build_asr(speech, lang, name)
    await _load(engine, lang)
    built[name] = engine
    return engine


async def load_asr_engines(speech: SpeechSettings, languages: list[str]) -> AsrEngines:
    """Build and load each language's grammar and open engines; say which engine hears what."""
    out = AsrEngines()
    built: dict[str, AsrEngine] = {}
    for lang in languages:
        wanted = engine_name_for(speech, lang)
        for candidate in dict.fromkeys([wanted, *GRAMMAR_FALLBACK]):
            try:
                out.engines[lang] = await _start(speech, lang, candidate, built)
            except AsrUnavailable as exc:
                out.notes.append(f"{lang}: {candidate} unavailable ({exc})")
                continue
            break
        open_name = speech.asr.open_engines.get(lang)
        current = out.engines.get(lang)
        if open_name is not None and (current is None or open_name != current.name):
            try:
                out.open[lang] = await _start(speech, lang, open_name, built)
            except AsrUnavailable as exc:
                out.notes.append(f"{lang}: no open dictation engine ({exc})")
        grammar, open_engine = out.engines.get(lang), out.open.get(lang)
        if grammar is None and open_engine is None:
            out.notes.append(f"{lang}: no speech recogniser; callers in {lang} use the keypad only")
        elif grammar is None:
            assert open_engine is not None
            out.notes.append(f"{lang}: speech recognised by {open_engine.name} (no grammar engine)")
        elif not grammar.capabilities.grammar:  # e.g. IVR_SPEECH__ASR__ENGINES={"<code>": "whisper"}
            out.notes.append(f"{lang}: speech recognised by {grammar.name} (open vocabulary, no grammar)")
        else:
            dictation = open_engine.name if open_engine is not None else f"{grammar.name} with its broadest grammar"
            out.notes.append(f"{lang}: speech recognised by {grammar.name} (a grammar per listen state); "
                             f"open dictation by {dictation}")
    for note in out.notes:
        log.info("ASR %s", note)
    return out


@dataclass(frozen=True)
class Hearing:
    """How one Listen is heard: the engine, its grammar (None = open vocabulary) and the engine that gets a second
    try at an utterance the grammar engine rejected (meeting entries: dictation parsed as today)."""

    engine: AsrEngine | None
    grammar: GrammarSpec | list[str] | None
    fallback: AsrEngine | None = None


class HearingPlan:
    """Per process: the grammar builder and a once-per-grammar check that the engine can use it."""

    def __init__(self, builder: GrammarBuilder | None = None) -> None:
        self.builder = builder or GrammarBuilder()
        self._usable: dict[tuple[str, str, object], bool] = {}

    async def for_listen(self, listen: Listen, lang: str, grammar_engine: AsrEngine | None,
                         open_engine: AsrEngine | None, *, currency: str | None = None) -> Hearing:
        if not listen.speech:
            return Hearing(None, None)
        if self.builder.has_spec(listen, lang, currency):
            spec = self.builder.for_listen(listen, lang, currency)
        else:  # the first time: phrases from the catalogs, NLU examples and roster; pure Python, off the loop
            spec = await asyncio.to_thread(self.builder.for_listen, listen, lang, currency)
        if spec is None:  # open dictation
            if open_engine is not None:
                return Hearing(open_engine, None)
            if grammar_engine is not None and grammar_engine.capabilities.grammar:
                broad = self.builder.broad(lang, listen.expects.names)
                return Hearing(grammar_engine, broad if await self._ok(grammar_engine, lang, broad) else None)
            return Hearing(grammar_engine, None)
        if grammar_engine is None or not grammar_engine.capabilities.grammar:
            # no grammar engine: the open engine transcribes and the NLU reads it (snapping would lose words)
            return Hearing(grammar_engine or open_engine, None)
        if await self._ok(grammar_engine, lang, spec):
            fallback = open_engine if "meeting_entry" in listen.expects.kinds else None
            return Hearing(grammar_engine, spec, fallback)
        if open_engine is not None:
            return Hearing(open_engine, None)
        return Hearing(grammar_engine, None) if grammar_engine.name == "vosk" else Hearing(None, None)

    async def _ok(self, engine: AsrEngine, lang: str, spec: GrammarSpec) -> bool:
        """Open (and close) one stream with the grammar the first time: a grammar the engine cannot use (a word
        missing from a Vosk model's vocabulary, no pronunciation) is logged once and not used."""
        key = (engine.name, lang, spec)
        ok = self._usable.get(key)
        if ok is None:
            try:
                stream = await engine.open_stream(lang, 8000, spec)
                await stream.aclose()
                ok = True
            except GrammarError as exc:
                log.warning("%s %s: listen-state grammar unusable (%s)", engine.name, lang, exc)
                ok = False
            self._usable[key] = ok
        return ok
