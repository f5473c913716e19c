"""Load bench of the live call pipeline: N simultaneous Asterisk-like callers over AudioSocket against the real IVR
runtime with its default engines (pocketsphinx, a grammar per listen state, in English and Swahili; endpointer,
Rasa or keyword NLU, ledger_core over HTTP, the default TTS voices + prompt cache, SQL store). Prints p50/p95
end-of-caller-speech → first bot audio frame, outbound frames later than 40 ms, CPU and memory per call and how many
calls heard the right thing, for each N. Asserts nothing.

Run: .venv/bin/python -m bench.load_calls [--lang en,sw] [--calls 1,10,20,50] [--engine default|whisper|both]
     [--no-rasa]

Each call (a member whose language is remembered): PIN + "#" on the keypad, then (after the menu has played) asks
for savings by voice — English "savings" / "my savings" (Festival slt, Piper joe), Swahili "akiba yangu" (espeak-ng
sw variants), the held-out voices of tests/speech/asr_corpus.py through the telephone line simulation (8 kHz,
band-pass, noise, μ-law) — on a phone without silence suppression (quiet line frames keep coming), and waits for
the answer. ``--engine whisper`` makes faster-whisper tiny.en hear every English turn (the comparison figure).
Callers run in this process (their CPU, ~1 frame per 20 ms each, is in the CPU figures); ``caller()`` needs only
the AudioSocket address and a registered call id, so callers can move to other processes.
"""

from __future__ import annotations

import argparse
import array
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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
from tests.peers.asterisk_audiosocket import FakeAsteriskCall  # noqa: E402
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


@dataclass(frozen=True)
class CallerSpeech:
    """What one caller says at the menu: call audio (8 kHz, through the line, then quiet line frames), where the
    voice ends in it (s), and the menu intent it must be heard as."""

    voice: str
    text: str
    pcm: bytes
    voice_end_s: float
    intent: str = "check_savings"


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


async def wait_quiet(call: FakeAsteriskCall, since: float, quiet_s: float = 0.8, timeout: float = 90) -> float:
    """Wait until the bot spoke after `since` and then paused; returns the arrival of its first voiced frame.
    (Scans only frames that arrived since the last look: the caller's own CPU stays small at 50 calls.)"""
    deadline = time.monotonic() + timeout
    seen = 0
    first: float | None = None
    last: float | None = None
    while time.monotonic() < deadline:
        received = call.received
        for r in received[seen:]:
            if r.at >= since and any(r.payload):
                first = r.at if first is None else first
                last = r.at
        seen = len(received)
        if first is not None and last is not None and time.monotonic() - last >= quiet_s:
            return first
        if call.ended_by is not None:
            raise RuntimeError(f"call ended ({call.ended_by})")
        await asyncio.sleep(0.05)
    raise RuntimeError("the bot said nothing in time")


@dataclass
class CallerResult:
    """What one caller measured (picklable: a caller could run in another process)."""

    latency_ms: float | None = None
    error: str | None = None


async def caller(host: str, port: int, call_id: uuid.UUID, pin: str, speech: CallerSpeech) -> CallerResult:
    """One Asterisk-like caller: waits for the welcome, types the PIN + #, waits for the menu, says its choice by
    voice (20 ms frames on the clock) and measures end of its voice → first voiced bot frame. Needs only the IVR's
    AudioSocket address and a registered call id, so it can run in any process or machine."""
    call = await FakeAsteriskCall(host, port, call_id).connect()
    try:
        await wait_quiet(call, 0.0)  # welcome + "please type your PIN"
        await call.press(pin + "#")
        await wait_quiet(call, time.monotonic())  # the menu
        started = time.monotonic()
        sending = asyncio.create_task(call.send_audio(speech.pcm))
        spoken_end = started + speech.voice_end_s  # the last voiced sample left the caller here
        first = await wait_quiet(call, spoken_end, quiet_s=0.5)
        await sending
        return CallerResult(latency_ms=(first - spoken_end) * 1000)
    except (RuntimeError, OSError) as exc:
        return CallerResult(error=str(exc))
    finally:
        await call.close()


async def run_callers(runtime: Runtime, jobs: list[tuple[DemoMember, CallerSpeech]]) -> list[CallerResult]:
    """Register every call with the IVR, then run all callers at once in this process. (A ``--workers`` option
    would hand (host, port, call_id, pin, speech) tuples to caller processes instead.)"""
    port = runtime.audiosocket.port
    registered = [(runtime.registry.register(caller=m.phone, channel="PJSIP/bench").call_id, m.pin, s)
                  for m, s in jobs]
    return list(await asyncio.gather(*(caller("127.0.0.1", port, cid, pin, s) for cid, pin, s in registered)))


def heard_right(settings: Settings, call_ids: list[uuid.UUID], intent: str) -> int:
    """Calls whose stored turns include the menu intent the caller asked for (what the IVR understood)."""
    if not call_ids:
        return 0
    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine)() as s:
            return len(set(s.scalars(select(Turn.call_id).where(Turn.call_id.in_(call_ids), Turn.intent == intent))))
    finally:
        engine.dispose()


