"""The ledger client against the REAL reference core over HTTP: reads, stale cache, SIGKILL mid-drain, parking."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from ivr.settings import Settings
from ledger_client import (
    CachedLedger,
    Fetched,
    LedgerClient,
    LedgerNotFound,
    LedgerRejected,
    LedgerUnavailable,
    Outbox,
    TransactionEntry,
    new_idempotency_key,
)
from ledger_core.demo_people import GROUPS, demo_members
from models.base import make_sessionmaker
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_engine
from tests.fixtures.ledger_server import LedgerCoreProcess
from tests.fixtures.settings import make_test_settings

pytestmark = pytest.mark.integration
KES, TZS = GROUPS[0].group_id, GROUPS[1].group_id


@dataclass
class Rig:
    settings: Settings
    sessions: sessionmaker[Session]
    http: httpx.AsyncClient
    client: LedgerClient
    posts: list[httpx.Request]


@pytest.fixture
async def rig(tmp_path: Path, ledger_server: LedgerCoreProcess) -> AsyncIterator[Rig]:
    settings = make_test_settings(tmp_path / "ivr", ledger={
        "base_url": ledger_server.base_url, "retries": 1, "backoff_s": 0.02, "outbox_batch_size": 25})
    install_keyring(keyring_from_settings(settings))
    engine = engine_for(settings)
    upgrade_engine(engine)  # the real migrations (0001 + our 0002), not create_all
    posts: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        if request.method == "POST":
            posts.append(request)

    async with httpx.AsyncClient(event_hooks={"request": [record]}) as http:
        client = LedgerClient(http=http, settings=settings.ledger)
        yield Rig(settings, make_sessionmaker(engine), http, client, posts)
    engine.dispose()


def core_counts(db_url: str, keys: list[str]) -> Counter[str]:
    """Rows per idempotency key in the core's OWN database (not what the client believes)."""
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT idempotency_key FROM lc_transactions")).scalars().all()
    engine.dispose()
    wanted = set(keys)
    return Counter(k for k in rows if k in wanted)


def core_total(db_url: str) -> int:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        n = int(conn.execute(text("SELECT COUNT(*) FROM lc_transactions")).scalar_one())
    engine.dispose()
    return n


def entries(group: str, n: int, start: int = 0) -> list[TransactionEntry]:
    members = [m.member_id for m in demo_members() if m.group_id == group]
    return [TransactionEntry(idempotency_key=new_idempotency_key(), member_id=members[i % len(members)],
                             type="savings", amount_minor=100 * (start + i + 1)) for i in range(n)]


async def test_reads_match_the_contract(rig: Rig) -> None:
    phones = Counter(m.phone for m in demo_members())
    both = next(p for p, c in phones.items() if c > 1)
    ms = await rig.client.memberships(both)
    assert ms.phone_found and {m.group_id for m in ms.memberships} == {KES, TZS}
    assert not (await rig.client.memberships("+254700000001")).phone_found
    for g in (KES, TZS):
        info = await rig.client.group(g)
        assert info.currency == GROUPS[[x.group_id for x in GROUPS].index(g)].currency
        assert info.next_meeting is not None and info.next_meeting.date >= date.today() - timedelta(days=1)
        roster = await rig.client.roster(g)
        assert [m.roster_number for m in roster.members] == list(range(1, len(roster.members) + 1))
        pos = await rig.client.member_position(g, roster.members[0].member_id)
        assert pos.currency == info.currency and pos.as_of.tzinfo is not None
        gp = await rig.client.group_position(g)
        assert gp.total_savings_minor > 0
        assert len(await rig.client.meetings(g)) > 0
    now = datetime.now(UTC)
    events = await rig.client.upcoming_events(now, now + timedelta(days=14))
    assert any(e.kind == "meeting" for e in events)
    with pytest.raises(LedgerNotFound):
        await rig.client.group("g-does-not-exist")
    with pytest.raises(LedgerNotFound):
        await rig.client.member_position(KES, "m-9999")
    with pytest.raises(LedgerRejected) as rejected:
        await rig.client.memberships("not-a-phone")
    assert rejected.value.problems[0].field == "query.phone"


async def test_core_down_serves_cached_reads_with_as_of(rig: Rig, ledger_server: LedgerCoreProcess) -> None:
    cached = CachedLedger(client=rig.client, sessions=rig.sessions)
    member = next(m for m in demo_members() if m.group_id == KES)
    async def read_all() -> list[Fetched[Any]]:
        return [await cached.memberships(member.phone), await cached.member_position(KES, member.member_id),
                await cached.group(KES), await cached.group_position(KES), await cached.roster(KES)]

    fresh = await read_all()
    assert not any(f.stale for f in fresh)
    ledger_server.kill()
    stale = await read_all()
    assert all(s.stale for s in stale)
    assert [s.as_of for s in stale] == [f.as_of for f in fresh]
    assert [s.value for s in stale] == [f.value for f in fresh]
    with pytest.raises(LedgerUnavailable, match="no cached"):
        await cached.member_position(TZS, next(m.member_id for m in demo_members() if m.group_id == TZS))
    ivr_db = Path(rig.settings.database.url.removeprefix("sqlite:///"))
    raw = b"".join(p.read_bytes() for p in ivr_db.parent.glob(ivr_db.name + "*"))
    assert member.phone.encode() not in raw and member.phone[1:].encode() not in raw
    assert member.name.split()[-1].encode() not in raw


