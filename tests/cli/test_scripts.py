"""The first hour as a new user: `scripts/run.sh` sets up only what the main job uses (no Coqui's 5.5 GB, no
Chromium, no test-only packages) while `scripts/test.sh` sets up everything; one way to run `ivr` (bin/ivr) used
throughout the README."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STEPS = sorted(p.stem for p in (ROOT / "scripts" / "setup.d").glob("[0-9]*.sh"))


def listed(job: str) -> list[str]:
    out = subprocess.run(["bash", str(ROOT / "scripts" / "setup.sh"), "--for", job, "--list"], capture_output=True,
                         text=True, check=True, timeout=30)
    return out.stdout.split()


def test_the_main_job_sets_up_only_what_the_stack_uses() -> None:
    run = listed("run")
    assert {"10-apt", "20-venv", "30-rasa"} <= set(run)
    assert not {"15-apt-test", "40-coqui", "50-browser"} & set(run)  # test-only: Festival/PostgreSQL, Coqui, Chromium
    assert listed("test") == STEPS  # the tests get everything
    for step in STEPS:
        assert re.search(r"^# for: ", (ROOT / "scripts" / "setup.d" / f"{step}.sh").read_text(), re.M), step
    assert "--for run" in (ROOT / "scripts" / "run.sh").read_text()
    assert "--for test" in (ROOT / "scripts" / "test.sh").read_text()
    apt_run = (ROOT / "scripts" / "setup.d" / "10-apt.sh").read_text()
    assert "festival" not in apt_run and "postgresql" not in apt_run


def fake_venv_setup(tmp_path: Path, job: str) -> list[str]:
    """Run the venv step against a fake pip that records what it was asked to install."""
    (tmp_path / "scripts" / "setup.d").mkdir(parents=True)
    for name in ("lib.sh", "20-venv.sh"):
        shutil.copy(ROOT / "scripts" / "setup.d" / name, tmp_path / "scripts" / "setup.d" / name)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    bin_ = tmp_path / ".venv" / "bin"
    bin_.mkdir(parents=True)
    record = tmp_path / "pip-calls"
    for tool in ("python", "pip"):
        (bin_ / tool).write_text(f'#!/bin/sh\necho "$*" >> {record}\n')
        (bin_ / tool).chmod(0o755)
    env = {"PATH": os.environ["PATH"], "ROOT": str(tmp_path), "IVR_SETUP_FOR": job}
    subprocess.run(["bash", str(tmp_path / "scripts" / "setup.d" / "20-venv.sh")], env=env, check=True, timeout=30)
    return record.read_text().splitlines()


def test_the_run_venv_has_no_test_extras(tmp_path: Path) -> None:
    run = fake_venv_setup(tmp_path / "run", "run")
    assert any(line.endswith("[whisper]") for line in run), run
    test = fake_venv_setup(tmp_path / "test", "test")
    assert any(line.endswith("[dev,whisper,piper]") for line in test), test


def test_one_way_to_run_ivr() -> None:
    result = subprocess.run([str(ROOT / "bin" / "ivr"), "--help"], capture_output=True, text=True, timeout=60,
                            check=False, cwd=ROOT)
    assert result.returncode == 0 and "Usage" in result.stdout, result.stderr
    readme = (ROOT / "README.md").read_text().split("<!-- config-table:start -->")[0]  # the table is generated
    assert ".venv/bin/ivr" not in readme
    bare = [m.group(0) for m in re.finditer(r"`ivr [a-z]+", readme) if m.group(0) != "`ivr serve"]
    assert not bare, f"README commands not run as bin/ivr: {bare}"
    assert '"$ROOT/bin/ivr" stack' in (ROOT / "scripts" / "run.sh").read_text()
