"""`bench/load_calls.py --workers 2` really runs: it starts `ivr serve --workers 2`, registers calls on the shared port
as the dialplan does, runs the callers (keypad and voice) in separate caller processes and prints its table. A
small N: the figures themselves are the bench's to print, not a test's to assert."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def test_load_bench_with_workers_runs_callers_in_their_own_processes() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    proc = subprocess.run([sys.executable, "-m", "bench.load_calls", "--lang", "en", "--calls", "2", "--workers", "2",
                           "--keypad-share", "0.5", "--no-rasa"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    row = next(line for line in proc.stdout.splitlines() if line.startswith("│   en"))
    cells = [c.strip() for c in row.strip("│").split("│")]
    assert cells[2] == "2" and cells[3] == "2/2", row  # N, calls that got their answer
    assert cells[5] != "nan" and cells[7] != "nan", row  # a voice caller and a keypad caller were both measured
    assert "callers in separate processes" in proc.stdout
