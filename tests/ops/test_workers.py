"""`ivr serve --workers 2` as a real command: registrations on the shared HTTP port are answered with the AudioSocket
address of the worker that took them; calls connected there over the AudioSocket protocol are owned by that worker
and complete. Chaos: a loop stall injected in one worker (the opt-in hook) leaves no gap in the other's audio."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.fixtures.ledger_server import LedgerCoreProcess, free_run
from tests.peers.asterisk_audiosocket import FakeAsteriskCall

pytestmark = [pytest.mark.integration, pytest.mark.slow]
IVR = str(Path(sys.executable).parent / "ivr")
TOKEN = "workers-register-token"
STALL_MS = 1500


def active(text: str) -> float:
    return next(s.value for f in text_string_to_metric_families(text) for s in f.samples
                if s.name == "ivr_calls_active")


def metric(text: str) -> dict[str, float]:
    """Samples by name (labels other than `worker` folded into the name)."""
    out = {}
    for f in text_string_to_metric_families(text):
        for s in f.samples:
            extra = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()) if k != "worker")
            out[s.name + (f"{{{extra}}}" if extra else "")] = s.value
    return out


def worst_gap(arrivals: list[float], start: float, end: float) -> float:
    inside = [t for t in arrivals if start <= t <= end]
    return max((b - a for a, b in itertools.pairwise(inside)), default=0.0)


async def test_two_workers_own_their_calls_and_a_stall_stays_in_its_worker(
    tmp_path: Path, ledger_server: LedgerCoreProcess
) -> None:
    http_port, audio_port = free_run(3), free_run(2)
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    env.update({
        "IVR_ENV": "development", "IVR_DATA_DIR": str(tmp_path / "var"),
        "IVR_LEDGER__BASE_URL": ledger_server.base_url, "IVR_HTTP__PORT": str(http_port),
        "IVR_AUDIOSOCKET__PORT": str(audio_port), "IVR_CALLS__REGISTER_TOKEN": TOKEN,
        "IVR_CALLS__LANGUAGES": '["en"]', "IVR_CALLS__WARM_PROMPTS": "false",
        "IVR_CALLS__MEETING_TRANSCRIBE_EVERY_S": "0", "IVR_CONSOLE__ENABLED": "false",
        "IVR_OPS__DEBUG_STALL_ENABLED": "true",
    })  # fmt: skip
    proc = subprocess.Popen([IVR, "serve", "--workers", "2"], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=open(tmp_path / "serve.log", "wb"))  # noqa: SIM115
    private = [f"http://127.0.0.1:{http_port + 1 + i}" for i in range(2)]
    calls: list[FakeAsteriskCall] = []
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            for _ in range(1200):  # each worker loads its own engines
                try:
                    codes = [(await http.get(f"{u}/health")).status_code for u in private]
                    if codes == [200, 200]:
                        break
                except httpx.TransportError:
                    pass
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
                await asyncio.sleep(0.25)
            else:
                raise AssertionError("workers did not start: " + (tmp_path / "serve.log").read_text()[-3000:])

            # registrations on the shared port: a new connection each, spread over the workers by the kernel
            by_addr: dict[str, uuid.UUID] = {}
            for _ in range(60):
                async with httpx.AsyncClient(timeout=10) as fresh:
                    r = await fresh.post(f"http://127.0.0.1:{http_port}/asterisk/calls", headers={"X-IVR-Token": TOKEN},
                                         data={"caller": "+254700000001", "dialled": "100", "channel": "PJSIP/a-1",
                                               "uniqueid": "1.1"})
                call_id, addr = r.text.split(" ")
                assert r.status_code == 200 and len(call_id) == 36, r.text
                by_addr.setdefault(addr, uuid.UUID(call_id))
                if len(by_addr) == 2:
                    break
            assert sorted(by_addr) == [f"127.0.0.1:{audio_port}", f"127.0.0.1:{audio_port + 1}"]

            for i in range(2):  # connect each call where its answer said
                call_id = by_addr[f"127.0.0.1:{audio_port + i}"]
                calls.append(await FakeAsteriskCall("127.0.0.1", audio_port + i, call_id).connect())
            await asyncio.sleep(1.0)
            for i, call in enumerate(calls):
                assert call.audio_arrivals(), f"worker {i} sent no audio"
                assert active((await http.get(f"{private[i]}/metrics")).text) == 1  # owned by the named worker

            # chaos: block worker 0's loop; worker 1's call keeps its 20 ms clock
            t0 = time.monotonic()  # the peer stamps arrivals on this clock
            stalled = await http.post(f"{private[0]}/ops/debug/stall", params={"ms": STALL_MS})
            t1 = time.monotonic()
            assert stalled.status_code == 200
            await asyncio.sleep(0.3)
            hit = worst_gap(calls[0].audio_arrivals(), t0 - 0.5, t1 + 0.3)
            spared = worst_gap(calls[1].audio_arrivals(), t0 - 0.5, t1 + 0.3)
            assert hit >= STALL_MS / 1000 * 0.8, hit  # the stall really stopped worker 0's audio
            assert spared < STALL_MS / 1000 / 2, spared  # ... and not worker 1's
            print(f"stall {STALL_MS} ms in worker 0: its call's worst frame gap {hit * 1000:.0f} ms, "
                  f"worker 1's {spared * 1000:.0f} ms")

            for call in calls:  # both calls complete: the caller hangs up, each worker ends its call
                await call.hang_up()
            for u in private:
                for _ in range(100):
                    if (await http.get(f"{u}/ops/calls")).json()["completed"] == 1:
                        break
                    await asyncio.sleep(0.1)
                assert (await http.get(f"{u}/ops/calls")).json()["completed"] == 1
            ended = [metric((await http.get(f"{u}/metrics")).text) for u in private]
            for m in ended:
                assert sum(v for k, v in m.items() if k.startswith("ivr_calls_ended_total")) == 1
                assert m["ivr_frames_sent_total"] > 0
            assert ended[0]["ivr_late_frames_total"] >= 1  # worker 0 saw its own stall as late frames
    finally:
        for call in calls:
            await call.close()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, (tmp_path / "serve.log").read_text()[-3000:]
