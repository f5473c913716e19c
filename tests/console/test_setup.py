"""The console's set-up: vendored scripts from npm (setup step 60-console, idempotent), a one-line failure when they
are missing (also through `ivr serve`), the console left out when disabled, the demo admin of `ivr stack`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from ivr.app import create_app
from ivr.console.assets import SETUP_COMMAND, VENDOR_FILES, ConsoleAssetsMissing, check_vendor
from ivr.console.config import ConsoleSettings
from ivr.console.demo import SECRET_KEY, ensure_demo_admin, sign_in_lines
from ivr.console.router import include_console
from ivr.secrets import read_secrets_file
from ivr.settings import load_settings
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import upgrade_to_head
from tests.console.conftest import csrf_of
from tests.fixtures.settings import make_test_settings

REPO = Path(__file__).resolve().parents[2]


def test_missing_vendor_files_are_one_line_naming_the_setup_command(tmp_path: Path) -> None:
    with pytest.raises(ConsoleAssetsMissing) as err:
        check_vendor(ConsoleSettings(vendor_dir=tmp_path))
    message = str(err.value)
    assert "\n" not in message and SETUP_COMMAND in message and "htmx.min.js" in message
    with pytest.raises(ConsoleAssetsMissing):
        create_app(make_test_settings(tmp_path, console={"vendor_dir": tmp_path}))


def test_ivr_serve_stops_with_that_line(tmp_path: Path) -> None:
    env = {"IVR_DATA_DIR": str(tmp_path), "IVR_DATABASE__URL": f"sqlite:///{tmp_path / 'ivr.db'}",
           "IVR_SECURITY__SECRETS_FILE": str(tmp_path / "secrets.json"), "IVR_CONSOLE__VENDOR_DIR": str(tmp_path),
           "IVR_HTTP__PORT": "1"}
    from ivr.cli import app

    result = CliRunner().invoke(app, ["serve"], env=env)
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "staff console" in errors[0] and SETUP_COMMAND in errors[0], result.stderr
    assert "Traceback" not in result.output


def test_a_disabled_console_needs_no_vendor_files(tmp_path: Path) -> None:
    settings = make_test_settings(tmp_path, console={"enabled": False, "vendor_dir": tmp_path})
    app = FastAPI()
    include_console(app, settings)
    assert not [r for r in app.routes if getattr(r, "path", "").startswith("/console")]


def test_the_setup_step_vendors_from_npm_and_is_idempotent(tmp_path: Path) -> None:
    root = tmp_path / "checkout"
    (root / "scripts/setup.d").mkdir(parents=True)
    for name in ("lib.sh", "60-console.sh"):
        shutil.copy(REPO / "scripts/setup.d" / name, root / "scripts/setup.d" / name)
    shutil.copytree(REPO / "ivr/console/npm", root / "ivr/console/npm")
    run = ["bash", str(root / "scripts/setup.d/60-console.sh")]
    env = {**os.environ, "ROOT": str(root)}
    first = subprocess.run(run, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert first.returncode == 0, first.stderr
    vendor = root / "ivr/console/static/vendor"
    assert all((vendor / f).stat().st_size > 10_000 for f in VENDOR_FILES)
    assert "htmx" in (vendor / "htmx.min.js").read_text()[:2000].lower()
    assert (root / "var/stamps/console").exists() and not (root / "var/build/console-npm").exists()
    again = subprocess.run(run, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert again.returncode == 0 and again.stdout == "", again.stderr  # stamped: skipped (npm never ran)
    (vendor / "htmx.min.js").unlink()  # a lost file is put back even with the stamp in place
    assert subprocess.run(run, env=env, capture_output=True, timeout=300, check=False).returncode == 0
    assert (vendor / "htmx.min.js").exists()


async def test_the_demo_admin_signs_in_with_the_secrets_file_password(tmp_path: Path) -> None:
    settings = load_settings(env="development", data_dir=tmp_path, database={"url": f"sqlite:///{tmp_path}/ivr.db"},
                             security={"secrets_file": tmp_path / "secrets.json"}, http={"port": 8123})
    install_keyring(keyring_from_settings(settings))
    upgrade_to_head(settings)
    assert ensure_demo_admin(settings) and ensure_demo_admin(settings)  # twice: still one account
    password = read_secrets_file(settings)[SECRET_KEY]
    assert isinstance(password, str) and len(password) >= 10
    line = sign_in_lines(settings)[0]
    assert "http://127.0.0.1:8123/console" in line and "demo-admin" in line and password in line
    app = FastAPI()
    app.state.settings = settings
    include_console(app, settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8123") as c:
        form = await c.get("/console/sign-in")
        answer = await c.post("/console/sign-in", data={"name": "demo-admin", "password": password,
                                                        "csrf_token": csrf_of(form.text)})
        assert answer.status_code == 303  # development: plain-http cookies work on loopback
        assert "demo-admin" in (await c.get("/console/audit")).text
    app.state.console.own_sessions.kw["bind"].dispose()
    test_env = make_test_settings(tmp_path / "t")
    assert not ensure_demo_admin(test_env) and "demo-admin" not in " ".join(sign_in_lines(test_env))


def test_the_stack_prints_the_demo_sign_in(tmp_path: Path) -> None:
    from ivr.cli.stack import ivr_summary, services_for

    settings = load_settings(env="development", data_dir=tmp_path, security={"secrets_file": tmp_path / "s.json"},
                             http={"port": 1})  # nothing answers /health there: the summary says so and goes on
    summary = ivr_summary(settings, services_for(settings))
    password = read_secrets_file(settings)[SECRET_KEY]
    assert f"staff console: http://127.0.0.1:1/console — sign in as demo-admin with password {password}" in summary
