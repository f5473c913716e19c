"""ASR bench on the call path: per engine and language, phrase and meaning accuracy per listen state on held-out and
tuning voices, out-of-grammar rejection, CPU-s per audio-s and final latency after the audio ends; plus Debian's
real human recordings. Prints tables; asserts nothing.

Run: .venv/bin/python -m bench.speech_asr [--lang en,sw] [--engine pocketsphinx,whisper] [--voices test,tune]
     [--per-state 10] [--nlu-url URL]

Every turn goes the way a call hears it (what `ivr hear` does): tests/speech/asr_corpus.py renders the caller
(cached; Festival/Piper/espeak-ng through speech.telephone: 8 kHz, band-pass, noise, μ-law), the listen state's
Listen (ivr.calls.states.listen_for) gets its grammar from HearingPlan, ivr.calls.listening.hear_audio streams
20 ms frames through the same endpointer and engine, the NLU reads the transcript (Rasa at --nlu-url when it
answers, else the keyword fallback, as a call would) and ivr.calls.states.meaning makes the state's entities.

- pocketsphinx: the default grammar engine (a grammar per listen state; English meeting entries it rejects get the
  call's second hearing by whisper, as on a call).
- whisper: faster-whisper tiny.en transcribing open vocabulary, snapped to the state's phrases where the grammar is
  a closed set (menu, yes/no, names), parsed by the NLU otherwise (amounts, digits, entries): the comparison row.
"final ms" is the time from feeding the last frame to the final result (the stream's finish()): what a caller waits
for the recogniser once the endpointer has decided the turn is over. CPU-s per audio-s counts the whole process
(endpointer + engine, whisper's threads included) over the seconds of call audio fed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr.calls.engines import AsrEngines, Hearing, HearingPlan, load_asr_engines  # noqa: E402
from ivr.calls.listening import hear_audio  # noqa: E402
from ivr.calls.states import STATES, State, listen_for, meaning  # noqa: E402
from ivr.settings import Settings  # noqa: E402
from nlu.client import RasaClient  # noqa: E402
from nlu.normalise.names import RosterMember as NameEntry  # noqa: E402
from nlu.understand import Nlu  # noqa: E402
from speech.asr.base import AsrEngine, AsrError, AsrResult, AsrStream, GrammarError, phrase_tuple  # noqa: E402
from speech.audio import read_wav, silence  # noqa: E402
from speech.lexicon.lexicon import words_of  # noqa: E402
from speech.telephone import TYPICAL, telephone_line  # noqa: E402
from tests.speech.asr_corpus import (  # noqa: E402
    GROUPS,
    TEST_VOICES,
    TUNE_VOICES,
    Item,
    correct,
    items,
    render,
    roster,
    seed_of,
)

RATE = 8000
TESTDATA = Path("/usr/share/pocketsphinx/test/data")
ENGINE_LABEL = {"pocketsphinx": "pocketsphinx (grammar)", "whisper": "whisper tiny.en (open, snapped)"}
# Debian pocketsphinx-testdata: real people, 16 kHz, with their transcripts. In-grammar for a listen state, or
# speech a menu must reject (not a menu answer).
REAL: list[tuple[str, State | str, str, dict[str, Any]]] = [
    ("tidigits/dhd.2934z.raw", "digits", "two nine three four zero", {"digits": "29340"}),
    ("cards/004.wav", "digits", "five five", {"digits": "55"}),
    ("goforward.raw", "oog", "go forward ten meters", {}),
    ("something.raw", "oog", "go somewhere and do something", {}),
    ("cards/001.wav", "oog", "ten of clubs", {}),
    ("cards/002.wav", "oog", "four queen of clubs", {}),
    ("cards/003.wav", "oog", "seven of clubs", {}),
    ("cards/005.wav", "oog", "eight of spades four of clubs seven of hearts", {}),
    *[(f"librivox/sense_and_sensibility_01_austen_64kb-{n}.wav", "oog", "", {}) for n in ("0880", "0930")],
]


class TimedEngine:
    """The engine as the call uses it, with the time each stream's finish() takes recorded (final latency)."""

    def __init__(self, inner: AsrEngine) -> None:
        self.inner = inner
        self.name = inner.name
        self.capabilities = inner.capabilities
        self.finals_ms: list[float] = []

    async def recognize(self, pcm: bytes, rate: int, lang: str, grammar: Any = None) -> AsrResult:
        return await self.inner.recognize(pcm, rate, lang, grammar)

    async def open_stream(self, lang: str, rate: int, grammar: Any = None) -> AsrStream:
        return TimedStream(await self.inner.open_stream(lang, rate, grammar), self.finals_ms)


