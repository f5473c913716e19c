"""Coqui engine for real: a tiny randomly initialised VITS is built in .venv-coqui at test time, loaded by the
worker process and synthesised through the engine (the voice babbles; load + synthesis + conversion are real)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from speech.audio import duration_ms, rms_dbfs
from speech.tts.base import TtsError, TtsUnavailable
from speech.tts.coqui import CoquiEngine, close_workers, get_worker
from speech.tts.factory import build_tts
from tests.fixtures.settings import make_test_settings

ROOT = Path(__file__).resolve().parents[2]
COQUI_PY = ROOT / ".venv-coqui" / "bin" / "python"
BUILDER = Path(__file__).with_name("tts_tiny_vits.py")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(not COQUI_PY.exists(), reason="no .venv-coqui: run scripts/setup.sh (step 40-coqui)"),
]


@pytest.fixture(scope="module")
def tiny_vits(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("tiny_vits")
    subprocess.run([str(COQUI_PY), str(BUILDER), str(out)], check=True, capture_output=True, timeout=300)
    assert (out / "config.json").exists() and (out / "best_model.pth").exists()
    yield out
    close_workers()


async def test_tiny_vits_loads_and_synthesises_8khz_audio(tiny_vits: Path) -> None:
    engine = CoquiEngine(str(tiny_vits), COQUI_PY)
    await engine.start()
    short = await engine.synthesize("hello", "en")
    long = await engine.synthesize("hello there, this is a much longer sentence to say", "en")
    worker = get_worker(COQUI_PY, str(tiny_vits), 180)
    assert worker.rate == 16000  # the model's rate; the engine hands back telephone rate
    for pcm in (short, long):
        assert len(pcm) % 2 == 0
        assert 50 < duration_ms(pcm) < 30_000  # an untrained duration predictor: only the bounds are meaningful
        assert rms_dbfs(pcm) > -60.0  # not digital silence
    raw, rate = worker.request("hello", "", "en")
    assert rate == 16000 and len(raw) % 2 == 0 and len(raw) > 0


async def test_worker_is_loaded_once_per_process(tiny_vits: Path) -> None:
    first = get_worker(COQUI_PY, str(tiny_vits), 180)
    engine = build_tts(make_test_settings(Path("/nonexistent"), speech={
        "tts": {"coqui": {"model": str(tiny_vits), "python": COQUI_PY}}}), "en", "coqui")
    await engine.synthesize("again", "en")
    assert get_worker(COQUI_PY, str(tiny_vits), 180) is first
    assert first.alive()


async def test_worker_restarts_after_it_dies(tiny_vits: Path) -> None:
    worker = get_worker(COQUI_PY, str(tiny_vits), 180)
    worker.proc.kill()
    worker.proc.wait()
    pcm = await CoquiEngine(str(tiny_vits), COQUI_PY).synthesize("back again", "en")
    assert duration_ms(pcm) > 50
    assert get_worker(COQUI_PY, str(tiny_vits), 180) is not worker


async def test_model_dir_without_checkpoint_is_unavailable(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(TtsUnavailable, match="IVR_SPEECH__TTS__COQUI__MODEL"):
        await CoquiEngine(str(tmp_path), COQUI_PY, start_timeout_s=120).synthesize("hello", "en")


async def test_missing_venv_names_the_setup_step(tmp_path: Path) -> None:
    with pytest.raises(TtsUnavailable, match="40-coqui"):
        await CoquiEngine(str(tmp_path), tmp_path / "nope" / "python").synthesize("hello", "en")


def test_no_model_configured_names_the_setting() -> None:
    with pytest.raises(TtsUnavailable, match="IVR_SPEECH__TTS__COQUI__MODEL"):
        CoquiEngine("", Path(sys.executable))


async def test_timeout_kills_a_stuck_worker_and_the_next_call_recovers(tiny_vits: Path) -> None:
    first = get_worker(COQUI_PY, str(tiny_vits), 180)
    hasty = CoquiEngine(str(tiny_vits), COQUI_PY, timeout_s=0.001)
    with pytest.raises(TtsError, match="IVR_SPEECH__TTS__TIMEOUT_S"):
        await hasty.synthesize("a sentence long enough to take more than a millisecond to say", "en")
    first.proc.wait(timeout=10)
    assert not first.alive()
    assert duration_ms(await CoquiEngine(str(tiny_vits), COQUI_PY).synthesize("fine again", "en")) > 50
