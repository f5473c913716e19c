"""`ivr` starts light and fails in one line: the entry point imports no heavy module (an import-graph test, not a
timing test: bench figures are in the README), `--help` writes nothing, and a bad variable, a read-only, missing or
full data directory each end in one line naming the variable or path and the fix — no traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from ivr.cli.lazy import COMMANDS, load_command

ROOT = Path(__file__).resolve().parents[2]
IVR = [sys.executable, "-c", "import sys; sys.argv[0] = 'ivr'; from ivr.cli import main; main()"]
HEAVY = ("sqlalchemy", "numpy", "faster_whisper", "ctranslate2", "fastapi", "uvicorn", "alembic", "vosk", "httpx",
         "pocketsphinx", "pydub", "scipy")


def loaded_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True, timeout=120, cwd=ROOT)
    return {m.split(".")[0] for m in json.loads(out.stdout.splitlines()[-1])}


@pytest.mark.parametrize(("what", "code", "allowed"), [
    ("the entry point", "import ivr.cli", ()),
    ("ivr say", "import ivr.cli.lazy as l; l.load_command('say')", ()),
    ("ivr nlu parse", "import ivr.cli.lazy as l; l.load_command('nlu')", ("httpx",)),  # it asks Rasa over HTTP
])
def test_light_commands_import_no_heavy_module(what: str, code: str, allowed: tuple[str, ...]) -> None:
    heavy = loaded_after(code) & (set(HEAVY) - set(allowed))
    assert not heavy, f"{what} imports {sorted(heavy)}: import them inside the commands that use them"


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, prefix: list[str] | None = None,
        ) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run([*(prefix or []), *IVR, *args], cwd=cwd, env={**base, **(env or {})}, capture_output=True,
                          text=True, timeout=180, check=False)


def test_help_writes_no_secrets_file(tmp_path: Path) -> None:
    for args in (["--help"], ["say", "--help"], ["reminders", "run", "--help"], ["serve", "--help"]):
        result = run(args, tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Usage" in result.stdout
    run(["say", "--lang", "sw", "--number", "3"], tmp_path)
    assert list(tmp_path.iterdir()) == [], "a command that needs no secret wrote state in the current directory"
    assert run(["db", "current"], tmp_path).returncode in (0, 1)  # a command that needs them creates them
    assert (tmp_path / "var" / "secrets.json").is_file()


def test_root_help_lists_every_command_with_its_own_summary() -> None:
    for name, spec in COMMANDS.items():
        command = load_command(name)
        real = (command.help or "").strip().splitlines()[0]
        assert real == spec.summary, f"ivr/cli/lazy.py summary of `{name}` differs from its help"
    registered = typer.main.get_command(__import__("ivr.cli", fromlist=["app"]).app)
    assert set(registered.list_commands(None)) == set(COMMANDS)  # type: ignore[attr-defined,arg-type]


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_a_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    line = one_line_error(run(["serve"], tmp_path, {"IVR_HTTP__PORT": "abc"}))
    assert "IVR_HTTP__PORT='abc'" in line and "integer" in line
    secret = one_line_error(run(["db", "current"], tmp_path, {"IVR_AMI__PING_INTERVAL_S": "often",
                                                              "IVR_SECURITY__ENCRYPTION_KEYS": "not json"}))
    assert "IVR_SECURITY__ENCRYPTION_KEYS" in secret and "not json" not in secret  # secrets are never echoed


def test_a_data_directory_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    line = one_line_error(run(["db", "upgrade"], tmp_path, {"IVR_DATA_DIR": str(tmp_path / "file" / "state")}))
    assert "IVR_DATA_DIR" in line and str(tmp_path / "file" / "state") in line and "create it" in line


def namespace(script: str) -> list[str]:
    """Run the command in a private mount namespace prepared by `script` (needs root, like the fault suite)."""
    return ["unshare", "-m", "sh", "-c", f"{script} && exec \"$@\"", "sh"]


needs_mounts = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None,
                                  reason="read-only and full file systems are mounted in a private namespace (root)")


@needs_mounts
def test_a_read_only_data_directory(tmp_path: Path) -> None:
    data = tmp_path / "state"
    data.mkdir()
    prefix = namespace(f"mount --bind {data} {data} && mount -o remount,bind,ro {data}")
    env = {"IVR_DATA_DIR": str(data), "IVR_DATABASE__URL": f"sqlite:///{data}/ivr.db",
           "IVR_SECURITY__SECRETS_FILE": str(data / "secrets.json")}
    line = one_line_error(run(["db", "upgrade"], tmp_path, env, prefix))
    assert "IVR_DATA_DIR" in line and str(data) in line and "not writable" in line


@needs_mounts
def test_a_full_disk_at_start(tmp_path: Path) -> None:
    data = tmp_path / "state"
    data.mkdir()
    prefix = namespace(f"mount -t tmpfs -o size=64k tmpfs {data} && "
                       f"(dd if=/dev/zero of={data}/fill bs=4k 2>/dev/null || true)")
    env = {"IVR_DATA_DIR": str(data), "IVR_DATABASE__URL": f"sqlite:///{data}/ivr.db",
           "IVR_SECURITY__SECRETS_FILE": str(data / "secrets.json")}
    line = one_line_error(run(["db", "upgrade"], tmp_path, env, prefix))
    assert "disk full" in line or "database or disk is full" in line, line