class TimedStream:
    def __init__(self, inner: AsrStream, sink: list[float]) -> None:
        self._inner = inner
        self._sink = sink

    def __getattr__(self, name: str) -> Any:  # answer_complete() and the like: the listener asks for them
        return getattr(self._inner, name)

    async def feed(self, pcm: bytes) -> AsrResult | None:
        return await self._inner.feed(pcm)

    async def finish(self) -> AsrResult:
        t0 = time.perf_counter()
        try:
            return await self._inner.finish()
        finally:
            self._sink.append((time.perf_counter() - t0) * 1000)

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class Tally:
    n: int = 0
    phrase: int = 0
    meaning: int = 0
    cpu_s: float = 0.0
    audio_s: float = 0.0
    finals: list[float] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.n += other.n
        self.phrase += other.phrase
        self.meaning += other.meaning
        self.cpu_s += other.cpu_s
        self.audio_s += other.audio_s
        self.finals += other.finals


class Bench:
    """One language: its engines, hearings per listen state and NLU, loaded once."""

    def __init__(self, settings: Settings, lang: str, asr: AsrEngines, http: httpx.AsyncClient, nlu_url: str) -> None:
        self.settings = settings
        self.lang = lang
        self.asr = asr
        self.group, self.currency = GROUPS[lang]
        self.roster = roster(lang)
        self.names = [NameEntry(m.member_id, m.name, (m.nickname,) if m.nickname else ()) for m in self.roster]
        self.nlu = Nlu(parser=RasaClient(http, nlu_url, settings.nlu.timeout_s), settings=settings.nlu)
        self.plan = HearingPlan()
        self.hearings: dict[tuple[str, str], tuple[Hearing, list[TimedEngine]]] = {}
        self.nlu_sources: set[str] = set()

    async def hearing(self, engine: str, state: State) -> tuple[Hearing, list[TimedEngine]]:
        key = (engine, state)
        if key in self.hearings:
            return self.hearings[key]
        listen = listen_for(state, self.lang, self.roster)
        grammar_engine, open_engine = self.asr.for_lang(self.lang), self.asr.open_for(self.lang)
        if engine == "pocketsphinx":
            plain = await self.plan.for_listen(listen, self.lang, grammar_engine, open_engine, currency=self.currency)
        else:
            if open_engine is None:
                raise RuntimeError(f"no open engine for {self.lang}")
            spec = self.plan.builder.for_listen(listen, self.lang, self.currency)
            phrases: list[str] | None = None
            if spec is not None and state in ("menu", "yes_no", "member_name"):
                try:
                    phrases = list(phrase_tuple(spec))
                except GrammarError:
                    phrases = None
            plain = Hearing(open_engine, phrases)
        timed = [TimedEngine(e) for e in (plain.engine, plain.fallback) if e is not None]
        hearing = Hearing(timed[0], plain.grammar, timed[1] if len(timed) > 1 else None)
        self.hearings[key] = (hearing, timed)
        return self.hearings[key]

    async def turn(self, engine: str, item: Item, pcm: bytes) -> Tally:
        state: State = "menu" if item.state == "oog" else item.state  # type: ignore[assignment]
        hearing, timed = await self.hearing(engine, state)
        marks = [len(t.finals_ms) for t in timed]
        cpu0 = time.process_time()
        try:
            result, _ = await hear_audio(pcm, RATE, hearing, self.lang, self.settings.speech.vad)
        except AsrError:
            result = AsrResult(text="", confidence=0.0, is_final=True)
        cpu = time.process_time() - cpu0
        fed = [ms for t, m in zip(timed, marks, strict=True) for ms in t.finals_ms[m:]]
        finals = [sum(fed)] if fed else []  # a second hearing adds to the wait
        understanding = None
        if result.text:
            understanding = await self.nlu.understand(result.text, self.lang,  # type: ignore[arg-type]
                                                      currency=self.currency, roster=self.names, today=date.today())
            if understanding.source != "none":
                self.nlu_sources.add(understanding.source)
        m = meaning(state, result.text, understanding, lang=self.lang, currency=self.currency, roster=self.roster)
        rejected = not result.text
        ok = correct(item, result.text, rejected, m.intent, m.entities)
        exact = bool(result.text) and words_of(result.text) == words_of(item.text)
        said = (item.state == "oog" and rejected) or exact
        return Tally(1, int(said), int(ok), cpu, len(pcm) / 2 / RATE, finals)


