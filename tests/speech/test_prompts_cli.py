"""`ivr prompts build` through the real CLI entry point with real espeak-ng."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ivr.cli import app
from speech.tts.pack import PackEngine
from speech.verbalise import money_words

pytestmark = pytest.mark.integration


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    # development secrets go to the temp dir, never the developer's var/
    monkeypatch.setenv("IVR_SECURITY__SECRETS_FILE", str(tmp_path / "secrets.json"))
    monkeypatch.setenv("IVR_SPEECH__TTS__PACK__DIR", str(tmp_path / "packs"))
    return tmp_path


def test_build_writes_a_pack_that_speaks_money(env: Path) -> None:
    prompts = env / "prompts.yaml"
    prompts.write_text("balance_intro: Akiba yako ni\n")
    result = CliRunner().invoke(app, ["prompts", "build", "--lang", "sw", "--engine", "espeak",
                                      "--prompts", str(prompts)])
    assert result.exit_code == 0, result.output
    manifest = env / "packs" / "sw" / "manifest.json"
    assert str(manifest) in result.output
    data = json.loads(manifest.read_text())
    assert any(c["id"] == "prompt:balance_intro" for c in data["clips"])
    plan = PackEngine(env / "packs").pack("sw").plan("Akiba yako ni " + money_words(1_250_000, "TZS", "sw"))
    # shilingi | elfu | kumi na mbili | na | mia | tano: the numbers below a hundred are whole pieces
    assert plan[0].id == "prompt:balance_intro" and len(plan) == 7


def test_build_with_out_dir(env: Path) -> None:
    result = CliRunner().invoke(app, ["prompts", "build", "--lang", "en", "--engine", "espeak",
                                      "--out", str(env / "custom")])
    assert result.exit_code == 0, result.output
    assert (env / "custom" / "manifest.json").exists()


def test_bad_prompts_file_is_a_one_line_error(env: Path) -> None:
    bad = env / "bad.json"
    bad.write_text("{not json")
    result = CliRunner().invoke(app, ["prompts", "build", "--lang", "sw", "--engine", "espeak",
                                      "--prompts", str(bad)])
    assert result.exit_code == 1
    assert "does not parse" in result.output
    assert not (env / "packs" / "sw").exists()


def test_pack_from_pack_is_refused(env: Path) -> None:
    result = CliRunner().invoke(app, ["prompts", "build", "--lang", "sw", "--engine", "pack"])
    assert result.exit_code == 2
    assert "--engine espeak" in result.output


def test_durations_list_every_prompt_in_seconds_and_flag_long_ones(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IVR_SPEECH__TTS__ENGINES", '{"sw": "espeak"}')
    monkeypatch.setenv("IVR_SPEECH__TTS__CACHE_DIR", str(env / "cache"))
    result = CliRunner().invoke(app, ["prompts", "durations", "--lang", "sw"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    from dialogs.prompts import CATALOGS

    assert len(lines) == len(CATALOGS["sw"])
    seconds = [float(line.split()[0]) for line in lines]
    assert seconds == sorted(seconds, reverse=True) and seconds[-1] > 0.2
    flagged = [line for line in lines if "(over the limit)" in line]
    assert all(float(line.split()[0]) >= 8.0 for line in flagged)  # (printed rounded to 0.1 s)


def test_every_english_prompt_is_said_within_eight_seconds(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Prompt design for the ear: no English prompt (sample values in) takes longer than ~8 s to say. Measured with
    espeak-ng at its 145 wpm, which is slower than the Piper default, so Piper's prompts are shorter still."""
    monkeypatch.setenv("IVR_SPEECH__TTS__ENGINES", '{"en": "espeak"}')
    monkeypatch.setenv("IVR_SPEECH__TTS__CACHE_DIR", str(env / "cache"))
    result = CliRunner().invoke(app, ["prompts", "durations", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "(over the limit)" not in result.stdout, result.stdout.splitlines()[:5]
