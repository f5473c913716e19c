"""Who may see what: a field officer only their groups (also when the URL is typed by hand), PII only with a reason
and the group's consent — checked here, once, for every page."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from ivr.console.accounts import has_consent
from ivr.console.pii import PiiRefused, check_consent, check_reason
from ivr.console.sessions import Staff
from ivr.console.web import ConsoleError, in_db, state_of
from models.base import utcnow
from models.reads import RecordNotFound, read_recording
from models.recording_store import RecordingMissing, RecordingStore


def require_group(staff: Staff, group_id: str | None) -> None:
    if not staff.sees(group_id):
        raise ConsoleError(403, "Not one of your groups",
                           f"Group {group_id or '(none)'} is not assigned to you, so its calls, meetings and "
                           "reminders are not shown. An admin assigns groups (ivr staff assign).")


async def pii_reason(request: Request, staff: Staff, group_id: str | None, reason: str | None) -> str:
    """The cleaned reason when this PII view may happen; ConsoleError (400 no reason / 403 no consent) when not."""
    require_group(staff, group_id)
    try:
        text = check_reason(reason)
        granted = await in_db(request, lambda s: has_consent(s, group_id))
        check_consent(granted, group_id)
    except PiiRefused as exc:
        status = 400 if not reason or len(" ".join(reason.split())) < 3 else 403
        raise ConsoleError(status, "Personal data not shown", str(exc)) from None
    return text


async def stream_recording(request: Request, staff: Staff, recording_id: int, link: str) -> tuple[bytes, int,
                                                                                                   int | None]:
    """The decrypted audio behind a signed link from an audited view: (wav, start_ms, end_ms), audited again."""
    st = state_of(request)
    try:
        grant = st.media.check(link, session_id=staff.session_id, recording_id=recording_id, now=utcnow())
    except (PiiRefused, ValueError, KeyError) as exc:
        raise ConsoleError(403, "Recording not played", str(exc) if isinstance(exc, PiiRefused)
                           else "This recording link is not valid.") from None
    store = RecordingStore.from_settings(st.settings)
    try:
        audio = await in_db(request, lambda s: read_recording(s, recording_id, actor=staff.actor,
                                                              reason=grant.reason, store=store))
    except (RecordNotFound, RecordingMissing) as exc:
        raise ConsoleError(404, "Recording not found", str(exc)) from None
    return audio, grant.start_ms, grant.end_ms


def wav_response(audio: bytes) -> Response:
    return Response(audio, media_type="audio/wav", headers={"Cache-Control": "no-store"})
