"""Integration: the real Rasa 3.6 server (trained and started by the project's own code) parsed through the client."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from nlu import server
from nlu.client import RasaClient
from nlu.config import NluSettings
from nlu.evaluation import evaluate, load_heldout
from nlu.types import NOT_UNDERSTOOD, NluUnavailable
from nlu.understand import Nlu

pytestmark = [pytest.mark.integration, pytest.mark.slow]
DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
MIN_ACCURACY = 0.90


@pytest.mark.parametrize("lang", ["en", "sw"])
async def test_heldout_accuracy(rasa_server: str, lang: str) -> None:
    examples = load_heldout(DATA / f"heldout_{lang}.yml")
    assert len(examples) >= 80
    async with httpx.AsyncClient() as http:
        client = RasaClient(http, rasa_server, timeout_s=2.0)

        async def classify(text: str) -> str:
            return (await client.parse(text)).intent

        report = await evaluate(examples, classify)
    print(
        f"\n[{lang}] held-out n={report.n} accuracy={report.accuracy:.3f} macro-F1={report.macro_f1:.3f} "
        f"p50={report.p50_ms:.1f} ms p95={report.p95_ms:.1f} ms"
    )
    for text, expected, got in report.errors:
        print(f"   miss: {text!r}: expected {expected}, got {got}")
    assert report.accuracy >= MIN_ACCURACY
    assert report.macro_f1 >= MIN_ACCURACY


@pytest.mark.parametrize("lang", ["en", "sw"])
async def test_heldout_accuracy_end_to_end_with_default_threshold(rasa_server: str, lang: str) -> None:
    """What dialogs get: understand() with the default confidence threshold (low-confidence -> fallback/reprompt)."""
    examples = load_heldout(DATA / f"heldout_{lang}.yml")
    async with httpx.AsyncClient() as http:
        nlu = Nlu(parser=RasaClient(http, rasa_server, 2.0), settings=NluSettings())

        async def classify(text: str) -> str:
            return (await nlu.understand(text, lang, currency="KES")).intent  # type: ignore[arg-type]

        report = await evaluate(examples, classify)
    print(f"\n[{lang}] understand(): accuracy={report.accuracy:.3f} macro-F1={report.macro_f1:.3f}")
    assert report.accuracy >= MIN_ACCURACY


async def test_understand_through_real_rasa(rasa_server: str) -> None:
    async with httpx.AsyncClient() as http:
        nlu = Nlu(parser=RasaClient(http, rasa_server, 2.0), settings=NluSettings())
        u = await nlu.understand("uh mary paid elfu mbili na mia tano for akiba", "sw", currency="KES")
    assert u.source == "rasa" and not u.degraded
    assert u.intent == "record_transaction"
    assert (u.entities.amount_minor, u.entities.transaction_type) == (250_000, "savings")


def _cli_env(tmp_path: Path, url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "IVR_NLU__URL": url,
            "IVR_DATA_DIR": str(REPO / "var"),  # the trained-model cache the fixture filled
            "IVR_SECURITY__SECRETS_FILE": str(tmp_path / "secrets.json"),
            "IVR_DATABASE__URL": f"sqlite:///{tmp_path / 'ivr.db'}",
        }
    )
    return env


def _ivr(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    ivr = Path(sys.executable).parent / "ivr"
    return subprocess.run([str(ivr), *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def test_cli_parse_prints_json(rasa_server: str, tmp_path: Path) -> None:
    import json

    proc = _ivr("nlu", "parse", "--lang", "en", "how much have i saved", env=_cli_env(tmp_path, rasa_server))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["intent"] == "check_savings" and out["source"] == "rasa" and out["confidence"] > 0.5
    assert out["ranking"][0]["name"] == "check_savings"
    proc = _ivr("nlu", "parse", "--lang", "sw", "--today", "2026-11-26", "nitalipa elfu tano jumanne ijayo",
                env=_cli_env(tmp_path, rasa_server))  # fmt: skip
    out = json.loads(proc.stdout)
    assert out["intent"] == "will_pay"
    assert out["entities"]["amount_minor"] == 500_000 and out["entities"]["date"] == "2026-12-01"


def test_cli_train_reuses_the_model_for_unchanged_data(rasa_model: Path, tmp_path: Path) -> None:
    proc = _ivr("nlu", "train", env=_cli_env(tmp_path, "http://127.0.0.1:9"))
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()) == rasa_model
    assert rasa_model.name == f"nlu-{server.data_hash(server.rasa_paths(NluSettings(), REPO / 'var').project)}.tar.gz"


def test_cli_parse_with_rasa_down_fails_clearly_or_falls_back(tmp_path: Path) -> None:
    env = _cli_env(tmp_path, f"http://127.0.0.1:{server.free_port()}")
    strict = _ivr("nlu", "parse", "--no-fallback", "yes", env=env)
    assert strict.returncode == 1 and "rasa unreachable" in strict.stderr and "ivr nlu serve" in strict.stderr
    degraded = _ivr("nlu", "parse", "--lang", "sw", "ndio", env=env)
    assert degraded.returncode == 0, degraded.stderr
    assert '"degraded": true' in degraded.stdout and '"intent": "affirm"' in degraded.stdout


STOPPED_CORE = [
    ("yes", "en", "affirm"), ("no", "en", "deny"), ("repeat", "en", "repeat"), ("help", "en", "help"),
    ("stop calling me", "en", "stop_reminders"), ("check my savings", "en", "check_savings"),
    ("ndio", "sw", "affirm"), ("hapana", "sw", "deny"), ("rudia", "sw", "repeat"), ("msaada", "sw", "help"),
    ("usinipigie tena", "sw", "stop_reminders"), ("mkopo wangu", "sw", "check_loan"),
]  # fmt: skip


async def test_with_rasa_stopped_client_raises_and_fallback_answers(rasa_model: Path, tmp_path: Path) -> None:
    paths = server.rasa_paths(NluSettings(), REPO / "var")
    rasa = server.start(paths, rasa_model, port=server.free_port(), timeout_s=300, log_dir=tmp_path)
    async with httpx.AsyncClient() as http:
        client = RasaClient(http, rasa.url, timeout_s=1.0)
        assert (await client.parse("ndio")).intent == "affirm"  # it really was up
        rasa.stop()
        assert rasa.process.poll() is not None
        with pytest.raises(NluUnavailable):
            await client.parse("ndio")
        nlu = Nlu(parser=client, settings=NluSettings())
        for text, lang, intent in STOPPED_CORE:
            u = await nlu.understand(text, lang, currency="KES")  # type: ignore[arg-type]
            assert (u.intent, u.degraded, u.reason) == (intent, True, "rasa_unavailable"), text
        u = await nlu.understand("what is the price of maize", "en", currency="KES")
        assert u.intent == NOT_UNDERSTOOD and u.degraded
