"""A language added as a folder runs a call with no code change: a throwaway pack in a temporary folder (English
copied with changed words, its own keypad key and fallback words), found through IVR_LANGUAGES__DIRS by a real
`ivr chat` against ledger_core, the real Rasa server and the IVR's database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dialogs.prompts import CATALOGS, PHRASES
from ledger_core.demo_people import demo_members
from tests.dialogs.live import LedgerTruth, give_demo_pins, live_settings
from tests.fixtures.ledger_server import LedgerCoreProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
# The changed words: the pack is English with these replaced, so every line it says is recognisably its own.
CHANGES = {"Your savings are": "Savings of yours stand at",
           "Thank you for calling MiKashBoks.": "Bye from the xx line.", "Hello": "Greetings"}


def make_pack(root: Path) -> Path:
    pack = root / "xx"
    pack.mkdir(parents=True)
    (pack / "pack.yml").write_text(yaml.safe_dump({
        "code": "xx", "name": "Ex-English", "english_name": "Throwaway", "key": "8", "currency": "KES",
        "menu_line": "For Ex-English press eight.", "tts": {"engine": "espeak", "voice": "en"}}), encoding="utf-8")
    prompts = {}
    for pid, text in CATALOGS["en"].items():
        for old, new in CHANGES.items():
            text = text.replace(old, new)
        prompts[pid] = text
    phrases = {k: list(v) for k, v in PHRASES["en"].items()}
    (pack / "prompts.yml").write_text(yaml.safe_dump({"prompts": prompts, "phrases": phrases}, allow_unicode=True),
                                      encoding="utf-8")
    (pack / "words.yml").write_text(yaml.safe_dump({
        "yes": ["yes", "yup"], "no": ["no", "nah"], "repeat": ["again"], "back": ["back"],
        "fallback": [["check_savings", ["my stash"]], ["goodbye", ["see ya"]]],
        "language_names": {"xx": ["ex english"]}}), encoding="utf-8")
    # Its numbers are English's (a pack's verbaliser is its own module; this one borrows the English tables).
    (pack / "verbalise.py").write_text('"""Throwaway pack: English numbers."""\n'
                                       "import languages\n"
                                       "globals().update({k: v for k, v in vars(languages.get('en').module("
                                       "'verbalise')).items() if not k.startswith('__')})\n", encoding="utf-8")
    return root


def test_a_call_runs_in_a_pack_from_a_temporary_folder(tmp_path: Path, ledger_server: LedgerCoreProcess,
                                                        rasa_server: str) -> None:
    assert "xx" not in CATALOGS  # not installed in this process: only the child sees it
    packs = make_pack(tmp_path / "packs")
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    m = next(m for m in demo_members() if m.group_id == "g-kes-umoja" and m.role == "member")
    give_demo_pins(settings, m)
    sec = settings.security
    env = {**os.environ, "IVR_LANGUAGES__DIRS": json.dumps([str(packs)]), "IVR_ENV": "development",
           "IVR_DATA_DIR": str(tmp_path), "IVR_DATABASE__URL": settings.database.url,
           "IVR_LEDGER__BASE_URL": ledger_server.base_url, "IVR_NLU__URL": rasa_server,
           "IVR_SECURITY__SECRETS_FILE": str(sec.secrets_file),
           "IVR_SECURITY__ENCRYPTION_KEYS": json.dumps([k.get_secret_value() for k in sec.encryption_keys]),
           "IVR_SECURITY__LOOKUP_HASH_KEY": sec.lookup_hash_key.get_secret_value()}
    ivr = str(Path(sys.executable).parent / "ivr")
    listed = subprocess.run([ivr, "languages", "list"], capture_output=True, text=True, env=env, cwd=REPO,
                            timeout=120)
    assert any(line.startswith("xx\tEx-English") for line in listed.stdout.splitlines()), listed.stdout
    # the language menu offers it by its key, then the member's savings by keypad and by the pack's own words
    out = subprocess.run([ivr, "chat", "--phone", m.phone], input="\n".join(
        [f"#{m.pin}", "change language", "#8", "my stash", "see ya"]) + "\n", capture_output=True, text=True,
        env=env, cwd=REPO, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    heard = out.stdout.splitlines()
    text = "\n".join(heard)
    assert "For Ex-English press eight." in text  # every pack's line is in the language menu
    truth = LedgerTruth(ledger_server.db_url)
    try:
        savings = truth.member("g-kes-umoja", m.member_id).savings_minor
    finally:
        truth.close()
    from speech.verbalise import money_words

    assert f"BOT: Savings of yours stand at {money_words(savings, 'KES', 'en')}." in heard, text
    assert "BOT: Bye from the xx line. Keep saving together. Goodbye!" in heard, text
    assert heard[-1] == "-- call ended (completed)"
