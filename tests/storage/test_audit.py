"""Audited reads write their audit row; audit events refuse UPDATE/DELETE in the ORM and in the database."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from models import audit
from models.audit import AuditEvent, AuditImmutable
from models.base import utcnow
from models.calls import Call, Turn
from models.reads import RecordNotFound, read_caller, read_recording, read_transcript
from models.recording_store import add_recording
from tests.storage.conftest import Db


def _call_with_everything(db: Db) -> tuple[uuid.UUID, int, int]:
    with db.session() as s:
        call = Call(direction="in", caller_phone="+256 772 000 111", caller_name="Nakato Sarah")
        call.turns = [Turn(seq=1, transcript="how much do I owe")]
        s.add(call)
        s.flush()
        rec = add_recording(s, db.store, call_id=call.id, audio=b"\x00\x01" * 400, duration_ms=50)
        s.commit()
        return call.id, call.turns[0].id, rec.id


def _events(db: Db) -> list[tuple[str, str, str, str, str]]:
    with db.session() as s:
        rows = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        return [(e.actor, e.action, e.subject_type, e.subject_id, e.reason) for e in rows]


def test_each_audited_read_writes_one_row(db: Db) -> None:
    call_id, turn_id, rec_id = _call_with_everything(db)
    with db.session() as s:
        assert read_transcript(s, turn_id, actor="admin:alice", reason="dispute #12") == "how much do I owe"
    with db.session() as s:
        info = read_caller(s, call_id, actor="admin:alice", reason="call back")
        assert (info.phone, info.name) == ("+256 772 000 111", "Nakato Sarah")
    with db.session() as s:
        audio = read_recording(s, rec_id, actor="admin:bob", reason="quality review", store=db.store)
        assert audio == b"\x00\x01" * 400
    assert _events(db) == [
        ("admin:alice", "read.transcript", "turn", str(turn_id), "dispute #12"),
        ("admin:alice", "read.caller", "call", str(call_id), "call back"),
        ("admin:bob", "read.recording", "recording", str(rec_id), "quality review"),
    ]
    with db.session() as s:
        at = s.scalars(select(AuditEvent.at)).all()
        assert all(t.tzinfo is not None for t in at)


def test_audit_row_survives_a_rollback_of_the_caller(db: Db) -> None:
    _, turn_id, _ = _call_with_everything(db)
    with db.session() as s:
        read_transcript(s, turn_id, actor="admin:alice", reason="check")
        s.rollback()
    assert len(_events(db)) == 1


def test_reads_need_a_reason_and_an_existing_subject(db: Db) -> None:
    _, turn_id, _ = _call_with_everything(db)
    with db.session() as s, pytest.raises(ValueError, match="reason"):
        read_transcript(s, turn_id, actor="admin:alice", reason="  ")
    with db.session() as s, pytest.raises(RecordNotFound):
        read_transcript(s, turn_id + 999, actor="admin:alice", reason="x")
    with db.session() as s, pytest.raises(RecordNotFound):
        read_caller(s, uuid.uuid4(), actor="admin:alice", reason="x")
    assert _events(db) == []


def test_orm_refuses_update_and_delete(db: Db) -> None:
    with db.session() as s:
        ev = audit.record(s, actor="system", action="test", subject_type="member", subject_id="m-1", reason="r")
        s.commit()
        ev.reason = "rewritten"
        with pytest.raises(AuditImmutable):
            s.commit()
        s.rollback()
        s.delete(ev)
        with pytest.raises(AuditImmutable):
            s.commit()
        s.rollback()
        with pytest.raises(AuditImmutable):
            s.execute(update(AuditEvent).values(reason="bulk"))
        with pytest.raises(AuditImmutable):
            s.execute(delete(AuditEvent))
    assert _events(db) == [("system", "test", "member", "m-1", "r")]


def test_database_trigger_refuses_raw_update_and_delete(db: Db) -> None:
    with db.session() as s:
        audit.record(s, actor="system", action="test", subject_type="member", subject_id="m-1", reason="r")
        s.commit()
    for stmt in ("UPDATE audit_events SET reason = 'raw'", "DELETE FROM audit_events"):
        with db.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(stmt))
            conn.commit()
    assert _events(db) == [("system", "test", "member", "m-1", "r")]
    # inserts still work
    with db.engine.begin() as conn:
        conn.execute(insert(AuditEvent).values(actor="a", action="b", subject_type="c", subject_id="d",
                                                           reason="e", at=utcnow()))
    assert len(_events(db)) == 2
