"""Meetings: drafts and submitted meetings per group, entries with read-back and state, the entry's audio span,
correcting a rejected entry (through the same outbox as the phone), CSV export."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from dialogs.meeting.ports import NewEntry
from dialogs.meeting.sql import OutboxSubmitter, SqlMeetingStore
from ivr.console.access import pii_reason, require_group, stream_recording, wav_response
from ivr.console.audio import wav_span
from ivr.console.formats import MINOR_DIGITS
from ivr.console.pii import MediaGrant
from ivr.console.queries.meetings import (
    CORRECT_ACTION,
    ENTRY_TYPES,
    MeetingDetail,
    entries_csv,
    list_meetings,
    meeting_detail,
    read_back,
    read_private,
)
from ivr.console.web import PREFIX, ConsoleError, FormDep, StaffDep, field_of, in_db, render, sessions_of, state_of
from models import audit
from models import meetings as m
from models.base import utcnow

router = APIRouter()
STATUSES = (m.OPEN, m.SUBMITTED, m.POSTED, m.NEEDS_FIX)
RESULTS = {"posted": "The corrected entry was posted to the ledger.",
           "queued": "The corrected entry is saved and will be sent when the ledger is reachable again.",
           "rejected": "The ledger refused the corrected entry too; its reason is shown below."}


@router.get(PREFIX + "/meetings", response_class=HTMLResponse, include_in_schema=False)
async def meetings_page(request: Request, staff: StaffDep, group: str = "", status: str = "") -> HTMLResponse:
    if group:
        require_group(staff, group)
    if status and status not in STATUSES:
        raise ConsoleError(400, "Unknown status", f"Status must be one of {', '.join(STATUSES)}.")
    scope = staff.scope()
    rows = await in_db(request, lambda s: list_meetings(s, scope, group=group or None, status=status or None))
    return render(request, "meetings.html", staff, section="meetings", rows=rows, group=group, status_filter=status,
                  statuses=STATUSES, my_groups=sorted(staff.groups) if not staff.is_admin else None)


async def _detail(request: Request, staff: Any, meeting_id: int) -> MeetingDetail:
    detail = await in_db(request, lambda s: meeting_detail(s, meeting_id))
    if detail is None:
        raise ConsoleError(404, "No such meeting", f"There is no meeting {meeting_id}.")
    require_group(staff, detail.row.group_id)
    return detail


def _page(request: Request, staff: Any, detail: MeetingDetail, pii: dict[str, Any] | None = None,
          *, status: int = 200, note: str = "") -> HTMLResponse:
    backs = {e.seq: read_back(e.type, pii["names"].get(e.seq, e.member_id) if pii else e.member_id,
                              e.amount_minor, detail.currency, e.lang) for e in detail.entries}
    result = request.query_params.get("result", "")
    return render(request, "meeting.html", staff, status=status, section="meetings", d=detail, pii=pii,
                  backs=backs, types=ENTRY_TYPES, note=note or RESULTS.get(result, ""),
                  corrected=request.query_params.get("corrected", ""))


@router.get(PREFIX + "/meetings/{meeting_id}", response_class=HTMLResponse, include_in_schema=False)
async def meeting_page(request: Request, staff: StaffDep, meeting_id: int) -> HTMLResponse:
    return _page(request, staff, await _detail(request, staff, meeting_id))


@router.post(PREFIX + "/meetings/{meeting_id}/reveal", response_class=HTMLResponse, include_in_schema=False)
async def meeting_reveal(request: Request, staff: StaffDep, form: FormDep, meeting_id: int) -> HTMLResponse:
    """Names, what was said, and the entries' audio (audited like the admin API's read.meeting)."""
    detail = await _detail(request, staff, meeting_id)
    reason = await pii_reason(request, staff, detail.row.group_id, field_of(form, "reason"))
    private = await in_db(request, lambda s: read_private(s, meeting_id, actor=staff.actor, reason=reason))
    st, now = state_of(request), utcnow()
    links = {e.seq: st.media.mint(session_id=staff.session_id, now=now,
                                  grant=MediaGrant(e.recording_id, e.span[0], e.span[1], reason))
             for e in detail.entries if e.recording_id is not None and e.span is not None}
    pii = {"names": private.names, "said": private.transcripts, "recorder": private.recorder_name,
           "transcript": private.transcript, "links": links, "reason": reason}
    return _page(request, staff, detail, pii)


@router.get(PREFIX + "/meetings/{meeting_id}/entries/{seq}/audio", include_in_schema=False)
async def entry_audio(request: Request, staff: StaffDep, meeting_id: int, seq: int, link: str = "") -> Response:
    detail = await _detail(request, staff, meeting_id)
    entry = next((e for e in detail.entries if e.seq == seq), None)
    if entry is None or entry.recording_id is None:
        raise ConsoleError(404, "No audio", f"Entry {seq} of meeting {meeting_id} has no recording.")
    audio, start, end = await stream_recording(request, staff, entry.recording_id, link)
    return wav_response(wav_span(audio, start, end))


def _csv(detail: MeetingDetail, body: str) -> Response:
    name = f"meeting-{detail.row.meeting_id}-{detail.row.group_id}-{detail.row.meeting_date.isoformat()}.csv"
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@router.get(PREFIX + "/meetings/{meeting_id}/export.csv", include_in_schema=False)
async def export_csv(request: Request, staff: StaffDep, meeting_id: int) -> Response:
    """Entries without names (member ids, types, amounts, state): what the page shows without a reason."""
    detail = await _detail(request, staff, meeting_id)
    return _csv(detail, entries_csv(detail))


@router.post(PREFIX + "/meetings/{meeting_id}/export", include_in_schema=False)
async def export_named(request: Request, staff: StaffDep, form: FormDep, meeting_id: int) -> Response:
    """Entries with members' names: a stated reason, the group's consent, audited as export.meeting."""
    detail = await _detail(request, staff, meeting_id)
    reason = await pii_reason(request, staff, detail.row.group_id, field_of(form, "reason"))
    private = await in_db(request, lambda s: read_private(s, meeting_id, actor=staff.actor, reason=reason,
                                                          action="export.meeting"))
    return _csv(detail, entries_csv(detail, private))


def parse_amount(text: str, currency: str) -> int:
    """'1,250.50' KES -> 125050 minor units; ValueError for anything else (no rounding, never a float)."""
    digits = MINOR_DIGITS.get(currency, 2)
    try:
        value = Decimal(text.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount") from None
    minor = value * 10**digits
    if not value.is_finite() or minor != minor.to_integral_value() or minor <= 0:
        raise ValueError(f"an amount in {currency} is a positive number with at most {digits} decimals")
    return int(minor)


@router.post(PREFIX + "/meetings/{meeting_id}/entries/{seq}/correct", include_in_schema=False)
async def correct_entry(request: Request, staff: StaffDep, form: FormDep, meeting_id: int, seq: int) -> Response:
    """Record a rejected entry again, corrected, and hand it to the outbox like the phone does (new idempotency key;
    the rejected one stays as history)."""
    detail = await _detail(request, staff, meeting_id)
    entry = next((e for e in detail.entries if e.seq == seq), None)
    if entry is None or entry.status != m.REJECTED:
        raise ConsoleError(409, "Nothing to correct", f"Entry {seq} of meeting {meeting_id} was not rejected.")
    if entry.corrected:
        raise ConsoleError(409, "Already corrected", f"Entry {seq} was already recorded again; see the entries "
                           "below it (a second correction would enter it twice).")
    if detail.row.status == m.OPEN:
        raise ConsoleError(409, "Meeting being recorded", "This meeting is still being recorded by phone; correct "
                           "the entry after it is handed in.")
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise ConsoleError(503, "IVR not running", "The IVR is starting or stopping: try again in a minute.")
    kind, note = field_of(form, "type"), field_of(form, "note")
    if kind not in ENTRY_TYPES:
        raise ConsoleError(400, "Unknown type", f"Choose one of: {', '.join(ENTRY_TYPES)}.")
    if len(note) < 3:
        raise ConsoleError(400, "Say why", "Say what was wrong (kept in the audit trail), e.g. 'amount was 200'.")
    try:
        amount = parse_amount(field_of(form, "amount"), detail.currency)
    except ValueError as exc:
        raise ConsoleError(400, "Not an amount", str(exc)) from None
    sessions = sessions_of(request)
    store = SqlMeetingStore(sessions)

    def name_of(s: Session) -> str:
        row = s.get(m.MeetingDraft, meeting_id)
        assert row is not None
        return next(e.member_name for e in row.entries if e.seq == seq)

    name = await in_db(request, name_of)
    added = await store.add_entries(meeting_id, [NewEntry(entry.member_id, name, kind, amount,
                                                          transcript=f"console:{staff.name}")],
                                    call_id=None, at=utcnow())
    await in_db(request, lambda s: audit.record(  # also what marks the entry corrected (queries.corrected_seqs)
        s, actor=staff.actor, action=CORRECT_ACTION, subject_type="meeting", subject_id=f"{meeting_id}:{seq}",
        reason=f"{note[:250]} (recorded again as entry {added[0].seq})"))
    outcome = await OutboxSubmitter(outbox=runtime.ledger.outbox, sessions=sessions).submit(
        await store.draft(meeting_id))
    key = added[0].idempotency_key
    result = "posted" if key in outcome.sent else "rejected" if key in outcome.rejected else "queued"
    query = urlencode({"corrected": str(added[0].seq), "result": result})
    return RedirectResponse(f"{PREFIX}/meetings/{meeting_id}?{query}", status_code=303)
