"""Acceptance: the IVR process (`ivr chat`) is SIGKILLed between entries and restarted; every confirmed entry
survives, the next call offers to resume, and the finished meeting reaches ledger_core exactly once."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.dialogs.live import give_demo_pins, live_settings
from tests.fixtures.ledger_server import REPO, LedgerCoreProcess
from tests.meetings.live import Ledger, officer

pytestmark = [pytest.mark.integration, pytest.mark.slow]
UMOJA = "g-kes-umoja"


class Chat:
    """`ivr chat` as a child process: write one line per turn, wait for the bot's words."""

    def __init__(self, env: dict[str, str], phone: str) -> None:
        argv = [str(Path(sys.executable).parent / "ivr"), "chat", "--phone", phone, "--lang", "en"]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, bufsize=1, env=env, cwd=REPO)
        self.lines: queue.Queue[str] = queue.Queue()
        self.heard: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, text: str, timeout_s: float = 60.0) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.heard.append(line)
            if text in line:
                return line
        raise AssertionError(f"never heard {text!r}; last lines: {self.heard[-6:]}")

    def say(self, line: str, then: str) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.expect(then)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()


def test_sigkill_between_entries_then_resume(tmp_path: Path, ledger_server: LedgerCoreProcess, rasa_server: str
                                             ) -> None:
    ledger = Ledger(ledger_server.db_url)
    sec = officer(UMOJA)
    ids = ledger.ids_of(UMOJA)
    before = ledger.txn_ids(UMOJA)
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, sec)
    env = {**os.environ, "IVR_ENV": "development", "IVR_DATA_DIR": str(tmp_path),
           "IVR_DATABASE__URL": settings.database.url, "IVR_LEDGER__BASE_URL": ledger_server.base_url,
           "IVR_NLU__URL": rasa_server, "IVR_SECURITY__SECRETS_FILE": str(tmp_path / "chat-secrets.json")}
    entries = [("Grace paid one hundred savings", "Grace Wanjiru", 100), ("Faith paid two hundred savings",
               "Faith Njeri", 200), ("Esther paid three hundred savings", "Esther Atieno", 300),
               ("Joyce paid four hundred savings", "Joyce Chebet", 400)]
    chat = Chat(env, sec.phone)
    try:
        chat.expect("Hello Mary")
        chat.say(f"#{sec.pin}", "For your savings, say savings")
        chat.say("record the meeting", "This session will be recorded")
        chat.say("yes", "We will record the meeting of")
        chat.say("yes", "Say the next entry")
        for n, (line, name, _) in enumerate(entries, 1):
            assert name in chat.say(line, name)
            chat.expect("Is that right?")
            chat.say("yes", f"Entries so far: {['one', 'two', 'three', 'four'][n - 1]}.")
        chat.say("Peter paid five hundred savings", "Is that right?")  # read back, not confirmed
        chat.kill()  # SIGKILL between entries: no shutdown code runs
    finally:
        chat.close()
    chat = Chat(env, sec.phone)
    try:
        chat.expect("Hello Mary")
        chat.say(f"#{sec.pin}", "For your savings, say savings")
        chat.say("record the meeting", "This session will be recorded")
        chat.say("yes", "You have four entries saved from the meeting of")
        chat.say("#1", "Continuing the meeting of")
        chat.say("John paid seven hundred savings", "Is that right?")
        chat.say("yes", "Entries so far: five.")
        chat.say("finish", "Shall I send this meeting")
        chat.say("yes", "Done.")
        chat.say("goodbye", "Goodbye")
        assert chat.proc.wait(timeout=30) == 0
    finally:
        chat.close()
    expected = Counter({(ids[name], "savings", amount * 100): 1 for _, name, amount in entries})
    expected[(ids["John Kamau"], "savings", 70000)] += 1
    assert ledger.new_entries(UMOJA, before) == expected
    ledger.close()
