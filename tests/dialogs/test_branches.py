"""Scripted conversations for every branch (real ledger_core, real Rasa, real IVR database), both languages."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dialogs.values import Count, Date, Money
from ivr.settings import Settings
from ivr.wiring import component_warnings
from ledger_core.demo_people import demo_members
from models.base import make_sessionmaker
from models.ledger_cache import LedgerCacheEntry
from models.migrate import engine_for
from tests.dialogs.live import (
    LedgerTruth,
    ShiftClock,
    give_demo_pins,
    live_settings,
    ports_for,
    run,
    single_group_members,
)
from tests.dialogs.test_conversations import assert_heard, say
from tests.fixtures.ledger_server import REPO, LedgerCoreProcess, free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def savings_line(truth: LedgerTruth, gid: str, mid: str, lang: str) -> str:
    p = truth.member(gid, mid)
    return say("savings", lang, amount=Money(p.savings_minor, p.currency))


async def test_multi_group_caller_chooses_group_by_name(tmp_path: Path, ledger_server: LedgerCoreProcess,
                                                        rasa_server: str, truth: LedgerTruth) -> None:
    amina = [m for m in demo_members() if m.name == "Amina Hassan"]
    tz = next(m for m in amina if m.group_id == "g-tzs-tumaini")
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, *amina)
    async with ports_for(settings) as ports:
        heard = await run(ports, tz.phone, ["kikundi cha tumaini", f"#{tz.pin}", "akiba yangu", "kwaheri"], lang="sw")
    assert "BOT: Idadi ya vikundi vyako ni mbili. Ungependa kikundi kipi?" in heard
    assert "BOT: Kikundi cha Tumaini." in heard
    assert_heard(heard, [savings_line(truth, "g-tzs-tumaini", tz.member_id, "sw")])
    assert heard[-2] == say("goodbye", "sw")


async def test_multi_group_caller_chooses_group_by_keypad(tmp_path: Path, ledger_server: LedgerCoreProcess,
                                                          rasa_server: str, truth: LedgerTruth) -> None:
    ke = next(m for m in demo_members() if m.name == "Amina Hassan" and m.group_id == "g-kes-umoja")
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, ke)
    async with ports_for(settings) as ports:
        heard = await run(ports, ke.phone, ["#1", f"#{ke.pin}", "#1", "#*"], lang="en")
    assert_heard(heard, [savings_line(truth, "g-kes-umoja", ke.member_id, "en")])


@pytest.mark.parametrize("lang", ["en", "sw"])
async def test_unknown_caller_hears_kind_words_and_reaches_the_field_officer(
        lang: str, tmp_path: Path, ledger_server: LedgerCoreProcess, rasa_server: str) -> None:
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server, field_officer="PJSIP/officer")
    async with ports_for(settings) as ports:
        heard = await run(ports, "+254799999999", ["speak to a person" if lang == "en" else "niunganishe na mtu"],
                          lang=lang)
    assert heard == [say("unknown_caller", lang), say("unknown_options", lang), say("transfer_officer", lang),
                     "-- transfer to field officer"]


async def test_unknown_caller_without_officer_is_wished_goodbye(tmp_path: Path, ledger_server: LedgerCoreProcess,
                                                                rasa_server: str) -> None:
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    async with ports_for(settings) as ports:
        heard = await run(ports, "+254799999999", ["#0"], lang="en")
    assert heard[2:] == [say("transfer_unavailable", "en"), say("goodbye", "en"), "-- call ended (completed)"]


async def test_pin_lockout_and_unlock_after_the_time(tmp_path: Path, ledger_server: LedgerCoreProcess,
                                                     rasa_server: str, truth: LedgerTruth) -> None:
    m = single_group_members("g-kes-umoja")[1]
    wrong = "0000" if m.pin != "0000" else "1111"
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server, pin_lock_minutes=20)
    give_demo_pins(settings, m)
    clock = ShiftClock()
    async with ports_for(settings, clock) as ports:
        heard = await run(ports, m.phone, [f"#{wrong}"] * 3 + ["#1", "goodbye"], lang="en", clock=clock)
        assert say("pin_wrong", "en", remaining=Count(2)) in heard
        assert say("pin_wrong_last", "en") in heard
        assert say("pin_locked", "en", minutes=Count(20)) in heard
        assert any(h.startswith("BOT: Those figures are private, and PIN entry is paused until") for h in heard)
        assert m.pin not in "\n".join(heard)
        clock.offset = timedelta(minutes=10)
        heard = await run(ports, m.phone, [f"#{m.pin}"], lang="en", clock=clock)
        assert say("pin_locked", "en", minutes=Count(10)) in heard  # the correct PIN is not even checked
        clock.offset = timedelta(minutes=21)
        heard = await run(ports, m.phone, [f"#{m.pin}", "#1", "goodbye"], lang="en", clock=clock)
    assert_heard(heard, [say("pin_ok", "en"), savings_line(truth, "g-kes-umoja", m.member_id, "en")])


async def test_the_ledger_language_is_used_and_a_change_is_remembered(tmp_path: Path,
                                                                     ledger_server: LedgerCoreProcess,
                                                                     rasa_server: str) -> None:
    """The ledger knows the member's language: no language menu. A change at the menu is remembered and wins."""
    m = single_group_members("g-kes-umoja")[2]
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, m)
    async with ports_for(settings) as ports:
        first = await run(ports, m.phone, [f"#{m.pin}", "change language", "#2", "kwaheri"])
        second = await run(ports, m.phone, ["kwaheri"])
    assert first[0].startswith("BOT: Hello ") and say("language_menu", "en") in first
    assert first.index(say("language_menu", "en")) > first.index(say("pin_ok", "en"))
    assert say("language_saved", "sw") in first
    assert second[0].startswith("BOT: Habari ") and say("language_menu", "en") not in second


