"""Audit (admins): who looked at or changed what, when and why, filterable; the key ring's status."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ivr.console.queries.audit import AuditFilter, actions, fingerprint, key_status, search_audit
from ivr.console.web import PREFIX, AdminDep, in_db, parse_day, render, sessions_of, state_of
from models.crypto import current_keyring
from models.recording_store import RecordingStore

router = APIRouter()


@router.get(PREFIX + "/audit", response_class=HTMLResponse, include_in_schema=False)
async def audit_page(request: Request, staff: AdminDep, actor: str = "", action: str = "", subject: str = "",
                     since: str = "", until: str = "", page: int = 1) -> HTMLResponse:
    f = AuditFilter(actor=actor.strip(), action=action.strip(), subject=subject.strip(),
                    since=parse_day(since, "from"), until=parse_day(until, "until"), page=max(1, page))
    rows, total = await in_db(request, lambda s: search_audit(s, f))
    known = await in_db(request, actions)
    ring = current_keyring()
    return render(request, "audit.html", staff, section="audit", rows=rows, total=total, f=f, actions=known,
                  query={"actor": actor, "action": action, "subject": subject, "since": since, "until": until},
                  pages=max(1, -(-total // f.per_page)), fingerprints=[fingerprint(k) for k in ring.keys])


@router.get(PREFIX + "/audit/keys", response_class=HTMLResponse, include_in_schema=False)
async def keys_page(request: Request, staff: AdminDep) -> HTMLResponse:
    """The full scan of `ivr keys status` (every encrypted value and recording file): its own request."""
    engine = sessions_of(request).kw["bind"]
    store = RecordingStore.from_settings(state_of(request).settings)
    status = await asyncio.to_thread(key_status, engine, current_keyring(), store)
    template = "_keys.html" if request.headers.get("hx-request") else "keys.html"
    return render(request, template, staff, section="audit", k=status)
