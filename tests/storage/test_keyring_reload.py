"""The installed key ring follows a rotation made by another process (models.crypto reload), and a value no key
reads fails loudly, naming the setting (issue 14)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from ivr.secrets import install_keys, keyring_reloader
from ivr.settings import load_settings
from models import crypto
from models.crypto import KeyRing, KeysNotLoaded, current_keyring, install_keyring

LOOKUP = "lookup-key-for-tests-0123"


@pytest.fixture(autouse=True)
def _restore() -> Iterator[None]:
    saved = crypto._active
    yield
    if saved is not None:
        install_keyring(saved)


def test_a_value_under_a_new_key_triggers_a_reload_and_reads() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    source = {"keys": [old]}
    asked: list[int] = []

    def reload() -> KeyRing | None:
        asked.append(1)
        return KeyRing(source["keys"], LOOKUP)

    install_keyring(KeyRing([old], LOOKUP), reload=reload)
    token = Fernet(new.encode()).encrypt(b"Mary Akinyi")
    source["keys"] = [new, old]  # another process rotated: the source now has the new key first
    assert crypto.decrypt(token) == b"Mary Akinyi"
    assert current_keyring().keys == [new, old] and asked


def test_a_truly_missing_key_is_an_error_naming_the_setting(caplog: pytest.LogCaptureFixture) -> None:
    install_keyring(KeyRing([Fernet.generate_key().decode()], LOOKUP), reload=lambda: None)
    token = Fernet(Fernet.generate_key()).encrypt(b"x")
    with caplog.at_level(logging.ERROR), pytest.raises(KeysNotLoaded, match="IVR_SECURITY__ENCRYPTION_KEYS"):
        crypto.decrypt(token)
    assert any("IVR_SECURITY__ENCRYPTION_KEYS" in r.getMessage() for r in caplog.records)


def test_a_broken_source_keeps_the_current_ring(caplog: pytest.LogCaptureFixture) -> None:
    key = Fernet.generate_key().decode()

    def broken() -> KeyRing | None:
        raise json.JSONDecodeError("half written", "", 0)

    install_keyring(KeyRing([key], LOOKUP), reload=broken)
    with caplog.at_level(logging.ERROR):
        assert not crypto.reload_keyring(force=True)
    assert current_keyring().keys == [key] and "could not reload" in caplog.text


def test_the_secrets_file_reloader(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    settings = load_settings(env="development", security={"secrets_file": path})
    reload = keyring_reloader(settings)
    assert reload is not None and reload() is None  # unchanged file: nothing to do
    data = json.loads(path.read_text())
    data["encryption_keys"] = [Fernet.generate_key().decode(), *data["encryption_keys"]]
    path.write_text(json.dumps(data))
    ring = reload()
    assert ring is not None and ring.keys == data["encryption_keys"]
    assert install_keys(settings).keys == [k.get_secret_value() for k in settings.security.encryption_keys]


def test_keys_from_the_environment_have_no_reloader(tmp_path: Path) -> None:
    settings = load_settings(env="development", security={
        "secrets_file": tmp_path / "s.json", "encryption_keys": [Fernet.generate_key().decode()],
        "lookup_hash_key": LOOKUP, "admin_api_keys": ["a:admin:k-0123456789"]}, ami={"secret": "ami-0123456789"})
    assert keyring_reloader(settings) is None
