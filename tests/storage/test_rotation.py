"""Key rotation re-encrypts every encrypted column and file; retiring the old key keeps everything readable;
an interrupted rotation resumes where it stopped."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Column, Integer, MetaData, Table, Text, inspect, select, type_coerce

from models.calls import Call, Turn
from models.crypto import EncryptedJSON, EncryptedText, KeysNotLoaded, install_keyring
from models.recording_store import RecordingStore, add_recording
from models.rotation import encrypted_columns, not_under_primary, rotate_all
from tests.storage.conftest import Db

N_CALLS = 7


def _populate(db: Db) -> dict[str, list[str]]:
    """Calls with phones, names and transcripts plus recording files, all under the original key."""
    expected: dict[str, list[str]] = {"phones": [], "names": [], "transcripts": []}
    with db.session() as s:
        for i in range(N_CALLS):
            phone, name = f"+2547000000{i:02d}", f"Member Name {i}"
            call = Call(direction="out", purpose="reminder", caller_phone=phone, caller_name=name)
            call.turns = [Turn(seq=1, transcript=f"said {i}"), Turn(seq=2, transcript=None)]
            s.add(call)
            s.flush()
            add_recording(s, db.store, call_id=call.id, audio=f"audio {i}".encode() * 10, duration_ms=100 * i)
            expected["phones"].append(phone)
            expected["names"].append(name)
            expected["transcripts"].append(f"said {i}")
        s.commit()
    return expected


def _read_all(db: Db) -> dict[str, list[str]]:
    with db.session() as s:
        # ordering by an encrypted column would order by ciphertext: sort in Python
        calls = sorted(s.scalars(select(Call)).all(), key=lambda c: c.caller_phone or "")
        transcripts = sorted(t for t in s.scalars(select(Turn.transcript)) if t is not None)
        files = sorted(db.store.load(r.path) for c in calls for r in c.recordings)
        assert files == sorted(f"audio {i}".encode() * 10 for i in range(N_CALLS))
        return {"phones": [c.caller_phone for c in calls],  # type: ignore[misc]
                "names": [c.caller_name for c in calls],  # type: ignore[misc]
                "transcripts": transcripts}


def test_encrypted_columns_are_discovered_from_the_metadata() -> None:
    found = {t.name: {c.name for c in cols} for t, cols in encrypted_columns().items()}
    assert found["calls"] == {"caller_phone", "caller_name"}
    assert found["turns"] == {"transcript"}
    assert "audit_events" not in found  # append-only, holds no PII
    # a table someone else adds is covered without registration
    extra = MetaData()
    Table("someone_elses", extra, Column("id", Text, primary_key=True), Column("payload", EncryptedJSON()))
    assert [c.name for cols in encrypted_columns(extra).values() for c in cols] == ["payload"]


def test_rotate_then_retire_old_key_still_reads_everything(db: Db) -> None:
    expected = _populate(db)
    old_key = db.ring.keys[0]
    new_ring = db.ring.with_keys([Fernet.generate_key().decode(), old_key])

    assert not_under_primary(db.engine, new_ring, db.store).total == 3 * N_CALLS + N_CALLS
    report = rotate_all(db.engine, new_ring, db.store, batch_size=3)
    assert report.values_rewritten == 3 * N_CALLS and report.files_rewritten == N_CALLS
    assert not_under_primary(db.engine, new_ring, db.store).total == 0

    # retire: the new key alone reads everything
    only_new = new_ring.with_keys(new_ring.keys[:1])
    install_keyring(only_new)
    db.store = RecordingStore(db.store.root)
    assert _read_all(db) == {k: sorted(v) if k == "transcripts" else v for k, v in expected.items()}

    # and the old key alone reads nothing any more: the data really was re-encrypted
    install_keyring(db.ring.with_keys([old_key]))
    with db.session() as s, pytest.raises(KeysNotLoaded):
        s.scalars(select(Call.caller_phone)).all()


def test_second_rotation_rewrites_nothing(db: Db) -> None:
    _populate(db)
    new_ring = db.ring.with_keys([Fernet.generate_key().decode(), *db.ring.keys])
    rotate_all(db.engine, new_ring, db.store)
    again = rotate_all(db.engine, new_ring, db.store)
    assert again.values_checked == 3 * N_CALLS and again.values_rewritten == 0 and again.files_rewritten == 0


class Crash(RuntimeError):
    pass


def test_interrupted_rotation_resumes(db: Db) -> None:
    expected = _populate(db)
    new_ring = db.ring.with_keys([Fernet.generate_key().decode(), *db.ring.keys])
    batches: list[str] = []

    def crash_after_first_turns_batch(table: str, _n: int) -> None:
        batches.append(table)
        if table == "turns":
            raise Crash("power cut")

    with pytest.raises(Crash):
        rotate_all(db.engine, new_ring, db.store, batch_size=4, after_batch=crash_after_first_turns_batch)

    # calls finished, the first turns batch committed, the rest and the files still under the old key
    left = not_under_primary(db.engine, new_ring, db.store)
    assert "calls" not in left.values
    assert 0 < left.values["turns"] < N_CALLS
    assert left.files == N_CALLS
    # in the middle of it, the ring with both keys reads everything
    install_keyring(new_ring)
    db.store = RecordingStore(db.store.root)
    assert _read_all(db)["phones"] == expected["phones"]

    resumed = rotate_all(db.engine, new_ring, db.store, batch_size=4)
    assert resumed.values_rewritten == left.values["turns"]
    assert resumed.files_rewritten == N_CALLS
    assert not_under_primary(db.engine, new_ring, db.store).total == 0
    install_keyring(new_ring.with_keys(new_ring.keys[:1]))
    assert _read_all(db)["names"] == expected["names"]


def test_rotation_leaves_tokens_readable_as_raw_text(db: Db) -> None:
    _populate(db)
    new_ring = db.ring.with_keys([Fernet.generate_key().decode(), *db.ring.keys])
    rotate_all(db.engine, new_ring, db.store)
    with db.engine.connect() as conn:
        tokens = conn.execute(select(type_coerce(Call.__table__.c.caller_phone, Text))).scalars().all()
    assert all(t.startswith("gAAAAA") and new_ring.is_primary(t.encode()) for t in tokens)


def test_tables_added_by_other_modules_are_rotated(db: Db) -> None:
    """Whatever encrypted table the migrations created (e.g. the ledger outbox) is re-encrypted too."""
    present = set(inspect(db.engine).get_table_names())
    others = [t for t in encrypted_columns() if t.name in present and t.name not in {"calls", "turns"}]
    if not others:
        pytest.skip("no other module's encrypted table is migrated yet")
    with db.engine.begin() as conn:
        for table in others:
            row: dict[str, object] = {}
            for col in table.columns:
                if col.primary_key and isinstance(col.type, Integer):
                    continue  # autoincrement
                if col.nullable and not isinstance(col.type, EncryptedText | EncryptedJSON):
                    continue
                row[col.name] = _sample(col, table.name)
            conn.execute(table.insert().values(row))
    new_ring = db.ring.with_keys([Fernet.generate_key().decode(), *db.ring.keys])
    report = rotate_all(db.engine, new_ring, db.store)
    for table in others:
        assert table.name in report.tables and report.tables[table.name] >= 1
    install_keyring(new_ring.with_keys(new_ring.keys[:1]))
    with db.engine.connect() as conn:
        for table in others:
            got = conn.execute(select(table)).mappings().one()
            for col in encrypted_columns()[table]:
                assert got[col.name] == _sample(col, table.name)


def _sample(col: Column[object], table: str) -> object:
    from datetime import UTC, date, datetime

    if isinstance(col.type, EncryptedJSON):
        return {"table": table, "amount_minor": 150000, "name": "Juma Hassan"}
    if isinstance(col.type, EncryptedText):
        return f"secret text for {table}"
    from sqlalchemy import Boolean, Date, DateTime, Integer

    kind = getattr(col.type, "impl", col.type)  # through TypeDecorators such as UtcDateTime
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 1
    if isinstance(kind, DateTime):
        return datetime(2026, 1, 2, tzinfo=UTC)
    if isinstance(kind, Date):
        return date(2026, 1, 2)
    return f"{table}-{col.name}"[: getattr(col.type, "length", None) or 64]
