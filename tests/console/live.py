"""The real IVR (`ivr serve` in its own process: console, AudioSocket, reminders service) over the real ledger_core
and Rasa, for the browser tests; plus headless Chromium helpers (the softphone tests' launcher) and screenshots."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from cryptography.fernet import Fernet
from playwright.async_api import Page
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from ivr.console.accounts import add_staff
from ivr.settings import Settings
from tests.console.conftest import PASSWORD
from tests.fixtures.ledger_server import free_port
from tests.fixtures.settings import make_test_settings

REPO = Path(__file__).resolve().parents[2]
# Screenshots are test artefacts (git-ignored under var/): a person can look at what the console showed.
ARTIFACTS = REPO / "var" / "test-artifacts" / "console"
LOOKUP_KEY = "test-lookup-key-0123456789"
ADMIN_KEY = "tester:admin:test-admin-key"
AMI_SECRET = "test-ami-secret"
REGISTER_TOKEN = "test-register-token"


@dataclass
class Ivr:
    """One `ivr serve` process and the same settings in the test process (same database, keys and ledger)."""

    settings: Settings
    env: dict[str, str]
    base_url: str
    sessions: sessionmaker[Session]
    proc: subprocess.Popen[bytes] | None = None

    def staff(self, name: str, role: str = "field_officer", groups: tuple[str, ...] = ()) -> str:
        with self.sessions.begin() as s:
            add_staff(s, name, role, PASSWORD, actor="test", min_length=10, groups=groups)
        return name


def ivr_settings(tmp: Path, *, ledger_url: str, rasa_url: str, ami_port: int) -> tuple[Settings, dict[str, str]]:
    """Settings for the test process and the same as environment variables for `ivr serve`."""
    key = Fernet.generate_key().decode()
    http_port, audio_port = free_port(), free_port()
    env = {
        "IVR_ENV": "test", "IVR_DATA_DIR": str(tmp), "IVR_DATABASE__URL": f"sqlite:///{tmp / 'ivr.db'}",
        "IVR_SECURITY__ENCRYPTION_KEYS": json.dumps([key]), "IVR_SECURITY__LOOKUP_HASH_KEY": LOOKUP_KEY,
        "IVR_SECURITY__ADMIN_API_KEYS": json.dumps([ADMIN_KEY]),
        "IVR_SECURITY__SECRETS_FILE": str(tmp / "secrets.json"),
        "IVR_AMI__SECRET": AMI_SECRET, "IVR_AMI__PORT": str(ami_port), "IVR_AMI__CONNECT_TIMEOUT_S": "2",
        "IVR_LEDGER__BASE_URL": ledger_url, "IVR_NLU__URL": rasa_url,
        "IVR_HTTP__PORT": str(http_port), "IVR_AUDIOSOCKET__PORT": str(audio_port),
        "IVR_CALLS__LANGUAGES": '["en"]', "IVR_CALLS__WARM_PROMPTS": "false",
        "IVR_CALLS__MEETING_TRANSCRIBE_EVERY_S": "0", "IVR_CALLS__REGISTER_TOKEN": REGISTER_TOKEN,
        "IVR_REMINDERS__CALLER_ID_NUMBER": "+254700999000",
        "IVR_SPEECH__MODELS_DIR": str(tmp / "models"), "IVR_SPEECH__TTS__CACHE_DIR": str(tmp / "prompt_cache"),
    }
    settings = make_test_settings(
        tmp, security={"encryption_keys": [SecretStr(key)], "lookup_hash_key": SecretStr(LOOKUP_KEY),
                       "admin_api_keys": [SecretStr(ADMIN_KEY)], "secrets_file": tmp / "secrets.json"},
        ami={"secret": SecretStr(AMI_SECRET), "port": ami_port, "ping_interval_s": 60.0},
        ledger={"base_url": ledger_url, "retries": 0, "read_timeout_s": 5.0}, nlu={"url": rasa_url},
        http={"port": http_port}, audiosocket={"port": audio_port}, calls={"languages": ["en"]},
        reminders={"meeting_hours_before": 0, "repayment_days_before": 0, "repayment_on_day": False,
                   "nudge_loan_repaid": False, "max_concurrent_calls": 4, "max_concurrent_per_group": 3},
    )  # fmt: skip
    return settings, env


def start_ivr(ivr: Ivr, log: Path, timeout_s: float = 240.0) -> None:
    """`ivr serve` as an operator runs it; waits for /health (ASR models load first)."""
    with log.open("ab") as out:
        ivr.proc = subprocess.Popen([sys.executable, "-c", "from ivr.cli import main; main()", "serve"], cwd=REPO,
                                    env={**os.environ, **ivr.env}, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if ivr.proc.poll() is not None:
            raise RuntimeError(f"ivr serve exited ({ivr.proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(ivr.base_url + "/health", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"ivr serve did not answer /health within {timeout_s:.0f} s:\n{log.read_text()[-3000:]}")


def stop_ivr(ivr: Ivr) -> None:
    if ivr.proc is None or ivr.proc.poll() is not None:
        return
    os.killpg(ivr.proc.pid, signal.SIGTERM)
    try:
        ivr.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(ivr.proc.pid, signal.SIGKILL)
        ivr.proc.wait(timeout=10)


async def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def sign_in(page: Page, base_url: str, name: str, password: str = PASSWORD) -> None:
    """Through the form, like a person: name, password, the Sign in button."""
    if "/console/sign-in" not in page.url:
        await page.goto(base_url + "/console/sign-in")
    await page.get_by_label("Name").fill(name)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_load_state()


async def sign_out(page: Page) -> None:
    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url("**/console/sign-in?signed_out=1")
