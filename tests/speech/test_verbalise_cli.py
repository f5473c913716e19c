"""`ivr say`: words printed for each value kind, clear errors, and one real espeak-ng synthesis to an 8 kHz WAV."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ivr.cli import app
from ivr.cli.say import money_to_minor
from speech.audio import SAMPLE_RATE, read_wav, rms_dbfs

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The root callback builds Settings from the environment: keep its dev secrets and data out of the checkout.
    monkeypatch.setenv("IVR_ENV", "development")
    monkeypatch.setenv("IVR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("IVR_SECURITY__SECRETS_FILE", str(tmp_path / "secrets.json"))
    monkeypatch.setenv("IVR_SPEECH__TTS__PACK__DIR", str(tmp_path / "packs"))
    monkeypatch.setenv("IVR_SPEECH__TTS__CACHE_DIR", str(tmp_path / "cache"))


def say(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["say", *args])
    return result.exit_code, result.stdout.strip(), result.stderr.strip()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--lang", "sw", "--money", "12500", "--currency", "TZS"], "shilingi elfu kumi na mbili na mia tano"),
        (["--lang", "sw", "--money", "500.50", "--currency", "KES"], "shilingi mia tano na senti hamsini"),
        (["--lang", "en", "--money", "12,500", "--currency", "UGX"], "twelve thousand five hundred shillings"),
        (["--lang", "en", "--money", "500", "--currency", "KES", "--country"], "five hundred Kenyan shillings"),
        (["--lang", "sw", "--number", "2350075"], "milioni mbili, laki tatu na elfu hamsini na sabini na tano"),
        (["--number", "101"], "one hundred and one"),
        (["--lang", "sw", "--date", "2026-11-12"], "Alhamisi, tarehe kumi na mbili Novemba"),
        (["--lang", "en", "--date", "2026-11-12", "--no-weekday", "--year"],
         "the twelfth of November, two thousand and twenty-six"),
        (["--lang", "sw", "--time", "09:00"], "saa tatu asubuhi"),
        (["--lang", "sw", "--time", "14:30"], "saa nane na nusu mchana"),
        (["--lang", "sw-TZ", "--time", "19:15"], "saa moja na robo usiku"),
        (["--lang", "en", "--time", "9:05"], "nine oh five in the morning"),
        (["--lang", "sw", "--text", "Mkutano ni tarehe 12"], "Mkutano ni tarehe kumi na mbili"),
        (["--lang", "en", "--text", "You saved 12,500 shillings"], "You saved twelve thousand five hundred shillings"),
    ],
)
def test_say_prints_words(args: list[str], words: str) -> None:
    code, out, err = say(*args)
    assert (code, out) == (0, words), err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "lg", "--number", "3"], "no verbaliser for language 'lg'; supported: en, sw"),
        (["--number", "3", "--time", "09:00"], "exactly one of --number"),
        ([], "exactly one of --number"),
        (["--money", "12500"], "--money needs --currency"),
        (["--money", "12500", "--currency", "USD"], "unsupported currency 'USD'"),
        (["--money", "100.5", "--currency", "UGX"], "UGX has 0 decimal place(s)"),
        (["--money", "lots", "--currency", "KES"], "is not a number"),
        (["--money", "-5", "--currency", "KES"], "non-negative"),
        (["--date", "12/11/2026"], "YYYY-MM-DD"),
        (["--time", "25:00"], "not a valid 24-hour time"),
        (["--time", "9am"], "HH:MM"),
        (["--lang", "xx", "--text", "hello"], "no verbaliser for language 'xx'"),
        (["--number", "1000000000000"], "out of range"),
    ],
)
def test_say_bad_input_is_a_clear_error(args: list[str], message: str) -> None:
    code, out, err = say(*args)
    assert code == 2
    assert out == ""
    assert message in err


def test_money_to_minor_is_exact() -> None:
    assert money_to_minor("12500", "TZS") == 1_250_000
    assert money_to_minor("0.01", "KES") == 1
    assert money_to_minor("12500", "UGX") == 12_500
    assert money_to_minor("19.99", "INR") == 1999  # no float rounding (19.99 * 100 is 1998.9999... as a float)


def test_unknown_engine_names_the_setting(tmp_path: Path) -> None:
    code, out, err = say("--lang", "sw", "--number", "5", "--out", str(tmp_path / "x.wav"), "--engine", "nope")
    assert code == 1
    assert out == "tano"
    assert "unknown TTS engine 'nope'" in err and "IVR_SPEECH__TTS__ENGINE" in err
    assert not (tmp_path / "x.wav").exists()


def test_out_directory_must_exist(tmp_path: Path) -> None:
    code, _, err = say("--number", "5", "--out", str(tmp_path / "missing" / "x.wav"))
    assert code == 2 and "does not exist" in err


@pytest.mark.integration
def test_say_out_synthesises_swahili_with_real_espeak(tmp_path: Path) -> None:
    target = tmp_path / "money.wav"
    code, out, err = say("--lang", "sw", "--money", "12500", "--currency", "TZS", "--out", str(target),
                         "--engine", "espeak")
    assert code == 0, err
    assert out == "shilingi elfu kumi na mbili na mia tano"
    with wave.open(str(target)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (SAMPLE_RATE, 1, 2)
    pcm, rate = read_wav(target)
    seconds = len(pcm) / 2 / rate
    # 11 words at 145 wpm is about 4.5 s: allow a broad but meaningful range
    assert 2.0 < seconds < 9.0
    assert rms_dbfs(pcm) > -40


@pytest.mark.integration
def test_say_out_through_a_recorded_pack_built_from_the_vocabulary(tmp_path: Path) -> None:
    # A starter Swahili pack (one espeak-ng clip per verbaliser piece) must be able to say any amount we verbalise.
    import asyncio
    import json

    from speech.tts.espeak import EspeakEngine
    from speech.tts.pack import PromptPack
    from speech.tts.pack_build import build_pack

    pack_dir = tmp_path / "packs" / "sw"
    asyncio.run(build_pack(EspeakEngine("espeak-ng", {}, 145, 30.0), "sw", pack_dir))
    target = tmp_path / "pack.wav"
    code, out, err = say("--lang", "sw", "--money", "2350075.50", "--currency", "KES", "--out", str(target),
                         "--engine", "pack")
    assert code == 0, err
    assert out == "shilingi milioni mbili, laki tatu na elfu hamsini na sabini na tano na senti hamsini"
    gap_ms = json.loads((pack_dir / "manifest.json").read_text())["gap_ms"]
    clips = PromptPack.load(pack_dir).plan(out)
    # numbers below a hundred are whole clips, as digit-clip IVRs record them
    assert "sabini na tano" in [c.text for c in clips] and "hamsini" in [c.text for c in clips]
    clip_ms = 0
    for clip in clips:
        pcm_clip, rate = read_wav(pack_dir / clip.file)
        clip_ms += len(pcm_clip) // 2 * 1000 // rate
    pcm, rate = read_wav(target)
    assert rate == SAMPLE_RATE
    # the output is exactly one clip per piece with the pack's gap between them
    assert abs(len(pcm) // 2 * 1000 // rate - (clip_ms + gap_ms * (len(clips) - 1))) <= len(clips)


def test_say_out_with_pack_engine_and_no_pack_names_the_command(tmp_path: Path) -> None:
    code, out, err = say("--lang", "sw", "--number", "5", "--out", str(tmp_path / "x.wav"), "--engine", "pack")
    assert code == 1 and out == "tano"
    assert "ivr prompts build --lang sw" in err
