"""The outbox and read cache on PostgreSQL through the real migrations (SQLite is the default; PG must work too)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from ledger_client import CachedLedger, LedgerClient, Outbox, TransactionEntry, new_idempotency_key
from models.base import make_engine, make_sessionmaker
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import upgrade_engine
from models.outbox import OutboxEntry
from tests.fakes.ledger_core_fake import GROUP, FakeLedgerCore
from tests.fixtures.postgres import PostgresCluster
from tests.fixtures.settings import make_test_settings

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


async def test_outbox_and_cache_on_postgres(tmp_path: Path, postgres_cluster: PostgresCluster) -> None:
    url = postgres_cluster.new_database("ledger_client")
    settings = make_test_settings(tmp_path, database={"url": url},
                                  ledger={"base_url": "http://ledger.test", "backoff_s": 0.001})
    install_keyring(keyring_from_settings(settings))
    engine = make_engine(url)
    upgrade_engine(engine)
    sessions = make_sessionmaker(engine)
    fake = FakeLedgerCore()
    try:
        async with httpx.AsyncClient(transport=fake.transport()) as http:
            client = LedgerClient(http=http, settings=settings.ledger)
            outbox = Outbox(client=client, sessions=sessions, settings=settings.ledger)
            good = [TransactionEntry(idempotency_key=new_idempotency_key(), member_id=m, type="savings",
                                     amount_minor=1000) for m in ("m-0001", "m-0002")]
            bad = TransactionEntry(idempotency_key=new_idempotency_key(), member_id="m-0404", type="fine",
                                   amount_minor=300)
            await outbox.enqueue_transactions(GROUP, date(2026, 11, 24), [good[0], bad, good[1]])
            fake.drop_after_commit = 3  # the answers are lost: the next drain must replay, not double
            first = await outbox.drain()  # parks the refused entry, then loses the answer for the other two
            assert first.unavailable is not None and first.parked == 1 and first.pending == 2
            report = await outbox.drain()
            assert (report.replayed, report.sent, report.pending) == (2, 0, 0)
            assert fake.postings == 2
            with sessions() as s:
                rows = s.scalars(select(OutboxEntry).order_by(OutboxEntry.id)).all()
                assert [r.status for r in rows] == ["sent", "parked", "sent"]
                result = rows[0].result
                assert rows[0].sent_at is not None and result is not None and result["status"] == "replayed"

            cached = CachedLedger(client=client, sessions=sessions)
            fresh = await cached.member_position(GROUP, "m-0001")
            fake.down = True
            stale = await cached.member_position(GROUP, "m-0001")
            assert stale.stale and stale.as_of == fresh.as_of and stale.value == fresh.value
    finally:
        engine.dispose()
