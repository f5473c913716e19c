"""One call that wires the ledger client, cached reads, outbox and drainer for the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy.orm import Session, sessionmaker

from ivr.settings import Settings
from ledger_client.cache import CachedLedger
from ledger_client.client import LedgerClient
from ledger_client.drainer import OutboxDrainer
from ledger_client.outbox import Outbox


@dataclass(frozen=True)
class LedgerServices:
    """What dialogs and the app need: typed raw calls, offline-first reads, the write outbox and its drainer."""

    client: LedgerClient
    reads: CachedLedger
    outbox: Outbox
    drainer: OutboxDrainer


def build_ledger_services(
    *, settings: Settings, http: httpx.AsyncClient, sessions: sessionmaker[Session]
) -> LedgerServices:
    """`http` is the process's one shared AsyncClient; call `drainer.start()` in the lifespan, `stop()` at exit."""
    client = LedgerClient(http=http, settings=settings.ledger)
    outbox = Outbox(client=client, sessions=sessions, settings=settings.ledger)
    drainer = OutboxDrainer(
        outbox=outbox, interval_s=settings.ledger.outbox_drain_interval_s, backoff_s=settings.ledger.backoff_s
    )
    return LedgerServices(client, CachedLedger(client=client, sessions=sessions), outbox, drainer)
