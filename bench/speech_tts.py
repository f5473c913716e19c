"""TTS benchmark with the real engines: time to first audio and real-time factor per engine, time to first audio
of a prompt with a value through the Speaker (cold cache / static parts warm / value phrase cached too), and the
prompt cache (miss vs memory hit vs disk hit; target: a hit starts audio within 20 ms). Prints figures only.

Run: .venv/bin/python -m bench.speech_tts [--repeat N]. Coqui is measured with IVR_SPEECH__TTS__COQUI_MODEL when
set, else with a tiny random VITS built in .venv-coqui (speed only: it babbles); skipped without .venv-coqui.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path

from cryptography.fernet import Fernet
from rich.console import Console
from rich.table import Table

from models.crypto import KeyRing
from speech.audio import duration_ms
from speech.prompt_cache import PromptCache
from speech.tts.base import StreamingTtsEngine, TtsEngine, TtsError
from speech.tts.coqui import CoquiEngine, close_workers
from speech.tts.espeak import EspeakEngine
from speech.tts.pack import PackEngine
from speech.tts.pack_build import build_pack
from speech.tts.piper_engine import PiperEngine
from speech.tts.plan import RenderPlan
from speech.tts.speaker import Speaker
from speech.verbalise import money_words

ROOT = Path(__file__).resolve().parents[1]
TEXTS = {
    "en": "Your savings are " + money_words(1_250_000, "KES", "en") + ". Your next meeting is on Thursday.",
    "sw": "Akiba yako ni " + money_words(1_250_000, "KES", "sw") + ". Mkutano ujao ni Alhamisi.",
}
PACK_TEXT = money_words(1_250_000, "TZS", "sw")


async def _timed(work: Awaitable[bytes]) -> tuple[float, bytes]:
    t0 = time.perf_counter()
    pcm = await work
    return (time.perf_counter() - t0) * 1000, pcm


async def _first_chunk_ms(engine: StreamingTtsEngine, text: str, lang: str) -> float:
    t0 = time.perf_counter()
    stream = engine.stream(text, lang)
    await anext(stream)
    first = (time.perf_counter() - t0) * 1000
    async for _ in stream:
        pass
    return first


async def engine_row(label: str, engine: TtsEngine, text: str, lang: str, repeat: int) -> list[str]:
    await engine.synthesize(text, lang)  # warm-up: model loads are start-up cost, not per-prompt cost
    times, firsts, audio_ms = [], [], 0
    for _ in range(repeat):
        ms, pcm = await _timed(engine.synthesize(text, lang))
        times.append(ms)
        audio_ms = duration_ms(pcm)
        if isinstance(engine, StreamingTtsEngine):
            firsts.append(await _first_chunk_ms(engine, text, lang))
    med = statistics.median(times)
    first = f"{statistics.median(firsts):.1f}" if firsts else f"{med:.1f}"
    return [label, lang, first, f"{med:.1f}", f"{audio_ms / 1000:.2f}", f"{med / audio_ms:.3f}"]


def _coqui_model(tmp: Path) -> str | None:
    python = ROOT / ".venv-coqui" / "bin" / "python"
    if not python.exists():
        return None
    out = tmp / "tiny_vits"
    subprocess.run([str(python), str(ROOT / "tests" / "speech" / "tts_tiny_vits.py"), str(out)], check=True,
                   capture_output=True)
    return str(out)


def _speaker(tmp: Path, lang: str, engine: str, value_rendering: str = "pieces") -> Speaker:
    from bench.intelligibility import speaker_for

    return speaker_for(lang, engine, tmp, value_rendering=value_rendering,
                       pack={"dir": tmp.parent / "packs"})


async def _first(speaker: Speaker, plan: RenderPlan) -> float:
    t0 = time.perf_counter()
    stream = speaker.stream(plan)
    await anext(stream)
    ms = (time.perf_counter() - t0) * 1000
    async for _ in stream:
        pass
    return ms


async def ttfa_rows(tmp: Path, repeat: int) -> list[list[str]]:
    """Time to first audio of "your loan balance is <amount>" through the Speaker, per engine and mode."""
    from dialogs.prompts import plan
    from dialogs.prompts.samples import sample_plans
    from dialogs.values import Money, Value

    rows = []
    setups = [("en", "piper", "lead"), ("en", "piper", "pieces"), ("en", "piper", "sentences"),
              ("en", "espeak", "lead"), ("sw", "espeak", "lead"), ("sw", "pack", "lead")]
    for n, (lang, engine, mode) in enumerate(setups):
        cur = "KES" if lang == "en" else "TZS"
        cold, warm, hot = [], [], []
        for i in range(repeat):
            sp = _speaker(tmp / f"ttfa-{n}-{i}", lang, engine, mode)
            await asyncio.to_thread(sp.preload, lang)  # the voice loads at start-up, not per call
            cold.append(await _first(sp, plan("loan_balance", {"amount": Money(1_000_000 + 700 * i, cur)}, lang)))
            # start-up warming (here only what these two prompts need: the app warms every prompt)
            await sp.warm([p for p in sample_plans([lang]) if p.prompt_id in ("loan_balance", "fines_due")],
                          show_progress=False)
            amount: dict[str, Value] = {"amount": Money(2_345_600 + 1_300 * i, cur)}  # a figure no one said yet
            warm.append(await _first(sp, plan("loan_balance", amount, lang)))
            hot.append(await _first(sp, plan("fines_due", amount, lang)))  # same figure, other prompt
        rows.append([f"{engine} ({mode})", lang, *(f"{statistics.median(v):.1f}" for v in (cold, warm, hot))])
    return rows


async def _print_ttfa(console: Console, tmp: Path, repeat: int) -> None:
    ttfa = Table(title="Time to first audio of a prompt with a value, through the Speaker (ms, median): "
                       "cold = empty cache; warm = static parts pre-rendered, new figure; "
                       "hot = the figure said before")
    for col in ("engine (values as)", "lang", "cold", "warm", "hot"):
        ttfa.add_column(col)
    for row in await ttfa_rows(tmp, repeat):
        ttfa.add_row(*row)
    console.print(ttfa)


async def main(repeat: int, only_ttfa: bool = False) -> None:
    console = Console()
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        if only_ttfa:
            from dialogs.prompts.samples import recording_clips

            await build_pack(EspeakEngine(), "sw", tmp / "packs" / "sw", recording_clips("sw"))
            await _print_ttfa(console, tmp, repeat)
            return
        table = Table(title="TTS engines, uncached (TTFA: first sentence for streaming engines, else whole text)")
        for col in ("engine", "lang", "TTFA ms", "whole ms", "audio s", "RTF"):
            table.add_column(col)
        espeak = EspeakEngine()
        rows = [await engine_row("espeak-ng", espeak, TEXTS[lang], lang, repeat) for lang in ("en", "sw")]
        t0 = time.perf_counter()
        piper = PiperEngine()
        piper.preload("en")
        piper_load = (time.perf_counter() - t0) * 1000
        rows.append(await engine_row(f"piper joe (load {piper_load:.0f} ms)", piper, TEXTS["en"], "en", repeat))
        from dialogs.prompts.samples import recording_clips

        await build_pack(espeak, "sw", tmp / "packs" / "sw", recording_clips("sw"))
        rows.append(await engine_row("pack (espeak clips)", PackEngine(tmp / "packs"), PACK_TEXT, "sw", repeat))
        model = _coqui_model(tmp)
        if model:
            coqui = CoquiEngine(model, ROOT / ".venv-coqui" / "bin" / "python")
            t0 = time.perf_counter()
            await coqui.start()
            start_ms = (time.perf_counter() - t0) * 1000
            try:
                rows.append(await engine_row(f"coqui tiny VITS (start {start_ms:.0f} ms)", coqui, TEXTS["en"], "en",
                                             repeat))
            except TtsError as exc:
                console.print(f"coqui: {exc}")
            close_workers()
        else:
            console.print("coqui: skipped (no .venv-coqui; run scripts/setup.sh)")
        for row in rows:
            table.add_row(*row)
        console.print(table)

        await _print_ttfa(console, tmp, repeat)

        cache_table = Table(title="Prompt cache (Piper, English; target hit <= 20 ms to first audio)")
        for col in ("case", "ms (median)", "ms (max)"):
            cache_table.add_column(col)
        ring = KeyRing([Fernet.generate_key().decode()], "bench-lookup-key")
        for pii in (False, True):
            misses, mem_hits, disk_hits = [], [], []
            for i in range(repeat):
                text = f"{TEXTS['en']} Reference {i}."  # a new text each round: a real miss
                cache = PromptCache(tmp / "cache", keyring=ring)
                misses.append((await _timed(cache.get(piper, text, "en", pii=pii)))[0])
                mem_hits.append((await _timed(cache.get(piper, text, "en", pii=pii)))[0])
                fresh = PromptCache(tmp / "cache", keyring=ring)  # a new process: disk (and decryption)
                disk_hits.append((await _timed(fresh.get(piper, text, "en", pii=pii)))[0])
            tag = "PII, encrypted" if pii else "static"
            for name, vals in (("miss (render + store)", misses), ("memory hit", mem_hits),
                               ("disk hit", disk_hits)):
                cache_table.add_row(f"{tag}: {name}", f"{statistics.median(vals):.2f}", f"{max(vals):.2f}")
        console.print(cache_table)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only-ttfa", action="store_true", help="Only the Speaker time-to-first-audio table.")
    args = parser.parse_args()
    asyncio.run(main(args.repeat, args.only_ttfa))
