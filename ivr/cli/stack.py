"""`ivr stack`: the main job — migrations, the reference ledger with demo data, Rasa (trained if needed), the IVR.

The stack is a list of ManagedService entries started in order, each waited for on its health URL, and stopped in
reverse order on Ctrl-C / SIGTERM. Each child also gets a parent-death signal (nlu.process), so a stack killed
with SIGKILL leaves nothing running. Once everything answers, the demo callers are printed first and the addresses
last, where the terminal leaves them in view; library logs (migrations, PINs set) stay out of the terminal.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from urllib.parse import urlparse

import httpx
import typer
from rich.console import Console

from ivr.cli.common import settings_of
from ivr.cli.ledger import demo_callers_table, port_in_use, safe_url, seed_demo_data
from ivr.settings import Settings
from nlu.process import die_with_parent

console = Console()
# Loggers whose INFO lines are progress of the stack's own preparation, said by the stack in a line or two instead
# (one "PIN set for member" per demo membership, Alembic's per-revision chatter).
QUIET_LOGGERS = ("alembic", "models", "ledger_core", "httpx")
# Children run the same `ivr` entry point as this process (settings come from the same environment).
IVR_CLI = [sys.executable, "-c", "from ivr.cli import main; main()"]


class StackError(RuntimeError):
    """A service failed to start or died; the message is one line naming what fixes it."""


@dataclass
class ManagedService:
    """One child process of the stack with a health URL; its output goes to `log_file`."""

    name: str
    argv: list[str]
    health_url: str
    host: str
    port: int
    port_setting: str  # the setting that moves it when the port is taken
    log_file: Path
    env: dict[str, str] = field(default_factory=dict)  # added to the parent's environment
    ready_timeout_s: float = 30.0
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        if port_in_use(self.host, self.port):
            raise StackError(f"{self.name}: {self.host}:{self.port} is in use: set {self.port_setting} to a free port")
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            # Own process group, so a Ctrl-C in the terminal reaches only us and we stop children in order; the
            # parent-death signal stops the child should we be killed without a chance to stop it.
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                         env={**os.environ, **self.env}, preexec_fn=die_with_parent())

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout_s
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise StackError(f"{self.name} exited with code {self.proc.returncode}: see {self.log_file}")
            try:
                if httpx.get(self.health_url, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise StackError(f"{self.name} did not answer {self.health_url} within {self.ready_timeout_s:.0f}s: "
                         f"see {self.log_file}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout_s: float = 10.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


DEMO_CALLERS_ENV = "IVR_SOFTPHONE__DEMO_CALLERS"


def demo_callers_env() -> dict[str, str]:
    """The demo members as the softphone page's caller list (IVR_SOFTPHONE__DEMO_CALLERS JSON, no PINs), for the
    IVR child; an operator's own IVR_SOFTPHONE__DEMO_CALLERS in the environment wins."""
    if DEMO_CALLERS_ENV in os.environ:
        return {}
    from ledger_core.demo_people import GROUPS, demo_members

    names = {g.group_id: g.name for g in GROUPS}
    callers = [{"phone": m.phone, "label": f"{m.name} ({names[m.group_id]}, {m.role})"} for m in demo_members()]
    return {DEMO_CALLERS_ENV: json.dumps(callers)}


def services_for(settings: Settings) -> list[ManagedService]:
    """The services of the stack, in start order."""
    core = settings.ledger_core
    http = settings.http
    nlu = urlparse(settings.nlu.url)
    logs = settings.data_dir / "logs"
    return [
        ManagedService(
            name="core ledger",
            argv=[sys.executable, "-m", "ledger_core", "--host", core.host, "--port", str(core.port)],
            env={"IVR_LEDGER_CORE__DATABASE_URL": core.database_url},  # not in argv: it may hold a password
            health_url=f"http://{core.host}:{core.port}/v1/health",
            host=core.host,
            port=core.port,
            port_setting="IVR_LEDGER_CORE__PORT",
            log_file=logs / "ledger_core.log",
        ),
        ManagedService(
            name="Rasa NLU",
            argv=[*IVR_CLI, "nlu", "serve"],  # trains first when nlu/rasa data changed (cached by data hash)
            health_url=settings.nlu.url.rstrip("/") + "/status",
            host=nlu.hostname or "127.0.0.1",
            port=nlu.port or 5005,
            port_setting="IVR_NLU__URL",
            log_file=logs / "rasa.log",
            ready_timeout_s=settings.nlu.startup_timeout_s + 300,  # a first training run takes minutes
        ),
        ManagedService(
            name="IVR",
            argv=[*IVR_CLI, "serve"],
            env=demo_callers_env(),  # the /phone page lists the demo callers the stack prints
            health_url=f"http://{http.host}:{http.port}/health",
            host=http.host,
            port=http.port,
            port_setting="IVR_HTTP__PORT",
            log_file=logs / "ivr.log",
            ready_timeout_s=300,  # loads ASR models and renders every static prompt before it answers
        ),
    ]


