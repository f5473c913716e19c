"""Load bench of the live call pipeline: N simultaneous Asterisk-like callers over AudioSocket against the real IVR
runtime with its default engines (pocketsphinx, a grammar per listen state, in English and Swahili; endpointer,
Rasa or keyword NLU, ledger_core over HTTP, the default TTS voices + prompt cache, SQL store). Prints p50/p95
end-of-caller-speech → first bot audio frame, outbound frames later than 40 ms, CPU and memory per call and how many
calls heard the right thing, for each N. Asserts nothing.

Run: .venv/bin/python -m bench.load_calls [--lang en,sw] [--calls 1,10,20,50] [--engine default|whisper|both]
     [--workers N] [--keypad-share F] [--no-rasa]

Each call (a member whose language is remembered): PIN + "#" on the keypad, then (after the menu has played) asks
for savings by voice — English "savings" / "my savings" (Festival slt, Piper joe), Swahili "akiba yangu" (espeak-ng
sw variants), the held-out voices of tests/speech/asr_corpus.py through the telephone line simulation (8 kHz,
band-pass, noise, μ-law) — or, for a share of callers, by keypad ("1"), and waits for the answer. Every caller's line
sends its 20 ms frames all call long (quiet line noise when the caller is silent), as a phone without silence
suppression does (bench/load_caller.py). ``--engine whisper`` makes faster-whisper tiny.en hear every English turn.

Without ``--workers`` the IVR runs in this process and the callers share its loop (their CPU is in the figures).
With ``--workers N`` the bench starts the real ``ivr serve --workers N``, registers each call on the shared HTTP port
as the dialplan does, connects it where the answer says, runs the callers in separate caller processes, and reads
late frames from the workers' /metrics and CPU/memory of the worker processes from /proc (bench/load_fleet.py).
"""

from __future__ import annotations

import argparse
import array
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_caller import CallerJob, CallerResult, CallerSpeech, run_jobs  # noqa: E402
from bench.load_fleet import Fleet, run_caller_processes  # noqa: E402
from ivr.app import run_ivr  # noqa: E402
from ivr.runtime import Runtime  # noqa: E402
from ivr.settings import Settings  # noqa: E402
from ledger_core.demo_people import DemoMember, demo_members  # noqa: E402
from models.base import make_sessionmaker  # noqa: E402
from models.calls import Turn  # noqa: E402
from models.crypto import install_keyring, keyring_from_settings  # noqa: E402
from models.members import MemberPreference  # noqa: E402
from models.migrate import engine_for, upgrade_to_head  # noqa: E402
from models.pins import set_pin  # noqa: E402
from speech.telephone import LineProfile  # noqa: E402
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port, seed_demo_database  # noqa: E402
from tests.fixtures.settings import make_test_settings  # noqa: E402
from tests.speech.asr_corpus import GROUPS, TEST_VOICES, render  # noqa: E402

RATE = 8000
# About -50 dBFS on the noise-free rendering: where the caller's voice has really ended (the latency starts there).
VOICE_AMPLITUDE = 100
NO_NOISE = LineProfile(snr_db=float("inf"))  # the same line (band, μ-law) without its noise
QUIET_AFTER_MS = 1500  # line frames after the answer: the endpointer hears the pause
# Rendered prompts kept between runs (static prompts are the same for every run; personal renderings are encrypted
# with each run's throwaway keys and simply rendered again).
PROMPT_CACHE = ROOT / "var" / "cache" / "bench-load-prompts"
console = Console(width=200)  # wide enough for the table when stdout is a file


def caller_speech(lang: str, engine: str) -> list[CallerSpeech]:
    """The menu answers callers take turns with: English Festival slt "my savings" and Piper joe "savings" (the
    held-out voices; slt's lone "savings" is one pocketsphinx rejects, see bench/speech_asr.py), Swahili two
    held-out espeak-ng sw variants saying "akiba yangu"; all through the telephone line
    (tests/speech/asr_corpus.py, cached). The voice's end is found on a noise-free rendering of the same line."""
    if lang == "en":
        said = [(TEST_VOICES["en"][0], "my savings"), (TEST_VOICES["en"][1], "savings")]
    else:
        said = [(TEST_VOICES["sw"][0], "akiba yangu"), (TEST_VOICES["sw"][1], "akiba yangu")]
    if engine == "whisper":
        said = said[:1]
    out = []
    for voice, text in said:
        pcm = render(voice, text, lead_ms=200, tail_ms=QUIET_AFTER_MS)
        clean = array.array("h", render(voice, text, NO_NOISE, lead_ms=200, tail_ms=0))
        last = max(i for i, x in enumerate(clean) if abs(x) > VOICE_AMPLITUDE)
        out.append(CallerSpeech(voice.name, text, pcm, (last + 1) / RATE))
    return out


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def quiet_line(speech: list[CallerSpeech]) -> bytes:
    """The line's own quiet (its noise after the answer), sent whenever a caller is not talking."""
    return speech[0].pcm[-RATE * 2:]  # the last second (16-bit samples) is line noise only


