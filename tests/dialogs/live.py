"""Helpers for the integration conversations: real ledger_core + real Rasa + real SQL store, scripted text callers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from dialogs.actions import Listen
from dialogs.text import converse
from ivr.settings import Settings
from ivr.wiring import RealPorts, real_ports
from ledger_core import queries
from ledger_core.db import make_engine as ledger_engine
from ledger_core.db import make_sessionmaker as ledger_sessions
from ledger_core.demo_people import DemoMember, demo_members
from models.base import make_sessionmaker, utcnow
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from models.pins import set_pin
from tests.fixtures.settings import make_test_settings

GROUP_LANG = {"g-kes-umoja": "en", "g-tzs-tumaini": "sw"}


class ShiftClock:
    """Real time plus an offset the test can move forward (PIN lock expiry)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return utcnow() + self.offset


def live_settings(tmp: Path, ledger_url: str, rasa_url: str, **dialogs: Any) -> Settings:
    s = make_test_settings(tmp, ledger={"base_url": ledger_url, "retries": 0, "read_timeout_s": 5.0},
                           nlu={"url": rasa_url}, dialogs=dialogs)
    install_keyring(keyring_from_settings(s))
    upgrade_to_head(s)
    return s


def give_demo_pins(settings: Settings, *members: DemoMember) -> None:
    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine).begin() as s:
            for m in members:
                set_pin(s, m.member_id, m.pin)
    finally:
        engine.dispose()


def single_group_members(group_id: str) -> list[DemoMember]:
    everyone = demo_members()
    phones = [m.phone for m in everyone]
    return [m for m in everyone if m.group_id == group_id and phones.count(m.phone) == 1]


class LedgerTruth:
    """ledger_core's own answers, read from its database (not through the IVR, not constants)."""

    def __init__(self, db_url: str) -> None:
        self._engine = ledger_engine(db_url)
        self._sessions = ledger_sessions(self._engine)

    def member(self, group_id: str, member_id: str) -> Any:
        with self._sessions() as s:
            return queries.member_position(s, group_id, member_id)

    def group(self, group_id: str) -> Any:
        with self._sessions() as s:
            return queries.group_position(s, group_id)

    def info(self, group_id: str) -> Any:
        with self._sessions() as s:
            return queries.group_info(s, group_id)

    def close(self) -> None:
        self._engine.dispose()


@dataclass
class Script:
    """Lines to type, one per Listen; what the bot said comes back in `heard`."""

    lines: list[str]
    heard: list[str] = field(default_factory=list)
    listens: list[Listen] = field(default_factory=list)

    async def read(self, listen: Listen) -> str | None:
        self.listens.append(listen)
        return self.lines.pop(0) if self.lines else None

    def write(self, line: str) -> None:
        self.heard.append(line)


@asynccontextmanager
async def ports_for(settings: Settings, clock: ShiftClock | None = None) -> AsyncIterator[RealPorts]:
    async with real_ports(settings, clock=clock or utcnow) as ports:
        yield ports


async def run(ports: RealPorts, phone: str, lines: list[str], *, lang: str | None = None,
              clock: ShiftClock | None = None) -> list[str]:
    script = Script(list(lines))
    dialog = ports.dialog(lang=lang, clock=clock or utcnow)  # type: ignore[arg-type]
    await converse(dialog, phone, script.read, script.write)
    return script.heard
