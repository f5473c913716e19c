"""Helpers for the meeting-recording acceptance tests: real ledger_core + Rasa + IVR database, scripted callers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from dialogs.actions import Action, Say
from dialogs.engine import Dialog
from dialogs.events import CallStarted, Hangup
from dialogs.prompts import render
from dialogs.text import action_lines, parse_line
from dialogs.values import Value
from ledger_core.db import Member, Txn
from ledger_core.db import make_engine as ledger_engine
from ledger_core.db import make_sessionmaker as ledger_sessions
from ledger_core.demo_people import DemoMember, demo_members

Entry = tuple[str, str, int]  # (member_id, ledger type, amount_minor)


def officer(group_id: str, role: str = "secretary") -> DemoMember:
    return next(m for m in demo_members() if m.group_id == group_id and m.role == role)


def say(prompt: str, lang: str, **values: Value) -> str:
    return "BOT: " + render(prompt, values, lang)


class Ledger:
    """ledger_core's own database, read directly (never through the IVR)."""

    def __init__(self, db_url: str) -> None:
        self._engine = ledger_engine(db_url)
        self._sessions = ledger_sessions(self._engine)

    def add_member(self, group_id: str, member_id: str, name: str, language: str) -> None:
        """A namesake for the disambiguation tests ("Mary Akinyi or Mary Wanjiku?")."""
        with self._sessions.begin() as s:
            n = len(list(s.scalars(select(Member).where(Member.group_id == group_id))))
            s.add(Member(member_id=member_id, group_id=group_id, roster_number=n + 1, name=name,
                         first_name=name.split()[0], role="member", language=language))

    def ids_of(self, group_id: str) -> dict[str, str]:
        """Full name -> member id of a group."""
        with self._sessions() as s:
            return {m.name: m.member_id for m in s.scalars(select(Member).where(Member.group_id == group_id))}

    def txn_ids(self, group_id: str) -> set[int]:
        with self._sessions() as s:
            return set(s.scalars(select(Txn.id).where(Txn.group_id == group_id)))

    def new_entries(self, group_id: str, before: set[int]) -> Counter[Entry]:
        """Transactions posted since `before` as a multiset of (member, type, amount)."""
        with self._sessions() as s:
            rows = s.scalars(select(Txn).where(Txn.group_id == group_id, Txn.id.not_in(before)))
            return Counter((t.member_id, t.type, t.amount_minor) for t in rows)

    def close(self) -> None:
        self._engine.dispose()


@dataclass
class Call:
    """One scripted call on the meeting line; `heard` is every BOT line, `ids` every prompt id said."""

    dialog: Dialog
    heard: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    async def start(self, phone: str, purpose: str = "meeting") -> list[str]:
        return self._keep(await self.dialog.handle(CallStarted(phone, purpose=purpose)))

    async def send(self, line: str) -> list[str]:
        assert self.dialog.listening is not None, f"the call ended before {line!r}: {self.heard[-3:]}"
        return self._keep(await self.dialog.handle(parse_line(line)))

    async def script(self, lines: list[str]) -> None:
        for line in lines:
            await self.send(line)

    async def hang_up(self) -> None:
        await self.dialog.handle(Hangup())

    def _keep(self, actions: list[Action]) -> list[str]:
        out = action_lines(actions)
        self.heard += out
        self.ids += [a.prompt_id for a in actions if isinstance(a, Say)]
        return out


def tmp_db_url(tmp: Path) -> str:
    return f"sqlite:///{tmp / 'ivr.db'}"
