"""Storage tests run on both backends: a migrated SQLite file and a fresh database in the throwaway PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ivr.settings import Settings
from models.base import make_sessionmaker
from models.crypto import KeyRing, install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from models.recording_store import RecordingStore
from tests.fixtures.postgres import PostgresCluster
from tests.fixtures.settings import make_test_settings


@dataclass
class Db:
    backend: str
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    ring: KeyRing
    store: RecordingStore
    cluster: PostgresCluster | None = None

    def session(self) -> Session:
        return self.sessions()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.integration])])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Db]:
    cluster = None
    if request.param == "postgres":
        cluster = request.getfixturevalue("postgres_cluster")
        settings = make_test_settings(tmp_path, database={"url": cluster.new_database("storage")})
    else:
        settings = make_test_settings(tmp_path)
    ring = keyring_from_settings(settings)
    install_keyring(ring)
    upgrade_to_head(settings)
    engine = engine_for(settings)
    try:
        yield Db(request.param, settings, engine, make_sessionmaker(engine), ring,
                 RecordingStore.from_settings(settings), cluster)
    finally:
        engine.dispose()
