"""One call that wires the ledger client, cached reads, outbox and drainer for the app's lifespan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import httpx
from sqlalchemy.orm import Session, sessionmaker

from ledger_client.cache import CachedLedger
from ledger_client.client import LedgerClient
from ledger_client.config import LedgerSettings
from ledger_client.drainer import OutboxDrainer
from ledger_client.outbox import Outbox
from models.base import utcnow


class HasLedger(Protocol):
    """Anything carrying a `ledger` section (the root Settings)."""

    @property
    def ledger(self) -> LedgerSettings: ...


@dataclass(frozen=True)
class LedgerServices:
    """What dialogs and the app need: typed raw calls, offline-first reads, the write outbox and its drainer."""

    client: LedgerClient
    reads: CachedLedger
    outbox: Outbox
    drainer: OutboxDrainer


def build_ledger_services(
    *, settings: HasLedger, http: httpx.AsyncClient, sessions: sessionmaker[Session],
    clock: Callable[[], datetime] = utcnow,
) -> LedgerServices:
    """`http` is the process's one shared AsyncClient; call `drainer.start()` in the lifespan, `stop()` at exit."""
    client = LedgerClient(http=http, settings=settings.ledger)
    outbox = Outbox(client=client, sessions=sessions, settings=settings.ledger)
    drainer = OutboxDrainer(
        outbox=outbox, interval_s=settings.ledger.outbox_drain_interval_s, backoff_s=settings.ledger.backoff_s
    )
    return LedgerServices(client, CachedLedger(client=client, sessions=sessions, clock=clock), outbox, drainer)