def make_jobs(n: int, members: list[DemoMember], speech: list[CallerSpeech], keypad_share: float,
              where: list[tuple[uuid.UUID, str, int]]) -> list[CallerJob]:
    """Call i: member i, utterance i; every 1/keypad_share-th call chooses by keypad (an even mix)."""
    jobs = []
    for i in range(n):
        keypad = keypad_share > 0 and int((i + 1) * keypad_share) > int(i * keypad_share)
        cid, host, port = where[i]
        jobs.append(CallerJob(host, port, cid, members[i % len(members)].pin, speech[i % len(speech)], keypad))
    return jobs


def heard_right(settings: Settings, call_ids: list[uuid.UUID], intent: str, key: str) -> int:
    """Calls whose stored turns include the menu intent the caller asked for (what the IVR understood), or its
    keypad choice (a keypad turn is stored as ``keypad:<digits>`` without an intent)."""
    if not call_ids:
        return 0
    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine)() as s:
            rows = s.execute(select(Turn.call_id, Turn.intent, Turn.transcript).where(Turn.call_id.in_(call_ids)))
            return len({cid for cid, i, said in rows if i == intent or said == f"keypad:{key}"})
    finally:
        engine.dispose()


def summarise(n: int, results: list[CallerResult], right: int, late: float, frames: float, cpu_s: float,
              wall: float, mb: float) -> dict[str, Any]:
    voice = sorted(r.latency_ms for r in results if r.latency_ms is not None and not r.keypad)
    keys = sorted(r.latency_ms for r in results if r.latency_ms is not None and r.keypad)
    return {
        "n": n, "ok": len(voice) + len(keys), "failed": sum(r.error is not None for r in results), "right": right,
        "voice": sum(not r.keypad for r in results),
        "p50": statistics.median(voice) if voice else float("nan"), "p95": pct(voice, 0.95),
        "key_p50": statistics.median(keys) if keys else float("nan"), "key_p95": pct(keys, 0.95),
        "late": int(late), "frames": int(frames), "cpu_s_per_call": cpu_s / n,
        "cpu_pct_per_call": 100 * cpu_s / wall / n, "mb_per_call": mb / n, "wall": wall,
        "errors": sorted({r.error for r in results if r.error})[:3],
    }


async def run_n(runtime: Runtime, settings: Settings, n: int, members: list[DemoMember],
                speech: list[CallerSpeech], keypad_share: float) -> dict[str, Any]:
    """N calls against the IVR running in this process (callers on this loop too: their CPU is in the figures)."""
    before_recent = len(runtime.registry.recent)
    rss0, cpu0, t0 = rss_mb(), os.times(), time.monotonic()
    peak = rss0

    async def sample() -> None:
        nonlocal peak
        while True:
            peak = max(peak, rss_mb())
            await asyncio.sleep(0.25)

    sampler = asyncio.create_task(sample())
    port = runtime.audiosocket.port
    where = [(runtime.registry.register(caller=members[i % len(members)].phone, channel="PJSIP/bench").call_id,
              "127.0.0.1", port) for i in range(n)]
    results = await run_jobs(make_jobs(n, members, speech, keypad_share, where), quiet_line(speech))
    sampler.cancel()
    wall = time.monotonic() - t0
    cpu1 = os.times()
    while runtime.registry.sessions:
        await asyncio.sleep(0.05)
    stats = list(runtime.registry.recent)[before_recent:]
    cpu_s = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    right = heard_right(settings, [st.call_id for st in stats], speech[0].intent, speech[0].key)
    return summarise(n, results, right, sum(s.late_frames for s in stats), sum(s.frames_sent for s in stats),
                     cpu_s, wall, peak - rss0)


