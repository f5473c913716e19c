"""Settings: placeholder secrets refused outside development; dev secrets generated once into a 0600 file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from ivr.secrets import InsecureSettings
from ivr.settings import load_settings


def test_placeholder_secrets_refused_in_production(tmp_path: Path) -> None:
    with pytest.raises(InsecureSettings) as err:
        load_settings(env="production", security={"secrets_file": tmp_path / "s.json",
                                                  "lookup_hash_key": SecretStr("changeme")})
    assert "IVR_SECURITY__LOOKUP_HASH_KEY" in str(err.value)
    assert not (tmp_path / "s.json").exists()


def test_dev_secrets_generated_once_with_0600(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    first = load_settings(env="development", security={"secrets_file": path})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = load_settings(env="development", security={"secrets_file": path})
    assert first.security.encryption_keys[0].get_secret_value() == \
        second.security.encryption_keys[0].get_secret_value()
    assert second.ami.secret.get_secret_value() not in ("", "changeme")


def test_env_nested_sections(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IVR_LEDGER__BASE_URL", "http://127.0.0.1:9999")
    s = load_settings(env="development", security={"secrets_file": tmp_path / "s.json"})
    assert s.ledger.base_url == "http://127.0.0.1:9999"
