"""Admin API for meetings recorded by phone: list them, their entries and status, stream a call's recording.

Auth as every admin router: header `X-API-Key` matching "name:role:key" in settings.security.admin_api_keys.
Any role may list meetings and their entries (ids, types, amounts, status); member names, entry transcripts and
recordings are PII and need the role "admin". EVERY request is audited (actor, action, subject, reason) and the
audit row is committed before any data leaves. Wiring: `app.include_router(ivr.api.meetings.router)` with
`app.state.settings` set (the database is opened on first use and kept on app.state).
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ivr.api.reminders import AdminDep, ReaderDep
from models import audit
from models.base import make_sessionmaker
from models.calls import Recording
from models.meetings import SUBMITTED, MeetingDraft, MeetingEntry, apply_outbox_verdicts
from models.migrate import engine_for
from models.reads import RecordNotFound, read_recording
from models.recording_store import RecordingMissing, RecordingStore

router = APIRouter(prefix="/admin/meetings", tags=["meetings"])


def _sessions(request: Request) -> sessionmaker[Session]:
    made = getattr(request.app.state, "meeting_sessions", None)
    if made is None:
        made = make_sessionmaker(engine_for(request.app.state.settings))
        request.app.state.meeting_sessions = made
    return made


SessionsDep = Annotated[sessionmaker[Session], Depends(_sessions)]
Reason = Annotated[str, Query(min_length=3, max_length=300, description="why you need it (kept in the audit trail)")]


class MeetingSummary(BaseModel):
    meeting_id: int
    group_id: str
    meeting_date: date
    status: str
    recorder_member_id: str
    entries: dict[str, int]  # entry status -> count
    updated_at: datetime


class EntryOut(BaseModel):
    seq: int
    idempotency_key: str
    member_id: str
    member_name: str | None  # admin role only
    type: str
    amount_minor: int
    status: str
    bulk: bool
    call_id: str | None
    offset_ms: int | None
    recording_ids: list[int]
    transcript: str | None  # admin role only
    reject_reason: str | None  # admin role only


class MeetingDetail(MeetingSummary):
    currency: str
    items: list[EntryOut]


def _summary(d: MeetingDraft) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for e in d.entries:
        counts[e.status] = counts.get(e.status, 0) + 1
    return {"meeting_id": d.id, "group_id": d.group_id, "meeting_date": d.meeting_date, "status": d.status,
            "recorder_member_id": d.recorder_member_id, "entries": counts, "updated_at": d.updated_at}


def _audited(s: Session, actor: str, action: str, subject_type: str, subject_id: str, reason: str) -> None:
    audit.record(s, actor=actor, action=action, subject_type=subject_type, subject_id=subject_id, reason=reason)
    s.commit()  # committed before the data leaves


@router.get("", response_model=list[MeetingSummary])
async def list_meetings(caller: ReaderDep, sessions: SessionsDep, reason: Reason,
                        group_id: str | None = None, status_: Annotated[str | None, Query(alias="status")] = None
                        ) -> list[dict[str, Any]]:
    def run() -> list[dict[str, Any]]:
        with sessions() as s:
            q = select(MeetingDraft).order_by(MeetingDraft.meeting_date.desc(), MeetingDraft.id.desc())
            if group_id:
                q = q.where(MeetingDraft.group_id == group_id)
            if status_:
                q = q.where(MeetingDraft.status == status_)
            drafts = list(s.scalars(q))
            for d in drafts:
                if d.status == SUBMITTED:
                    apply_outbox_verdicts(s, d)  # the outbox may have posted it since the call
            rows = [_summary(d) for d in drafts]
            _audited(s, f"admin:{caller.name}", "list.meetings", "group", group_id or "*", reason)
            return rows

    return await asyncio.to_thread(run)


@router.get("/{meeting_id}", response_model=MeetingDetail)
async def meeting_detail(meeting_id: int, caller: ReaderDep, sessions: SessionsDep, reason: Reason
                         ) -> dict[str, Any]:
    private = caller.role == "admin"

    def run() -> dict[str, Any]:
        with sessions() as s:
            d = s.get(MeetingDraft, meeting_id)
            if d is None:
                raise HTTPException(status.HTTP_404_NOT_FOUND, f"no meeting {meeting_id}")
            if d.status == SUBMITTED:
                apply_outbox_verdicts(s, d)  # the outbox may have posted it since the call
            calls = {e.call_id for e in d.entries if e.call_id}
            recs: dict[Any, list[int]] = {}
            if calls:
                for r in s.scalars(select(Recording).where(Recording.call_id.in_(calls)).order_by(Recording.id)):
                    recs.setdefault(r.call_id, []).append(r.id)
            _audited(s, f"admin:{caller.name}", "read.meeting" if private else "list.meeting_entries",
                     "meeting", str(meeting_id), reason)
            return {**_summary(d), "currency": d.currency, "items": [_entry(e, recs, private) for e in d.entries]}

    return await asyncio.to_thread(run)


def _entry(e: MeetingEntry, recs: dict[Any, list[int]], private: bool) -> dict[str, Any]:
    return {"seq": e.seq, "idempotency_key": e.idempotency_key, "member_id": e.member_id,
            "member_name": e.member_name if private else None, "type": e.type, "amount_minor": e.amount_minor,
            "status": e.status, "bulk": e.bulk, "call_id": str(e.call_id) if e.call_id else None,
            "offset_ms": e.offset_ms, "recording_ids": recs.get(e.call_id, []),
            "transcript": e.transcript if private else None, "reject_reason": e.reject_reason if private else None}


@router.get("/{meeting_id}/recordings/{recording_id}")
async def stream_recording(meeting_id: int, recording_id: int, caller: AdminDep, sessions: SessionsDep,
                           request: Request, reason: Reason) -> Response:
    """The decrypted audio of one recording of a call in which this meeting was recorded (audited read)."""
    store = RecordingStore.from_settings(request.app.state.settings)

    def run() -> bytes:
        with sessions() as s:
            rec = s.get(Recording, recording_id)
            linked = rec is not None and s.scalar(select(MeetingEntry.id).where(
                MeetingEntry.draft_id == meeting_id, MeetingEntry.call_id == rec.call_id).limit(1)) is not None
            if rec is None or not linked:
                raise HTTPException(status.HTTP_404_NOT_FOUND, f"no recording {recording_id} in meeting {meeting_id}")
            return read_recording(s, recording_id, actor=f"admin:{caller.name}", reason=reason, store=store)

    try:
        audio = await asyncio.to_thread(run)
    except (RecordNotFound, RecordingMissing) as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    return Response(audio, media_type="audio/wav")
