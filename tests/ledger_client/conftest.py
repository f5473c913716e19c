"""Shared set-up for the ledger client tests: settings, the IVR tables, and a client over the in-memory fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from ivr.settings import Settings
from ledger_client import LedgerClient
from models.base import Base, make_engine, make_sessionmaker
from models.crypto import install_keyring, keyring_from_settings
from models.ledger_cache import LedgerCacheEntry
from models.outbox import OutboxEntry
from tests.fakes.ledger_core_fake import FakeLedgerCore
from tests.fixtures.settings import make_test_settings


@pytest.fixture
def lc_settings(tmp_path: Path) -> Settings:
    s = make_test_settings(tmp_path, ledger={"base_url": "http://ledger.test", "backoff_s": 0.001, "retries": 2})
    install_keyring(keyring_from_settings(s))
    return s


@pytest.fixture
def sessions(lc_settings: Settings) -> sessionmaker[Session]:
    engine = make_engine(lc_settings.database.url)
    mine = (OutboxEntry.__tablename__, LedgerCacheEntry.__tablename__)
    Base.metadata.create_all(engine, tables=[Base.metadata.tables[t] for t in mine])
    return make_sessionmaker(engine)


@pytest.fixture
def fake() -> FakeLedgerCore:
    return FakeLedgerCore()


@pytest.fixture
async def client(fake: FakeLedgerCore, lc_settings: Settings) -> AsyncIterator[LedgerClient]:
    sleeps: list[float] = []

    async def record_sleep(s: float) -> None:
        sleeps.append(s)

    async with httpx.AsyncClient(transport=fake.transport()) as http:
        c = LedgerClient(http=http, settings=lc_settings.ledger, sleep=record_sleep)
        c.sleeps = sleeps  # type: ignore[attr-defined]
        yield c