def run_n_fleet(fleet: Fleet, settings: Settings, n: int, members: list[DemoMember], speech: list[CallerSpeech],
                keypad_share: float) -> dict[str, Any]:
    """N calls against `ivr serve --workers N`, registered over HTTP, callers in their own processes."""
    where = [fleet.register(members[i % len(members)].phone) for i in range(n)]
    m0, cpu0, rss0, t0 = fleet.metrics(), fleet.cpu_s(), fleet.rss_mb(), time.monotonic()
    peak = rss0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.25):
            peak = max(peak, fleet.rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        results, caller_cpu = run_caller_processes(make_jobs(n, members, speech, keypad_share, where),
                                                   quiet_line(speech))
    finally:
        stop.set()
        sampler.join()
    wall = time.monotonic() - t0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # every call ended in its worker (the counters count ended calls)
        m1 = fleet.metrics()
        if m1.get("ivr_calls_completed_total", 0) - m0.get("ivr_calls_completed_total", 0) >= n:
            break
        time.sleep(0.2)
    cpu_s = fleet.cpu_s() - cpu0
    right = heard_right(settings, [cid for cid, _, _ in where], speech[0].intent, speech[0].key)

    def delta(name: str) -> float:
        return m1.get(name, 0.0) - m0.get(name, 0.0)

    row = summarise(n, results, right, delta("ivr_late_frames_total"), delta("ivr_frames_sent_total"), cpu_s,
                    wall, peak - rss0)
    row["caller_cpu_pct"] = 100 * caller_cpu / wall
    row["stalls"] = {c: int(delta(f"ivr_event_loop_stalls_total{{cause={c}}}")) for c in ("cpu", "no_cpu", "waited")}
    return row


def pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else float("nan")


def settings_for(tmp: Path, lang: str, engine: str, ledger_url: str, nlu_url: str) -> Settings:
    asr: dict[str, Any] = {}
    if engine == "whisper":  # the comparison: whisper hears every English turn (what the README's old row measured)
        asr = {"engines": {"en": "whisper"}, "open_engines": {}}
    return make_test_settings(
        tmp, ledger={"base_url": ledger_url}, nlu={"url": nlu_url}, audiosocket={"port": 0},
        calls={"languages": ["en", "sw"], "max_calls": 200},
        speech={"models_dir": tmp / "models", "asr": asr, "tts": {"cache_dir": PROMPT_CACHE}},
    )


def prepare_pins(settings: Settings, members: list[DemoMember], lang: str) -> None:
    install_keyring(keyring_from_settings(settings))
    upgrade_to_head(settings)
    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine).begin() as s:
            for m in members:
                set_pin(s, m.member_id, m.pin)
                s.merge(MemberPreference(member_id=m.member_id, language=lang))  # no language menu
    finally:
        engine.dispose()


def bench_members(lang: str) -> list[DemoMember]:
    phones = [m.phone for m in demo_members()]
    return [m for m in demo_members() if m.group_id == GROUPS[lang][0] and phones.count(m.phone) == 1]


async def bench_one(lang: str, engine: str, counts: list[int], ledger_url: str, nlu_url: str,
                    tmp: Path, keypad_share: float) -> tuple[list[dict[str, Any]], list[str]]:
    members = bench_members(lang)
    settings = settings_for(tmp / f"{lang}-{engine}", lang, engine, ledger_url, nlu_url)
    prepare_pins(settings, members, lang)
    speech = caller_speech(lang, engine)
    rows = []
    async with run_ivr(settings, show_progress=True) as runtime:
        notes = [n for n in runtime.asr.notes if n.startswith(f"{lang}:")]
        await run_n(runtime, settings, 1, members, speech, 0.0)  # warm-up: first renders, first ledger reads
        for n in counts:
            with console.status(f"{lang} {engine}: {n} simultaneous calls…"):
                rows.append(await run_n(runtime, settings, n, members, speech, keypad_share))
    said = ", ".join(f"{s.voice} \"{s.text}\"" for s in speech)
    return rows, [*notes, f"{lang} callers: {said}"]