async def run_n(runtime: Runtime, settings: Settings, n: int, members: list[DemoMember],
                speech: list[CallerSpeech]) -> dict[str, Any]:
    before_recent = len(runtime.registry.recent)
    rss0, cpu0, t0 = rss_mb(), os.times(), time.monotonic()
    peak = rss0

    async def sample() -> None:
        nonlocal peak
        while True:
            peak = max(peak, rss_mb())
            await asyncio.sleep(0.25)

    sampler = asyncio.create_task(sample())
    jobs = [(members[i % len(members)], speech[i % len(speech)]) for i in range(n)]
    results = await run_callers(runtime, jobs)
    sampler.cancel()
    wall = time.monotonic() - t0
    cpu1 = os.times()
    while runtime.registry.sessions:
        await asyncio.sleep(0.05)
    stats = list(runtime.registry.recent)[before_recent:]
    cpu_s = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    q = sorted(r.latency_ms for r in results if r.latency_ms is not None)
    srv = sorted(x for st in stats for x in st.speech_to_audio_ms)
    return {
        "n": n, "ok": len(q), "failed": sum(r.error is not None for r in results),
        "right": heard_right(settings, [st.call_id for st in stats], speech[0].intent),
        "p50": statistics.median(q) if q else float("nan"), "p95": pct(q, 0.95),
        "server_p50": statistics.median(srv) if srv else float("nan"),
        "late": sum(s.late_frames for s in stats), "frames": sum(s.frames_sent for s in stats),
        "cpu_s_per_call": cpu_s / n, "cpu_pct_per_call": 100 * cpu_s / wall / n, "mb_per_call": (peak - rss0) / n,
        "wall": wall,
    }


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


async def bench_one(lang: str, engine: str, counts: list[int], ledger_url: str, nlu_url: str,
                    tmp: Path) -> tuple[list[dict[str, Any]], list[str]]:
    phones = [m.phone for m in demo_members()]
    members = [m for m in demo_members() if m.group_id == GROUPS[lang][0] and phones.count(m.phone) == 1]
    settings = settings_for(tmp / f"{lang}-{engine}", lang, engine, ledger_url, nlu_url)
    prepare_pins(settings, members, lang)
    speech = caller_speech(lang, engine)
    rows = []
    async with run_ivr(settings, show_progress=True) as runtime:
        notes = [n for n in runtime.asr.notes if n.startswith(f"{lang}:")]
        await run_n(runtime, settings, 1, members, speech)  # warm-up: first renders, first ledger reads
        for n in counts:
            with console.status(f"{lang} {engine}: {n} simultaneous calls…"):
                rows.append(await run_n(runtime, settings, n, members, speech))
    said = ", ".join(f"{s.voice} \"{s.text}\"" for s in speech)
    return rows, [*notes, f"{lang} callers: {said}"]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--engine", choices=["default", "whisper", "both"], default="default",
                    help="default: the configured engines (pocketsphinx grammars); whisper: tiny.en hears English "
                         "turns (the comparison)")
    ap.add_argument("--lang", default="en,sw", help="caller languages, comma-separated")
    ap.add_argument("--calls", default="1,10,20,50")
    ap.add_argument("--no-rasa", action="store_true", help="keyword NLU fallback instead of a Rasa server")
    args = ap.parse_args(argv)
    counts = [int(x) for x in args.calls.split(",")]
    langs = [x for x in args.lang.split(",") if x]
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
            table = Table(title="end of caller speech → first bot audio frame (client side), per N simultaneous calls")
            for col in ("lang", "engine", "N", "ok", "heard right", "p50 ms", "p95 ms", "server p50 ms",
                        "late frames (>40 ms) / sent", "CPU-s per call", "CPU % of a core per call", "MB per call",
                        "wall s"):
                table.add_column(col, justify="right")
            notes: list[str] = []
            for lang, engine in runs:
                rows, said = asyncio.run(bench_one(lang, engine, counts, ledger.base_url, nlu_url, tmp))
                notes += said
                for r in rows:
                    table.add_row(lang, "pocketsphinx" if engine == "default" else "whisper tiny.en", str(r["n"]),
                                  f"{r['ok']}/{r['n']}", f"{r['right']}/{r['n']}", f"{r['p50']:.0f}",
                                  f"{r['p95']:.0f}", f"{r['server_p50']:.0f}", f"{r['late']} / {r['frames']}",
                                  f"{r['cpu_s_per_call']:.2f}", f"{r['cpu_pct_per_call']:.1f}",
                                  f"{r['mb_per_call']:.1f}", f"{r['wall']:.0f}")
            console.print(table)
            for note in notes:
                console.print(note, highlight=False)
            vad = Settings().speech.vad
            console.print(f"NLU: {'Rasa' if rasa else 'keyword fallback (no Rasa)'}; TTS: the default voices via the "
                          f"prompt cache; endpointer end-of-speech silence {vad.end_silence_ms} ms "
                          f"({vad.grammar_end_silence_ms} ms once the grammar's answer is complete), included in the "
                          f"latency; callers run in the IVR's process (their CPU is in the figures); machine: "
                          f"{os.cpu_count()} cores, shared with other work", highlight=False)
        finally:
            if rasa is not None:
                rasa.stop()
            ledger.stop()


if __name__ == "__main__":
    main()