def pct(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def row(label: str, t: Tally, oog: bool = False) -> list[str]:
    acc = f"{t.meaning}/{t.n} = {100 * t.meaning / t.n:.0f} %" if t.n else "-"
    phrase = "" if oog else (f"{100 * t.phrase / t.n:.0f} %" if t.n else "-")
    rtf = f"{t.cpu_s / t.audio_s:.3f}" if t.audio_s else "-"
    return [label, phrase, acc, rtf, f"{pct(t.finals, 0.5):.1f}", f"{pct(t.finals, 0.95):.1f}"]


def table(title: str, per_state: dict[str, Tally]) -> Table:
    out = Table(title=title)
    for col in ("listen state", "words exact", "meaning right (oog: rejected)", "CPU-s / audio-s", "final ms p50",
                "final ms p95"):
        out.add_column(col, justify="right")
    overall = Tally()
    for state in (*STATES, "oog"):
        t = per_state.get(state)
        if t is None:
            continue
        if state != "oog":
            overall.add(t)
        out.add_row(*row("out of grammar (menu)" if state == "oog" else state, t, state == "oog"))
    out.add_row(*row("overall (in grammar)", overall), style="bold")
    return out


def real_recordings() -> list[tuple[Item, bytes]]:
    """Debian pocketsphinx-testdata through the telephone line; [] when the package is not installed."""
    out: list[tuple[Item, bytes]] = []
    for rel, state, said, ents in REAL:
        path = TESTDATA / rel
        if not path.is_file():
            continue
        if path.suffix == ".raw":
            pcm, rate = path.read_bytes(), 16000
        else:
            pcm, rate = read_wav(path)
        line = telephone_line(silence(300, rate) + pcm + silence(500, rate), rate, TYPICAL, seed=seed_of(rel))
        out.append((Item("en", state, said, entities=ents), line))
    return out


async def run(args: argparse.Namespace, console: Console) -> None:
    settings = Settings()
    langs = [x for x in args.lang.split(",") if x]
    engines = [x for x in args.engine.split(",") if x]
    sets = [x for x in args.voices.split(",") if x]
    async with httpx.AsyncClient() as http:
        for lang in langs:
            t0 = time.perf_counter()
            asr = await load_asr_engines(settings.speech, [lang])
            console.print(f"[bold]{lang}[/bold]: engines loaded in {time.perf_counter() - t0:.1f} s "
                          f"({'; '.join(asr.notes)})")
            bench = Bench(settings, lang, asr, http, args.nlu_url)
            corpus = items(lang, per_state=args.per_state)
            for engine in engines:
                if engine == "whisper" and asr.open_for(lang) is None:
                    console.print(f"{lang}: no open (whisper) engine for this language; skipped")
                    continue
                for voice_set in sets:
                    voices = (TEST_VOICES if voice_set == "test" else TUNE_VOICES)[lang]
                    per_state: dict[str, Tally] = defaultdict(Tally)
                    with Progress(console=console, transient=True) as bar:
                        task = bar.add_task(f"{lang} {engine} {voice_set}", total=len(voices) * len(corpus))
                        for voice in voices:
                            for item in corpus:
                                pcm = render(voice, item.text)
                                per_state[item.state].add(await bench.turn(engine, item, pcm))
                                bar.advance(task)
                    names = ", ".join(v.name for v in voices)
                    console.print(table(f"{lang} · {ENGINE_LABEL[engine]} · {voice_set} voices "
                                        f"({'held out' if voice_set == 'test' else 'tuned on'}: {names})", per_state))
            if lang == "en":
                real = real_recordings()
                if not real:
                    console.print("real recordings: pocketsphinx-testdata is not installed "
                                  "(scripts/setup.d/15-apt-test.sh)")
                for engine in engines:
                    if not real or (engine == "whisper" and asr.open_for(lang) is None):
                        continue
                    per_state = defaultdict(Tally)
                    for item, pcm in real:
                        per_state[item.state].add(await bench.turn(engine, item, pcm))
                    console.print(table(f"en · {ENGINE_LABEL[engine]} · real human recordings "
                                        f"(Debian pocketsphinx-testdata, {len(real)} clips, through the line)",
                                        per_state))
            sources = ", ".join(sorted(bench.nlu_sources)) or "none needed"
            console.print(f"{lang}: NLU answered by {sources} (Rasa at {args.nlu_url} when it is up, else the "
                          "keyword fallback)")
    console.print(f"machine: {os.cpu_count()} cores, shared with other work (CPU-s figures are the trustworthy ones; "
                  "wall-clock final latency is inflated under load)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--lang", default="en,sw", help="languages, comma-separated")
    ap.add_argument("--engine", default="pocketsphinx,whisper", help="pocketsphinx and/or whisper")
    ap.add_argument("--voices", default="test,tune", help="test (held out) and/or tune voices")
    ap.add_argument("--per-state", type=int, default=10, help="amounts, names, entries per language (corpus size)")
    ap.add_argument("--nlu-url", default=Settings().nlu.url, help="Rasa server (keyword fallback when it is down)")
    args = ap.parse_args(argv)
    bad = set(args.engine.split(",")) - {"pocketsphinx", "whisper"}
    if bad:
        ap.error(f"unknown engine(s) {', '.join(sorted(bad))}: use pocketsphinx, whisper")
    warnings.simplefilter("ignore", DeprecationWarning)
    for noisy in ("httpx", "nlu", "ivr", "speech"):
        logging.getLogger(noisy).setLevel(logging.ERROR)  # per-turn "NLU degraded" lines would bury the tables
    asyncio.run(run(args, Console(width=120)))


if __name__ == "__main__":
    main()
