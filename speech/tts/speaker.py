"""The one object the call path speaks through: an engine per language (built once, with a logged fallback) behind
the prompt cache; prompts streamed piece by piece so the first audio leaves at once; start-up warming.

How a prompt (a RenderPlan) is said:
* a static prompt: one cached rendering (warmed at start-up); on a miss the engine streams it sentence by sentence;
* a prompt with values, `value_rendering="lead"` (default): the text before its first value (pre-rendered at
  start-up) plays at once while the rest of that sentence renders, and each later sentence is rendered whole
  (static ones pre-rendered); renderings with values are cached — encrypted when personal — and reused by every
  call that says the same figure; the next renderings are prepared while the current one plays;
* `value_rendering="pieces"`: every text part and value phrase rendered separately and joined with short pauses;
* `value_rendering="sentences"`: each sentence rendered whole (the first audio waits for the first sentence);
* a recorded pack: clips stitched by id; a sentence the pack cannot say (missing clips) is said whole by the
  fallback engine — never one word in another voice mid-sentence, unless the pack's manifest allows mixing.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import re
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

from rich.progress import Progress

from speech.audio import SAMPLE_RATE, SAMPLE_WIDTH
from speech.prompt_cache import PromptCache
from speech.tts import render_pool
from speech.tts.base import TtsEngine, TtsUnavailable
from speech.tts.earcon import earcon
from speech.tts.factory import build_tts, engine_name_for, tts_settings_of
from speech.tts.pack import Missing, MissingClip, PackEngine, Pause
from speech.tts.plan import RenderPlan
from speech.tts.stitch import pause, trim

log = logging.getLogger(__name__)

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
_EDGE_PUNCT = " ,;:"
# Pieces rendered ahead of the one playing: enough to hide a value phrase's render behind the text before it,
# few enough that one prompt does not occupy every core of a shared 2-core box.
PREFETCH = 2


@dataclass(frozen=True, slots=True)
class Unit:
    """One rendering of a prompt said as pieces: its text, whether it is personal, the pause before it."""

    text: str
    pii: bool
    value: bool
    gap_before_ms: int


@dataclass(frozen=True, slots=True)
class Voice:
    """Who speaks a language: the engine, its voice id, and the configured engine it replaced (if it fell back)."""

    engine: str
    voice: str
    configured: str
    reason: str = ""

    @property
    def fell_back(self) -> bool:
        return self.engine != self.configured


class Speaker:
    """`async for pcm in speaker.stream(plan)` -> 8 kHz slin16 pieces; one per process (engines hold voices)."""

    def __init__(self, settings: Any, cache: PromptCache | None = None) -> None:
        self._settings = settings
        self._tts = tts_settings_of(settings)
        render_pool.configure(self._tts.render_threads, self._tts.render_nice)
        self.cache = cache if cache is not None else PromptCache.from_settings(settings)
        self._engines: dict[str, TtsEngine] = {}
        self._fallbacks: dict[str, TtsEngine | None] = {}
        self._voices: dict[str, Voice] = {}
        self._lock = threading.Lock()

    # --- engines ----------------------------------------------------------------------------------------------
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
            engine = build_tts(self._tts, lang, name)
            self._voices[lang] = Voice(engine.name, engine.voice_id(lang), name)
            return engine
        except TtsUnavailable as exc:
            fallback = self._tts.fallback_engine
            if not fallback or fallback == name:
                raise
            log.warning("TTS %s unavailable for %s (%s); speaking %s with %s", name, lang, exc, lang, fallback)
            engine = build_tts(self._tts, lang, fallback)
            self._voices[lang] = Voice(engine.name, engine.voice_id(lang), name, str(exc))
            return engine

    def fallback(self, lang: str) -> TtsEngine | None:
        """The engine that says what a recorded pack cannot (None when the fallback is off or unusable)."""
        with self._lock:
            if lang not in self._fallbacks:
                name = self._tts.fallback_engine
                try:
                    self._fallbacks[lang] = build_tts(self._tts, lang, name) if name and name != "pack" else None
                except TtsUnavailable as exc:
                    log.warning("TTS fallback %s unavailable for %s: %s", name, lang, exc)
                    self._fallbacks[lang] = None
            return self._fallbacks[lang]

    def voices(self) -> dict[str, Voice]:
        """Who speaks each language built so far (for /health and start-up)."""
        with self._lock:
            return dict(self._voices)

    def describe(self) -> list[str]:
        """One line per language: "en: piper (en_US-joe-medium@1.0)", or the fallback and why."""
        lines = []
        for lang, v in sorted(self.voices().items()):
            line = f"{lang}: spoken by {v.engine} ({v.voice})"
            if v.fell_back:
                line += f" — {v.configured} is unavailable: {v.reason}"
            lines.append(line)
        return lines

    def preload(self, lang: str) -> None:
        """Build the language's engine and load its voice (blocking; call through asyncio.to_thread)."""
        engine = self.engine(lang)
        preload = getattr(engine, "preload", None)
        if preload is not None:
            preload(lang)

    # --- saying -----------------------------------------------------------------------------------------------
    async def say(self, text: str, lang: str, *, pii: bool = False) -> bytes:
        """Audio for already-verbalised free `text`; `pii=True` when it holds amounts or names (encrypted cache)."""
        return await self.render(RenderPlan.from_text(text, lang, pii=pii))

    async def render(self, plan: RenderPlan) -> bytes:
        """The whole prompt at once (what stream() yields, joined)."""
        return b"".join([chunk async for chunk in self.stream(plan)])

    async def seconds(self, plan: RenderPlan) -> float:
        """How long the prompt takes to say, rendered with the configured voice (for prompt-length limits)."""
        return len(await self.render(plan)) / SAMPLE_WIDTH / SAMPLE_RATE

    def earcon(self) -> bytes:
        """The short tone played before the caller is expected to speak."""
        return earcon()

    async def stream(self, plan: RenderPlan) -> AsyncGenerator[bytes, None]:
        """The prompt's audio in order, first piece as soon as it is ready (see the module docstring)."""
        lang = plan.lang
        engine = self.engine(lang)
        if isinstance(engine, PackEngine):
            async for chunk in self._stream_pack(engine, plan):
                yield chunk
        elif not plan.has_values:
            async for chunk in self.cache.stream(engine, plan.text, lang, pii=plan.pii):
                yield chunk
        else:
            async for chunk in self._stream_units(engine, plan):
                yield chunk

    @staticmethod
    def _sentence_parts(plan: RenderPlan) -> list[list[tuple[str, bool, bool]]]:
        """The plan's sentences, each a list of (text, is value, personal) parts in order (text parts split at
        sentence ends; joined, a sentence's parts are its exact words)."""
        sentences: list[list[tuple[str, bool, bool]]] = [[]]
        for seg in plan.segments:
            parts = [seg.text] if seg.is_value else _SENTENCE_SPLIT.split(seg.text)
            for i, part in enumerate(parts):
                if i > 0 and sentences[-1]:
                    sentences.append([])
                sentences[-1].append((part, seg.is_value, seg.pii))
        return [s for s in sentences if any(re.search(r"\w", t) for t, _, _ in s)]

    def units(self, plan: RenderPlan) -> list[Unit]:
        """The renderings a plan with values is said as, with their pauses (see value_rendering):
        pieces    — every text part and every value phrase on its own;
        lead      — the first sentence with a value as its leading text (pre-rendered) + the rest of that sentence
                    (words after its only value: the value alone + the pre-rendered rest), every other
                    sentence whole (static ones pre-rendered);
        sentences — every sentence whole."""
        mode = self._tts.value_rendering
        units: list[Unit] = []
        first_value_sentence = True
        for k, sentence in enumerate(self._sentence_parts(plan)):
            has_value = any(v for _, v, _ in sentence)
            if mode == "pieces":
                groups = [[p] for p in sentence]
            elif mode == "lead" and has_value and first_value_sentence:
                first = next(i for i, (_, v, _) in enumerate(sentence) if v)
                rest = sentence[first + 1:]
                if any(re.search(r"\w", t) for t, _, _ in rest) and not any(v for _, v, _ in rest):
                    # words after the sentence's only value ("Hello | Grace | , welcome to MiKashBoks."): render
                    # the value alone and play the rest from the cache, not the whole tail for each caller
                    groups = [sentence[:first], sentence[first:first + 1], rest]
                else:
                    groups = [sentence[:first], sentence[first:]]
            else:
                groups = [sentence]
            first_value_sentence = first_value_sentence and not has_value
            first_in_sentence = True
            for group in groups:
                lone_text = len(group) == 1 and not group[0][1]
                text = "".join(t for t, _, _ in group).strip(_EDGE_PUNCT if lone_text else " ")
                if not re.search(r"\w", text):
                    continue
                if not units:
                    gap = 0
                elif first_in_sentence and k > 0:
                    gap = self._tts.sentence_gap_ms
                else:
                    gap = self._tts.value_gap_ms
                units.append(Unit(text, any(p for _, _, p in group), any(v for _, v, _ in group), gap))
                first_in_sentence = False
        return units

    async def _stream_units(self, engine: TtsEngine, plan: RenderPlan) -> AsyncIterator[bytes]:
        units = self.units(plan)
        pending: collections.deque[asyncio.Future[bytes]] = collections.deque()
        nxt = 0

        def fill() -> None:
            nonlocal nxt
            while nxt < len(units) and len(pending) <= PREFETCH:
                u = units[nxt]
                pending.append(asyncio.ensure_future(self.cache.get(engine, u.text, plan.lang, pii=u.pii)))
                nxt += 1

        try:
            for unit in units:
                fill()
                pcm = trim(await pending.popleft())
                yield (pause(unit.gap_before_ms) + pcm) if unit.gap_before_ms else pcm
        finally:
            for fut in pending:
                fut.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)

    async def _stream_pack(self, engine: PackEngine, plan: RenderPlan) -> AsyncIterator[bytes]:
        lang = plan.lang
        pack = engine.pack(lang)
        if plan.prompt_id is None:  # free text: greedy match of its words over every clip
            try:
                yield await engine.synthesize(plan.text, lang)
                return
            except MissingClip:
                fallback = self.fallback(lang)
                if fallback is None:
                    raise
            async for chunk in self.cache.stream(fallback, plan.text, lang, pii=plan.pii):
                yield chunk
            return
        groups = [plan.segments] if plan.whole_clip else plan.groups()
        for n, group in enumerate(groups):
            parts = pack.clips_for(group, plan.whole_clip)
            missing = [p for p in parts if isinstance(p, Missing)]
            lead = pause(450) if n else b""
            if not missing:
                yield lead + await engine.render_parts(lang, [p for p in parts if not isinstance(p, Missing)])
                continue
            fallback = self.fallback(lang)
            if fallback is None:
                raise missing_error(pack.root, missing)
            log.info("prompt pack %s: %d clip(s) missing (first %s); fallback voice %s", lang, len(missing),
                     missing[0].clip_id if not plan.pii else "<value>", fallback.name)
            if pack.mix_voices:
                pcms: list[bytes | Pause] = []
                for part in parts:
                    if isinstance(part, Missing):
                        pcms.append(trim(await self.cache.get(fallback, part.text, lang, pii=plan.pii)))
                    elif isinstance(part, Pause):
                        pcms.append(part)
                    else:
                        pcms.append(await engine.render_parts(lang, [part]))
                yield lead + pack.join(pcms)
                continue
            text = "".join(s.text for s in group).strip()
            pii = any(s.pii for s in group)
            first = True
            async for chunk in self.cache.stream(fallback, text, lang, pii=pii):
                yield (lead + chunk) if first else chunk
                first = False

    # --- warming ----------------------------------------------------------------------------------------------
    def warm_items(self, plans: Iterable[RenderPlan]) -> list[tuple[str, str]]:
        """(lang, text) of every rendering the plans will need that holds no value: whole static prompts, and the
        text parts of prompts with values (when values are rendered as pieces)."""
        out: dict[tuple[str, str], None] = {}
        for plan in plans:
            if isinstance(self.engine(plan.lang), PackEngine):
                continue
            if not plan.has_values:
                out[(plan.lang, plan.text)] = None
            else:
                for unit in self.units(plan):
                    if not unit.value:
                        out[(plan.lang, unit.text)] = None
        return list(out)

    async def warm(self, prompts: Iterable[RenderPlan | tuple[str, str]], *, show_progress: bool = True) -> int:
        """Render what the given prompts need, ahead of the first call; returns how many renderings were warmed.
        Accepts render plans (static or with sample values) or (lang, text) pairs."""
        items: list[tuple[str, str]] = []
        plans: list[RenderPlan] = []
        for p in prompts:
            if isinstance(p, RenderPlan):
                plans.append(p)
            else:
                items.append(p)
        items += [i for i in self.warm_items(plans) if i not in items]
        with Progress(disable=not show_progress, transient=True) as bar:
            task = bar.add_task("warming prompts", total=len(items))
            return await self.cache.warm(self.engine, items, lambda n: bar.update(task, completed=n))


def missing_error(root: Any, missing: list[Missing]) -> Exception:
    names = ", ".join(m.clip_id for m in missing[:3])
    return MissingClip(f"prompt pack {root} has no clip for {names} and no fallback voice "
                       "(record them: `ivr prompts check`, or set IVR_SPEECH__TTS__FALLBACK_ENGINE)")