def prepare(settings: Settings) -> None:
    """IVR migrations; demo data when the ledger database is empty."""
    for name in QUIET_LOGGERS:  # before the imports: Alembic logs its plugins as it is imported
        logging.getLogger(name).setLevel(logging.WARNING)
    from ledger_core.db import make_engine
    from ledger_core.demo import ledger_is_empty
    from models.migrate import upgrade_to_head

    upgrade_to_head(settings)
    console.print("IVR database migrated to head")
    from ivr.console.demo import ensure_demo_admin

    ensure_demo_admin(settings)  # development: the console's demo admin (password in the dev secrets file)
    engine = make_engine(settings.ledger_core.database_url)
    try:
        empty = ledger_is_empty(engine)
    finally:
        engine.dispose()
    if empty:
        seed_demo_data(settings)
    else:
        console.print(f"ledger database already has data: {safe_url(settings.ledger_core.database_url)}")


def ivr_summary(settings: Settings, services: list[ManagedService]) -> str:
    """Where to point Asterisk and a browser, and which recogniser hears each language (said at start-up)."""
    if not any(s.name == "IVR" for s in services):
        return ""
    a, h = settings.audiosocket, settings.http
    lines = []
    try:
        health = httpx.get(f"http://{h.host}:{h.port}/health", timeout=5.0).json()
        lines += [f"speech: {note}" for note in health.get("notes", [])]
    except (httpx.HTTPError, ValueError):
        lines.append("speech: could not read /health for the ASR engines in use")
    from ivr.console.demo import sign_in_lines

    lines += [f"AudioSocket (Asterisk AUDIOSOCKET_ADDR): {a.host}:{a.port}",
              f"HTTP (call registration POST /asterisk/calls, /health): http://{h.host}:{h.port}"]
    lines += sign_in_lines(settings)  # the staff console and, in development, the demo admin's sign-in
    lines.append(f"softphone (open it in a browser, pick a demo caller): http://{h.host}:{h.port}/phone")
    return "\n".join(lines)


def _raise_interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_stack(settings: Settings, services: list[ManagedService]) -> int:
    """Start every service, then wait until Ctrl-C/SIGTERM (exit 0) or a service dies (exit 1)."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # health polls are not news
    # Explicit handlers: a stack started in the background by a non-interactive shell inherits SIGINT ignored.
    previous = {sig: signal.signal(sig, _raise_interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    started: list[ManagedService] = []
    try:
        for service in services:
            service.start()
            started.append(service)
            service.wait_ready()
            console.print(f"[green]{service.name}[/green] listening on http://{service.host}:{service.port}")
        console.print(demo_callers_table())  # long: first, so the addresses below stay on screen
        summary = ivr_summary(settings, services)
        if summary:
            console.print(summary)
        console.print("stack running: Ctrl-C stops everything")
        while True:
            for service in started:
                if not service.alive():
                    raise StackError(f"{service.name} stopped unexpectedly: see {service.log_file}")
            time.sleep(0.5)
    except KeyboardInterrupt:
        console.print("stopping…")
        return 0
    except StackError as exc:
        console.print(f"[red]{exc}[/red]")
        return 1
    finally:
        for service in reversed(started):
            service.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


SERVICE_KEYS = {"ledger": "core ledger", "nlu": "Rasa NLU", "ivr": "IVR"}


def stack(
    ctx: typer.Context,
    skip: list[str] = typer.Option([], "--skip", help="Leave out a service: ledger, nlu or ivr (repeatable)."),
) -> None:
    """Run the stack until Ctrl-C: migrations, demo data if empty, the core ledger, Rasa and the IVR."""
    unknown = sorted(set(skip) - set(SERVICE_KEYS))
    if unknown:
        raise typer.BadParameter(f"unknown service {', '.join(unknown)}: choose from ledger, nlu, ivr",
                                 param_hint="--skip")
    settings = settings_of(ctx)
    prepare(settings)
    left_out = {SERVICE_KEYS[k] for k in skip}
    code = run_stack(settings, [s for s in services_for(settings) if s.name not in left_out])
    console.print("stack stopped")
    raise typer.Exit(code=code)
