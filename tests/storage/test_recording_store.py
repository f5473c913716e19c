"""The encrypted recording store: round trip, 0600 files, typed errors for missing files, traversal and wrong keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from models.crypto import KeyRing, KeysNotLoaded
from models.recording_store import RecordingMissing, RecordingStore


@pytest.fixture
def ring() -> KeyRing:
    return KeyRing([Fernet.generate_key().decode()], "lookup")


def test_round_trip_and_permissions(tmp_path: Path, ring: KeyRing) -> None:
    store = RecordingStore(tmp_path / "recordings", ring)
    name = store.save(b"\x01\x02" * 1000)
    path = store.path_of(name)
    assert path.parent == (tmp_path / "recordings").resolve()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert b"\x01\x02" * 8 not in path.read_bytes()
    assert store.load(name) == b"\x01\x02" * 1000
    assert list(store.files()) == [path]
    assert not list(path.parent.glob("*.tmp"))  # the atomic write left no temp file


def test_missing_file_is_a_typed_error(tmp_path: Path, ring: KeyRing) -> None:
    store = RecordingStore(tmp_path, ring)
    with pytest.raises(RecordingMissing, match="missing"):
        store.load("0" * 32 + ".enc")


@pytest.mark.parametrize("name", ["../outside.enc", "/etc/passwd", "a/../../x.enc"])
def test_names_cannot_escape_the_store(tmp_path: Path, ring: KeyRing, name: str) -> None:
    with pytest.raises(ValueError, match="escapes"):
        RecordingStore(tmp_path / "rec", ring).load(name)


def test_wrong_key_is_a_typed_error(tmp_path: Path, ring: KeyRing) -> None:
    name = RecordingStore(tmp_path, ring).save(b"audio")
    other = KeyRing([Fernet.generate_key().decode()], "lookup")
    with pytest.raises(KeysNotLoaded, match="none of the configured keys"):
        RecordingStore(tmp_path, other).load(name)


def test_rotate_file_is_idempotent(tmp_path: Path, ring: KeyRing) -> None:
    store = RecordingStore(tmp_path, ring)
    name = store.save(b"audio")
    new = ring.with_keys([Fernet.generate_key().decode(), *ring.keys])
    assert store.rotate_file(store.path_of(name), new) is True
    assert store.rotate_file(store.path_of(name), new) is False
    assert RecordingStore(tmp_path, new.with_keys(new.keys[:1])).load(name) == b"audio"
