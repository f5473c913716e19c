"""Recording files encrypted with the key ring (Fernet) under <data_dir>/recordings; never a clear byte on disk."""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.orm import Session

from models.calls import Recording
from models.config import HasDataDir
from models.crypto import KeyRing, current_keyring

SUFFIX = ".enc"


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
        return self.keyring.decrypt(path.read_bytes())

    def files(self) -> Iterator[Path]:
        if self.root.exists():
            yield from sorted(self.root.rglob(f"*{SUFFIX}"))

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
