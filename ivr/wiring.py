"""The one place real adapters are built from Settings: NLU (Rasa + fallback), ledger services, dialog ports.

The app's lifespan (ivr/app.py), `ivr chat` and the tests all build through these functions, so each adapter is
constructed the same way everywhere and packages below `ivr` never read the root Settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from dialogs.engine import Dialog
from dialogs.meeting.ports import MeetingPorts
from dialogs.meeting.sql import meeting_ports
from dialogs.ports import Clock, LedgerPort, NluPort
from dialogs.store import SqlStore
from ivr.settings import Settings
from ledger_client.outbox import Outbox
from ledger_client.services import LedgerServices, build_ledger_services
from models.base import make_sessionmaker, utcnow
from models.migrate import engine_for, upgrade_to_head
from nlu.client import RasaClient
from nlu.types import Lang
from nlu.understand import Nlu


@dataclass(frozen=True)
class RealPorts:
    ledger: LedgerPort
    nlu: NluPort
    store: SqlStore
    settings: Settings
    http: httpx.AsyncClient
    meetings: MeetingPorts | None = None
    outbox: Outbox | None = None
    services: LedgerServices | None = None

    def dialog(self, *, lang: Lang | None = None, clock: Clock = utcnow) -> Dialog:
        return Dialog(ledger=self.ledger, nlu=self.nlu, store=self.store, clock=clock,
                      settings=self.settings.dialogs, lang=lang, meetings=self.meetings)


def build_nlu(settings: Settings, http: httpx.AsyncClient) -> Nlu:
    """Rasa over the process's shared HTTP client, with the keyword fallback when it is down."""
    return Nlu(parser=RasaClient(http, settings.nlu.url, settings.nlu.timeout_s), settings=settings.nlu)


@asynccontextmanager
async def real_ports(settings: Settings, *, clock: Clock = utcnow) -> AsyncIterator[RealPorts]:
    """Migrate the IVR database, open one shared httpx client, and hand out the real ports (closed on exit)."""
    upgrade_to_head(settings)
    engine = engine_for(settings)
    sessions = make_sessionmaker(engine)
    try:
        async with httpx.AsyncClient() as http:
            ledger = build_ledger_services(settings=settings, http=http, sessions=sessions, clock=clock)
            # meeting recording: durable drafts + the write outbox (posted as one batch per meeting)
            yield RealPorts(ledger=ledger.reads, nlu=build_nlu(settings, http), store=SqlStore(sessions),
                            settings=settings, http=http, meetings=meeting_ports(ledger.outbox, sessions),
                            outbox=ledger.outbox, services=ledger)
    finally:
        engine.dispose()


async def component_warnings(ports: RealPorts) -> list[str]:
    """One line per real component that does not answer, naming the setting or command that fixes it.

    Dialogs still run without them (cached figures, keyword/keypad fallback): these are warnings, not errors.
    """
    s = ports.settings
    checks = (
        (s.ledger.base_url.rstrip("/") + "/v1/health",
         f"ledger not reachable at {s.ledger.base_url}: only cached figures can be said "
         "(set IVR_LEDGER__BASE_URL or start it with `ivr ledger serve`)"),
        (s.nlu.url.rstrip("/") + "/status",
         f"Rasa not reachable at {s.nlu.url}: keyword and keypad fallback only "
         "(set IVR_NLU__URL or start it with `ivr nlu serve`)"),
    )
    warnings = []
    for url, message in checks:
        try:
            ok = (await ports.http.get(url, timeout=2.0)).status_code == 200
        except httpx.HTTPError:
            ok = False
        if not ok:
            warnings.append(message)
    return warnings
