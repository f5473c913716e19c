"""Offline-first reads against the fake: fresh answers cached encrypted, stale answers served with their as-of."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ivr.settings import Settings
from ledger_client import CachedLedger, LedgerClient, LedgerNotFound, LedgerUnavailable
from tests.fakes.ledger_core_fake import GROUP, PHONE, FakeLedgerCore

T0 = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)


@pytest.fixture
def cached(client: LedgerClient, sessions: sessionmaker[Session]) -> CachedLedger:
    return CachedLedger(client=client, sessions=sessions, clock=lambda: T0)


async def test_fresh_then_stale_with_as_of(cached: CachedLedger, fake: FakeLedgerCore) -> None:
    fresh = await cached.member_position(GROUP, "m-0001")
    assert not fresh.stale and fresh.as_of == T0 and fresh.value.savings_minor == 150000
    fake.down = True
    stale = await cached.member_position(GROUP, "m-0001")
    assert stale.stale and stale.as_of == T0
    assert stale.value == fresh.value


async def test_every_cached_read_falls_back(cached: CachedLedger, fake: FakeLedgerCore) -> None:
    await cached.memberships(PHONE)
    await cached.group(GROUP)
    await cached.group_position(GROUP)
    await cached.roster(GROUP)
    fake.down = True
    assert (await cached.memberships(PHONE)).value.memberships[0].first_name == "Amina"
    assert (await cached.group(GROUP)).stale
    assert (await cached.group_position(GROUP)).value.total_savings_minor == 150000
    assert len((await cached.roster(GROUP)).value.members) == 3


async def test_newer_answer_replaces_older(client: LedgerClient, sessions: sessionmaker[Session],
                                           fake: FakeLedgerCore) -> None:
    times = iter([T0, T0.replace(hour=8)])
    cached = CachedLedger(client=client, sessions=sessions, clock=lambda: next(times))
    await cached.member_position(GROUP, "m-0001")
    fake.savings["m-0001"] = 175000
    await cached.member_position(GROUP, "m-0001")
    fake.down = True
    stale = await cached.member_position(GROUP, "m-0001")
    assert stale.value.savings_minor == 175000 and stale.as_of == T0.replace(hour=8)


async def test_no_cache_means_unavailable_not_empty(cached: CachedLedger, fake: FakeLedgerCore) -> None:
    fake.down = True
    with pytest.raises(LedgerUnavailable, match="no cached member_position"):
        await cached.member_position(GROUP, "m-0002")
    with pytest.raises(LedgerUnavailable):
        await cached.memberships("+254700000001")


async def test_not_found_is_not_masked_by_cache(cached: CachedLedger) -> None:
    with pytest.raises(LedgerNotFound):
        await cached.member_position(GROUP, "m-9999")


async def test_cache_file_holds_no_clear_phone_names_or_balances(
    cached: CachedLedger, lc_settings: Settings, fake: FakeLedgerCore
) -> None:
    fake.savings["m-0001"] = 987654
    await cached.memberships(PHONE)
    await cached.member_position(GROUP, "m-0001")
    db = Path(lc_settings.database.url.removeprefix("sqlite:///"))
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    for secret in (PHONE.encode(), b"712345678", b"Amina", b"987654"):
        assert secret not in raw
