"""Admin API for reminders: preview, statistics, pause/resume, member opt-in/out — API-key auth, no phone numbers.

Auth: header `X-API-Key` must match the key of an entry "name:role:key" in settings.security.admin_api_keys.
Any role may read (preview, stats); changing anything (pause, resume, opt-in/out) needs the role "admin".
Wiring (the app factory owns it): `app.state.settings = settings`, in the lifespan
`app.state.reminders = await stack.enter_async_context(ivr.reminders.service.reminders_service(settings))`,
and `app.include_router(ivr.api.reminders.router)`.
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Security, status
from fastapi.security import APIKeyHeader
from pydantic import BaseModel

from ivr.callbacks.stats import callback_stats
from ivr.reminders.service import Reminders
from ivr.reminders.stats import campaign_stats
from ivr.reminders.store import ALL_SCOPE
from ivr.settings import Settings
from ivr.sms.stats import sms_stats
from ledger_client.errors import LedgerError
from models.base import utcnow

_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


@dataclass(frozen=True)
class Caller:
    name: str
    role: str


def _settings(request: Request) -> Settings:
    settings = getattr(request.app.state, "settings", None)
    if not isinstance(settings, Settings):
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "settings not loaded")
    return settings


def _caller(request: Request, key: Annotated[str | None, Security(_key_header)]) -> Caller:
    if not key:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing X-API-Key header")
    for entry in _settings(request).security.admin_api_keys:
        name, role, secret = [*entry.get_secret_value().split(":", 2), "", ""][:3]
        if secret and hmac.compare_digest(secret.encode(), key.encode()):
            return Caller(name, role)
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown API key")


def _admin(caller: Annotated[Caller, Depends(_caller)]) -> Caller:
    if caller.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs an API key with the admin role")
    return caller


def _reminders(request: Request) -> Reminders:
    svc = getattr(request.app.state, "reminders", None)
    if not isinstance(svc, Reminders):
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the reminders service is not running")
    return svc


ReaderDep = Annotated[Caller, Depends(_caller)]
AdminDep = Annotated[Caller, Depends(_admin)]
RemindersDep = Annotated[Reminders, Depends(_reminders)]

router = APIRouter(prefix="/admin/reminders", tags=["reminders"])


class Scope(BaseModel):
    """A pause/resume target: one group, or every group when omitted."""

    group_id: str | None = None


@router.get("/preview")
async def preview(_caller: ReaderDep, svc: RemindersDep,
                  at: Annotated[datetime | None, Query(description="ISO 8601 with offset")] = None) -> dict[str, Any]:
    """Who would be called, when and why — no call placed, nothing stored."""
    if at is not None and at.tzinfo is None:
        raise HTTPException(422, "'at' needs a UTC offset")
    try:
        lines = await svc.planner.lines(at or utcnow())
    except LedgerError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, f"ledger unavailable: {exc}") from exc
    return {"reminders": [{
        "group_id": ln.candidate.group_id, "member_id": ln.candidate.member_id, "rule": ln.candidate.rule,
        "kind": ln.candidate.kind, "event_date": ln.candidate.event_date.isoformat(),
        "first_call_at": ln.first_call_at.isoformat() if ln.first_call_at else None,
        "status": ln.status, "reason": ln.reason} for ln in lines]}  # fmt: skip


@router.get("/stats")
async def stats(_caller: ReaderDep, svc: RemindersDep, campaign: str | None = None) -> dict[str, Any]:
    found = await asyncio.to_thread(campaign_stats, svc.store.sessions, campaign)
    callbacks = await asyncio.to_thread(callback_stats, svc.store.sessions)
    sms = await asyncio.to_thread(sms_stats, svc.store.sessions)
    # missed-call callbacks and reminder SMS beside the call campaigns (counts only)
    return {"campaigns": [st.to_json() for st in found], "callbacks": callbacks.to_json(), "sms": sms}


@router.post("/pause")
async def pause(caller: AdminDep, svc: RemindersDep, scope: Scope) -> dict[str, Any]:
    await svc.store.pause(scope.group_id or ALL_SCOPE, f"admin:{caller.name}")
    return {"paused": scope.group_id or "all"}


@router.post("/resume")
async def resume(_caller: AdminDep, svc: RemindersDep, scope: Scope) -> dict[str, Any]:
    was = await svc.store.resume(scope.group_id or ALL_SCOPE)
    return {"resumed": scope.group_id or "all", "was_paused": was}


@router.post("/members/{member_id}/opt-in")
async def opt_in(_caller: AdminDep, svc: RemindersDep, member_id: str) -> dict[str, Any]:
    await svc.store.set_opt_out(member_id, False)
    return {"member_id": member_id, "reminders": "on"}


@router.post("/members/{member_id}/opt-out")
async def opt_out(_caller: AdminDep, svc: RemindersDep, member_id: str) -> dict[str, Any]:
    await svc.store.set_opt_out(member_id, True)
    return {"member_id": member_id, "reminders": "off"}
