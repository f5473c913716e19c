"""The recorded Swahili pack as a local team gets it, on real clips (espeak-ng starter clips written as WAVs):
`ivr prompts build` writes the whole script, numbers are stitched from clips by the prompt's structure, a pack with
gaps falls back a sentence at a time (or clip by clip when the pack says so), `ivr prompts check` names each
problem on one line."""

from __future__ import annotations

import asyncio
import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import languages
from dialogs.prompts import CATALOGS, plan, render, value_names
from dialogs.prompts.samples import recording_clips, sample_values
from dialogs.values import Money
from ivr.cli import app
from speech.audio import read_wav, silence, write_wav
from speech.tts.base import split_sentences
from speech.tts.espeak import EspeakEngine
from speech.tts.pack import Clip, PackEngine, Pause, words
from speech.tts.pack_build import build_pack
from speech.tts.speaker import Speaker
from speech.verbalise import weekday_words
from speech.verbalise.stitch_pieces import piece_vocabulary
from tests.fixtures.settings import make_test_settings

pytestmark = pytest.mark.integration
_SW = languages.get("sw").module("verbalise")
assert _SW is not None
CURRENCY_NOUNS, MONTHS = _SW.CURRENCY_NOUNS, _SW.MONTHS


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    packs = tmp_path_factory.mktemp("packs")
    asyncio.run(build_pack(EspeakEngine(), "sw", packs / "sw", recording_clips("sw")))
    return packs


@pytest.fixture
def packs(built: Path, tmp_path: Path) -> Path:
    shutil.copytree(built, tmp_path / "packs")
    return tmp_path / "packs"


def speaker(packs: Path, tmp_path: Path) -> Speaker:
    return Speaker(make_test_settings(tmp_path, speech={"tts": {
        "engines": {"sw": "pack"}, "pack": {"dir": packs}, "cache_dir": tmp_path / "cache"}}))


def clip_pcm(packs: Path, clip_file: str) -> bytes:
    return read_wav(packs / "sw" / clip_file)[0]


def test_script_lists_every_prompt_part_and_piece(built: Path) -> None:
    manifest = json.loads((built / "sw" / "manifest.json").read_text())
    ids = {c["id"] for c in manifest["clips"]}
    for pid, tmpl in CATALOGS["sw"].items():
        if not value_names(tmpl):
            assert f"prompt:{pid}" in ids
    assert {"prompt:loan_overdue.0", "prompt:loan_overdue.1"} <= ids
    for piece in [*piece_vocabulary("sw"), *MONTHS, *(weekday_words(i, "sw") for i in range(7)),
                  *(n for nouns in CURRENCY_NOUNS.values() for n in nouns[:2])]:
        assert f"piece:{' '.join(words(piece))}" in ids, piece
    assert "piece:kumi na mbili" in ids and "piece:laki" in ids
    with (built / "sw" / "recording_script.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(manifest["clips"])
    said = render("menu_item_savings", {}, "sw")
    assert {"file": "prompts/menu_item_savings.wav", "kind": "prompt", "say_this": said} in rows
    assert manifest["mix_voices"] is False


async def test_numbers_are_stitched_from_clips_by_the_prompt_structure(packs: Path, tmp_path: Path) -> None:
    sp = speaker(packs, tmp_path)
    p = plan("loan_overdue", {"amount": Money(235_007_525, "TZS")}, "sw")
    pack = PackEngine(packs).pack("sw")
    parts = pack.clips_for(p.segments)
    ids = [x.id if isinstance(x, Clip) else x for x in parts]
    # "shilingi milioni mbili, laki tatu na elfu hamsini na sabini na tano" style: scale words, "na", pauses
    assert ids[:3] == ["prompt:loan_overdue.0", "piece:shilingi", "piece:milioni"]
    assert "piece:laki" in ids and "piece:na" in ids and "piece:ishirini na tano" in ids
    assert Pause(250) in parts  # the comma after "milioni mbili" is a pause, not a clip
    audio = await sp.render(p)
    expected = pack.join([x if isinstance(x, Pause) else clip_pcm(packs, x.file) for x in parts
                          if isinstance(x, Pause | Clip)])
    assert audio == expected
    assert audio.startswith(clip_pcm(packs, "prompts/loan_overdue.0.wav"))


async def test_a_sentence_with_a_missing_clip_is_said_whole_by_the_fallback_voice(packs: Path,
                                                                                 tmp_path: Path) -> None:
    (packs / "sw" / "pieces" / "elfu.wav").unlink()
    sp = speaker(packs, tmp_path)
    p = plan("loan_overdue", sample_values("loan_overdue", "sw"), "sw")  # needs "elfu"
    espeak = EspeakEngine.from_settings(make_test_settings(tmp_path).speech.tts)
    whole = b"".join([await espeak.synthesize(s, "sw") for s in split_sentences(p.text)])
    assert await sp.render(p) == whole  # one voice for the whole prompt, never "elfu" alone in espeak
    # other prompts are still the pack's recordings
    assert await sp.render(plan("menu_item_savings", {}, "sw")) == clip_pcm(packs, "prompts/menu_item_savings.wav")
    assert await sp.render(plan("loan_balance", {"amount": Money(50_000, "TZS")}, "sw")) != b""


async def test_a_pack_that_allows_mixing_fills_only_the_missing_clip(packs: Path, tmp_path: Path) -> None:
    manifest = packs / "sw" / "manifest.json"
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "mix_voices": True}))
    (packs / "sw" / "pieces" / "elfu.wav").unlink()
    audio = await speaker(packs, tmp_path).render(plan("loan_overdue", sample_values("loan_overdue", "sw"), "sw"))
    assert audio.startswith(clip_pcm(packs, "prompts/loan_overdue.0.wav"))  # the pack's voice around the gap
    assert audio.endswith(clip_pcm(packs, "prompts/loan_overdue.1.wav"))


