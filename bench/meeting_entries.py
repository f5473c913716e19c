"""Meeting recording cost per turn, without Rasa: entry parsing (names, type, amount) and the durable commit of a
confirmed entry (SQLite with FULL sync, encrypted columns) — what the caller waits for before "Saved".

Run from the repo root: .venv/bin/python -m bench.meeting_entries [--entries 300]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from dialogs.meeting.parse import speech_entry
from dialogs.meeting.ports import NewEntry
from dialogs.meeting.sql import SqlMeetingStore
from ledger_client.types import RosterMember
from ledger_core.demo_people import demo_members
from models.base import make_sessionmaker, utcnow
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head
from tests.fixtures.settings import make_test_settings

UTTERANCES = {
    "en": ["Mary paid two hundred savings", "John repaid five hundred on his loan", "Grace took a loan of one thousand",
           "Peter fine fifty", "social fund for everyone fifty", "Faith paid three hundred shares"],
    "sw": ["Baraka ameweka akiba elfu mbili", "Halima amelipa mkopo elfu kumi", "Upendo hisa elfu nne",
           "mfuko wa jamii kila mtu elfu moja"],
}
GROUP = {"en": ("g-kes-umoja", "KES"), "sw": ("g-tzs-tumaini", "TZS")}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def bench(entries: int, console: Console) -> None:
    parse_ms: list[float] = []
    for lang, lines in UTTERANCES.items():
        gid, cur = GROUP[lang]
        roster = [RosterMember(member_id=m.member_id, roster_number=m.roster_number, name=m.name,
                               first_name=m.first_name, nickname=m.nickname, role=m.role,  # type: ignore[arg-type]
                               language=m.language) for m in demo_members() if m.group_id == gid]
        for _ in range(50):
            for line in lines:
                start = time.perf_counter()
                speech_entry(line, roster, cur, lang)
                parse_ms.append((time.perf_counter() - start) * 1000)
    commit_ms: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = make_test_settings(Path(tmp))
        install_keyring(keyring_from_settings(settings))
        upgrade_to_head(settings)
        engine = engine_for(settings)
        store = SqlMeetingStore(make_sessionmaker(engine))
        draft = await store.open_draft(group_id="g-kes-umoja", meeting_date=date(2026, 11, 26), currency="KES",
                                       recorder="m-0002")
        with Progress(console=console) as bar:
            task = bar.add_task("committing entries", total=entries)
            for i in range(entries):
                start = time.perf_counter()
                await store.add_entries(draft.draft_id, [NewEntry("m-0001", "Grace Wanjiru", "savings", 100 + i)],
                                        call_id=None, at=utcnow())
                commit_ms.append((time.perf_counter() - start) * 1000)
                bar.advance(task)
        engine.dispose()
    table = Table("measure", "n", "p50 ms", "p95 ms", "mean ms")
    for name, values in (("parse one utterance (names+type+amount)", parse_ms),
                         ("commit one confirmed entry", commit_ms)):
        table.add_row(name, str(len(values)), f"{pct(values, 0.5):.2f}", f"{pct(values, 0.95):.2f}",
                      f"{statistics.mean(values):.2f}")
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(bench(args.entries, Console()))


if __name__ == "__main__":
    main()
