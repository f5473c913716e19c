"""Calls: a searchable list (group, date, outcome, language), one call's turns with timings, and — after a stated
reason, with the group's consent, audited — the caller, the transcript, what the bot understood, the recording."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ivr.console.access import pii_reason, require_group, stream_recording, wav_response
from ivr.console.pii import MediaGrant
from ivr.console.queries.calls import CallDetail, CallFilter, call_detail, filter_choices, intents, search_calls
from ivr.console.web import PREFIX, ConsoleError, FormDep, StaffDep, field_of, in_db, parse_day, render, state_of
from models.base import utcnow
from models.reads import read_caller, read_transcript

router = APIRouter()


def _call_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ConsoleError(404, "No such call", f"{value!r} is not a call id.") from None


@router.get(PREFIX + "/calls", response_class=HTMLResponse, include_in_schema=False)
async def calls_page(request: Request, staff: StaffDep, group: str = "", day: str = "", outcome: str = "",
                     language: str = "", page: int = 1) -> HTMLResponse:
    if group:
        require_group(staff, group)
    f = CallFilter(group=group or None, day=parse_day(day, "day"), outcome=outcome or None, language=language or None,
                   page=max(1, page))
    scope = staff.scope()
    rows, total = await in_db(request, lambda s: search_calls(s, f, scope))
    choices = await in_db(request, lambda s: filter_choices(s, scope))
    groups = sorted(staff.groups) if not staff.is_admin else None
    return render(request, "calls.html", staff, section="calls", rows=rows, total=total, f=f, choices=choices,
                  my_groups=groups, query={"group": group, "day": day, "outcome": outcome, "language": language},
                  pages=max(1, -(-total // f.per_page)))


async def _detail(request: Request, staff: Any, call_id: uuid.UUID) -> CallDetail:
    detail = await in_db(request, lambda s: call_detail(s, call_id))
    if detail is None:
        raise ConsoleError(404, "No such call", f"There is no call {call_id}.")
    require_group(staff, detail.row.group_id)
    return detail


@router.get(PREFIX + "/calls/{call_id}", response_class=HTMLResponse, include_in_schema=False)
async def call_page(request: Request, staff: StaffDep, call_id: str) -> HTMLResponse:
    detail = await _detail(request, staff, _call_id(call_id))
    return render(request, "call.html", staff, section="calls", d=detail, pii=None)


@router.post(PREFIX + "/calls/{call_id}/reveal", response_class=HTMLResponse, include_in_schema=False)
async def call_reveal(request: Request, staff: StaffDep, form: FormDep, call_id: str) -> HTMLResponse:
    """The audited view: caller, transcripts and understanding, recording links (one audit row per read)."""
    cid = _call_id(call_id)
    detail = await _detail(request, staff, cid)
    reason = await pii_reason(request, staff, detail.row.group_id, field_of(form, "reason"))

    def read(s: Session) -> dict[str, Any]:
        caller = read_caller(s, cid, actor=staff.actor, reason=reason)
        said = {t.turn_id: read_transcript(s, t.turn_id, actor=staff.actor, reason=reason)
                for t in detail.turns if t.has_transcript}
        return {"phone": caller.phone, "name": caller.name, "said": said, "understood": intents(s, cid)}

    pii = await in_db(request, read)
    st, now = state_of(request), utcnow()
    pii["links"] = {rid: st.media.mint(session_id=staff.session_id, grant=MediaGrant(rid, 0, None, reason), now=now)
                    for rid, _ms in detail.recordings}
    pii["reason"] = reason
    return render(request, "call.html", staff, section="calls", d=detail, pii=pii)


@router.get(PREFIX + "/calls/{call_id}/recordings/{recording_id}", include_in_schema=False)
async def call_recording(request: Request, staff: StaffDep, call_id: str, recording_id: int,
                         link: str = "") -> Response:
    detail = await _detail(request, staff, _call_id(call_id))
    if recording_id not in {rid for rid, _ms in detail.recordings}:
        raise ConsoleError(404, "Recording not found", f"Call {call_id} has no recording {recording_id}.")
    audio, _start, _end = await stream_recording(request, staff, recording_id, link)
    return wav_response(audio)
