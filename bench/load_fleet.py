"""The IVR side of `bench/load_calls.py --workers N`: the real `ivr serve --workers N` (its own processes, the
production supervisor), calls registered the way Asterisk's dialplan does (POST /asterisk/calls on the shared port,
answered `<uuid> <host:port>`), callers in separate caller processes (bench/load_caller.py), and the server's own
figures read from each worker's /metrics: late outbound frames, frames sent, loop lag; CPU and memory of the worker
processes from /proc.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench.load_caller import CallerJob, CallerResult, run_in_process
from ivr.settings import Settings
from tests.fixtures.ledger_server import free_run

IVR = str(Path(sys.executable).parent / "ivr")
TOKEN = "bench-register-token-0123456789"
CALLERS_PER_PROCESS = 25


def fleet_env(settings: Settings, workers: int, http_port: int, audio_port: int, cache_dir: Path,
              languages: list[str]) -> dict[str, str]:
    """The env of `ivr serve`: the bench's database and keys (PINs were set with them), ledger, NLU, ports."""
    sec = settings.security
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    env.update({
        "IVR_ENV": "development", "IVR_DATA_DIR": str(settings.data_dir),
        "IVR_DATABASE__URL": settings.database.url,
        "IVR_SECURITY__SECRETS_FILE": str(settings.data_dir / "secrets.json"),
        "IVR_SECURITY__ENCRYPTION_KEYS": json.dumps([k.get_secret_value() for k in sec.encryption_keys]),
        "IVR_SECURITY__LOOKUP_HASH_KEY": sec.lookup_hash_key.get_secret_value(),
        "IVR_LEDGER__BASE_URL": settings.ledger.base_url, "IVR_NLU__URL": settings.nlu.url,
        "IVR_HTTP__PORT": str(http_port), "IVR_AUDIOSOCKET__PORT": str(audio_port),
        "IVR_CALLS__REGISTER_TOKEN": TOKEN, "IVR_CALLS__LANGUAGES": json.dumps(languages),
        "IVR_CALLS__MAX_CALLS": "200", "IVR_CALLS__MEETING_TRANSCRIBE_EVERY_S": "0",
        "IVR_CONSOLE__ENABLED": "false", "IVR_SPEECH__MODELS_DIR": str(settings.speech.models_dir),
        "IVR_SPEECH__TTS__CACHE_DIR": str(cache_dir), "IVR_LOG_LEVEL": "WARNING",
    })  # fmt: skip
    if workers > 1:
        env["IVR_OPS__ADVERTISE_HOST"] = "127.0.0.1"
    return env


@dataclass
class Fleet:
    """`ivr serve [--workers N]` running; `private` are the URLs answering for one worker each."""

    proc: subprocess.Popen[bytes]
    workers: int
    http_port: int
    audio_port: int
    log: Path

    @property
    def private(self) -> list[str]:
        if self.workers == 1:
            return [f"http://127.0.0.1:{self.http_port}"]
        return [f"http://127.0.0.1:{self.http_port + 1 + i}" for i in range(self.workers)]

    @classmethod
    def start(cls, settings: Settings, workers: int, cache_dir: Path, languages: list[str]) -> Fleet:
        http_port, audio_port = free_run(1 + workers), free_run(workers)
        env = fleet_env(settings, workers, http_port, audio_port, cache_dir, languages)
        log = settings.data_dir / "serve.log"
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        argv = [IVR, "serve"] + (["--workers", str(workers)] if workers > 1 else [])
        proc = subprocess.Popen(argv, env=env, cwd=settings.data_dir, stdout=subprocess.DEVNULL,
                                stderr=open(log, "wb"))  # noqa: SIM115
        fleet = cls(proc, workers, http_port, audio_port, log)
        fleet.wait_ready()
        return fleet

    def wait_ready(self, timeout_s: float = 600) -> None:
        deadline = time.monotonic() + timeout_s
        with httpx.Client(timeout=5) as http:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError("ivr serve exited: " + self.log.read_text()[-3000:])
                try:
                    if all(http.get(f"{u}/health").status_code == 200 for u in self.private):
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.25)
        raise RuntimeError("ivr serve did not become ready: " + self.log.read_text()[-3000:])

    def pids(self) -> list[int]:
        """The processes doing the work: the workers (children of the supervisor), or the one server."""
        if self.workers == 1:
            return [self.proc.pid]
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return [int(c) for c in children]

    def cpu_s(self) -> float:
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        return total

    def rss_mb(self) -> float:
        total = 0.0
        for pid in self.pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        return total

    def register(self, phone: str) -> tuple[uuid.UUID, str, int]:
        """What the dialplan does: a fresh connection to the shared port (the kernel picks the worker)."""
        with httpx.Client(timeout=30) as http:
            r = http.post(f"http://127.0.0.1:{self.http_port}/asterisk/calls", headers={"X-IVR-Token": TOKEN},
                          data={"caller": phone, "dialled": "100", "channel": "PJSIP/bench", "uniqueid": "1.1"})
        r.raise_for_status()
        parts = r.text.split(" ")
        if len(parts) == 1:  # one process: the bare UUID, the dialplan's AUDIOSOCKET_ADDR
            return uuid.UUID(parts[0]), "127.0.0.1", self.audio_port
        host, port = parts[1].rsplit(":", 1)
        return uuid.UUID(parts[0]), host, int(port)

    def metrics(self) -> dict[str, float]:
        """Samples summed over the workers (name{labels other than worker} → value)."""
        out: dict[str, float] = {}
        with httpx.Client(timeout=30) as http:
            for u in self.private:
                for fam in text_string_to_metric_families(http.get(f"{u}/metrics").text):
                    for s in fam.samples:
                        extra = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()) if k not in ("worker", "pid"))
                        key = s.name + (f"{{{extra}}}" if extra else "")
                        out[key] = out.get(key, 0.0) + s.value
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def run_caller_processes(jobs: list[CallerJob], quiet: bytes) -> tuple[list[CallerResult], float]:
    """Every job at once, spread over caller processes of up to CALLERS_PER_PROCESS calls, started together;
    returns the results in job order and the caller processes' CPU-s."""
    procs = max(1, -(-len(jobs) // CALLERS_PER_PROCESS))
    chunks = [jobs[i::procs] for i in range(procs)]
    start_at = time.time() + 1.0 + 0.3 * procs  # each process imports the peer first
    with ProcessPoolExecutor(procs, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(run_in_process, c, quiet, start_at) for c in chunks]
        done = [f.result() for f in futures]
    by_id = {j.call_id: r for c, (rs, _) in zip(chunks, done, strict=True) for j, r in zip(c, rs, strict=True)}
    return [by_id[j.call_id] for j in jobs], sum(cpu for _, cpu in done)
