"""GET /metrics on the live app (create_app under uvicorn, the real lifespan): Prometheus text with loop lag, calls
and outbox depth; a stall injected through the opt-in chaos hook shows up in it; the hook is off by default."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from ivr.settings import Settings
from models.crypto import install_keyring, keyring_from_settings
from tests.e2e.harness import running_ivr
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port
from tests.fixtures.settings import make_test_settings

pytestmark = [pytest.mark.integration]


def settings_for(tmp_path: Path, ledger: LedgerCoreProcess, **ops: object) -> Settings:
    s = make_test_settings(tmp_path, ledger={"base_url": ledger.base_url}, http={"port": free_port()},
                           audiosocket={"port": free_port()}, ops=ops,
                           calls={"languages": ["en"], "meeting_transcribe_every_s": 0, "warm_prompts": False},
                           speech={"models_dir": tmp_path / "models", "tts": {"cache_dir": tmp_path / "cache"}})
    install_keyring(keyring_from_settings(s))
    return s


def samples(text: str) -> dict[str, float]:
    """Sample values by name, summed over labels (e.g. stalls of every cause)."""
    out: dict[str, float] = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[s.name] = out.get(s.name, 0.0) + s.value
    return out


async def test_metrics_expose_an_injected_stall(tmp_path: Path, ledger_server: LedgerCoreProcess) -> None:
    settings = settings_for(tmp_path, ledger_server, debug_stall_enabled=True, loop_stall_ms=100)
    async with running_ivr(settings) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        r = await http.get("/metrics")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        before = samples(r.text)
        assert before["ivr_calls_active"] == 0 and before["ivr_outbox_pending"] == 0
        assert before["ivr_calls_capacity"] == settings.calls.max_calls
        assert before["ivr_event_loop_lag_seconds_count"] > 0  # the watch runs from start-up on
        assert "# TYPE ivr_reminders gauge" in r.text and "ivr_speech_to_audio_seconds_bucket" in r.text

        stalled = await http.post("/ops/debug/stall", params={"ms": 400})
        assert stalled.status_code == 200 and stalled.json()["stalled_ms"] == 400
        after = samples((await http.get("/metrics")).text)
        assert after["ivr_event_loop_stalls_total"] >= before["ivr_event_loop_stalls_total"] + 1
        waited = [s.value for f in text_string_to_metric_families((await http.get("/metrics")).text)
                  for s in f.samples if s.name == "ivr_event_loop_stalls_total" and s.labels["cause"] == "waited"]
        assert waited and waited[0] >= 1  # time.sleep on the loop: a blocking wait, not CPU
        assert after["ivr_event_loop_lag_max_seconds"] >= 0.35
        assert after["ivr_event_loop_lag_seconds_count"] > before["ivr_event_loop_lag_seconds_count"]


async def test_the_stall_hook_is_off_unless_enabled(tmp_path: Path, ledger_server: LedgerCoreProcess) -> None:
    settings = settings_for(tmp_path, ledger_server, metrics_enabled=False)
    async with running_ivr(settings) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        assert (await http.post("/ops/debug/stall", params={"ms": 400})).status_code == 404
        r = await http.get("/metrics")
        assert r.status_code == 404 and "IVR_OPS__METRICS_ENABLED" in r.text
