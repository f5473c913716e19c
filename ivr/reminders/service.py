"""Builds the reminder machinery from Settings: one DB engine, one shared httpx client, the AMI client when dialling."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import httpx
from sqlalchemy.orm import Session, sessionmaker

from ivr.ami import AmiClient
from ivr.reminders.placer import AmiPlacer
from ivr.reminders.planner import Clock, Planner
from ivr.reminders.runner import Runner
from ivr.reminders.store import ReminderStore
from ivr.settings import Settings
from ledger_client.client import LedgerClient
from models.base import make_sessionmaker, utcnow
from models.migrate import engine_for, upgrade_to_head

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminders:
    store: ReminderStore
    planner: Planner
    runner: Runner | None  # None unless built with dial=True


class MissingCallerNumber(ValueError):
    """Reminder calls outside development need IVR_REMINDERS__CALLER_ID_NUMBER."""


def check_caller_number(settings: Settings) -> None:
    """Refuse to dial outside development without a caller ID number; in development, warn once per run."""
    if settings.reminders.caller_id_number:
        return
    message = ("IVR_REMINDERS__CALLER_ID_NUMBER is not set: reminder calls would show members an unknown number; "
               "set it to the line's number (e.g. +254700999000)")
    if settings.env != "development":
        raise MissingCallerNumber(message)
    log.warning("%s (allowed in development only)", message)


@asynccontextmanager
async def reminders_service(settings: Settings, *, clock: Clock = utcnow, stamp: Clock = utcnow, dial: bool = False,
                            ami: AmiClient | None = None, http: httpx.AsyncClient | None = None,
                            sessions: sessionmaker[Session] | None = None) -> AsyncIterator[Reminders]:
    """Migrate, connect, yield; with `dial=True` also log in to AMI (or use the given, already started client).

    Inside the app pass its shared `http` client and `sessions` (one client, one engine per process); the CLI
    builds its own. `clock` is the moment the run plans and claims as of (`--at`), `stamp` the real time its
    records carry (see ivr.reminders.runner).
    """
    if dial:
        check_caller_number(settings)  # before migrating or logging in: nothing to undo
    async with AsyncExitStack() as stack:
        if sessions is None:
            await asyncio.to_thread(upgrade_to_head, settings)
            engine = engine_for(settings)
            stack.callback(engine.dispose)
            sessions = make_sessionmaker(engine)
        if http is None:
            http = await stack.enter_async_context(httpx.AsyncClient())
        store = ReminderStore(sessions, settings.reminders)
        planner = Planner(ledger=LedgerClient(http=http, settings=settings.ledger), store=store,
                          settings=settings.reminders)
        runner = None
        if dial:
            if ami is None:
                ami = AmiClient(settings.ami)
                await ami.start()  # typed one-line error naming IVR_AMI__HOST/PORT/SECRET when it fails
                stack.push_async_callback(ami.close)
            placer = await stack.enter_async_context(AmiPlacer(ami, settings.reminders,
                                                               settings.ami.originate_ring_s,
                                                               media_addr=settings.audiosocket.advertise))
            runner = Runner(planner=planner, store=store, placer=placer, clock=clock, stamp=stamp,
                            enabled=settings.reminders.enabled)
        yield Reminders(store, planner, runner)
