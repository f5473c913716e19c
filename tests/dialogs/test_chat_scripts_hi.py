"""Scripted `ivr chat` calls in Hindi (the Hindi language pack) against the real ledger_core, the real Rasa server
(trained on every pack's examples) and the IVR's database: savings, loan and the next meeting, by voice (typed
Devanagari) and by keypad, for members of the demo SHG whose language in the ledger is Hindi."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ivr.settings import Settings
from ledger_core.demo_people import demo_members
from tests.dialogs.live import LedgerTruth, give_demo_pins, live_settings
from tests.dialogs.test_chat_scripts import chat
from tests.dialogs.test_conversations import assert_heard, expected, member_for, say
from tests.fixtures.ledger_server import LedgerCoreProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow]
SAKHI = "g-inr-sakhi"


@pytest.fixture
def settings(tmp_path: Path, ledger_server: LedgerCoreProcess, rasa_server: str) -> Settings:
    s = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(s, *(m for m in demo_members() if m.group_id == SAKHI))
    return s


def chat_hi(tmp: Path, settings: Settings, ledger_url: str, rasa_url: str, phone: str, lines: list[str]) -> list[str]:
    """`ivr chat --lang hi`: the same subprocess as the English scripts, in Hindi."""
    return chat(tmp, settings, ledger_url, rasa_url, phone, lines, lang="hi")


@pytest.mark.parametrize(("item", "said"), [("savings", "मेरी बचत कितनी है"), ("loan", "मेरा कर्ज़ कितना बाकी है"),
                                            ("meeting", "अगली बैठक कब है")])
def test_hindi_call_by_voice(item: str, said: str, tmp_path: Path, settings: Settings,
                             ledger_server: LedgerCoreProcess, rasa_server: str, truth: LedgerTruth) -> None:
    m = member_for(item, SAKHI, truth)
    heard = chat_hi(tmp_path, settings, ledger_server.base_url, rasa_server, m.phone, [f"#{m.pin}", said, "अलविदा"])
    assert heard[0].startswith("BOT: नमस्ते ")  # greeted in Hindi: the language came from --lang hi
    assert_heard(heard, expected(item, "hi", truth, SAKHI, m.member_id))
    assert say("goodbye", "hi") in heard
    bot = "\n".join(h for h in heard if h.startswith("BOT: "))
    assert not re.search(r"[0-9]", bot), bot  # every figure said in Hindi words, no digits reach the TTS
    assert not re.search(r"[A-Za-z]{3,}", bot.replace("BOT:", "")), bot  # no English words in a Hindi call


def test_hindi_call_by_keypad_and_the_ledger_language(tmp_path: Path, settings: Settings,
                                                      ledger_server: LedgerCoreProcess, rasa_server: str,
                                                      truth: LedgerTruth) -> None:
    """Without --lang the member's language comes from the ledger (hi): no language menu, Hindi throughout."""
    m = member_for("loan", SAKHI, truth)
    lines = [f"#{m.pin}", "#1", "#2", "#3", "#*"]
    heard = chat(tmp_path, settings, ledger_server.base_url, rasa_server, m.phone, lines, lang=None)
    assert say("language_menu", "hi") not in heard
    for item in ("savings", "loan", "meeting"):
        assert_heard(heard, expected(item, "hi", truth, SAKHI, m.member_id))


def test_the_language_menu_offers_hindi_by_key(tmp_path: Path, settings: Settings,
                                              ledger_server: LedgerCoreProcess, rasa_server: str) -> None:
    """An English member who presses the Hindi pack's key at the language menu is answered in Hindi."""
    en = next(m for m in demo_members() if m.group_id == "g-kes-umoja" and m.role == "member")
    give_demo_pins(settings, en)
    heard = chat(tmp_path, settings, ledger_server.base_url, rasa_server, en.phone,
                 [f"#{en.pin}", "change language", "#3", "अलविदा"], lang="en")
    assert "हिंदी के लिए तीन दबाइए" in "\n".join(heard)
    assert say("language_saved", "hi") in heard and say("goodbye", "hi") in heard

