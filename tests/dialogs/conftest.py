"""Dialog test set-up: a migrated IVR database (real SqlStore), fakes for ledger/NLU/clock, and a text caller."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dialogs.actions import Action
from dialogs.config import DialogSettings
from dialogs.engine import Dialog
from dialogs.store import SqlStore
from dialogs.text import action_lines, parse_line
from ivr.settings import Settings
from models.base import make_sessionmaker
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from models.pins import set_pin
from tests.fakes.dialog_fakes import FakeClock, FakeLedger, FakeNlu
from tests.fixtures.settings import make_test_settings

# The main menu as said to a member with a PIN: one line per choice, then the keys that work everywhere.
MAIN_MENU = ["menu_item_savings", "menu_item_loan", "menu_item_meeting", "menu_item_more", "menu_footer"]
MORE_MENU = ["menu_item_fines", "menu_item_social", "menu_item_group", "menu_item_language", "menu_more_footer"]


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


def give_pin(sessions: sessionmaker[Session], member_id: str, pin: str) -> None:
    with sessions.begin() as s:
        set_pin(s, member_id, pin)


@dataclass
class Caller:
    """Drives one Dialog from text lines and keeps every line the caller heard."""

    dialog: Dialog
    heard: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    async def call(self, phone: str) -> list[str]:
        from dialogs.events import CallStarted

        return self._keep(await self.dialog.handle(CallStarted(phone)))

    async def send(self, line: str) -> list[str]:
        return self._keep(await self.dialog.handle(parse_line(line)))

    def _keep(self, actions: list[Action]) -> list[str]:
        self.actions = actions
        lines = action_lines(actions)
        self.heard += lines
        return lines

    def ids(self) -> list[str]:
        from dialogs.actions import Say

        return [a.prompt_id for a in self.actions if isinstance(a, Say)]


@dataclass
class Kit:
    ledger: FakeLedger
    nlu: FakeNlu
    clock: FakeClock
    store: SqlStore
    sessions: sessionmaker[Session]

    def caller(self, *, lang: str | None = None, **settings: object) -> Caller:
        dialog = Dialog(ledger=self.ledger, nlu=self.nlu, store=self.store, clock=self.clock,
                        settings=DialogSettings(**settings), lang=lang)  # type: ignore[arg-type]
        return Caller(dialog)


@pytest.fixture
def kit(sessions: sessionmaker[Session]) -> Kit:
    give_pin(sessions, "m-1", "2580")
    give_pin(sessions, "m-3", "1357")
    return Kit(FakeLedger(), FakeNlu(), FakeClock(), SqlStore(sessions), sessions)
