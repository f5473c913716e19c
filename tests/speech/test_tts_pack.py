"""Recorded prompt packs: build one with real espeak-ng, then speak money/dates from the clips (length = clips +
gaps), a missing clip names itself, re-recorded clips change the voice id, prompt clips win over pieces."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from speech.audio import duration_ms, read_wav, silence, write_wav
from speech.tts.base import TtsUnavailable
from speech.tts.espeak import EspeakEngine
from speech.tts.pack import MissingClip, PackEngine, PackError, PromptPack, words
from speech.tts.pack_build import build_pack, load_prompts_file, trim
from speech.verbalise import date_words, money_words, time_words, vocabulary

pytestmark = pytest.mark.integration

PROMPTS = {"balance_intro": "Akiba yako ni", "goodbye": "Kwaheri"}


@pytest.fixture(scope="module")
def sw_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    packs = tmp_path_factory.mktemp("packs")
    asyncio.run(build_pack(EspeakEngine(), "sw", packs / "sw", PROMPTS))
    return packs


@pytest.fixture
def pack_copy(sw_pack: Path, tmp_path: Path) -> Path:
    shutil.copytree(sw_pack, tmp_path / "packs")
    return tmp_path / "packs"


async def test_pack_has_a_clip_per_vocabulary_piece_and_prompt(sw_pack: Path) -> None:
    manifest = json.loads((sw_pack / "sw" / "manifest.json").read_text())
    ids = {c["id"] for c in manifest["clips"]}
    for piece in vocabulary("sw"):
        assert f"piece:{' '.join(words(piece))}" in ids
    assert {"prompt:balance_intro", "prompt:goodbye"} <= ids
    assert manifest["source"]["engine"] == "espeak"
    for clip in manifest["clips"]:
        pcm, rate = read_wav(sw_pack / "sw" / clip["file"])
        assert rate == 8000 and duration_ms(pcm) > 50
    script = (sw_pack / "sw" / "recording_script.csv").read_text().splitlines()
    assert len(script) == len(manifest["clips"]) + 1


@pytest.mark.parametrize(
    "text",
    [
        money_words(1_250_000, "TZS", "sw"),
        money_words(12_345, "KES", "sw"),
        date_words(dt.date(2026, 11, 12), "sw"),
        time_words(dt.time(9, 0), "sw"),
        "Akiba yako ni " + money_words(235_007_500, "UGX", "sw"),
    ],
)
async def test_phrase_is_the_clips_concatenated(sw_pack: Path, text: str) -> None:
    engine = PackEngine(sw_pack)
    pack = engine.pack("sw")
    plan = pack.plan(text)
    pcm = await engine.synthesize(text, "sw")
    clips = [read_wav(sw_pack / "sw" / c.file)[0] for c in plan]
    expected = sum(len(c) for c in clips) + len(silence(pack.gap_ms)) * (len(plan) - 1)
    assert len(pcm) == expected
    assert pcm.startswith(clips[0]) and pcm.endswith(clips[-1])


async def test_prompt_clip_wins_over_pieces(sw_pack: Path) -> None:
    pack = PackEngine(sw_pack).pack("sw")
    plan = pack.plan("Akiba yako ni shilingi mia tano")
    assert plan[0].id == "prompt:balance_intro"
    assert [c.id for c in plan[1:]] == ["piece:shilingi", "piece:mia", "piece:tano"]
    assert pack.render_prompt("goodbye") == read_wav(sw_pack / "sw" / "prompts" / "goodbye.wav")[0]


async def test_missing_word_is_named(sw_pack: Path) -> None:
    with pytest.raises(MissingClip, match="'karibu'"):
        await PackEngine(sw_pack).synthesize("shilingi karibu", "sw")
    with pytest.raises(MissingClip, match="nope"):
        PackEngine(sw_pack).pack("sw").render_prompt("nope")


async def test_missing_clip_file_is_named(pack_copy: Path) -> None:
    (pack_copy / "sw" / "pieces" / "elfu.wav").unlink()
    with pytest.raises(MissingClip, match=r"piece:elfu.*elfu\.wav"):
        await PackEngine(pack_copy).synthesize("elfu moja", "sw")


async def test_re_recorded_clip_at_any_rate_is_used_and_changes_voice_id(pack_copy: Path) -> None:
    engine = PackEngine(pack_copy)
    before = engine.voice_id("sw")
    # the local team records "tano" at 16 kHz, 700 ms
    write_wav(pack_copy / "sw" / "pieces" / "tano.wav", b"\x10\x20" * 11200, 16000)
    fresh = PackEngine(pack_copy)
    assert fresh.voice_id("sw") != before
    pcm = await fresh.synthesize("tano", "sw")
    assert duration_ms(pcm) == 700


async def test_no_pack_for_language_names_the_command(tmp_path: Path) -> None:
    with pytest.raises(TtsUnavailable, match="ivr prompts build --lang lg"):
        await PackEngine(tmp_path).synthesize("hello", "lg")


def test_malformed_manifest_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "sw").mkdir()
    (tmp_path / "sw" / "manifest.json").write_text('{"format": 1, "clips": [{"id": "x"}]}')
    with pytest.raises(PackError, match="not a valid pack manifest"):
        PromptPack.load(tmp_path / "sw")
    (tmp_path / "sw" / "manifest.json").write_text('{"format": 99}')
    with pytest.raises(PackError, match="unsupported pack format"):
        PromptPack.load(tmp_path / "sw")


async def test_prompts_only_pack_for_language_without_verbaliser(tmp_path: Path) -> None:
    # Tamil: espeak-ng speaks it, and no language pack (so no verbaliser) exists for it
    await build_pack(EspeakEngine(), "ta", tmp_path / "ta", {"welcome": "வணக்கம்"})
    assert duration_ms(await PackEngine(tmp_path).synthesize("வணக்கம்", "ta")) > 100
    with pytest.raises(PackError, match="nothing to put"):
        await build_pack(EspeakEngine(), "ta", tmp_path / "ta2", {})


async def test_bad_prompt_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="prompt id"):
        await build_pack(EspeakEngine(), "sw", tmp_path / "sw", {"../evil": "x"})


def test_prompts_file_json_and_yaml(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps(PROMPTS))
    (tmp_path / "p.yaml").write_text("balance_intro: Akiba yako ni\ngoodbye: Kwaheri\n")
    assert load_prompts_file(tmp_path / "p.json") == PROMPTS == load_prompts_file(tmp_path / "p.yaml")
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(PackError, match="mapping of prompt_id to text"):
        load_prompts_file(tmp_path / "bad.json")
    with pytest.raises(PackError, match="cannot read"):
        load_prompts_file(tmp_path / "missing.json")


def test_trim_drops_edge_silence_but_keeps_padding() -> None:
    tone = b"\x00\x40\x00\xc0" * 1600  # 400 ms loud square wave
    pcm = silence(300) + tone + silence(500)
    out = trim(pcm)
    assert tone in out
    assert duration_ms(out) == 400 + 2 * 20
    assert trim(silence(100)) == silence(100)


def test_words_normalise_case_punctuation_hyphens_and_keep_combining_marks() -> None:
    assert words("Twenty-one, o'clock!") == ("twenty", "one", "o'clock")
    assert words("Alhamisi, tarehe kumi — sawa?") == ("alhamisi", "tarehe", "kumi", "sawa")
    assert words("नमस्ते दुनिया।") == ("नमस्ते", "दुनिया")
