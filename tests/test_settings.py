"""Settings: placeholder secrets refused outside development; dev secrets generated once into a 0600 file."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
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


def test_dev_generates_the_registration_token_and_says_where(tmp_path: Path,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "secrets.json"
    with caplog.at_level("WARNING"):
        s = load_settings(env="development", security={"secrets_file": path})
    token = s.calls.register_token.get_secret_value()
    assert len(token) >= 24
    assert json.loads(path.read_text())["register_token"] == token
    assert "IVR_CALLS__REGISTER_TOKEN" in caplog.text and str(path) in caplog.text
    assert load_settings(env="development", security={"secrets_file": path}).calls.register_token \
        .get_secret_value() == token  # generated once


def test_an_older_secrets_file_gets_the_token_added_and_keeps_its_keys(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    first = load_settings(env="development", security={"secrets_file": path})
    data = json.loads(path.read_text())
    del data["register_token"]  # a file written before the token was generated
    path.write_text(json.dumps(data))
    again = load_settings(env="development", security={"secrets_file": path})
    assert again.calls.register_token.get_secret_value()
    assert again.security.encryption_keys[0].get_secret_value() == \
        first.security.encryption_keys[0].get_secret_value()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_registration_token_is_required_outside_development(tmp_path: Path) -> None:
    full = {"secrets_file": tmp_path / "s.json", "encryption_keys": [Fernet.generate_key().decode()],
            "lookup_hash_key": "prod-lookup-key-0123456789", "admin_api_keys": ["ops:admin:prod-key-0123456789"]}
    with pytest.raises(InsecureSettings) as err:
        load_settings(env="production", security=full, ami={"secret": "prod-ami-secret-0123"})
    assert "IVR_CALLS__REGISTER_TOKEN" in str(err.value)
    ok = load_settings(env="production", security=full, ami={"secret": "prod-ami-secret-0123"},
                       calls={"register_token": "prod-register-token-0123456789"})
    assert ok.calls.register_token.get_secret_value() == "prod-register-token-0123456789"
