"""Train and run the real Rasa server (in its own Python 3.10 venv) from the app: used by the CLI and test fixtures."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

import languages
from nlu.config import NluSettings
from nlu.process import die_with_parent

log = logging.getLogger(__name__)
REPO_ROOT = Path(__file__).resolve().parent.parent


class RasaNotInstalled(RuntimeError):
    """The Rasa venv is missing: one line saying how to create it."""


class RasaFailed(RuntimeError):
    """Training or start-up failed; the message carries the tail of Rasa's own output."""


@dataclass(frozen=True)
class RasaPaths:
    venv: Path
    project: Path
    models: Path

    @property
    def rasa(self) -> Path:
        return self.venv / "bin" / "rasa"


def rasa_paths(nlu: NluSettings, data_dir: Path) -> RasaPaths:
    return RasaPaths(
        venv=(nlu.rasa_venv or REPO_ROOT / ".venv-rasa").absolute(),
        project=(nlu.project_dir or Path(__file__).resolve().parent / "rasa").absolute(),
        models=(nlu.models_dir or data_dir / "nlu" / "models").absolute(),
    )


def _require_rasa(paths: RasaPaths) -> None:
    if not paths.rasa.exists():
        raise RasaNotInstalled(
            f"Rasa is not installed at {paths.venv}: run `bash scripts/setup.sh 30-rasa` or set IVR_NLU__RASA_VENV"
        )


def training_files(project: Path) -> dict[str, Path]:
    """Every NLU data file training reads, by the name it gets in the training folder: the project's own
    data/*.yml, then each installed language pack's nlu.yml (as ``pack-<code>.yml``): adding a pack retrains."""
    files = {f.name: f for f in sorted((project / "data").glob("*.yml"))}
    for code, pack in languages.packs().items():
        if pack.has("nlu.yml"):
            files[f"pack-{code}.yml"] = pack.path("nlu.yml")
    return files


def data_hash(project: Path) -> str:
    """Hash of everything training reads (config, domain, data files of the project and of the language packs):
    the model is rebuilt only when it changes."""
    h = hashlib.sha256()
    files = {"config.yml": project / "config.yml", "domain.yml": project / "domain.yml",
             **{f"data/{name}": path for name, path in training_files(project).items()}}
    for name, f in files.items():
        h.update(name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _training_data_dir(project: Path, where: Path) -> Path:
    """The training files gathered in one folder (Rasa's --nlu takes one path)."""
    if where.exists():
        shutil.rmtree(where)
    where.mkdir(parents=True)
    for name, path in training_files(project).items():
        shutil.copyfile(path, where / name)
    return where


def _rasa_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore"})
    env.pop("VIRTUAL_ENV", None)
    return env


def train(paths: RasaPaths, *, force: bool = False) -> Path:
    """`rasa train nlu` unless a model for the current data hash exists; returns the model archive."""
    _require_rasa(paths)
    name = f"nlu-{data_hash(paths.project)}"
    model = paths.models / f"{name}.tar.gz"
    if model.exists() and not force:
        log.info("nlu model up to date: %s", model.name)
        return model
    paths.models.mkdir(parents=True, exist_ok=True)
    data_dir = _training_data_dir(paths.project, paths.models / f"{name}-data")
    cmd = [
        str(paths.rasa), "train", "nlu", "--config", str(paths.project / "config.yml"),
        "--nlu", str(data_dir), "--domain", str(paths.project / "domain.yml"),
        "--out", str(paths.models), "--fixed-model-name", name,
    ]  # fmt: skip
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=paths.models.parent, env=_rasa_env(), capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not model.exists():
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise RasaFailed(f"rasa train nlu failed (exit {proc.returncode}):\n{tail}")
    log.info("trained nlu model %s in %.1f s", model.name, time.monotonic() - started)
    return model


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RasaServer:
    """A running `rasa run --enable-api` process on 127.0.0.1."""

    process: subprocess.Popen[bytes]
    url: str
    log_file: Path
    startup_s: float = 0.0

    def stop(self, timeout: float = 15.0) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def start(paths: RasaPaths, model: Path, *, port: int, timeout_s: float, log_dir: Path) -> RasaServer:
    """Start Rasa serving `model` and wait until /status reports it loaded; RasaFailed (with its log) otherwise."""
    _require_rasa(paths)
    log_dir.mkdir(parents=True, exist_ok=True)
    paths.models.mkdir(parents=True, exist_ok=True)  # Rasa keeps its .rasa cache in the working directory
    log_file = log_dir / f"rasa-{port}.log"
    cmd = [str(paths.rasa), "run", "--enable-api", "-i", "127.0.0.1", "-p", str(port), "-m", str(model)]
    started = time.monotonic()
    with log_file.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=paths.models.parent, env=_rasa_env(), stdout=out, stderr=subprocess.STDOUT,
                                preexec_fn=die_with_parent())  # Rasa must not outlive `ivr nlu serve`
    server = RasaServer(proc, f"http://127.0.0.1:{port}", log_file)
    deadline = started + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RasaFailed(f"rasa run exited with {proc.returncode}:\n{_tail(log_file)}")
        try:
            r = httpx.get(f"{server.url}/status", timeout=1.0)
            if r.status_code == 200 and r.json().get("model_file"):
                server.startup_s = time.monotonic() - started
                log.info("rasa ready on port %d in %.1f s", port, server.startup_s)
                return server
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.25)
    server.stop()
    raise RasaFailed(f"rasa did not become ready in {timeout_s:.0f} s (IVR_NLU__STARTUP_TIMEOUT_S):\n{_tail(log_file)}")


def _tail(path: Path, n: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").strip().splitlines()[-n:])
    except OSError:
        return ""
