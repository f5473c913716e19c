"""Recording files encrypted with the key ring (Fernet) under <data_dir>/recordings; never a clear byte on disk.

Also the format of a live call's spool (<data_dir>/recordings/.spool/*.spool, written by ivr.calls.recorder): a
header line naming the call, then length-prefixed Fernet tokens of audio — so a spool a crash left behind can be
recovered into a recording of its call, and old keys are never retired while a spool still needs one.
"""

from __future__ import annotations

import json
import os
import secrets
import struct
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from models import crypto
from models.calls import Recording
from models.config import HasDataDir
from models.crypto import KeyRing, current_keyring

SUFFIX = ".enc"
SPOOL_SUFFIX = ".spool"
SPOOL_DIR = ".spool"
# b"MKSPOOL1" + 4-byte length + JSON header {"call_id", "rate", "start"}; spools written before the header existed
# start straight with the first record and are read as call unknown, 8 kHz, no leading silence.
SPOOL_MAGIC = b"MKSPOOL1"
_LEN = struct.Struct(">I")


class RecordingMissing(FileNotFoundError):
    """The database names a recording file that is not in the store."""


class RecordingStore:
    """Encrypted files addressed by a relative name; the key ring defaults to the one installed at start-up."""

    def __init__(self, root: Path, keyring: KeyRing | None = None) -> None:
        self.root = Path(root)
        self._keyring = keyring

    @classmethod
    def from_settings(cls, settings: HasDataDir, keyring: KeyRing | None = None) -> RecordingStore:
        return cls(Path(settings.data_dir) / "recordings", keyring)

    @property
    def keyring(self) -> KeyRing:
        return self._keyring or current_keyring()

    def decrypt(self, token: bytes) -> bytes:
        """With the store's own ring, or the installed one (which follows a rotation by another process)."""
        return self._keyring.decrypt(token) if self._keyring is not None else crypto.decrypt(token)

    def path_of(self, name: str) -> Path:
        path = (self.root / name).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"recording name escapes the store: {name!r}")
        return path

    def save(self, audio: bytes) -> str:
        """Encrypt and write atomically; returns the new relative name (random, never PII)."""
        name = f"{uuid.uuid4().hex}{SUFFIX}"
        self._write(self.path_of(name), self.keyring.encrypt(audio))
        return name

    def load(self, name: str) -> bytes:
        path = self.path_of(name)
        if not path.exists():
            raise RecordingMissing(f"recording file {name} is missing from {self.root}")
        return self.decrypt(path.read_bytes())

    def files(self) -> Iterator[Path]:
        if self.root.exists():
            yield from sorted(self.root.rglob(f"*{SUFFIX}"))

    @property
    def spool_dir(self) -> Path:
        return self.root / SPOOL_DIR

    def spools(self) -> Iterator[Path]:
        """Spools of calls being recorded — or, at start-up, left behind by a crash."""
        if self.spool_dir.exists():
            yield from sorted(self.spool_dir.glob(f"*{SPOOL_SUFFIX}"))

    def save_orphan(self, audio: bytes) -> str:
        """Store a recovered recording whose call is unknown (kept encrypted, found by key rotation like any)."""
        name = f"orphans/{uuid.uuid4().hex}{SUFFIX}"
        self._write(self.path_of(name), self.keyring.encrypt(audio))
        return name

    def rotate_file(self, path: Path, ring: KeyRing) -> bool:
        """Re-encrypt one file under `ring`'s primary key; False when it already was (so a rerun skips it)."""
        token = path.read_bytes()
        if ring.is_primary(token):
            return False
        self._write(path, ring.rotate(token))
        return True

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)  # a crash leaves either the old or the new file, never half of one


def add_recording(session: Session, store: RecordingStore, *, call_id: uuid.UUID, audio: bytes,
                  duration_ms: int) -> Recording:
    """Store the audio encrypted and add its row (flushed; the caller commits)."""
    if duration_ms < 0:
        raise ValueError("duration_ms must not be negative")
    rec = Recording(call_id=call_id, path=store.save(audio), duration_ms=duration_ms)
    session.add(rec)
    session.flush()
    return rec


@dataclass
class Spool:
    """What a spool file holds: whose call it is, its sample rate and leading silence, and the audio tokens."""

    call_id: uuid.UUID | None
    rate: int
    start: int  # samples of silence (before consent) ahead of the first token's audio
    tokens: list[bytes] = field(default_factory=list)
    complete: bool = True  # False: the last record was cut short (the process died while writing it)


def spool_header(call_id: uuid.UUID | None, rate: int, start: int) -> bytes:
    meta = json.dumps({"call_id": str(call_id) if call_id else None, "rate": rate, "start": start}).encode()
    return SPOOL_MAGIC + _LEN.pack(len(meta)) + meta


def spool_record(token: bytes) -> bytes:
    return _LEN.pack(len(token)) + token


def read_spool(path: Path) -> Spool:
    """Parse a spool (tolerating a record cut short by a crash: it is dropped and `complete` is False)."""
    data = path.read_bytes()
    spool, pos = Spool(call_id=None, rate=8000, start=0), 0
    if data.startswith(SPOOL_MAGIC):
        pos = len(SPOOL_MAGIC)
        (size,) = _LEN.unpack_from(data, pos)
        meta = json.loads(data[pos + _LEN.size: pos + _LEN.size + size])
        pos += _LEN.size + size
        spool.call_id = uuid.UUID(meta["call_id"]) if meta.get("call_id") else None
        spool.rate, spool.start = int(meta.get("rate") or 8000), int(meta.get("start") or 0)
    while pos < len(data):
        if pos + _LEN.size > len(data):
            spool.complete = False
            break
        (size,) = _LEN.unpack_from(data, pos)
        token = data[pos + _LEN.size: pos + _LEN.size + size]
        if len(token) < size:
            spool.complete = False
            break
        spool.tokens.append(token)
        pos += _LEN.size + size
    return spool