def test_no_pack_and_no_fallback_is_a_start_up_error(tmp_path: Path) -> None:
    from speech.tts.base import TtsUnavailable

    sp = Speaker(make_test_settings(tmp_path, speech={"tts": {"engines": {"sw": "pack"}, "fallback_engine": "",
                                                              "pack": {"dir": tmp_path / "none"}}}))
    with pytest.raises(TtsUnavailable, match="ivr prompts build --lang sw"):
        sp.engine("sw")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("IVR_SECURITY__SECRETS_FILE", str(tmp_path / "secrets.json"))
    monkeypatch.setenv("IVR_SPEECH__TTS__PACK__DIR", str(tmp_path / "packs"))
    return tmp_path


def test_check_names_each_problem_on_one_line(packs: Path, env: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["prompts", "check", "--lang", "sw", "--pack", str(packs / "sw")])
    assert ok.exit_code == 0, ok.output
    root = packs / "sw"
    (root / "pieces" / "tano.wav").unlink()
    pcm, rate = read_wav(root / "pieces" / "mia.wav")
    write_wav(root / "pieces" / "mia.wav", (np.frombuffer(pcm, "<i2") // 100).astype("<i2").tobytes(), rate)
    write_wav(root / "pieces" / "saba.wav", (np.clip(np.frombuffer(pcm, "<i2").astype(int) * 40, -32768, 32767)
                                             ).astype("<i2").tobytes(), rate)
    tone = (np.sin(np.arange(8000 * 30) / 2) * 8000).astype("<i2").tobytes()
    write_wav(root / "prompts" / "goodbye.wav", tone, 8000)
    write_wav(root / "pieces" / "nne.wav", silence(900) + read_wav(root / "pieces" / "nne.wav")[0], 8000)
    result = runner.invoke(app, ["prompts", "check", "--lang", "sw", "--pack", str(root)])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line]
    assert len(lines) == 5, lines
    assert any(line.startswith("pieces/tano.wav: missing") and '"tano"' in line for line in lines)
    assert any(line.startswith("pieces/mia.wav: too quiet") for line in lines)
    assert any(line.startswith("pieces/saba.wav: clipped") for line in lines)
    assert any(line.startswith("prompts/goodbye.wav: too long (30.0 s") for line in lines)
    assert any(line.startswith("pieces/nne.wav: 0.9 s of silence at the start") for line in lines)


def test_check_reports_clips_the_catalog_needs_but_the_manifest_lacks(packs: Path, env: Path) -> None:
    manifest = packs / "sw" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["clips"] = [c for c in data["clips"] if c["id"] != "prompt:menu_item_savings"]
    manifest.write_text(json.dumps(data))
    result = CliRunner().invoke(app, ["prompts", "check", "--lang", "sw", "--pack", str(packs / "sw")])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [line for line in lines if "prompt:menu_item_savings" in line]


def test_build_script_only_then_starters_never_overwrite_recordings(env: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["prompts", "build", "--lang", "sw", "--engine", "none"])
    assert result.exit_code == 0, result.output
    root = env / "packs" / "sw"
    assert (root / "recording_script.csv").exists() and not (root / "prompts" / "menu_item_savings.wav").exists()
    check = runner.invoke(app, ["prompts", "check", "--lang", "sw"])
    assert check.exit_code == 1 and "prompts/menu_item_savings.wav: missing" in check.stdout
    recorded = (np.sin(np.arange(8000) / 3) * 9000).astype("<i2").tobytes()
    write_wav(root / "prompts" / "menu_item_savings.wav", recorded, 8000)  # the team recorded one clip
    result = runner.invoke(app, ["prompts", "build", "--lang", "sw", "--engine", "espeak"])
    assert result.exit_code == 0, result.output
    assert read_wav(root / "prompts" / "menu_item_savings.wav")[0] == recorded
    assert (root / "prompts" / "goodbye.wav").exists()
    assert runner.invoke(app, ["prompts", "check", "--lang", "sw"]).exit_code == 0