def bench_fleet(lang: str, engine: str, counts: list[int], ledger_url: str, nlu_url: str, tmp: Path,
                keypad_share: float, workers: int) -> tuple[list[dict[str, Any]], list[str]]:
    members = bench_members(lang)
    settings = settings_for(tmp / f"{lang}-{engine}-w{workers}", lang, engine, ledger_url, nlu_url)
    prepare_pins(settings, members, lang)
    speech = caller_speech(lang, engine)
    with console.status(f"starting ivr serve --workers {workers}…"):
        fleet = Fleet.start(settings, workers, PROMPT_CACHE, ["en", "sw"])
    rows = []
    try:
        for _ in range(workers):  # warm-up: every worker's first renders and ledger reads
            run_n_fleet(fleet, settings, 1, members, speech, 0.0)
        for n in counts:
            with console.status(f"{lang}: {n} simultaneous calls on {workers} worker(s)…"):
                rows.append(run_n_fleet(fleet, settings, n, members, speech, keypad_share))
    finally:
        fleet.stop()
    said = ", ".join(f"{s.voice} \"{s.text}\"" for s in speech)
    return rows, [f"{lang} callers: {said}"]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--engine", choices=["default", "whisper", "both"], default="default",
                    help="default: the configured engines (pocketsphinx grammars); whisper: tiny.en hears English "
                         "turns (the comparison)")
    ap.add_argument("--lang", default="en,sw", help="caller languages, comma-separated")
    ap.add_argument("--calls", default="1,10,20,50")
    ap.add_argument("--workers", type=int, default=0,
                    help="0: the IVR runs in this process with the callers; N >= 1: `ivr serve --workers N` in its "
                         "own processes, callers in separate caller processes")
    ap.add_argument("--keypad-share", type=float, default=None,
                    help="share of callers who choose at the menu by keypad instead of by voice (default 0.5 with "
                         "--workers, else 0)")
    ap.add_argument("--no-rasa", action="store_true", help="keyword NLU fallback instead of a Rasa server")
    args = ap.parse_args(argv)
    counts = [int(x) for x in args.calls.split(",")]
    langs = [x for x in args.lang.split(",") if x]
    keypad_share = args.keypad_share if args.keypad_share is not None else (0.5 if args.workers else 0.0)
    engines = ["default", "whisper"] if args.engine == "both" else [args.engine]
    runs = [(lang, e) for e in engines for lang in langs if e != "whisper" or lang == "en"]
    with tempfile.TemporaryDirectory() as tmp_:
        tmp = Path(tmp_)
        db = f"sqlite:///{tmp / 'ledger.db'}"
        seed_demo_database(db)
        ledger = LedgerCoreProcess(db, free_port()).start().wait_ready()
        rasa = None
        nlu_url = f"http://127.0.0.1:{free_port()}"  # nothing listens: keyword fallback
        try:
            if not args.no_rasa:
                from nlu import server
                from nlu.config import NluSettings

                paths = server.rasa_paths(NluSettings(), ROOT / "var")
                with console.status("starting Rasa…"):
                    rasa = server.start(paths, server.train(paths), port=server.free_port(), timeout_s=300,
                                        log_dir=tmp / "rasa")
                nlu_url = rasa.url
            where = "in this process" if not args.workers else f"ivr serve --workers {args.workers}"
            table = Table(title=f"end of caller speech (or key) → first bot audio frame, client side; IVR {where}")
            for col in ("lang", "engine", "N", "ok", "heard right", "voice p50 ms", "voice p95 ms", "keypad p50 ms",
                        "keypad p95 ms", "late frames (>40 ms) / sent", "CPU-s per call", "CPU % of a core per call",
                        "MB per call", "wall s"):
                table.add_column(col, justify="right")
            notes: list[str] = []
            for lang, engine in runs:
                if args.workers:
                    rows, said = bench_fleet(lang, engine, counts, ledger.base_url, nlu_url, tmp, keypad_share,
                                             args.workers)
                else:
                    rows, said = asyncio.run(bench_one(lang, engine, counts, ledger.base_url, nlu_url, tmp,
                                                       keypad_share))
                notes += said
                for r in rows:
                    table.add_row(lang, "pocketsphinx" if engine == "default" else "whisper tiny.en", str(r["n"]),
                                  f"{r['ok']}/{r['n']}", f"{r['right']}/{r['n']}", f"{r['p50']:.0f}",
                                  f"{r['p95']:.0f}", f"{r['key_p50']:.0f}", f"{r['key_p95']:.0f}",
                                  f"{r['late']} / {r['frames']}", f"{r['cpu_s_per_call']:.2f}",
                                  f"{r['cpu_pct_per_call']:.1f}", f"{r['mb_per_call']:.1f}", f"{r['wall']:.0f}")
                    if "stalls" in r:
                        notes.append(f"{lang} N={r['n']}: loop stalls by cause (ivr_event_loop_stalls_total): "
                                     + ", ".join(f"{c} {k}" for c, k in r["stalls"].items())
                                     + f"; the caller processes used {r['caller_cpu_pct']:.0f} % of a core")
                    for e in r["errors"]:
                        notes.append(f"{lang} N={r['n']}: a call failed: {e}")
            console.print(table)
            for note in notes:
                console.print(note, highlight=False)
            vad = Settings().speech.vad
            callers = ("callers in the IVR's process (their CPU is in the figures)" if not args.workers else
                       f"callers in separate processes; CPU and memory are the {args.workers} worker process(es)'")
            console.print(f"NLU: {'Rasa' if rasa else 'keyword fallback (no Rasa)'}; TTS: the default voices via the "
                          f"prompt cache; endpointer end-of-speech silence {vad.end_silence_ms} ms "
                          f"({vad.grammar_end_silence_ms} ms once the grammar's answer is complete), included in the "
                          f"latency; {keypad_share:.0%} of callers choose by keypad; every caller's line sends its "
                          f"20 ms frames all call long; {callers}; machine: {os.cpu_count()} cores", highlight=False)
        finally:
            if rasa is not None:
                rasa.stop()
            ledger.stop()


if __name__ == "__main__":
    main()