async def test_repeat_help_and_transfer_to_the_secretary(tmp_path: Path, ledger_server: LedgerCoreProcess,
                                                         rasa_server: str, truth: LedgerTruth) -> None:
    m = single_group_members("g-kes-umoja")[4]
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, m)
    async with ports_for(settings) as ports:
        heard = await run(ports, m.phone, [f"#{m.pin}", "my savings", "repeat", "help", "speak to a person"],
                          lang="en")
    line = savings_line(truth, "g-kes-umoja", m.member_id, "en")
    assert heard.count(line) == 2
    assert say("help", "en") in heard
    info = truth.info("g-kes-umoja")
    secretary = next(r for r in demo_members() if r.member_id == info.secretary_member_id)
    assert heard[-2:] == [f"BOT: I am connecting you to {secretary.name}, your group secretary. Please hold.",
                          "-- transfer to secretary"]


@pytest.mark.parametrize("lang", ["en", "sw"])
async def test_no_input_and_no_match_ladder(lang: str, tmp_path: Path, ledger_server: LedgerCoreProcess,
                                            rasa_server: str) -> None:
    m = single_group_members("g-kes-umoja" if lang == "en" else "g-tzs-tumaini")[5]
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, m)
    async with ports_for(settings) as ports:
        joke = "tell me a joke" if lang == "en" else "niambie kichekesho"
        heard = await run(ports, m.phone, [f"#{m.pin}", "", joke, ""], lang=lang)
    assert heard[-6:] == [say("no_input", lang), say("menu_short", lang), say("no_match", lang),
                          say("menu_keypad", lang), say("goodbye_ladder", lang), "-- call ended (no_input)"]


async def test_ledger_down_serves_cached_figures_with_their_age(tmp_path: Path, ledger_server: LedgerCoreProcess,
                                                                rasa_server: str, truth: LedgerTruth) -> None:
    m = single_group_members("g-tzs-tumaini")[6]
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, m)
    line = savings_line(truth, "g-tzs-tumaini", m.member_id, "sw")
    async with ports_for(settings) as ports:
        fresh = await run(ports, m.phone, [f"#{m.pin}", "#1", "kwaheri"], lang="sw")
        ledger_server.kill()
        cached = await run(ports, m.phone, [f"#{m.pin}", "akiba yangu", "kwaheri"], lang="sw")
    assert line in fresh and not any("Takwimu hizi" in x for x in fresh)
    as_of = cached_at(settings, "member_position").astimezone(ZoneInfo("Africa/Dar_es_Salaam")).date()
    assert say("figures_as_of", "sw", date=Date(as_of)) in cached
    assert line in cached


def cached_at(settings: Settings, kind: str) -> datetime:
    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine)() as s:
            return s.scalars(select(LedgerCacheEntry.fetched_at).where(LedgerCacheEntry.kind == kind)).one()
    finally:
        engine.dispose()


@pytest.mark.parametrize("lang", ["en", "sw"])
async def test_rasa_down_falls_back_to_keywords_and_keypad(
        lang: str, tmp_path: Path, ledger_server: LedgerCoreProcess, truth: LedgerTruth) -> None:
    gid = "g-kes-umoja" if lang == "en" else "g-tzs-tumaini"
    m = single_group_members(gid)[7]
    dead_rasa = f"http://127.0.0.1:{free_port()}"
    settings = live_settings(tmp_path, ledger_server.base_url, dead_rasa)
    give_demo_pins(settings, m)
    p = truth.member(gid, m.member_id)
    async with ports_for(settings) as ports:
        warnings = await component_warnings(ports)
        heard = await run(ports, m.phone, [f"#{m.pin}", "savings" if lang == "en" else "akiba", "#4", "#2",
                                           "goodbye" if lang == "en" else "kwaheri"], lang=lang)
    assert_heard(heard, [savings_line(truth, gid, m.member_id, lang),
                         say("social_fund", lang, amount=Money(p.social_fund_contributions_minor, p.currency)),
                         say("goodbye", lang)])
    assert len(warnings) == 1 and "IVR_NLU__URL" in warnings[0] and dead_rasa in warnings[0]


def test_ivr_chat_runs_a_script_from_stdin(tmp_path: Path, ledger_server: LedgerCoreProcess, rasa_server: str,
                                           truth: LedgerTruth) -> None:
    m = single_group_members("g-kes-umoja")[8]
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, m)
    env = {**os.environ, "IVR_ENV": "development", "IVR_DATA_DIR": str(tmp_path),
           "IVR_DATABASE__URL": settings.database.url, "IVR_LEDGER__BASE_URL": ledger_server.base_url,
           "IVR_NLU__URL": rasa_server, "IVR_SECURITY__SECRETS_FILE": str(tmp_path / "chat-secrets.json")}
    script = f"#{m.pin}\nhow much have i saved\n\nwhen is the next meeting\ngoodbye\n"
    argv = [str(Path(sys.executable).parent / "ivr"), "chat", "--phone", m.phone, "--lang", "en"]
    out = subprocess.run(argv, input=script, capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert lines[0].startswith("BOT: Hello ")
    assert savings_line(truth, "g-kes-umoja", m.member_id, "en") in lines
    assert say("no_input", "en") in lines and say("menu_short", "en") in lines
    assert any(x.startswith("BOT: Your next meeting is on ") for x in lines)
    assert lines[-2:] == [say("goodbye", "en"), "-- call ended (completed)"]
    assert m.pin not in out.stdout + out.stderr and m.phone not in out.stderr