async def test_core_killed_mid_drain_posts_every_entry_exactly_once(
    rig: Rig, ledger_server: LedgerCoreProcess, ledger_db_url: str
) -> None:
    outbox = Outbox(client=rig.client, sessions=rig.sessions, settings=rig.settings.ledger)
    batch = entries(KES, 150) + entries(TZS, 100, start=150)
    await outbox.enqueue_transactions(KES, date.today(), batch[:150])
    await outbox.enqueue_transactions(TZS, date.today(), batch[150:])
    before = core_total(ledger_db_url)
    armed = threading.Event()

    async def kill_during_third_post(request: httpx.Request) -> None:
        if request.method == "POST" and len(rig.posts) == 3 and not armed.is_set():
            armed.set()  # SIGKILL a few ms after the request leaves: mid-batch on the core's side
            threading.Timer(0.005, ledger_server.kill).start()

    rig.http.event_hooks["request"].append(kill_during_third_post)
    first = await outbox.drain()
    assert armed.is_set() and first.unavailable is not None
    assert 0 < first.pending < len(batch)  # really interrupted in the middle
    assert await outbox.pending_count() == first.pending
    ledger_server.start().wait_ready()
    total = await outbox.drain_until_empty(timeout_s=60)
    assert total.pending == 0 and total.parked == 0
    keys = [e.idempotency_key for e in batch]
    counts = core_counts(ledger_db_url, keys)
    assert [counts[k] for k in keys] == [1] * len(keys)  # none lost, none doubled
    assert core_total(ledger_db_url) - before == len(batch)


async def test_crash_after_core_commit_is_replayed_not_doubled(rig: Rig, ledger_db_url: str) -> None:
    """The IVR dies after the core committed but before we marked "sent": the rows are still pending."""
    outbox = Outbox(client=rig.client, sessions=rig.sessions, settings=rig.settings.ledger)
    batch = entries(KES, 10)
    await outbox.enqueue_transactions(KES, date.today(), batch)
    first = await rig.client.post_transactions(KES, date.today(), batch)  # what the drain did before "crashing"
    report = await outbox.drain()
    assert (report.replayed, report.sent, report.pending) == (10, 0, 0)
    keys = [e.idempotency_key for e in batch]
    assert [core_counts(ledger_db_url, keys)[k] for k in keys] == [1] * 10
    assert {r.transaction_id for r in first.results} == {
        r.transaction_id for r in (await rig.client.post_transactions(KES, date.today(), batch)).results}


async def test_rejected_entries_parked_with_reason_rest_posted(
    rig: Rig, ledger_db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    outbox = Outbox(client=rig.client, sessions=rig.sessions, settings=rig.settings.ledger)
    good = entries(KES, 3)
    member = good[0].member_id
    too_much = TransactionEntry(idempotency_key=new_idempotency_key(), member_id=member, type="withdrawal",
                                amount_minor=10**10 - 1)  # within the core's limit, beyond the balance
    stranger = TransactionEntry(idempotency_key=new_idempotency_key(), member_id="m-9999", type="savings",
                                amount_minor=500)
    await outbox.enqueue_transactions(KES, date.today(), [good[0], too_much, good[1], stranger, good[2]])
    report = await outbox.drain()
    assert (report.sent, report.parked, report.pending) == (3, 2, 0)
    parked = {p.idempotency_key: p.reason for p in await outbox.parked()}
    assert set(parked) == {too_much.idempotency_key, stranger.idempotency_key}
    assert "amount_minor" in parked[too_much.idempotency_key] and "exceeds" in parked[too_much.idempotency_key]
    assert "member_id" in parked[stranger.idempotency_key]
    counts = core_counts(ledger_db_url, [e.idempotency_key for e in [*good, too_much, stranger]])
    assert counts == Counter({e.idempotency_key: 1 for e in good})
    assert "exceeds" not in caplog.text  # the core's reasons quote balances: stored encrypted, never logged


async def test_drain_while_core_never_started_keeps_everything(rig: Rig, ledger_server: LedgerCoreProcess) -> None:
    ledger_server.kill()
    outbox = Outbox(client=rig.client, sessions=rig.sessions, settings=rig.settings.ledger)
    await outbox.enqueue_transactions(KES, date.today(), entries(KES, 5))
    report = await outbox.drain()
    assert report.unavailable is not None and report.pending == 5
    assert "cannot reach" in str(report.unavailable)
