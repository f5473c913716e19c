"""Acceptance (issue 17): two IVR hosts — separate processes, each with its own engine and AMI session — on one
throwaway PostgreSQL. Both run the real reminder scheduler at once over the demo campaign: every due member is
called exactly once and the caps hold across hosts. Both drain one outbox into the real ledger_core: every entry
is posted exactly once (no replay), none lost."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from ivr.settings import Settings
from ledger_client import LedgerClient, Outbox
from ledger_core.demo_people import GROUPS, demo_members
from models.base import make_engine, make_sessionmaker
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import head_revisions
from models.reminders import Reminder, ReminderAttempt
from tests.fixtures.ledger_server import LedgerCoreProcess
from tests.fixtures.postgres import PostgresCluster
from tests.fixtures.settings import make_test_settings
from tests.ledger_client.test_integration import core_counts, entries
from tests.peers.ami_peer import AmiPeer

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.slow]
IVR = str(Path(sys.executable).parent / "ivr")
UMOJA = "g-kes-umoja"
PER_GROUP, TOTAL = 2, 3  # small caps, so the campaign takes several rounds and both hosts dial


def fleet_settings(tmp: Path, db_url: str, ledger: LedgerCoreProcess) -> Settings:
    """The keys every host of the fleet shares (and this test process, to read and write their rows)."""
    settings = make_test_settings(tmp / "fleet", database={"url": db_url}, ledger={"base_url": ledger.base_url})
    install_keyring(keyring_from_settings(settings))
    return settings


def host_env(tmp: Path, name: str, fleet: Settings, ami_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    sec = fleet.security
    env.update({
        "IVR_ENV": "development", "IVR_DATA_DIR": str(tmp / name),  # each host its own var/ (prompt cache)
        "IVR_DATABASE__URL": fleet.database.url, "IVR_SECURITY__SECRETS_FILE": str(tmp / name / "secrets.json"),
        "IVR_SECURITY__ENCRYPTION_KEYS": json.dumps([k.get_secret_value() for k in sec.encryption_keys]),
        "IVR_SECURITY__LOOKUP_HASH_KEY": sec.lookup_hash_key.get_secret_value(),  # one key set for the fleet
        "IVR_LEDGER__BASE_URL": fleet.ledger.base_url, "IVR_LEDGER__OUTBOX_BATCH_SIZE": "10",
        "IVR_AMI__PORT": str(ami_port), "IVR_AMI__SECRET": "fleet-secret",
        "IVR_REMINDERS__MEETING_HOURS_BEFORE": "0", "IVR_REMINDERS__REPAYMENT_DAYS_BEFORE": "0",
        "IVR_REMINDERS__REPAYMENT_ON_DAY": "false", "IVR_REMINDERS__NUDGE_LOAN_REPAID": "false",
        "IVR_REMINDERS__MAX_CONCURRENT_PER_GROUP": str(PER_GROUP), "IVR_REMINDERS__MAX_CONCURRENT_CALLS": str(TOTAL),
        "IVR_REMINDERS__CALLER_ID_NUMBER": "+254700999000",
    })  # fmt: skip
    return env


async def run_hosts(envs: list[dict[str, str]], cwd: Path, *args: str) -> list[dict[str, object]]:
    """Start one `tests.multihost.host` process per env, release them together, collect their JSON answers."""
    procs = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.multihost.host", *args, env={**env, "PYTHONPATH": str(Path.cwd())}, cwd=cwd,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        for env in envs]
    try:
        for p in procs:
            assert p.stdout is not None
            line = (await asyncio.wait_for(p.stdout.readline(), 120)).decode()
            if line.strip() != "ready":
                _, err = await p.communicate()
                raise AssertionError(f"host did not start: {line} {err.decode()[-3000:]}")
        for p in procs:
            assert p.stdin is not None
            p.stdin.write(b"go\n")
            await p.stdin.drain()
        outs = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in procs)), 180)
    finally:
        for p in procs:
            if p.returncode is None:
                p.kill()
    results = []
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0 and "Traceback" not in err.decode(), err.decode()[-3000:]
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    return results


async def ivr(env: dict[str, str], cwd: Path, *args: str) -> str:
    proc = await asyncio.create_subprocess_exec(IVR, *args, env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()[-3000:]
    return out.decode()


def meeting_eve(ledger: LedgerCoreProcess) -> str:
    events = httpx.get(f"{ledger.base_url}/v1/events/upcoming", params={
        "from": datetime.now(UTC).isoformat(), "to": (datetime.now(UTC) + timedelta(days=8)).isoformat()}).json()
    day = min(e["date"] for e in events["events"] if e["group_id"] == UMOJA and e["kind"] == "meeting")
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat() + "T18:30:00+03:00"


async def test_two_hosts_call_every_due_member_exactly_once(
    tmp_path: Path, postgres_cluster: PostgresCluster, ledger_server: LedgerCoreProcess
) -> None:
    db_url = postgres_cluster.new_database("fleet")
    umoja = [m for m in demo_members() if m.group_id == UMOJA]
    peer = await AmiPeer("mikashboks", "fleet-secret", step_s=0.003).start()
    max_live = 0

    async def members_answer_and_hang_up() -> None:
        """Every answered call lasts 0.3 s, then the member hangs up (both hosts' AMI sessions see the Hangup)."""
        nonlocal max_live
        seen: set[str] = set()
        while True:
            max_live = max(max_live, len(peer.channels))
            for name in [n for n in peer.channels if n not in seen]:
                seen.add(name)
                asyncio.get_running_loop().call_later(0.3, lambda n=name: asyncio.ensure_future(peer.hang_up(n)))
            await asyncio.sleep(0.005)

    hanger = asyncio.create_task(members_answer_and_hang_up())
    try:
        fleet = fleet_settings(tmp_path, db_url, ledger_server)
        envs = [host_env(tmp_path, name, fleet, peer.port) for name in ("host-a", "host-b")]
        # migrations and the demo contacts: once, before the hosts start
        assert "number(s) read" in await ivr(envs[0], tmp_path, "reminders", "contacts", "import", "--demo")
        a, b = await run_hosts(envs, tmp_path, "reminders", meeting_eve(ledger_server))
    finally:
        hanger.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await hanger
        await peer.stop()

    dials = [d for r in (a, b) for d in r["dials"]]  # type: ignore[attr-defined]
    assert a["dials"] and b["dials"], (a, b)  # both hosts really dialled
    print(f"host a placed {len(a['dials'])} call(s) in {a['runs']} run(s), host b {len(b['dials'])} in {b['runs']}")  # type: ignore[arg-type]
    per_reminder = Counter(d["reminder"] for d in dials)
    assert len(per_reminder) == len(umoja) and set(per_reminder.values()) == {1}  # every member once, nobody twice
    originates = [x for x in peer.actions if x.get("action") == ["Originate"]]
    assert sorted(x["channel"][0] for x in originates) == sorted(f"PJSIP/{m.phone.lstrip('+')}@trunk" for m in umoja)
    assert 0 < max_live <= PER_GROUP  # the per-group cap held across both hosts

    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as s:
            rows = s.scalars(select(Reminder).where(Reminder.group_id == UMOJA)).all()
            assert len(rows) == len(umoja) and {r.status for r in rows} == {"done"}
            attempts = s.scalars(select(ReminderAttempt)).all()
            assert len(attempts) == len(umoja) and {a.outcome for a in attempts} == {"answered"}
            assert {a.call_id for a in attempts} == {uuid.UUID(str(d["call"])) for d in dials}
    finally:
        engine.dispose()


async def test_two_hosts_drain_one_outbox_posting_each_entry_once(
    tmp_path: Path, postgres_cluster: PostgresCluster, ledger_server: LedgerCoreProcess, ledger_db_url: str
) -> None:
    db_url = postgres_cluster.new_database("fleet")
    settings = fleet_settings(tmp_path, db_url, ledger_server)
    envs = [host_env(tmp_path, name, settings, 1) for name in ("host-a", "host-b")]
    await ivr(envs[0], tmp_path, "db", "upgrade")  # migrations, once
    engine = make_engine(db_url)
    batch = []
    try:
        async with httpx.AsyncClient() as http:
            box = Outbox(client=LedgerClient(http=http, settings=settings.ledger), sessions=make_sessionmaker(engine),
                         settings=settings.ledger)
            for i, g in enumerate(GROUPS):  # two groups, two meetings each, interleaved
                for day in (date.today() - timedelta(days=7), date.today()):
                    es = entries(g.group_id, 40, start=100 * i)
                    await box.enqueue_transactions(g.group_id, day, es)
                    batch += es
            a, b = await run_hosts(envs, tmp_path, "outbox")
            assert await box.pending_count() == 0
    finally:
        engine.dispose()
    assert a["sent"] + b["sent"] == len(batch)  # type: ignore[operator]
    print(f"host a posted {a['sent']} entries in {a['drains']} drain(s), host b {b['sent']} in {b['drains']}")
    assert a["replayed"] == b["replayed"] == 0 and a["parked"] == b["parked"] == 0  # no entry posted twice
    keys = [e.idempotency_key for e in batch]
    counts = core_counts(ledger_db_url, keys)
    assert [counts[k] for k in keys] == [1] * len(keys)  # the core holds each entry once


async def test_hosts_starting_together_migrate_once(tmp_path: Path, postgres_cluster: PostgresCluster,
                                                    ledger_server: LedgerCoreProcess) -> None:
    """Three hosts migrate one empty PostgreSQL at the same moment: all succeed, the database at head."""
    fleet = fleet_settings(tmp_path, postgres_cluster.new_database("fleet"), ledger_server)
    results = await run_hosts([host_env(tmp_path, f"host-{i}", fleet, 1) for i in range(3)], tmp_path, "migrate")
    assert [r["revisions"] for r in results] == [sorted(head_revisions())] * 3
