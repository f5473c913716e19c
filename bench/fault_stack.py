"""The real stack the fault suite breaks: the core ledger, Rasa and the IVR as separate processes on free loopback
ports over one throw-away data directory, plus an Asterisk-like caller (AudioSocket) that logs in by keypad.

Each child runs in its own process group (so a kill takes its own children, e.g. `ivr nlu serve` and Rasa) and
gets a parent-death signal (nlu.process), so an interrupted suite leaves nothing running.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr.cli.stack import ManagedService  # noqa: E402
from ledger_core.demo_people import DemoMember, demo_members  # noqa: E402
from tests.e2e.harness import wait_bot_said_something  # noqa: E402
from tests.peers.asterisk_audiosocket import FakeAsteriskCall  # noqa: E402

IVR = [sys.executable, "-c", "import sys; sys.argv[0] = 'ivr'; from ivr.cli import main; main()"]
TOKEN = "fault-suite-register-token"
GROUP = "g-kes-umoja"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def members() -> list[DemoMember]:
    """Demo members of one group only (one membership: the PIN is asked once, no group choice)."""
    counts: dict[str, int] = {}
    for m in demo_members():
        counts[m.phone] = counts.get(m.phone, 0) + 1
    return [m for m in demo_members() if m.group_id == GROUP and counts[m.phone] == 1]


class Child(ManagedService):
    """One process of the stack (ivr.cli.stack's, with its parent-death signal), killable as a process group."""

    def answers(self) -> bool:
        try:
            return httpx.get(self.health_url, timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """The whole process group: `ivr nlu serve` takes Rasa with it, as a crashed host would."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(30)


@dataclass
class Stack:
    tmp: Path
    ports: dict[str, int] = field(default_factory=lambda: {k: free_port() for k in ("ledger", "rasa", "http", "as")})
    children: dict[str, Child] = field(default_factory=dict)

    @property
    def data(self) -> Path:
        return self.tmp / "data"

    @property
    def ivr_db(self) -> str:
        return f"sqlite:///{self.data / 'ivr.db'}"

    def env(self) -> dict[str, str]:
        p = self.ports
        base = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
        return {**base, "PYTHONPATH": str(ROOT), "IVR_ENV": "development", "IVR_DATA_DIR": str(self.data),
                "IVR_DATABASE__URL": self.ivr_db, "IVR_SECURITY__SECRETS_FILE": str(self.data / "secrets.json"),
                "IVR_LEDGER_CORE__DATABASE_URL": f"sqlite:///{self.data / 'ledger_core.db'}",
                "IVR_LEDGER_CORE__PORT": str(p["ledger"]), "IVR_LEDGER__BASE_URL": f"http://127.0.0.1:{p['ledger']}",
                "IVR_LEDGER__RETRIES": "0", "IVR_NLU__URL": f"http://127.0.0.1:{p['rasa']}",
                "IVR_NLU__MODELS_DIR": str(ROOT / "var" / "nlu" / "models"),  # trained models are a cache by hash
                "IVR_HTTP__PORT": str(p["http"]), "IVR_AUDIOSOCKET__PORT": str(p["as"]),
                "IVR_CALLS__REGISTER_TOKEN": TOKEN, "IVR_CALLS__LANGUAGES": json.dumps(["en"]),
                "IVR_CALLS__MEETING_TRANSCRIBE_EVERY_S": "0",
                "IVR_SPEECH__TTS__CACHE_DIR": str(self.data / "prompt_cache")}

    def prepare(self) -> None:
        """Demo data in the ledger database and the demo PINs in the IVR's (what `ivr stack` does first)."""
        subprocess.run([*IVR, "ledger", "seed", "--demo"], env=self.env(), cwd=ROOT, check=True,
                       capture_output=True, timeout=600)

    def child(self, name: str, timeout_s: float) -> Child:
        argv = {"ledger": ["ledger", "serve"], "rasa": ["nlu", "serve"], "ivr": ["serve"]}[name]
        port = self.ports["http" if name == "ivr" else name]
        health = {"ledger": "/v1/health", "rasa": "/status", "ivr": "/health"}[name]
        made = Child(name=name, argv=[*IVR, *argv], health_url=f"http://127.0.0.1:{port}{health}", host="127.0.0.1",
                     port=port, port_setting=f"the fault suite's {name} port", env=self.env(),
                     log_file=self.tmp / "logs" / f"{name}.log", ready_timeout_s=timeout_s)
        self.children[name] = made
        return made

    def start(self, name: str, timeout_s: float = 600) -> Child:
        c = self.child(name, timeout_s)
        c.start()
        c.wait_ready()
        return c

    def stop(self) -> None:
        for c in reversed(list(self.children.values())):
            c.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['http']}"

    def ivr_fds(self) -> int:
        ivr = self.children["ivr"].proc
        return len(os.listdir(f"/proc/{ivr.pid}/fd")) if ivr is not None else -1


async def register(stack: Stack, phone: str) -> uuid.UUID:
    async with httpx.AsyncClient() as http:
        r = await http.post(f"{stack.base_url}/asterisk/calls", headers={"X-IVR-Token": TOKEN},
                            data={"caller": phone, "dialled": "100", "channel": "PJSIP/phone-0001",
                                  "uniqueid": "1700000000.1"}, timeout=10)
    return uuid.UUID(r.text.strip())


async def dial(stack: Stack, member: DemoMember) -> FakeAsteriskCall:
    """A registered call, connected; the bot has finished its first words (the language menu)."""
    call = await FakeAsteriskCall("127.0.0.1", stack.ports["as"], await register(stack, member.phone)).connect()
    await wait_bot_said_something(call, since=0.0, timeout=120)
    return call


async def say_keys(call: FakeAsteriskCall, keys: str, timeout: float = 60) -> None:
    """Press keys, then wait until the bot has answered (spoken, then paused)."""
    await call.press(keys)
    await wait_bot_said_something(call, since=time.monotonic(), timeout=timeout)


async def login(stack: Stack, member: DemoMember) -> FakeAsteriskCall:
    """English by keypad, then the PIN: the call is at the main menu."""
    call = await dial(stack, member)
    await say_keys(call, "1")
    await say_keys(call, member.pin + "#")
    return call


def run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]
