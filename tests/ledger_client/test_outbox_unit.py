"""The outbox against the fake: saved before "saved", drained in order, rejected entries parked, never doubled."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ivr.settings import Settings
from ledger_client import (
    LedgerClient,
    Outbox,
    OutboxConflict,
    OutboxDrainer,
    TransactionEntry,
    new_idempotency_key,
)
from ledger_client.types import TransactionType
from models.base import make_engine, make_sessionmaker, utcnow
from models.outbox import OutboxEntry
from tests.fakes.ledger_core_fake import GROUP, FakeLedgerCore

D1, D2 = date(2026, 11, 17), date(2026, 11, 24)


def entry(member: str = "m-0001", amount: int = 5000, kind: TransactionType = "savings") -> TransactionEntry:
    return TransactionEntry(idempotency_key=new_idempotency_key(), member_id=member, type=kind, amount_minor=amount)


@pytest.fixture
def outbox(client: LedgerClient, sessions: sessionmaker[Session], lc_settings: Settings) -> Outbox:
    return Outbox(client=client, sessions=sessions, settings=lc_settings.ledger)


def statuses(lc_settings: Settings) -> list[tuple[str, str]]:
    """Read through a fresh engine: proves what is committed, not what a session has cached."""
    with make_sessionmaker(make_engine(lc_settings.database.url))() as s:
        return [(r.idempotency_key, r.status) for r in s.scalars(select(OutboxEntry).order_by(OutboxEntry.id))]


async def test_enqueue_commits_before_returning(outbox: Outbox, fake: FakeLedgerCore, lc_settings: Settings) -> None:
    es = [entry(), entry("m-0002", 7000)]
    receipts = await outbox.enqueue_transactions(GROUP, D2, es)
    assert [r.status for r in receipts] == ["pending", "pending"]
    assert statuses(lc_settings) == [(e.idempotency_key, "pending") for e in es]
    assert fake.requests == []  # saving does not need the core


async def test_enqueue_is_idempotent_and_refuses_conflicts(outbox: Outbox, lc_settings: Settings) -> None:
    e = entry()
    first = await outbox.enqueue_transactions(GROUP, D2, [e])
    again = await outbox.enqueue_transactions(GROUP, D2, [e])
    assert first == again
    other = entry("m-0002")
    changed = TransactionEntry(**(e.model_dump() | {"amount_minor": 9999}))
    with pytest.raises(OutboxConflict):
        await outbox.enqueue_transactions(GROUP, D2, [other, changed])
    assert [k for k, _ in statuses(lc_settings)] == [e.idempotency_key]  # all or nothing: `other` not saved
    with pytest.raises(ValueError, match="repeats"):
        await outbox.enqueue_transactions(GROUP, D2, [other, other])
    with pytest.raises(ValueError):
        await outbox.enqueue_transactions(GROUP, D2, [])


async def test_drain_posts_in_order_batching_each_meeting(outbox: Outbox, fake: FakeLedgerCore,
                                                          lc_settings: Settings) -> None:
    a = [entry(), entry("m-0002")]
    b = [entry("m-0003")]
    c = [entry("m-0001", 100)]
    for d, es in ((D1, a), (D2, b), (D1, c)):
        await outbox.enqueue_transactions(GROUP, d, es)
    report = await outbox.drain()
    assert (report.sent, report.parked, report.pending) == (4, 0, 0)
    posted = [r.url.path for r in fake.requests]
    assert posted == [f"/v1/groups/{GROUP}/meetings/{d}/transactions" for d in (D1, D2, D1)]
    order = [fake.txns[e.idempotency_key][1] for e in a + b + c]
    assert order == sorted(order)  # the core saw them in enqueue order
    assert {s for _, s in statuses(lc_settings)} == {"sent"}


async def test_rejected_entry_is_parked_and_rest_posted(outbox: Outbox, fake: FakeLedgerCore) -> None:
    good1, bad, good2 = entry(), entry("m-4040", 1234), entry("m-0003")
    await outbox.enqueue_transactions(GROUP, D2, [good1, bad, good2])
    report = await outbox.drain()
    assert (report.sent, report.parked, report.pending) == (2, 1, 0)
    assert set(fake.txns) == {good1.idempotency_key, good2.idempotency_key}
    (parked,) = await outbox.parked()
    assert parked.idempotency_key == bad.idempotency_key and parked.entry == bad
    assert "member_id" in parked.reason and "unknown member" in parked.reason


async def test_unknown_group_parks_that_meeting_only(outbox: Outbox, fake: FakeLedgerCore) -> None:
    await outbox.enqueue_transactions("g-gone", D2, [entry()])
    ok = entry()
    await outbox.enqueue_transactions(GROUP, D2, [ok])
    report = await outbox.drain()
    assert (report.sent, report.parked) == (1, 1)
    assert "not found" in (await outbox.parked())[0].reason


async def test_outage_keeps_everything_and_order(outbox: Outbox, fake: FakeLedgerCore, lc_settings: Settings) -> None:
    es = [entry(amount=100 + i) for i in range(5)]
    await outbox.enqueue_transactions(GROUP, D2, es)
    fake.down = True
    report = await outbox.drain()
    assert report.unavailable is not None and report.pending == 5 and report.sent == 0
    with make_sessionmaker(make_engine(lc_settings.database.url))() as s:
        rows = s.scalars(select(OutboxEntry)).all()
        assert all(r.attempts == 1 and "cannot reach" in (r.last_error or "") for r in rows)
    fake.down = False
    report = await outbox.drain()
    assert (report.sent, report.pending) == (5, 0)
    assert fake.postings == 5


async def test_crash_after_core_commit_is_resolved_by_replay(outbox: Outbox, fake: FakeLedgerCore,
                                                             lc_settings: Settings) -> None:
    es = [entry(amount=100 + i) for i in range(4)]
    await outbox.enqueue_transactions(GROUP, D2, es)
    fake.drop_after_commit = 3  # first try + both retries commit and then lose the answer
    report = await outbox.drain()
    assert report.unavailable is not None and report.pending == 4
    report = await outbox.drain()
    assert (report.replayed, report.sent, report.pending) == (4, 0, 0)
    assert fake.postings == 4  # exactly once each, despite four posts of the batch


async def test_batch_level_409_is_isolated_entry_by_entry(outbox: Outbox, fake: FakeLedgerCore) -> None:
    clash = entry()
    fake.txns[clash.idempotency_key] = ({**clash.wire(), "amount_minor": 1}, "t-old")
    fake.batch_409 = True
    others = [entry("m-0002"), entry("m-0003")]
    await outbox.enqueue_transactions(GROUP, D2, [others[0], clash, others[1]])
    report = await outbox.drain()
    assert (report.sent, report.parked, report.pending) == (2, 1, 0)
    assert (await outbox.parked())[0].idempotency_key == clash.idempotency_key


async def test_drainer_drains_in_background_and_backs_off(outbox: Outbox, fake: FakeLedgerCore) -> None:
    fake.down = True
    drainer = OutboxDrainer(outbox=outbox, interval_s=60, backoff_s=0.01)
    drainer.start()
    await outbox.enqueue_transactions(GROUP, D2, [entry(), entry()])
    drainer.kick()
    await asyncio.sleep(0.1)
    assert await outbox.pending_count() == 2  # still down: kept, retried on backoff
    tries = len(fake.requests)
    assert tries >= 3
    fake.down = False
    for _ in range(100):  # backoff (not the 60 s interval) brings it through
        if await outbox.pending_count() == 0:
            break
        await asyncio.sleep(0.02)
    await drainer.stop()
    assert await outbox.pending_count() == 0 and fake.postings == 2


async def test_services_wire_one_shared_client(lc_settings: Settings, sessions: sessionmaker[Session],
                                               fake: FakeLedgerCore) -> None:
    from ledger_client import build_ledger_services

    async with httpx.AsyncClient(transport=fake.transport()) as http:
        svc = build_ledger_services(settings=lc_settings, http=http, sessions=sessions)
        svc.drainer.start()
        await svc.outbox.enqueue_transactions(GROUP, D2, [entry()])
        svc.drainer.kick()
        for _ in range(100):
            if await svc.outbox.pending_count() == 0:
                break
            await asyncio.sleep(0.01)
        await svc.drainer.stop()
        assert fake.postings == 1
        assert not (await svc.reads.group(GROUP)).stale


async def test_unreadable_stored_entry_is_parked_not_retried_forever(
    outbox: Outbox, fake: FakeLedgerCore, sessions: sessionmaker[Session]
) -> None:
    ok = entry()
    await outbox.enqueue_transactions(GROUP, D2, [entry(), ok])
    with sessions() as s:  # as if an older version had stored a shape this one no longer accepts
        first = s.scalars(select(OutboxEntry).order_by(OutboxEntry.id)).first()
        assert first is not None
        first.payload = {**first.payload, "amount_minor": 12.5}
        s.commit()
    report = await outbox.drain()
    assert (report.sent, report.parked, report.pending) == (1, 1, 0)
    assert set(fake.txns) == {ok.idempotency_key}
    (parked,) = await outbox.parked()
    assert parked.entry is None and parked.payload["amount_minor"] == 12.5 and "amount_minor" in parked.reason


async def test_two_drainers_on_one_outbox_never_double_post(
    outbox: Outbox, client: LedgerClient, lc_settings: Settings, fake: FakeLedgerCore
) -> None:
    """Two app processes sharing the database: each row is leased to one drainer, so neither replays the other's
    posts (the idempotency key stays the second guard); a drainer that finds every group held by the other stops."""
    other = Outbox(client=client, sessions=make_sessionmaker(make_engine(lc_settings.database.url)),
                   settings=lc_settings.ledger.model_copy(update={"outbox_batch_size": 7}))
    es = [entry(amount=100 + i) for i in range(60)]
    await outbox.enqueue_transactions(GROUP, D2, es)
    a, b = await asyncio.gather(outbox.drain(), other.drain())
    assert await outbox.pending_count() == 0
    assert a.sent + b.sent == 60 and a.replayed + b.replayed == 0  # each entry posted exactly once
    assert fake.postings == 60
    assert {s for _, s in statuses(lc_settings)} == {"sent"}


async def test_a_crashed_drainers_lease_holds_its_group_until_it_runs_out(
    outbox: Outbox, fake: FakeLedgerCore, sessions: sessionmaker[Session]
) -> None:
    """Another host leased this group's head and died: its rows (and the group's later rows, which must not overtake
    them) wait for the lease to run out, then any drainer posts them; other groups drain meanwhile."""
    held = [entry(), entry("m-0002")]
    later = [entry("m-0003")]
    other = [entry("m-0001", kind="fine", amount=200)]
    await outbox.enqueue_transactions(GROUP, D1, held)
    await outbox.enqueue_transactions(GROUP, D2, later)
    await outbox.enqueue_transactions("g-other", D1, other)
    with sessions.begin() as s:  # what the dead host's claim left behind
        for r in s.scalars(select(OutboxEntry).where(OutboxEntry.meeting_date == D1,
                                                     OutboxEntry.group_id == GROUP)):
            r.claimed_by, r.claimed_until = "dead-host:1:x", utcnow() + timedelta(minutes=5)
    first = await outbox.drain()
    assert not {e.idempotency_key for e in held + later} & set(fake.txns)
    assert first.pending == 3  # the held group waits (its leased head and its later meeting); the other group drained
    with sessions.begin() as s:
        for r in s.scalars(select(OutboxEntry).where(OutboxEntry.claimed_by == "dead-host:1:x")):
            r.claimed_until = utcnow() - timedelta(seconds=1)  # the lease ran out
    second = await outbox.drain()
    assert second.pending == 0 and second.replayed == 0
    assert {e.idempotency_key for e in held + later} <= set(fake.txns)
    order = [fake.txns[e.idempotency_key][1] for e in held + later]
    assert order == sorted(order)  # the group still reached the core in enqueue order
