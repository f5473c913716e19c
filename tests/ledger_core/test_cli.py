"""`ivr ledger seed --demo` and `ivr stack`, run as real commands in subprocesses on throwaway paths."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from ledger_core.demo_people import SHARED_PERSON, demo_members
from tests.fixtures.ledger_server import free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]
IVR = str(Path(sys.executable).parent / "ivr")


def _env(tmp: Path, port: int = 8100) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    env.update({
        "IVR_ENV": "development",
        "IVR_DATA_DIR": str(tmp / "var"),
        "IVR_DATABASE__URL": f"sqlite:///{tmp / 'var' / 'ivr.db'}",
        "IVR_LEDGER_CORE__DATABASE_URL": f"sqlite:///{tmp / 'var' / 'ledger_core.db'}",
        "IVR_LEDGER_CORE__PORT": str(port),
        "IVR_SECURITY__SECRETS_FILE": str(tmp / "var" / "secrets.json"),
        # The full stack also starts Rasa and the IVR: free ports, so a developer's own stack never collides.
        "IVR_NLU__URL": f"http://127.0.0.1:{free_port()}",
        "IVR_HTTP__PORT": str(free_port()),
        "IVR_AUDIOSOCKET__PORT": str(free_port()),
        "COLUMNS": "200",
    })
    return env


def _spawn_stack(tmp: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    """`ivr stack` in its own process group, so cleanup reaches Rasa and the IVR too (see _stop_group)."""
    return subprocess.Popen([IVR, "stack", *extra], env=_env(tmp, port), cwd=tmp, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _stop_group(proc: subprocess.Popen[str]) -> None:
    """Whatever the test's outcome, no child of the stack outlives it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([IVR, *args], env=_env(tmp), cwd=tmp, capture_output=True, text=True, timeout=300)


def _transactions(tmp: Path) -> int:
    with sqlite3.connect(tmp / "var" / "ledger_core.db") as con:
        return int(con.execute("SELECT COUNT(*) FROM lc_transactions").fetchone()[0])


def test_seed_demo_is_idempotent_and_sets_pins(tmp_path: Path) -> None:
    first = _run(tmp_path, "ledger", "seed", "--demo")
    assert first.returncode == 0, first.stderr
    amina = next(m for m in demo_members() if m.name == SHARED_PERSON)
    assert amina.phone in first.stdout and amina.pin in first.stdout
    count = _transactions(tmp_path)
    assert count > 500
    second = _run(tmp_path, "ledger", "seed", "--demo")
    assert second.returncode == 0 and "already there" in second.stdout
    assert _transactions(tmp_path) == count
    reset = _run(tmp_path, "ledger", "seed", "--demo", "--reset")
    assert reset.returncode == 0 and _transactions(tmp_path) == count

    from ivr.settings import load_settings
    from models.base import make_sessionmaker
    from models.migrate import engine_for
    from models.pins import verify_pin

    settings = load_settings(
        env="development", data_dir=tmp_path / "var",
        database={"url": f"sqlite:///{tmp_path / 'var' / 'ivr.db'}"},
        security={"secrets_file": tmp_path / "var" / "secrets.json"},
    )
    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine)() as session:
            assert verify_pin(session, amina.member_id, amina.pin).ok
            wrong = "1111" if amina.pin != "1111" else "2222"
            assert not verify_pin(session, amina.member_id, wrong).ok
    finally:
        engine.dispose()


def test_seed_without_demo_flag_is_a_clear_error(tmp_path: Path) -> None:
    result = _run(tmp_path, "ledger", "seed")
    assert result.returncode == 2 and "--demo" in result.stdout


def test_stack_starts_seeds_serves_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    proc = _spawn_stack(tmp_path, port)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while not any("stack running" in line for line in lines):
            assert proc.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "stack did not come up:\n" + "".join(lines)
            time.sleep(0.2)
        assert httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=5).status_code == 200
        amina = next(m for m in demo_members() if m.name == SHARED_PERSON)
        body = httpx.get(f"http://127.0.0.1:{port}/v1/memberships", params={"phone": amina.phone}).json()
        assert len(body["memberships"]) == 2
        assert (tmp_path / "var" / "ivr.db").exists()  # IVR migrations ran
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        reader.join(timeout=10)
    finally:
        _stop_group(proc)
    out = "".join(lines)
    assert proc.returncode == 0, out
    assert "listening on" in out and amina.phone in out and "stack stopped" in out
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1)


def test_ledger_serve_runs_until_terminated(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen([IVR, "ledger", "serve"], env=_env(tmp_path, port), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "ledger serve did not come up"
            time.sleep(0.2)
        # An empty database (nothing seeded): a clean 404, not a crash.
        assert httpx.get(f"http://127.0.0.1:{port}/v1/groups/g-kes-umoja").status_code == 404
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    finally:
        _stop_group(proc)
    assert f"http://127.0.0.1:{port}/v1" in out


def test_ledger_serve_on_a_busy_port_names_the_setting(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([IVR, "ledger", "serve"], env=_env(tmp_path, port), cwd=tmp_path,
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "IVR_LEDGER_CORE__PORT" in result.stdout


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_stack_exits_nonzero_when_a_service_dies(tmp_path: Path) -> None:
    port = free_port()
    # Only the core ledger: this checks how the stack reacts when one managed service dies.
    proc = _spawn_stack(tmp_path, port, "--skip", "nlu", "--skip", "ivr")
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "stack did not come up"
            time.sleep(0.2)
        (child,) = _children(proc.pid)
        os.kill(child, signal.SIGKILL)  # the core ledger crashes
        out, _ = proc.communicate(timeout=30)
    finally:
        _stop_group(proc)
    assert proc.returncode == 1
    # Depending on whether the stack had finished its readiness check when the kill landed, it reports
    # "stopped unexpectedly" or "exited with code -9"; either way it names the service and its log.
    assert "core ledger" in out and "ledger_core.log" in out
    assert "stopped unexpectedly" in out or "exited with code -9" in out
