"""The SMS conversation from text: commands in both languages, the PIN rules (in the message, the round trip, a
group's trusted numbers, the lockout shared with calls), STOP/START through the reminders' opt-out, channels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dialogs.prompts import value_names
from dialogs.prompts.sms import SMS_CATALOGS, SMS_COMMANDS, render_sms
from dialogs.sms.commands import parse
from dialogs.sms.conversation import SmsConversation, SmsRules
from dialogs.store import SqlStore
from ivr.reminders.store import ReminderStore
from ivr.settings import Settings
from ivr.sms.gsm7 import segment
from ivr.sms.state import SmsState
from models.members import MemberPreference
from models.pins import set_pin
from models.reach import ReachPreference
from tests.fakes.dialog_fakes import NOW, PHONE_NEW, PHONE_ONE, PHONE_TWO, FakeLedger

PIN = "4826"


def conversation(sessions: sessionmaker[Session], settings: Settings, ledger: FakeLedger | None = None,
                 **rules: object) -> SmsConversation:
    with sessions.begin() as s:
        for member_id in ("m-1", "m-2", "m-3"):
            set_pin(s, member_id, PIN)
    state = SmsState(sessions, ReminderStore(sessions, settings.reminders))
    return SmsConversation(ledger=ledger or FakeLedger(), pins=SqlStore(sessions), state=state,
                           rules=SmsRules(**rules))  # type: ignore[arg-type]


def test_catalogs_match_and_every_text_fits_one_sms() -> None:
    assert set(SMS_CATALOGS) == {"en", "sw", "hi"}  # every installed pack ships an sms.yml
    ids = set(SMS_CATALOGS["en"])
    for lang in SMS_CATALOGS:
        assert set(SMS_CATALOGS[lang]) == ids and set(SMS_COMMANDS[lang]) == set(SMS_COMMANDS["en"]), lang
    for text_id in ids:
        for lang in SMS_CATALOGS:
            assert value_names(SMS_CATALOGS["en"][text_id]) == value_names(SMS_CATALOGS[lang][text_id]), text_id
            # with values of typical length (~20 characters each) every Latin-script text is GSM-7 and at most two
            # parts, the commands' answers (no values or one short one) one SMS; Devanagari is UCS-2 (70 a part):
            # at most three parts, the commands' answers at most two
            template = SMS_CATALOGS[lang][text_id]
            got = segment(template.format(**{v: "x" * 20 for v in value_names(template)}))
            ucs2 = lang == "hi"
            assert got.coding == ("ucs2" if ucs2 else "gsm7") and len(got.parts) <= 2 + ucs2, (lang, text_id)
            if not value_names(template):
                assert len(got.parts) <= 1 + ucs2, (lang, text_id)


def test_parse_finds_the_command_and_the_pin_and_hides_it() -> None:
    assert parse("akiba 1234").command == "savings" and parse("Akiba, 1234!").pin == "1234"
    assert parse("AKIBA 1234").languages == ("sw",) and parse("balance").languages == ("en",)
    assert parse("sms").languages == ("en", "sw", "hi")
    # Hindi in Devanagari (vowel signs, virama and nukta stay inside the word; with or without the nukta) and romanised
    assert parse("कर्ज़ 1234").command == "loan" and parse("कर्ज 1234").pin == "1234"
    assert parse("बचत।").languages == ("hi",) and parse("Bachat 1234").command == "savings"
    assert parse("बंद").command == "stop" and parse("मदद").command == "help" and parse("akíba").command == "savings"
    assert parse("1234") == parse("  1234 ") and parse("1234").command is None
    assert "1234" not in repr(parse("loan 1234")) and parse("hello").command is None
    assert parse("mkopo 12").pin is None  # too short to be a PIN


async def test_figures_need_the_pin_in_the_message(sessions: sessionmaker[Session], ivr_settings: Settings) -> None:
    conv = conversation(sessions, ivr_settings)
    got = await conv.answer(PHONE_ONE, f"savings {PIN}", NOW)
    assert got.outcome == "figures" and got.lang == "en" and "KES" in got.text
    got = await conv.answer(PHONE_ONE, f"mkopo {PIN}", NOW)
    assert got.lang == "sw" and got.text == ("Umoja Women: salio la mkopo ni KES 5,250. "
                                             "Rejesho lijalo KES 1,750 tarehe Alhamisi 3/12.")
    got = await conv.answer(PHONE_ONE, f"कर्ज़ {PIN}", NOW)  # written in Hindi: answered in Hindi
    assert got.lang == "hi" and got.text.startswith("Umoja Women: बाकी कर्ज़ KES 5,250। अगली किस्त KES 1,750, ")


async def test_the_pin_round_trip_and_its_expiry(sessions: sessionmaker[Session], ivr_settings: Settings) -> None:
    conv = conversation(sessions, ivr_settings, pin_reply_minutes=10)
    asked = await conv.answer(PHONE_ONE, "loan", NOW)
    assert asked.outcome == "pin_asked" and asked.text == render_sms("sms_pin_ask", {"minutes": _count(10)}, "en")
    got = await conv.answer(PHONE_ONE, PIN, NOW + timedelta(minutes=2))
    assert got.outcome == "figures" and "loan balance KES 5,250" in got.text
    again = await conv.answer(PHONE_ONE, PIN, NOW + timedelta(minutes=3))
    assert again.outcome == "pin_expired"  # the waiting command was answered once
    await conv.answer(PHONE_ONE, "loan", NOW)
    late = await conv.answer(PHONE_ONE, PIN, NOW + timedelta(minutes=11))
    assert late.outcome == "pin_expired" and "KES" not in late.text


async def test_wrong_pins_lock_like_on_a_call(sessions: sessionmaker[Session], ivr_settings: Settings) -> None:
    conv = conversation(sessions, ivr_settings, pin_max_attempts=3, pin_lock_minutes=15)
    first = await conv.answer(PHONE_ONE, "savings 0000", NOW)
    assert first.outcome == "pin_wrong" and "2 more tries" in first.text
    await conv.answer(PHONE_ONE, "savings 0000", NOW)
    locked = await conv.answer(PHONE_ONE, "savings 0000", NOW)
    assert locked.outcome == "pin_locked" and "10:15" in locked.text  # 07:00 UTC = 10:00 Nairobi, +15 min
    still = await conv.answer(PHONE_ONE, f"savings {PIN}", NOW + timedelta(minutes=5))
    assert still.outcome == "pin_locked" and "KES" not in still.text  # the right PIN waits for the lock too
    # the lock is the one calls use: the call's PIN check sees it
    status = await SqlStore(sessions).pin_status("m-1", NOW + timedelta(minutes=5))
    assert status.kind == "locked"


async def test_a_group_that_trusts_registered_numbers(sessions: sessionmaker[Session], ivr_settings: Settings) -> None:
    conv = conversation(sessions, ivr_settings, trusted_groups={"g-tz"})
    got = await conv.answer(PHONE_TWO, "akiba", NOW)  # in both groups: only the trusting group answers
    assert got.outcome == "figures" and "Kikundi cha Tumaini: akiba yako ni TZS 84,000 (hisa 42)" in got.text
    assert "Umoja" not in got.text
    both = await conv.answer(PHONE_TWO, f"akiba {PIN}", NOW)
    assert "Umoja Women" in both.text and "Kikundi cha Tumaini" in both.text


async def test_meeting_help_unknown_and_ledger_down(sessions: sessionmaker[Session], ivr_settings: Settings) -> None:
    conv = conversation(sessions, ivr_settings)
    meeting = await conv.answer(PHONE_ONE, "meeting", NOW)  # not private: no PIN
    assert meeting.text == "Umoja Women: next meeting Thursday 26/11 at 14:00, the church hall."
    assert (await conv.answer(PHONE_ONE, "msaada", NOW)).text == render_sms("sms_help", {}, "sw")
    assert (await conv.answer(PHONE_NEW, "akiba 1234", NOW)).outcome == "unknown_number"
    assert (await conv.answer(PHONE_ONE, "hello there", NOW)).outcome == "not_understood"
    down = conversation(sessions, ivr_settings, FakeLedger(down=True))
    assert (await down.answer(PHONE_ONE, f"savings {PIN}", NOW)).outcome == "ledger_down"
    stale = conversation(sessions, ivr_settings, FakeLedger(stale_since=NOW - timedelta(days=2)))
    old = await stale.answer(PHONE_ONE, f"savings {PIN}", NOW)
    assert old.text.startswith("(as of Sunday 22/11)")


async def test_stop_start_and_the_channel(sessions: sessionmaker[Session], ivr_settings: Settings) -> None:
    conv = conversation(sessions, ivr_settings)
    stop = await conv.answer(PHONE_TWO, "ACHA", NOW)
    assert stop.outcome == "opted_out" and stop.lang == "sw"
    with sessions() as s:
        prefs = {p.member_id: p.reminders_opt_out for p in s.scalars(select(MemberPreference))}
        assert prefs == {"m-2": True, "m-3": True}  # every membership of the number
    await conv.answer(PHONE_TWO, "start", NOW)
    await conv.answer(PHONE_TWO, "sms", NOW)
    with sessions() as s:
        assert not any(p.reminders_opt_out for p in s.scalars(select(MemberPreference)))
        assert {p.member_id: p.reminder_channel for p in s.scalars(select(ReachPreference))} == {"m-2": "sms",
                                                                                               "m-3": "sms"}


@pytest.mark.parametrize("lang", ["en", "sw"])
def test_amounts_are_written_per_currency(lang: str) -> None:
    from dialogs.prompts.sms import money_digits

    assert money_digits(1250000, "KES") == "KES 12,500" and money_digits(1250050, "TZS") == "TZS 12,500.50"
    assert money_digits(3000, "UGX") == "UGX 3,000"


def _count(n: int):  # type: ignore[no-untyped-def]
    from dialogs.values import Count

    return Count(n)


def test_hindi_sms_in_hindi_with_digits() -> None:
    import datetime as dt

    from dialogs.values import Date, Money, Name, Time
    from speech.verbalise import weekday_words

    day = dt.date(2026, 12, 3)
    got = render_sms("sms_meeting", {"group": Name("सखी समूह"), "date": Date(day), "time": Time(dt.time(14, 0)),
                                     "place": Name("पंचायत भवन")}, "hi")
    assert got == f"सखी समूह: अगली बैठक {weekday_words(day, 'hi')} 3/12, 14:00, पंचायत भवन।"
    assert render_sms("sms_loan", {"group": Name("सखी"), "amount": Money(1250000, "INR")}, "hi") == \
        "सखी: बाकी कर्ज़ INR 12,500।"


def test_a_language_without_sms_texts_falls_back_with_one_log_line(caplog: pytest.LogCaptureFixture) -> None:
    from dialogs.prompts import sms

    caplog.set_level("WARNING", logger=sms.__name__)
    sms._told.discard("xx")
    assert sms.sms_language("xx") == sms.fallback_language() == "en"
    assert render_sms("sms_help", {}, "xx") == render_sms("sms_help", {}, "en")
    lines = [r.getMessage() for r in caplog.records if "'xx'" in r.getMessage()]
    assert lines == ["no SMS texts for language 'xx' (add a language pack 'xx'): SMS are written in 'en'"]


@pytest.mark.parametrize(("lang", "start"), [("hi", "MiKashBoks: मीना, आपके समूह की बैठक"),
                                             ("sw", "MiKashBoks: Meena, kikundi chako kinakutana"),
                                             ("fr", "MiKashBoks: Meena, your group meets on")])
def test_a_reminder_sms_is_in_the_members_language_else_the_default_packs(lang: str, start: str) -> None:
    import datetime as dt

    from ivr.sms.reminders import reminder_text
    from models.reminders import Reminder

    name = "मीना" if lang == "hi" else "Meena"
    r = Reminder(kind="meeting", language=lang, first_name=name, group_name="Sakhi", event_date=dt.date(2026, 12, 6),
                 event_time="11:00", place="Panchayat Bhavan")
    assert reminder_text(r).startswith(start)
