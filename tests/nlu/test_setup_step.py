"""scripts/setup.d/30-rasa.sh fails with ONE clear line when Python 3.10 is missing, and is a no-op when stamped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run_step(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "ROOT": str(root), **env}
    return subprocess.run(["bash", str(root / "scripts/setup.d/30-rasa.sh")], env=full, capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip


def _fresh_root(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    (root / "scripts/setup.d").mkdir(parents=True)
    for name in ("lib.sh", "30-rasa.sh"):
        shutil.copy(REPO / "scripts/setup.d" / name, root / "scripts/setup.d" / name)
    return root


def test_missing_python310_is_one_clear_line(tmp_path: Path) -> None:
    root = _fresh_root(tmp_path)
    proc = _run_step(root, IVR_RASA_PYTHON=sys.executable)  # the app's 3.11: wrong version on purpose
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Python 3.10 not found" in lines[0] and "IVR_RASA_PYTHON" in lines[0]
    assert not (root / ".venv-rasa").exists()


def test_installed_and_stamped_step_is_a_quick_no_op() -> None:
    """scripts/test.sh ran setup before pytest, so the real checkout is stamped: a rerun looks nothing up."""
    t0 = time.monotonic()
    again = _run_step(REPO, IVR_RASA_PYTHON="/nonexistent")  # would fail if it searched for Python again
    assert again.returncode == 0, again.stderr
    assert time.monotonic() - t0 < 5
