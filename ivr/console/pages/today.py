"""Today: what the line is doing now — live calls, calls and latency per hour, ASR engines, ledger, outbox backlog.

The live numbers are the ones /ops/calls serves (its handler is called as is); the live section is re-fetched by
htmx every few seconds, and without JavaScript the page has a Refresh link.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ivr.api import health as health_api
from ivr.console.formats import dt
from ivr.console.queries.today import LatencyHour, LiveCall, calls_per_hour, latency_per_hour, live_calls
from ivr.console.web import PREFIX, StaffDep, in_db, render
from ledger_client.errors import LedgerError
from models.base import utcnow

router = APIRouter()
# A health check of the core ledger must not hold the page: it answers in milliseconds when it is up.
LEDGER_CHECK_S = 3.0


@dataclass
class Today:
    running: bool
    ops: dict[str, Any] = field(default_factory=dict)
    live: list[LiveCall] = field(default_factory=list)
    hidden_live: int = 0
    asr: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ledger_ok: bool | None = None
    ledger_url: str = ""
    outbox_pending: int | None = None
    outbox_parked: int | None = None
    per_hour: list[tuple[Any, int]] = field(default_factory=list)
    latency: list[LatencyHour] = field(default_factory=list)

    def per_hour_rows(self) -> list[tuple[str, list[int | None]]]:
        return [(dt(hour, "%H:00", zone=False), [n]) for hour, n in self.per_hour]

    def latency_rows(self) -> list[tuple[str, list[int | None]]]:
        return [(dt(h.hour, "%H:00", zone=False), [h.p50_ms, h.p95_ms]) for h in self.latency]


async def _ledger_ok(runtime: Any) -> bool:
    try:
        return bool(await asyncio.wait_for(runtime.ledger.client.health(), LEDGER_CHECK_S))
    except (LedgerError, TimeoutError):
        return False


async def gather(request: Request, staff: Any, *, charts: bool = True) -> Today:
    runtime = getattr(request.app.state, "runtime", None)
    now = utcnow()
    today = Today(running=runtime is not None)
    if runtime is not None:
        today.ops = await health_api.calls(runtime.registry)  # the /ops/calls numbers, exactly
        ids = list(runtime.registry.sessions)
        live = await in_db(request, lambda s: live_calls(s, ids, now))
        today.live = [c for c in live if c.group_id is None or staff.sees(c.group_id)]
        today.hidden_live = len(live) - len(today.live)
        today.asr = {lang: engine.name for lang, engine in runtime.asr.engines.items()}
        today.notes = list(runtime.notes)
        today.ledger_url = runtime.settings.ledger.base_url
        today.ledger_ok = await _ledger_ok(runtime)
        with contextlib.suppress(Exception):  # a locked SQLite file must not take the page down
            today.outbox_pending = await runtime.ledger.outbox.pending_count()
            today.outbox_parked = len(await runtime.ledger.outbox.parked())
    if charts:
        today.per_hour = await in_db(request, lambda s: calls_per_hour(s, now))
        today.latency = await in_db(request, lambda s: latency_per_hour(s, now))
    return today


@router.get(PREFIX, include_in_schema=False)
async def root() -> RedirectResponse:
    return RedirectResponse(PREFIX + "/today", status_code=303)


@router.get(PREFIX + "/today", response_class=HTMLResponse, include_in_schema=False)
async def today_page(request: Request, staff: StaffDep) -> HTMLResponse:
    return render(request, "today.html", staff, t=await gather(request, staff), section="today")


@router.get(PREFIX + "/today/live", response_class=HTMLResponse, include_in_schema=False)
async def today_live(request: Request, staff: StaffDep) -> HTMLResponse:
    """The live section alone (htmx polls it)."""
    return render(request, "_today_live.html", staff, t=await gather(request, staff, charts=False))
