"""`ivr db upgrade`, `ivr keys rotate|retire|status` end to end through the real CLI (SQLite, dev and production)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from typer.testing import CliRunner

import ivr.cli.keys as keys_cli
from ivr.cli import app
from ivr.settings import Settings, load_settings
from models.audit import AuditEvent
from models.base import make_sessionmaker
from models.calls import Call, Turn
from models.crypto import KeysNotLoaded, install_keyring, keyring_from_settings
from models.migrate import engine_for, head_revisions
from models.recording_store import RecordingStore, add_recording
from models.rotation import rotate_all

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    for name in list(os.environ):
        if name.startswith("IVR_"):
            monkeypatch.delenv(name)
    values = {
        "IVR_ENV": "development",
        "IVR_DATA_DIR": str(tmp_path),
        "IVR_DATABASE__URL": f"sqlite:///{tmp_path / 'ivr.db'}",
        "IVR_SECURITY__SECRETS_FILE": str(tmp_path / "secrets.json"),
    }
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    yield values


def _ivr(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    return result


def _settings() -> Settings:
    return load_settings()


def _populate(settings: Settings, n: int = 5) -> None:
    install_keyring(keyring_from_settings(settings))
    engine = engine_for(settings)
    store = RecordingStore.from_settings(settings)
    with make_sessionmaker(engine)() as s:
        for i in range(n):
            call = Call(direction="in", caller_phone=f"+25471234560{i}", caller_name=f"Name {i}")
            call.turns = [Turn(seq=1, transcript=f"words {i}")]
            s.add(call)
            s.flush()
            add_recording(s, store, call_id=call.id, audio=f"pcm {i}".encode(), duration_ms=10)
        s.commit()
    engine.dispose()


def _read_all(settings: Settings) -> list[tuple[str | None, str | None, list[bytes]]]:
    install_keyring(keyring_from_settings(settings))
    engine = engine_for(settings)
    store = RecordingStore.from_settings(settings)
    with make_sessionmaker(engine)() as s:
        rows = [(c.caller_phone, c.turns[0].transcript, [store.load(r.path) for r in c.recordings])
                for c in s.scalars(select(Call))]
    engine.dispose()
    return sorted(rows, key=lambda r: r[0] or "")


def _secrets_file(env: dict[str, str]) -> dict[str, Any]:
    return dict(json.loads(Path(env["IVR_SECURITY__SECRETS_FILE"]).read_text()))


def test_dev_upgrade_rotate_retire(env: dict[str, str]) -> None:
    res = _ivr("db", "upgrade")
    assert res.exit_code == 0, res.output
    assert f"database upgraded: at {', '.join(sorted(head_revisions()))}" in res.output
    assert _ivr("db", "current").exit_code == 0
    _populate(_settings())
    before = _read_all(_settings())
    old_key = _secrets_file(env)["encryption_keys"][0]

    res = _ivr("keys", "rotate")
    assert res.exit_code == 0, res.output
    assert "re-encrypted 15 of 15 values and 5 of 5 recording files" in res.output
    stored = _secrets_file(env)
    assert len(stored["encryption_keys"]) == 2 and stored["encryption_keys"][1] == old_key
    assert stored["rotation_pending"] is False
    assert oct(Path(env["IVR_SECURITY__SECRETS_FILE"]).stat().st_mode & 0o777) == "0o600"

    res = _ivr("keys", "retire")
    assert res.exit_code == 0, res.output
    assert _secrets_file(env)["encryption_keys"] == stored["encryption_keys"][:1]
    assert _read_all(_settings()) == before  # only the new key is configured now

    old_only = _settings().model_copy(deep=True)
    install_keyring(keyring_from_settings(old_only).with_keys([old_key]))
    engine = engine_for(old_only)
    with make_sessionmaker(engine)() as s, pytest.raises(KeysNotLoaded):
        s.scalars(select(Call.caller_phone)).all()
    engine.dispose()

    install_keyring(keyring_from_settings(_settings()))
    engine = engine_for(_settings())
    with make_sessionmaker(engine)() as s:
        assert s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all() == ["keys.rotate", "keys.retire"]
    engine.dispose()


def test_dev_interrupted_rotation_resumes_without_a_third_key(env: dict[str, str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert _ivr("db", "upgrade").exit_code == 0
    _populate(_settings())
    before = _read_all(_settings())

    def crashing(*args: Any, **kw: Any) -> Any:
        def boom(table: str, _n: int) -> None:
            raise KeyboardInterrupt(f"operator pressed ctrl-c during {table}")
        return rotate_all(*args, **{**kw, "batch_size": 2, "after_batch": boom})

    monkeypatch.setattr(keys_cli, "rotate_all", crashing)
    res = _ivr("keys", "rotate")
    assert res.exit_code != 0
    assert _secrets_file(env)["rotation_pending"] is True
    monkeypatch.undo()
    for k, v in env.items():
        monkeypatch.setenv(k, v)

    res = _ivr("keys", "retire")
    assert res.exit_code == 1 and "refused" in res.output  # old key still needed

    res = _ivr("keys", "rotate")
    assert res.exit_code == 0, res.output
    assert "resuming rotation" in res.output
    assert "re-encrypted 11 of 15 values and 5 of 5" in res.output  # the first batch (2 calls) was kept
    assert len(_secrets_file(env)["encryption_keys"]) == 2
    assert _ivr("keys", "retire").exit_code == 0
    assert _read_all(_settings()) == before


def test_production_needs_confirm_and_prints_the_key_list(env: dict[str, str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    old = Fernet.generate_key().decode()
    monkeypatch.setenv("IVR_ENV", "production")
    monkeypatch.setenv("IVR_SECURITY__ENCRYPTION_KEYS", json.dumps([old]))
    monkeypatch.setenv("IVR_SECURITY__LOOKUP_HASH_KEY", "prod-lookup-key-abcdefgh")
    monkeypatch.setenv("IVR_SECURITY__ADMIN_API_KEYS", json.dumps(["ops:admin:prod-admin-key-123"]))
    monkeypatch.setenv("IVR_AMI__SECRET", "prod-ami-secret-xyz")
    monkeypatch.setenv("IVR_CALLS__REGISTER_TOKEN", "prod-register-token-0123456789")
    assert _ivr("db", "upgrade").exit_code == 0
    _populate(_settings())
    before = _read_all(_settings())

    res = _ivr("keys", "rotate")
    assert res.exit_code == 1
    assert "nothing was changed" in res.output
    line = next(ln.strip() for ln in res.output.splitlines() if "IVR_SECURITY__ENCRYPTION_KEYS=" in ln)
    printed = json.loads(line.split("=", 1)[1].strip("'"))
    assert printed[1] == old and len(printed) == 2
    assert not Path(env["IVR_SECURITY__SECRETS_FILE"]).exists()  # never writes operator keys to disk

    monkeypatch.setenv("IVR_SECURITY__ENCRYPTION_KEYS", json.dumps(printed))
    res = _ivr("keys", "rotate", "--resume", "--confirm", "--batch-size", "3")
    assert res.exit_code == 0, res.output
    assert "re-encrypted 15 of 15 values" in res.output
    res = _ivr("keys", "status")
    assert "not yet under the primary key: 0" in res.output

    res = _ivr("keys", "retire")
    assert res.exit_code == 0, res.output
    monkeypatch.setenv("IVR_SECURITY__ENCRYPTION_KEYS", json.dumps(printed[:1]))
    assert _read_all(_settings()) == before


def test_bad_new_key_is_refused(env: dict[str, str]) -> None:
    assert _ivr("db", "upgrade").exit_code == 0
    res = _ivr("keys", "rotate", "--new-key", "not-a-key")
    assert res.exit_code == 2
    assert "Fernet" in res.output


def test_unmigrated_database_gives_a_one_line_fix(env: dict[str, str]) -> None:
    res = _ivr("keys", "rotate")
    assert res.exit_code == 1
    assert "run `ivr db upgrade` first" in res.output
    assert not Path(env["IVR_SECURITY__SECRETS_FILE"]).exists() or \
        len(_secrets_file(env)["encryption_keys"]) == 1  # no key was added
    assert _ivr("db", "current").exit_code == 1
