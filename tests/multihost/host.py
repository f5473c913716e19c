"""One "IVR host" of the multi-host tests, run as its own process with its own engine and AMI session.

`python -m tests.multihost.host reminders AT` runs the real reminder scheduler (ReminderStore claims, AmiPlacer over
the real AMI client) as of AT until nothing is due or in progress; `... outbox` drains the real outbox to the core
over HTTP until nothing is pending; `... migrate` runs the migrations. Settings come from IVR_* variables, as `ivr`
reads them. Every mode prints `ready`, waits for a line on stdin (so the hosts start together), then prints one
JSON line of what it did.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import datetime

import httpx
from sqlalchemy import func, or_, select

from ivr.cli.common import build_settings
from ivr.reminders.service import reminders_service
from ivr.settings import Settings
from ledger_client import LedgerClient, Outbox
from models.base import make_sessionmaker
from models.migrate import current_revisions, engine_for, upgrade_engine
from models.reminders import ACTIVE_STATUSES, Reminder


async def _go() -> None:
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)


async def reminders(settings: Settings, at: datetime) -> dict[str, object]:
    dials: list[dict[str, object]] = []
    runs = 0
    async with reminders_service(settings, clock=lambda: at, dial=True) as svc:
        assert svc.runner is not None
        await _go()

        def left() -> int:
            with svc.store.sessions() as s:
                return int(s.scalar(select(func.count()).select_from(Reminder).where(or_(
                    Reminder.status.in_(ACTIVE_STATUSES),
                    (Reminder.status == "pending") & (Reminder.next_attempt_at <= at)))) or 0)

        while True:  # what `ivr reminders run --every` does on each host, on a frozen clock
            report = await svc.runner.run()
            runs += 1
            dials += [{"reminder": d.reminder_id, "call": str(d.call_id), "attempt": d.attempt} for d in report.dials]
            if not report.dials and await asyncio.to_thread(left) == 0:
                break
            await asyncio.sleep(0.05)
    return {"pid": os.getpid(), "runs": runs, "dials": dials}


async def outbox(settings: Settings) -> dict[str, object]:
    engine = engine_for(settings)
    sent = replayed = parked = drains = 0
    try:
        async with httpx.AsyncClient() as http:
            box = Outbox(client=LedgerClient(http=http, settings=settings.ledger), sessions=make_sessionmaker(engine),
                         settings=settings.ledger)
            await _go()
            while await box.pending_count():  # the app's drainer loop, without its interval
                report = await box.drain()
                drains += 1
                sent, replayed, parked = sent + report.sent, replayed + report.replayed, parked + report.parked
                await asyncio.sleep(0.01)
    finally:
        engine.dispose()
    return {"pid": os.getpid(), "drains": drains, "sent": sent, "replayed": replayed, "parked": parked}


async def migrate(settings: Settings) -> dict[str, object]:
    engine = engine_for(settings)
    try:
        with engine.connect():
            pass  # connected before "go": the upgrades really start together
        await _go()
        await asyncio.to_thread(upgrade_engine, engine)
        return {"pid": os.getpid(), "revisions": sorted(current_revisions(engine))}
    finally:
        engine.dispose()


def main(argv: list[str]) -> None:
    settings = build_settings(secrets=True)  # installs the keyring from the shared secrets file
    if argv[1] == "reminders":
        result = asyncio.run(reminders(settings, datetime.fromisoformat(argv[2])))
    elif argv[1] == "migrate":
        result = asyncio.run(migrate(settings))
    elif argv[1] == "outbox":
        result = asyncio.run(outbox(settings))
    else:
        raise SystemExit(f"unknown mode {argv[1]!r}: reminders AT | outbox")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv)
