"""Create/read/update/delete of every foundation model, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from models.base import utcnow
from models.calls import Call, Recording, Turn
from models.crypto import phone_hash
from models.members import ConsentRecord, MemberPreference
from models.recording_store import add_recording
from tests.storage.conftest import Db


def _call(**kw: object) -> Call:
    base: dict[str, object] = {"direction": "in", "purpose": "self_service", "caller_phone": "+254 712 345 678",
                               "caller_hash": phone_hash("+254712345678"), "caller_name": "Wanjiru Kamau",
                               "group_id": "g-kes-umoja", "member_id": "m-0001", "language": "en"}
    base.update(kw)
    return Call(**base)


def test_call_with_turns_and_recording_round_trip(db: Db) -> None:
    with db.session() as s:
        call = _call()
        call.turns = [Turn(seq=1, prompt_id="welcome", transcript="my balance please", intent="balance",
                           confidence=0.93, speech_end_ms=240, asr_final_ms=310, nlu_ms=4, ledger_ms=35,
                           first_audio_ms=420),
                      Turn(seq=2, prompt_id="ask_pin", transcript=None, intent=None)]
        s.add(call)
        s.flush()
        add_recording(s, db.store, call_id=call.id, audio=b"RIFF-fake-audio", duration_ms=1500)
        s.commit()
        call_id = call.id

    with db.session() as s:
        got = s.get(Call, call_id)
        assert got is not None
        assert got.caller_phone == "+254 712 345 678"
        assert got.caller_name == "Wanjiru Kamau"
        assert [t.seq for t in got.turns] == [1, 2]
        assert got.turns[0].transcript == "my balance please"
        assert got.turns[0].first_audio_ms == 420
        assert got.started_at.tzinfo is not None
        assert len(got.recordings) == 1 and got.recordings[0].duration_ms == 1500
        assert db.store.load(got.recordings[0].path) == b"RIFF-fake-audio"
        got.outcome = "completed"
        got.ended_at = utcnow()
        s.commit()

    with db.session() as s:
        assert s.scalar(select(Call.outcome).where(Call.id == call_id)) == "completed"
        s.delete(s.get(Call, call_id))
        s.commit()
        assert s.scalar(select(Turn).where(Turn.call_id == call_id)) is None
        assert s.scalar(select(Recording).where(Recording.call_id == call_id)) is None


def test_lookup_by_phone_hash_ignores_formatting(db: Db) -> None:
    with db.session() as s:
        s.add_all([_call(), _call(caller_phone="+255 700 000 001", caller_hash=phone_hash("+255700000001"))])
        s.commit()
        found = s.scalars(select(Call).where(Call.caller_hash == phone_hash("+254-712-345-678"))).all()
        assert [c.caller_phone for c in found] == ["+254 712 345 678"]


def test_turn_seq_is_unique_per_call(db: Db) -> None:
    with db.session() as s:
        call = _call()
        call.turns = [Turn(seq=1), Turn(seq=1)]
        s.add(call)
        with pytest.raises(IntegrityError):
            s.commit()


def test_direction_is_checked_by_the_model_and_the_database(db: Db) -> None:
    with pytest.raises(ValueError, match="direction"):
        _call(direction="sideways")
    with db.engine.begin() as conn, pytest.raises(IntegrityError):
        conn.execute(insert(Call).values(id=uuid.uuid4(), direction="up", started_at=utcnow()))


def test_preferences_and_consent_history(db: Db) -> None:
    with db.session() as s:
        call = _call()
        s.add(call)
        s.add(MemberPreference(member_id="m-0001", language="sw", reminders_opt_out=True))
        t0 = utcnow()
        s.add_all([ConsentRecord(member_id="m-0001", call_id=call.id, kind="recording", granted=True, at=t0),
                   ConsentRecord(member_id="m-0001", call_id=call.id, kind="recording", granted=False,
                                 at=t0 + timedelta(seconds=5))])
        s.commit()
    with db.session() as s:
        pref = s.get(MemberPreference, "m-0001")
        assert pref is not None and pref.language == "sw" and pref.reminders_opt_out and not pref.recording_opt_out
        latest = s.scalars(select(ConsentRecord).where(ConsentRecord.kind == "recording")
                           .order_by(ConsentRecord.at.desc())).first()
        assert latest is not None and latest.granted is False


def test_naive_datetimes_are_refused(db: Db) -> None:
    with db.session() as s:
        s.add(_call(started_at=utcnow().replace(tzinfo=None)))
        with pytest.raises(Exception, match="naive datetime"):
            s.commit()


def test_unknown_call_for_turn_is_refused(db: Db) -> None:
    with db.session() as s:
        s.add(Turn(call_id=uuid.uuid4(), seq=1))
        with pytest.raises(IntegrityError):
            s.commit()
