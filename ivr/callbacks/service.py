"""Builds the missed-call callback machinery from Settings: the scheduler (drops → callbacks) and, with AMI, the
dialer ticking in the background. Yields None while IVR_CALLBACKS__ENABLED is off."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.orm import Session, sessionmaker

from dialogs.ports import LedgerPort
from ivr.ami import AmiClient
from ivr.callbacks.dialer import CallbackDialer, Clock
from ivr.callbacks.scheduler import CallbackScheduler
from ivr.callbacks.store import CallbackStore
from ivr.settings import Settings
from models.base import utcnow

log = logging.getLogger(__name__)


@asynccontextmanager
async def callbacks_service(settings: Settings, *, sessions: sessionmaker[Session], ledger: LedgerPort,
                            ami: AmiClient | None, clock: Clock = utcnow,
                            start: bool = True) -> AsyncIterator[CallbackScheduler | None]:
    if not settings.callbacks.enabled:
        yield None
        return
    store = CallbackStore(sessions, settings.callbacks, settings.reminders)
    scheduler = CallbackScheduler(store=store, ledger=ledger, settings=settings.callbacks, clock=clock)
    if ami is None:
        log.warning("missed-call callbacks are on but AMI is off (IVR_CALLS__AMI_ENABLED): drops are recorded, "
                    "nobody is called back")
        yield scheduler
        return
    async with CallbackDialer(ami=ami, store=store, settings=settings.callbacks, reminders=settings.reminders,
                              ring_s=settings.ami.originate_ring_s, clock=clock,
                              media_addr=settings.audiosocket.advertise) as dialer:
        scheduler.dialer = dialer
        if start:
            dialer.start()
        yield scheduler
