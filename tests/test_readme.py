"""The README's promises that code can check: its first lines are the two commands, its settings table is current."""

from __future__ import annotations

from pathlib import Path

from ivr.settings import Settings
from ivr.settings_doc import iter_settings, markdown_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_starts_with_the_two_commands() -> None:
    commands = [line.split("#")[0].strip() for line in README.read_text().splitlines()[:6] if line.startswith("    ")]
    assert commands == ["bash scripts/run.sh", "bash scripts/test.sh"]


def test_configuration_table_matches_the_settings() -> None:
    text = README.read_text()
    block = text.split("<!-- config-table:start -->\n", 1)[1].split("\n<!-- config-table:end -->", 1)[0]
    assert block == markdown_table(Settings), "README table is stale: regenerate it with `ivr config table`"


def test_every_setting_is_documented() -> None:
    undocumented = [s.env for s in iter_settings(Settings) if not s.doc]
    assert not undocumented, f"add a comment above these fields: {undocumented}"
