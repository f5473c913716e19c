"""Outbox under chaos: N transactions enqueued while the core ledger is SIGKILLed and restarted at random moments.

Counts what reached the core's OWN database and prints `lost=N duplicated=N` (expect 0/0), elapsed and throughput.
Run: .venv/bin/python bench/ledger_outbox.py [--n 1000] [--seed 7] [--batch 50]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ledger_client import LedgerClient, Outbox, OutboxDrainer, TransactionEntry, new_idempotency_key  # noqa: E402
from ledger_client.types import TransactionType  # noqa: E402
from ledger_core.demo_people import GROUPS  # noqa: E402  (the demo data set's group ids, nothing else)
from models.base import make_sessionmaker  # noqa: E402
from models.crypto import install_keyring, keyring_from_settings  # noqa: E402
from models.migrate import engine_for, upgrade_engine  # noqa: E402
from models.outbox import OutboxEntry  # noqa: E402
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port, seed_demo_database  # noqa: E402
from tests.fixtures.settings import make_test_settings  # noqa: E402

console = Console()
KINDS: tuple[TransactionType, ...] = ("savings", "social_fund", "fine")


class Chaos:
    """Kills the core with SIGKILL at random moments while it is serving, then restarts it after a random pause."""

    def __init__(self, core: LedgerCoreProcess, rng: random.Random) -> None:
        self.core, self.rng = core, rng
        self.kills = 0
        self._stop = asyncio.Event()

    async def run(self) -> None:
        while not self._stop.is_set():
            if await self._sleep(self.rng.uniform(0.2, 1.2)):
                break
            self.core.kill()
            self.kills += 1
            await self._sleep(self.rng.uniform(0.05, 0.6))
            await asyncio.to_thread(self.core.start)  # restart regardless of stop: the drain needs it up
            await asyncio.to_thread(self.core.wait_ready)

    async def _sleep(self, s: float) -> bool:
        try:
            await asyncio.wait_for(self._stop.wait(), s)
            return True
        except TimeoutError:
            return False

    def stop(self) -> None:
        self._stop.set()


def plan(n: int, rosters: dict[str, list[str]], rng: random.Random) -> list[tuple[str, date, list[TransactionEntry]]]:
    """Meeting-sized chunks (1..20 entries) across the demo groups and a few meeting dates, like secretaries would."""
    today = date.today()
    chunks: list[tuple[str, date, list[TransactionEntry]]] = []
    left = n
    while left:
        size = min(left, rng.randint(1, 20))
        group = rng.choice(sorted(rosters))
        day = today - timedelta(days=7 * rng.randint(0, 3))
        entries = [TransactionEntry(idempotency_key=new_idempotency_key(), member_id=rng.choice(rosters[group]),
                                    type=rng.choice(KINDS), amount_minor=rng.randint(1, 500) * 100)
                   for _ in range(size)]
        chunks.append((group, day, entries))
        left -= size
    return chunks


def core_rows(db_url: str, keys: list[str]) -> tuple[Counter[str], dict[str, tuple[str, str, str, int]], int]:
    """From the core's own database: rows per key, each key's (group, member, type, amount), total row count."""
    engine = create_engine(db_url)
    per_key: Counter[str] = Counter()
    content: dict[str, tuple[str, str, str, int]] = {}
    with engine.connect() as conn:
        total = int(conn.execute(text("SELECT COUNT(*) FROM lc_transactions")).scalar_one())
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join(f":k{j}" for j in range(len(chunk)))
            rows = conn.execute(
                text(f"SELECT idempotency_key, group_id, member_id, type, amount_minor FROM lc_transactions "
                     f"WHERE idempotency_key IN ({marks})"), {f"k{j}": k for j, k in enumerate(chunk)})
            for key, group, member, kind, amount in rows:
                per_key[key] += 1
                content[key] = (group, member, kind, int(amount))
    engine.dispose()
    return per_key, content, total


async def run(n: int, seed: int, batch: int, chaos_on: bool, keep: bool) -> int:
    rng = random.Random(seed)
    tmp = Path(tempfile.mkdtemp(prefix="bench-ledger-outbox-"))
    port = free_port()
    settings = make_test_settings(tmp, ledger={
        "base_url": f"http://127.0.0.1:{port}", "connect_timeout_s": 0.5, "read_timeout_s": 5.0,
        "retries": 1, "backoff_s": 0.05, "outbox_batch_size": batch})
    install_keyring(keyring_from_settings(settings))
    ivr_engine = engine_for(settings)
    upgrade_engine(ivr_engine)
    sessions = make_sessionmaker(ivr_engine)
    core_db = settings.ledger_core.database_url
    console.print(f"seeding the demo ledger in {tmp} ...")
    seed_demo_database(core_db)
    core = LedgerCoreProcess(core_db, port, log_path=tmp / "ledger_core.log")
    core.start()
    core.wait_ready()
    posts = 0

    async def count_post(request: httpx.Request) -> None:
        nonlocal posts
        posts += request.method == "POST"

    async with httpx.AsyncClient(event_hooks={"request": [count_post]}) as http:
        client = LedgerClient(http=http, settings=settings.ledger)
        rosters = {}
        for group in (g.group_id for g in GROUPS):
            rosters[group] = [m.member_id for m in (await client.roster(group)).members]
        chunks = plan(n, rosters, rng)
        keys = [e.idempotency_key for _, _, es in chunks for e in es]
        _, _, before = core_rows(core_db, [])
        outbox = Outbox(client=client, sessions=sessions, settings=settings.ledger)
        drainer = OutboxDrainer(outbox=outbox, interval_s=0.5, backoff_s=0.05)
        chaos = Chaos(core, rng)
        started = time.perf_counter()
        enqueue_ms: list[float] = []
        drainer.start()
        chaos_task = asyncio.create_task(chaos.run() if chaos_on else asyncio.sleep(0))
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            saved = progress.add_task("saved to outbox", total=n)
            posted = progress.add_task("posted to core", total=n)
            for group, day, entries in chunks:
                t0 = time.perf_counter()
                await outbox.enqueue_transactions(group, day, entries)
                enqueue_ms.append((time.perf_counter() - t0) * 1000)
                drainer.kick()
                progress.advance(saved, len(entries))
                progress.update(posted, completed=n - await outbox.pending_count())
                await asyncio.sleep(rng.uniform(0, 0.03))
            # keep the chaos going while the backlog drains, then let the core stay up to finish
            while (pending := await outbox.pending_count()) > n // 5 and chaos.kills < 10_000:
                progress.update(posted, completed=n - pending)
                await asyncio.sleep(0.1)
            chaos.stop()
            await chaos_task
            await drainer.stop()
            total = await outbox.drain_until_empty(timeout_s=600)
            progress.update(posted, completed=n - total.pending)
        elapsed = time.perf_counter() - started
        core.stop()

    per_key, content, after = core_rows(core_db, keys)
    expected = {e.idempotency_key: (g, e.member_id, e.type, e.amount_minor) for g, _, es in chunks for e in es}
    lost = sum(1 for k in keys if per_key[k] == 0)
    duplicated = sum(c - 1 for c in per_key.values() if c > 1) + max(0, (after - before) - len(per_key))
    mismatched = sum(1 for k, v in content.items() if expected[k] != v)
    with sessions() as s:
        statuses = dict(s.execute(select(OutboxEntry.status, func.count()).group_by(OutboxEntry.status)).all())
        # "replayed": the core had committed the entry but its answer was lost to a kill; the key made it a no-op
        replayed = sum(1 for r in s.scalars(select(OutboxEntry.result)) if r and r.get("status") == "replayed")
    console.print(f"entries enqueued={n} in {len(chunks)} meeting chunks; core kills={chaos.kills}; POSTs={posts}")
    console.print(f"outbox: {statuses}; answers replayed after a kill={replayed}")
    console.print(f"core database: rows with our keys={sum(per_key.values())} distinct keys={len(per_key)} "
                  f"new rows={after - before} mismatched payloads={mismatched}")
    console.print(f"lost={lost} duplicated={duplicated}")
    p95 = statistics.quantiles(enqueue_ms, n=20)[-1] if len(enqueue_ms) > 1 else enqueue_ms[0]
    console.print(f"elapsed={elapsed:.1f}s throughput={n / elapsed:.1f} entries/s "
                  f"enqueue p50={statistics.median(enqueue_ms):.1f}ms p95={p95:.1f}ms")
    ivr_engine.dispose()
    if keep:
        console.print(f"kept the databases and the core's log in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if lost == duplicated == mismatched == 0 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="transactions to enqueue")
    parser.add_argument("--seed", type=int, default=7, help="random seed for members, amounts and kill moments")
    parser.add_argument("--batch", type=int, default=50, help="outbox batch size (entries per POST)")
    parser.add_argument("--no-chaos", action="store_true", help="baseline: never kill the core")
    parser.add_argument("--keep", action="store_true", help="keep the temporary databases and the core's log")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    return asyncio.run(run(args.n, args.seed, args.batch, not args.no_chaos, args.keep))


if __name__ == "__main__":
    raise SystemExit(main())
