"""Scripted `ivr chat` calls for the defects of answers read as global intents (issue: dialogs in context), against
the real ledger_core, the real Rasa server and the IVR's database: one subprocess per call, as an operator runs it.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dialogs.meeting.sql import SqlMeetingStore
from dialogs.prompts import render
from dialogs.values import Date, Name
from ivr.settings import Settings
from ledger_core.demo_people import DemoMember, demo_members
from models.base import make_sessionmaker, utcnow
from models.meetings import SUBMITTED, MeetingDraft
from models.migrate import engine_for
from tests.dialogs.live import give_demo_pins, live_settings
from tests.fixtures.ledger_server import LedgerCoreProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
UMOJA = "g-kes-umoja"


def person(role: str) -> DemoMember:
    return next(m for m in demo_members() if m.group_id == UMOJA and m.role == role)


def say(prompt: str, **values: object) -> str:
    return "BOT: " + render(prompt, values, "en")  # type: ignore[arg-type]


def chat(tmp: Path, settings: Settings, ledger_url: str, rasa_url: str, phone: str, lines: list[str],
         lang: str | None = "en") -> list[str]:
    sec = settings.security
    env = {**os.environ, "IVR_ENV": "development", "IVR_DATA_DIR": str(tmp), "IVR_DATABASE__URL": settings.database.url,
           "IVR_LEDGER__BASE_URL": ledger_url, "IVR_NLU__URL": rasa_url,
           "IVR_SECURITY__SECRETS_FILE": str(settings.security.secrets_file),
           # the same key ring as this test process, which wrote rows of the shared IVR database
           "IVR_SECURITY__ENCRYPTION_KEYS": json.dumps([k.get_secret_value() for k in sec.encryption_keys]),
           "IVR_SECURITY__LOOKUP_HASH_KEY": sec.lookup_hash_key.get_secret_value()}
    argv = [str(Path(sys.executable).parent / "ivr"), "chat", "--phone", phone, *(["--lang", lang] if lang else [])]
    out = subprocess.run(argv, input="\n".join(lines) + "\n", capture_output=True, text=True, env=env, cwd=REPO,
                         timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.splitlines()


@pytest.fixture
def settings(tmp_path: Path, ledger_server: LedgerCoreProcess, rasa_server: str) -> Settings:
    s = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(s, *(m for m in demo_members() if m.group_id == UMOJA))
    return s


def test_a_name_at_the_name_question_is_a_name_not_a_transfer(tmp_path: Path, settings: Settings,
                                                               ledger_server: LedgerCoreProcess,
                                                               rasa_server: str) -> None:
    sec, chair = person("secretary"), person("chair")
    heard = chat(tmp_path, settings, ledger_server.base_url, rasa_server, sec.phone,
                 [f"#{sec.pin}", "record the meeting", "yes", "yes", "paid two hundred savings", chair.name,
                  "speak to a person", "no", "goodbye", "yes"])
    assert say("meeting_ask_member") in heard
    read_back = [h for h in heard if h.startswith(f"BOT: {chair.name} paid two hundred")]
    assert read_back, heard  # the name was read as the member, not as "speak to a person"
    assert not any(h.startswith("-- transfer") for h in heard)
    # a clear "speak to a person" in the middle of recording is checked first; "no" goes back to the question
    assert heard.count(say("leave_recording_ask")) == 2 and say("leave_cancelled") in heard
    assert heard[-1] == "-- call ended (completed)"


def test_no_thank_you_at_the_recording_question_declines_and_the_call_goes_on(tmp_path: Path, settings: Settings,
                                                                              ledger_server: LedgerCoreProcess,
                                                                              rasa_server: str) -> None:
    sec = person("secretary")
    heard = chat(tmp_path, settings, ledger_server.base_url, rasa_server, sec.phone,
                 [f"#{sec.pin}", "record the meeting", "no thank you", "yes", "read everything"])
    assert say("meeting_consent_no") in heard
    assert say("goodbye") not in heard
    assert say("meeting_entry_ask") in heard and say("meeting_read_none") in heard
    assert heard[-1] == "-- caller hung up"


def test_a_named_day_is_not_a_yes_and_todays_sent_meeting_stays_closed(tmp_path: Path, settings: Settings,
                                                                       ledger_server: LedgerCoreProcess,
                                                                       rasa_server: str) -> None:
    sec = person("secretary")
    engine = engine_for(settings)
    sessions = make_sessionmaker(engine)
    today = utcnow().astimezone(ZoneInfo("Africa/Nairobi")).date()  # the group's today, not UTC's
    store = SqlMeetingStore(sessions)
    draft = asyncio.run(store.open_draft(group_id=UMOJA, meeting_date=today, currency="KES",
                                         recorder=sec.member_id))
    with sessions.begin() as s:
        s.get(MeetingDraft, draft.draft_id).status = SUBMITTED  # type: ignore[union-attr]
    try:
        heard = chat(tmp_path, settings, ledger_server.base_url, rasa_server, sec.phone,
                     [f"#{sec.pin}", "record the meeting", "yes", "it was yesterday"])
        with sessions() as s:
            drafts = {d.meeting_date: d.status for d in s.scalars(select(MeetingDraft))}
    finally:
        engine.dispose()
    yesterday = today - timedelta(days=1)
    assert say("meeting_date_set", date=Date(yesterday)) in heard
    assert drafts[today] == SUBMITTED  # not reopened
    assert yesterday in drafts


def test_the_secretary_asking_for_a_person_reaches_the_chair_not_herself(tmp_path: Path, settings: Settings,
                                                                         ledger_server: LedgerCoreProcess,
                                                                         rasa_server: str) -> None:
    sec, chair = person("secretary"), person("chair")
    heard = chat(tmp_path, settings, ledger_server.base_url, rasa_server, sec.phone,
                 [f"#{sec.pin}", "speak to a person"])
    assert say("transfer_chair", name=Name(chair.name)) in heard
    assert heard[-1] == "-- transfer to chair"
    assert not any(sec.name in h for h in heard if "connecting you" in h)


def test_a_member_of_two_groups_gets_three_guesses_in_all(tmp_path: Path, settings: Settings,
                                                          ledger_server: LedgerCoreProcess, rasa_server: str) -> None:
    """Three wrong PINs in one group lock her other membership and her number too; the next call hears it."""
    everyone = demo_members()
    phones = [m.phone for m in everyone]
    both = [m for m in everyone if phones.count(m.phone) == 2]
    assert len({m.group_id for m in both}) == 2
    give_demo_pins(settings, *both)
    wrong = next(p for p in ("0000", "1111", "2222") if all(p != m.pin for m in both))
    first = chat(tmp_path, settings, ledger_server.base_url, rasa_server, both[0].phone,
                 ["#1", f"#{wrong}", f"#{wrong}", f"#{wrong}"])
    assert any(h.startswith("BOT: To keep your savings safe, PIN entry is paused for") for h in first), first
    second = chat(tmp_path, settings, ledger_server.base_url, rasa_server, both[0].phone,
                  ["#2", "#1"])  # the other group: locked too, before any guess; figures stay private
    assert any(h.startswith("BOT: To keep your savings safe, PIN entry is paused for") for h in second), second
    assert not any(h.startswith("BOT: For your privacy, please type your") for h in second)
    assert any(h.startswith("BOT: Those figures are private, and PIN entry is paused until") for h in second)
