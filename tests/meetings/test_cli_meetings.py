"""`ivr meetings list|transcribe` on a seeded IVR database (real faster-whisper for the transcript).

Sync test on purpose: the CLI runs its own event loop (asyncio.run), as it does from a shell.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from typer.testing import CliRunner

from ivr.cli import app
from tests.meetings.seed import seed_meeting


def test_list_then_transcribe_one_meeting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = Fernet.generate_key().decode()
    seeded = asyncio.run(seed_meeting(tmp_path, security={
        "encryption_keys": [SecretStr(key)], "lookup_hash_key": SecretStr("test-lookup-key-0123456789"),
        "admin_api_keys": [SecretStr("t:admin:k")], "secrets_file": tmp_path / "secrets.json"}))
    for name, value in {"IVR_ENV": "test", "IVR_DATA_DIR": str(tmp_path),
                        "IVR_DATABASE__URL": seeded.settings.database.url,
                        "IVR_SECURITY__ENCRYPTION_KEYS": json.dumps([key]),
                        "IVR_SECURITY__LOOKUP_HASH_KEY": "test-lookup-key-0123456789",
                        "IVR_SECURITY__ADMIN_API_KEYS": json.dumps(["t:admin:k"]),
                        "IVR_SECURITY__SECRETS_FILE": str(tmp_path / "secrets.json"),
                        "IVR_AMI__SECRET": "test-ami-secret",
                        "IVR_CALLS__REGISTER_TOKEN": "test-register-token-0123456789"}.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    listed = runner.invoke(app, ["meetings", "list"])
    assert listed.exit_code == 0, listed.output
    assert "g-kes-umoja" in listed.output and "confirmed 2" in listed.output and "Grace" not in listed.output
    done = runner.invoke(app, ["meetings", "transcribe", str(seeded.draft_id)])
    assert done.exit_code == 0, done.output
    assert "transcribed 1 meetings" in done.output
    missing = runner.invoke(app, ["meetings", "transcribe", "999"])
    assert missing.exit_code == 1 and "no meeting draft 999" in missing.output
