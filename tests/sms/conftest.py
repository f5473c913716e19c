"""SMS unit set-up: a migrated IVR database (real SqlStore, SmsState, outbox tables), the dialogs' fake ledger."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ivr.settings import Settings
from models.base import make_sessionmaker
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from tests.fixtures.settings import make_test_settings


@pytest.fixture
def ivr_settings(tmp_path: Path) -> Settings:
    s = make_test_settings(tmp_path)
    install_keyring(keyring_from_settings(s))
    upgrade_to_head(s)
    return s


@pytest.fixture
def sessions(ivr_settings: Settings) -> Iterator[sessionmaker[Session]]:
    engine = engine_for(ivr_settings)
    try:
        yield make_sessionmaker(engine)
    finally:
        engine.dispose()
