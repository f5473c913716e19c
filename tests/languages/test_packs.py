"""The language-pack registry: discovery, metadata, clear errors on broken packs, extra folders; and
`ivr languages list|check` on the installed packs (Hindi must be clean, TTS sample rendered by real espeak-ng)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import languages
from languages import LanguagePackError

REPO = Path(__file__).resolve().parents[2]
IVR = str(Path(sys.executable).parent / "ivr")


@pytest.fixture
def extra_root(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "packs"
    root.mkdir()
    yield root
    languages.remove_root(root)


def write_pack(root: Path, folder: str, **meta: str) -> Path:
    d = root / folder
    d.mkdir()
    fields = {"code": folder, "name": f"Lang {folder}", "english_name": f"Lang {folder}", "key": "7", "currency": "kes",
              "menu_line": f"For {folder} press seven.", "tts": "{engine: espeak}", **meta}
    (d / "pack.yml").write_text("".join(f"{k}: {v}\n" for k, v in fields.items() if v != ""), encoding="utf-8")
    return d


def test_installed_packs_in_menu_order() -> None:
    packs = languages.packs()
    assert list(packs) == ["en", "sw", "hi"]
    hi = languages.get("hi")
    assert (hi.name, hi.key, hi.currency, hi.tts.engine, hi.tts.voice) == ("हिंदी", "3", "INR", "espeak", "hi")
    assert languages.get("hi-IN") is hi and languages.by_key("2") == "sw" and languages.by_key("9") is None
    assert languages.default_code() == "en"


def test_an_unknown_code_names_the_installed_ones() -> None:
    with pytest.raises(LanguagePackError, match="no language pack 'fr'; installed: en, sw, hi"):
        languages.get("fr")


def test_a_pack_from_an_extra_folder_is_found(extra_root: Path) -> None:
    write_pack(extra_root, "xx")
    languages.add_root(extra_root)
    xx = languages.get("xx")
    assert xx.currency == "KES" and xx.dir == extra_root / "xx" and languages.by_key("7") == "xx"
    languages.remove_root(extra_root)
    assert "xx" not in languages.codes()


@pytest.mark.parametrize(("meta", "error"), [
    ({"code": "yy"}, "must be the folder's name"),
    ({"name": ""}, "missing name"),
    ({"key": '"0"'}, "key must be one keypad digit 1-8"),
    ({"key": "1"}, "key 1 is already 'en'"),
    ({"tts": "espeak"}, "tts must be a mapping"),
])  # fmt: skip
def test_broken_packs_are_refused_naming_the_file(extra_root: Path, meta: dict[str, str], error: str) -> None:
    write_pack(extra_root, "xx", **meta)
    languages.add_root(extra_root)
    with pytest.raises(LanguagePackError, match=error) as exc:
        languages.packs()
    assert "xx" in str(exc.value) or "yy" in str(exc.value)


def test_a_second_pack_with_an_installed_code_is_refused(extra_root: Path) -> None:
    shutil.copytree(REPO / "languages" / "hi", extra_root / "hi")
    languages.add_root(extra_root)
    with pytest.raises(LanguagePackError, match="'hi' is already installed"):
        languages.packs()


def test_the_hindi_catalog_has_every_english_prompt_with_the_same_values() -> None:
    from dialogs.prompts import CATALOGS, PHRASES, value_names

    assert set(CATALOGS["hi"]) == set(CATALOGS["en"])
    assert all(value_names(CATALOGS["hi"][p]) == value_names(CATALOGS["en"][p]) for p in CATALOGS["en"])
    assert set(PHRASES["en"]) <= set(PHRASES["hi"])
    assert "हिंदी के लिए तीन दबाइए।" in CATALOGS["en"]["language_menu"]


def test_language_lists_come_from_the_registry() -> None:
    from dialogs.config import DialogSettings
    from dialogs.handlers.language import KEYS
    from ivr.calls.config import CallSettings
    from nlu.types import LANGS
    from speech.tts.espeak import EspeakSettings

    assert LANGS == ("en", "sw", "hi")
    assert KEYS == {"1": "en", "2": "sw", "3": "hi"}
    assert CallSettings().languages == ["en", "sw", "hi"]
    assert EspeakSettings().tuning["hi"].voice == "hi"
    with pytest.raises(ValueError, match="no language pack 'fr'"):
        DialogSettings(default_language="fr")


def test_cli_list_and_check_hindi_clean() -> None:
    out = subprocess.run([IVR, "languages", "list"], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    assert [ln.split("\t")[0] for ln in out.stdout.splitlines() if "\t" in ln] == ["en", "sw", "hi"]
    out = subprocess.run([IVR, "languages", "check", "hi"], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip().splitlines() == ["hi: the Hindi pack is complete"]


def test_cli_check_reports_one_line_per_problem(tmp_path: Path) -> None:
    """A copy of the Hindi pack (as code 'xh') with a prompt removed, a placeholder renamed, an intent's examples
    dropped and an unpronounceable word in a grammar: each is one line (5), and the exit code is 1."""
    root = tmp_path / "packs"
    pack = root / "xh"
    shutil.copytree(REPO / "languages" / "hi", pack)
    meta = (pack / "pack.yml").read_text(encoding="utf-8").replace("code: hi", "code: xh").replace('key: "3"',
                                                                                                   'key: "8"')
    (pack / "pack.yml").write_text(meta, encoding="utf-8")
    prompts = (pack / "prompts.yml").read_text(encoding="utf-8")
    prompts = prompts.replace('  pin_ok: "धन्यवाद।"\n', "").replace("आपकी बचत {amount} है।", "आपकी बचत {money} है।")
    prompts = prompts.replace("  unknown: [व्यक्ति से बात, अलविदा, मदद]", "  unknown: [व्यक्ति से बात, अलविदा, ß]")
    (pack / "prompts.yml").write_text(prompts, encoding="utf-8")
    nlu = (pack / "nlu.yml").read_text(encoding="utf-8")
    start = nlu.index("- intent: out_of_scope")
    (pack / "nlu.yml").write_text(nlu[:start], encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "IVR_LANGUAGES__DIRS": str(root)}
    out = subprocess.run([IVR, "languages", "check", "xh", "--skip-tts"], capture_output=True, text=True, cwd=REPO,
                         timeout=300, env=env)
    lines = out.stdout.strip().splitlines()
    assert out.returncode == 1, out.stdout + out.stderr
    assert "xh: prompts: missing 'pin_ok'" in lines
    assert "xh: prompts: 'savings' takes ['money'], English ['amount']" in lines
    assert "xh: prompts: 'savings_only' takes ['money'], English ['amount']" in lines  # the same sentence
    assert "xh: nlu: intent 'out_of_scope' has 0 examples (at least 5)" in lines
    assert any(ln.startswith("xh: lexicon: no pronunciation for 'ß'") for ln in lines), lines
    assert lines[-1] == f"5 problem(s) in the Hindi pack ({pack})", lines


def test_nlu_trains_on_every_pack_and_a_new_pack_retrains(extra_root: Path) -> None:
    from nlu.server import data_hash, training_files

    project = REPO / "nlu" / "rasa"
    files = training_files(project)
    assert files["pack-hi.yml"] == REPO / "languages" / "hi" / "nlu.yml" and "en.yml" in files
    before = data_hash(project)
    pack = write_pack(extra_root, "xx")
    shutil.copyfile(REPO / "languages" / "hi" / "nlu.yml", pack / "nlu.yml")
    languages.add_root(extra_root)
    assert "pack-xx.yml" in training_files(project) and data_hash(project) != before
    languages.remove_root(extra_root)
    assert data_hash(project) == before


def test_a_pack_without_sms_texts_gets_the_default_packs_sms_with_one_log_line(
        extra_root: Path, caplog: pytest.LogCaptureFixture) -> None:
    from dialogs.prompts import sms
    from dialogs.values import Count

    write_pack(extra_root, "xq")
    languages.add_root(extra_root)
    caplog.set_level("WARNING", logger=sms.__name__)
    sms._told.discard("xq")
    text = sms.render_sms("sms_pin_wrong", {"remaining": Count(2)}, "xq")
    again = sms.render_sms("sms_help", {}, "xq")
    assert text == sms.render_sms("sms_pin_wrong", {"remaining": Count(2)}, languages.default_code())
    assert again == sms.render_sms("sms_help", {}, languages.default_code())
    said = [r.getMessage() for r in caplog.records if "'xq'" in r.getMessage()]
    assert said == [f"no SMS texts for language 'xq' (add {extra_root / 'xq' / 'sms.yml'}): SMS are written in 'en'"]
    assert sms.sms_language("sw-TZ") == "sw"  # a region suffix keeps the pack's own texts


def test_cli_check_reports_sms_problems(tmp_path: Path) -> None:
    """A copy of the Hindi pack with an SMS text removed, a placeholder renamed and a command without words."""
    root = tmp_path / "packs"
    pack = root / "xh"
    shutil.copytree(REPO / "languages" / "hi", pack)
    meta = (pack / "pack.yml").read_text(encoding="utf-8")
    (pack / "pack.yml").write_text(meta.replace("code: hi", "code: xh").replace('key: "3"', 'key: "8"'),
                                   encoding="utf-8")
    text = (pack / "sms.yml").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith(("  sms_as_of:", "  sms: ["))]
    text = "\n".join(lines).replace("बाकी कर्ज़ {amount}।\"", "बाकी कर्ज़ {money}।\"")
    (pack / "sms.yml").write_text(text + "\n", encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "IVR_LANGUAGES__DIRS": str(root)}
    out = subprocess.run([IVR, "languages", "check", "xh", "--skip-tts"], capture_output=True, text=True, cwd=REPO,
                         timeout=300, env=env)
    got = [ln for ln in out.stdout.strip().splitlines() if ln.startswith("xh: sms:")]
    assert out.returncode == 1, out.stdout + out.stderr
    assert got == ["xh: sms: missing text 'sms_as_of'", "xh: sms: 'sms_loan' takes ['group', 'money'], English "
                   "['amount', 'group']", "xh: sms: no words for the command 'sms'"], out.stdout
