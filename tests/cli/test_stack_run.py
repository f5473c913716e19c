"""`ivr stack` as a new user sees it, and as an operator kills it: preparation prints a few lines and no library
log (no "PIN set for member" per membership); once every service answers, the demo callers come first and the
softphone URL last; and a stack killed with SIGKILL leaves none of its children running (parent-death signal)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger_core.demo_people import demo_members
from tests.fixtures.ledger_server import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import json, sys
from pathlib import Path
from ivr.cli.common import configure_logging
from ivr.cli.stack import ManagedService, prepare, run_stack
from tests.fixtures.settings import make_test_settings

tmp, ports = Path(sys.argv[1]), json.loads(sys.argv[2])
settings = make_test_settings(tmp, http={"host": "127.0.0.1", "port": ports[1]})
configure_logging("INFO")  # what `ivr stack` runs with by default
prepare(settings)

def service(name, port):  # a stand-in child with a health URL (the real ones take minutes to load models)
    return ManagedService(name=name, argv=[sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                          health_url=f"http://127.0.0.1:{port}/", host="127.0.0.1", port=port,
                          port_setting="IVR_TEST_PORT", log_file=tmp / "logs" / f"{port}.log")

sys.exit(run_stack(settings, [service("core ledger", ports[0]), service("IVR", ports[1])]))
"""


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie (dead, not yet reaped by init) counts as gone
        return fh.read().split(")")[-1].split()[0] != "Z"


@pytest.mark.integration
def test_stack_output_order_and_nothing_survives_a_sigkill(tmp_path: Path) -> None:
    ports = [free_port(), free_port()]
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path), json.dumps(ports)], cwd=ROOT,
                            env={**env, "PYTHONPATH": str(ROOT), "COLUMNS": "160"}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    kids: list[int] = []
    try:
        assert proc.stdout is not None
        out: list[str] = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            out.append(line.rstrip("\n"))
            if line.startswith("stack running"):
                break
        assert out and out[-1].startswith("stack running"), "\n".join(out)
        kids = children_of(proc.pid)
        assert len(kids) == 2, kids

        text = "\n".join(out)
        assert "PIN set" not in text
        softphone = next(i for i, ln in enumerate(out) if "/phone" in ln)
        last_caller = max(i for i, ln in enumerate(out) if demo_members()[-1].phone in ln)
        assert last_caller < softphone == len(out) - 2, text  # callers first; the softphone URL last
        assert len(out) < 80, f"{len(out)} lines before the stack says it runs"

        os.kill(proc.pid, signal.SIGKILL)  # no chance to stop its children
        proc.wait(10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(alive(k) for k in kids):
            time.sleep(0.1)
        assert not [k for k in kids if alive(k)], "children outlived a SIGKILLed stack"
        assert proc.stderr is not None
        logs = proc.stderr.read()
        assert "PIN set for member" not in logs and "alembic" not in logs, logs[-2000:]
    finally:
        for k in kids:
            if alive(k):
                os.kill(k, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
