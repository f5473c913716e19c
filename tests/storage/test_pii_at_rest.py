"""Byte-grep proof: no clear phone number, name, transcript or audio in the database files or recording files."""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import inspect, text

from models.calls import Call, Turn
from models.crypto import phone_hash
from models.recording_store import add_recording
from tests.storage.conftest import Db


def _secrets_written(db: Db) -> tuple[dict[str, bytes], bytes, Path]:
    """Write one call full of PII; returns the clear strings, a plain-column control marker, the recording path."""
    tag = secrets.token_hex(4)
    phone = f"+254 7{secrets.randbelow(10**8):08d}"
    clear = {
        "phone": phone.encode(),
        "phone digits": phone.replace(" ", "").lstrip("+").encode(),
        "name": f"Achieng Otieno{tag}".encode(),
        "transcript": f"please send my savings statement {tag}".encode(),
        "audio": f"AUDIOSAMPLES-{tag}-".encode() * 20,
    }
    control = f"ctlmarker{tag}".encode()
    with db.session() as s:
        call = Call(direction="in", purpose=control.decode(), caller_phone=phone, caller_hash=phone_hash(phone),
                    caller_name=clear["name"].decode(), member_id="m-0007")
        call.turns = [Turn(seq=1, prompt_id="menu", transcript=clear["transcript"].decode(), intent="statement")]
        s.add(call)
        s.flush()
        rec = add_recording(s, db.store, call_id=call.id, audio=clear["audio"], duration_ms=2000)
        s.commit()
        path = db.store.path_of(rec.path)
    return clear, control, path


def _database_bytes(db: Db) -> bytes:
    if db.backend == "sqlite":
        url = db.settings.database.url.removeprefix("sqlite:///")
        files = sorted(Path(url).parent.glob(Path(url).name + "*"))  # the db file, its -wal and -shm
        assert files, "no SQLite files found"
        return b"".join(f.read_bytes() for f in files)
    with db.engine.begin() as conn:
        conn.execute(text("CHECKPOINT"))  # push the pages to the data files we are about to read
    assert db.cluster is not None
    data_dir: Path = db.cluster.data_dir
    return b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file() and p.stat().st_size < 64 << 20)


def _raw_column_values(db: Db) -> bytes:
    """Every value of every table as the database returns it (no ORM decryption)."""
    out = []
    with db.engine.connect() as conn:
        for table in inspect(db.engine).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                out.append(repr(tuple(row)).encode())
    return b"\n".join(out)


def test_no_clear_pii_in_database_or_recording_files(db: Db) -> None:
    clear, control, recording = _secrets_written(db)
    raw_db = _database_bytes(db)
    raw_values = _raw_column_values(db)
    raw_file = recording.read_bytes()
    # the grep can see what is stored in clear: the plain `purpose` column is found
    assert control in raw_db and control in raw_values
    for label, value in clear.items():
        assert value not in raw_db, f"clear {label} found in the database files"
        assert value not in raw_values, f"clear {label} found in a raw column value"
        assert value[:24] not in raw_file, f"clear {label} found in the recording file"
    assert clear["audio"][:16] not in raw_file
    assert oct(recording.stat().st_mode & 0o777) == "0o600"


def test_the_orm_still_reads_everything(db: Db) -> None:
    clear, _, recording = _secrets_written(db)
    with db.session() as s:
        call = s.query(Call).one()
        assert call.caller_phone == clear["phone"].decode()
        assert call.caller_name == clear["name"].decode()
        assert call.turns[0].transcript == clear["transcript"].decode()
    assert db.store.load(recording.name) == clear["audio"]
