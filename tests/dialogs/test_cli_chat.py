"""`ivr chat` argument handling (the scripted runs against real servers are in test_branches.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dialogs.events import Digits, NoInput, Utterance
from dialogs.text import parse_line
from ivr.cli import app


def test_chat_refuses_an_unknown_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IVR_SECURITY__SECRETS_FILE", str(tmp_path / "secrets.json"))
    monkeypatch.setenv("IVR_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["chat", "--phone", "+254700000001", "--lang", "fr"])
    assert result.exit_code != 0
    assert "must be one of en, sw, hi" in result.output


@pytest.mark.parametrize(("line", "event"), [
    ("#1234", Digits("1234")), ("# 12#", Digits("12")), ("#", NoInput()), ("", NoInput()), ("   ", NoInput()),
    ("my savings", Utterance("my savings")),
])  # fmt: skip
def test_lines_become_events(line: str, event: object) -> None:
    assert parse_line(line) == event
