"""The only way to see PII in clear: each reader decrypts AND commits an audit event (who, what, when, why)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models import audit
from models.calls import Call, Recording, Turn
from models.recording_store import RecordingStore


class RecordNotFound(LookupError):
    """The subject of an audited read does not exist."""


@dataclass(frozen=True)
class CallerInfo:
    phone: str | None
    name: str | None


def _audit_and_commit(session: Session, *, actor: str, action: str, subject_type: str, subject_id: str,
                      reason: str) -> None:
    # commit before the data leaves: a read whose audit row could still be rolled back is not audited
    audit.record(session, actor=actor, action=action, subject_type=subject_type, subject_id=subject_id, reason=reason)
    session.commit()


def read_transcript(session: Session, turn_id: int, *, actor: str, reason: str) -> str | None:
    turn = session.get(Turn, turn_id)
    if turn is None:
        raise RecordNotFound(f"turn {turn_id} not found")
    _audit_and_commit(session, actor=actor, action="read.transcript", subject_type="turn", subject_id=str(turn_id),
                      reason=reason)
    return turn.transcript


def read_caller(session: Session, call_id: uuid.UUID, *, actor: str, reason: str) -> CallerInfo:
    call = session.get(Call, call_id)
    if call is None:
        raise RecordNotFound(f"call {call_id} not found")
    _audit_and_commit(session, actor=actor, action="read.caller", subject_type="call", subject_id=str(call_id),
                      reason=reason)
    return CallerInfo(phone=call.caller_phone, name=call.caller_name)


def read_recording(session: Session, recording_id: int, *, actor: str, reason: str, store: RecordingStore) -> bytes:
    rec = session.get(Recording, recording_id)
    if rec is None:
        raise RecordNotFound(f"recording {recording_id} not found")
    _audit_and_commit(session, actor=actor, action="read.recording", subject_type="recording",
                      subject_id=str(recording_id), reason=reason)
    return store.load(rec.path)
