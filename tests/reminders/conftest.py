"""Reminder test set-up: a migrated IVR database (SQLite and PostgreSQL), the real ReminderStore, a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dialogs.store import SqlStore
from ivr.reminders.config import RemindersSettings
from ivr.reminders.planner import Planner
from ivr.reminders.runner import Runner
from ivr.reminders.store import ReminderStore
from ivr.settings import Settings
from models.base import make_sessionmaker
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from tests.fakes.dialog_fakes import FakeClock
from tests.fakes.reminder_fakes import FakeLedgerReads, FakePlacer
from tests.fixtures.settings import make_test_settings


@dataclass
class Env:
    settings: Settings
    sessions: sessionmaker[Session]
    clock: FakeClock

    def store(self, **overrides: Any) -> ReminderStore:
        """A fresh store (a 'restarted scheduler') over the same database."""
        return ReminderStore(self.sessions, self.rem(**overrides))

    def rem(self, **overrides: Any) -> RemindersSettings:
        return self.settings.reminders.model_copy(update=overrides)

    def runner(self, ledger: FakeLedgerReads, placer: FakePlacer, **overrides: Any) -> tuple[Runner, ReminderStore]:
        store = self.store(**overrides)
        planner = Planner(ledger=ledger, store=store, settings=self.rem(**overrides))
        return Runner(planner=planner, store=store, placer=placer, clock=self.clock, stamp=self.clock), store

    def sql_store(self) -> SqlStore:
        return SqlStore(self.sessions)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.integration])])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Env]:
    """The same tests on a migrated SQLite file and on a fresh database in the throwaway PostgreSQL."""
    if request.param == "postgres":
        cluster = request.getfixturevalue("postgres_cluster")
        settings = make_test_settings(tmp_path, database={"url": cluster.new_database("reminders")})
    else:
        settings = make_test_settings(tmp_path)
    install_keyring(keyring_from_settings(settings))
    upgrade_to_head(settings)
    engine = engine_for(settings)
    try:
        yield Env(settings, make_sessionmaker(engine), FakeClock())
    finally:
        engine.dispose()


