"""`ivr reminders ...` as real commands in subprocesses: contacts, preview, run against the AMI peer, stats, pause."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from ledger_core.demo_people import demo_members
from tests.fixtures.ledger_server import LedgerCoreProcess
from tests.peers.ami_peer import AmiPeer

pytestmark = [pytest.mark.integration, pytest.mark.slow]
IVR = str(Path(sys.executable).parent / "ivr")


def _env(tmp: Path, ledger: LedgerCoreProcess, ami_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    env.update({
        "IVR_ENV": "development", "IVR_DATA_DIR": str(tmp / "var"),
        "IVR_DATABASE__URL": f"sqlite:///{tmp / 'var' / 'ivr.db'}",
        "IVR_SECURITY__SECRETS_FILE": str(tmp / "var" / "secrets.json"),
        "IVR_LEDGER__BASE_URL": ledger.base_url, "IVR_AMI__PORT": str(ami_port), "IVR_AMI__SECRET": "cli-secret",
        "IVR_REMINDERS__MEETING_HOURS_BEFORE": "0", "IVR_REMINDERS__REPAYMENT_DAYS_BEFORE": "0",
        "IVR_REMINDERS__REPAYMENT_ON_DAY": "false", "IVR_REMINDERS__NUDGE_LOAN_REPAID": "false",
        "IVR_REMINDERS__CALL_EXPIRY_S": "1", "IVR_REMINDERS__MAX_CONCURRENT_PER_GROUP": "4",
        "COLUMNS": "250",
    })  # fmt: skip
    return env


async def _ivr(env: dict[str, str], cwd: Path, *args: str) -> tuple[int, str]:
    """(exit code, stdout); log lines go to stderr and are left out."""
    proc = await asyncio.create_subprocess_exec(IVR, "reminders", *args, env=env, cwd=cwd,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    assert "Traceback" not in err.decode(), err.decode()
    return proc.returncode, out.decode()


async def test_reminders_commands(tmp_path: Path, ledger_server: LedgerCoreProcess) -> None:
    events = httpx.get(f"{ledger_server.base_url}/v1/events/upcoming", params={
        "from": datetime.now(UTC).isoformat(), "to": (datetime.now(UTC) + timedelta(days=8)).isoformat()}).json()
    day = min(e["date"] for e in events["events"] if e["group_id"] == "g-kes-umoja" and e["kind"] == "meeting")
    eve = (datetime.fromisoformat(day) - timedelta(days=1)).strftime("%Y-%m-%d") + "T18:30+03:00"
    umoja = [m for m in demo_members() if m.group_id == "g-kes-umoja"]
    peer = await AmiPeer("mikashboks", "cli-secret", step_s=0.002).start()
    # answered calls nobody bridges: the run closes them after IVR_REMINDERS__CALL_EXPIRY_S
    try:
        env = _env(tmp_path, ledger_server, peer.port)
        code, out = await _ivr(env, tmp_path, "preview", "--at", eve)
        assert code == 0, out
        assert "no phone number" in out and "0 new reminder(s)" in out
        code, out = await _ivr(env, tmp_path, "contacts", "import", "--demo")
        assert code == 0 and f"{len(demo_members())} number(s) read" in out, out
        assert umoja[0].phone not in out
        code, out = await _ivr(env, tmp_path, "preview", "--at", eve)
        assert code == 0, out
        assert sum("g-kes-umoja" in line and " new " in line for line in out.splitlines()) == len(umoja)
        assert not peer.actions  # preview placed nothing

        code, out = await _ivr(env, tmp_path, "pause")
        assert code == 0 and "paused for all groups" in out
        code, out = await _ivr(env, tmp_path, "run", "--at", eve)
        assert code == 0 and "0 call(s) placed" in out, out
        code, out = await _ivr(env, tmp_path, "resume")
        assert code == 0 and "resumed" in out
        peer.outcomes = {f"PJSIP/{umoja[0].phone.lstrip('+')}@trunk": "busy"}
        code, out = await _ivr(env, tmp_path, "run", "--at", eve)
        assert code == 0, out
        assert f"{len(umoja)} call(s) placed" in out and "busy 1" in out and "reminder calls" in out
        assert f"expired {len(umoja) - 1}" in out and "at most 4 at once" in out
        assert len([a for a in peer.actions if a.get("action") == ["Originate"]]) == len(umoja)

        code, out = await _ivr(env, tmp_path, "stats", "--json")
        assert code == 0, out
        st = next(c for c in json.loads(out) if c["campaign"] == f"meeting_eve g-kes-umoja {day}")
        assert (st["reminders"], st["called"], st["reached"], st["pending"]) == (len(umoja), len(umoja),
                                                                                 len(umoja) - 1, 1)
        assert st["failed_by_cause"] == {"busy": 1}

        code, out = await _ivr(env, tmp_path, "opt-out", umoja[1].member_id)
        assert code == 0 and "off" in out
        code, out = await _ivr(env, tmp_path, "run", "--at", "2026-13-01")
        assert code == 1 and "ISO 8601" in out
        code, out = await _ivr(env, tmp_path, "run", "--at", eve, "--every", "5")
        assert code == 1 and "drop --at" in out
        # the periodic scheduler: runs again and again on the real clock until Ctrl-C
        proc = await asyncio.create_subprocess_exec(IVR, "reminders", "run", "--every", "0.2", env=env, cwd=tmp_path,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        assert proc.stdout is not None
        runs = 0
        while runs < 3:
            line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
            runs += "call(s) placed" in line
        proc.send_signal(signal.SIGINT)
        rest = (await asyncio.wait_for(proc.stdout.read(), 30)).decode()
        assert await proc.wait() == 0 and "stopped" in rest
        await peer.stop()
        code, out = await _ivr(env, tmp_path, "run", "--at", eve)
        assert code == 1 and "IVR_AMI__HOST" in out and len(out.strip().splitlines()) == 1, out
    finally:
        await peer.stop()
