"""Scripted conversations against the real ledger_core (HTTP), the real Rasa server and the real IVR database.

Every figure the caller hears is checked against ledger_core's own answer read from its database in the test.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from dialogs.prompts import render
from dialogs.values import Count, Date, Money, Name, Time
from ledger_core.demo_people import DemoMember
from speech.verbalise import date_words, money_words, number_words
from tests.dialogs.live import (
    GROUP_LANG,
    LedgerTruth,
    give_demo_pins,
    live_settings,
    ports_for,
    run,
    single_group_members,
)
from tests.fixtures.ledger_server import LedgerCoreProcess

pytestmark = [pytest.mark.integration, pytest.mark.slow]

VOICE = {
    "en": {"savings": "how much money have I saved", "loan": "how much do I owe on my loan",
           "meeting": "when is the next meeting", "fines": "do I have any fines",
           "social": "how much is in the social fund", "group": "how much does the group have"},
    "sw": {"savings": "nataka kujua akiba yangu", "loan": "nadaiwa kiasi gani kwenye mkopo",
           "meeting": "mkutano ujao ni lini", "fines": "faini zangu ni ngapi",
           "social": "mfuko wa jamii una pesa ngapi", "group": "kikundi kina pesa ngapi"},
}
# keys by menu level: the second level ("more choices", key 4) holds fines, social fund and group totals
KEYS = {"savings": ["#1"], "loan": ["#2"], "meeting": ["#3"], "fines": ["#4", "#1"], "social": ["#4", "#2"],
        "group": ["#4", "#3"]}
GOODBYE = {"en": "goodbye", "sw": "kwaheri"}
GROUP_OF = {"en": "g-kes-umoja", "sw": "g-tzs-tumaini"}


def say(prompt: str, lang: str, **values: object) -> str:
    return "BOT: " + render(prompt, values, lang)  # type: ignore[arg-type]


def expected(item: str, lang: str, truth: LedgerTruth, gid: str, mid: str) -> list[str]:
    """Substrings the caller must hear for `item`, built from ledger_core's own numbers."""
    p = truth.member(gid, mid)
    if item == "savings":
        amount = Money(p.savings_minor, p.currency)
        if p.shares:
            return [say("savings", lang, amount=amount), say("savings_shares", lang, shares=Count(p.shares))]
        return [say("savings_only", lang, amount=amount)]
    if item == "loan":
        if p.loan_outstanding_minor <= 0:
            return [say("loan_none", lang)]
        lines = [say("loan_balance", lang, amount=Money(p.loan_outstanding_minor, p.currency))]
        past = sorted((d.due_date, d.owed_minor) for loan in p.loans for d in loan.past_due)
        upcoming = sorted((loan.upcoming_due_date, loan.upcoming_due_amount_minor) for loan in p.loans
                          if loan.upcoming_due_date is not None)
        if len(past) == 1:
            lines += [money_words(past[0][1], p.currency, lang), date_words(past[0][0], lang)]
        elif past:  # every past-due installment counted, with the total: never only the first one
            lines += [number_words(len(past), lang), money_words(sum(o for _, o in past), p.currency, lang)]
        if upcoming:
            lines += [money_words(upcoming[0][1] or 0, p.currency, lang), date_words(upcoming[0][0], lang)]
        return lines
    if item == "meeting":
        nxt = truth.info(gid).next_meeting
        hh, mm = nxt.time.split(":")
        return [say("meeting_next", lang, date=Date(nxt.date), time=Time(time(int(hh), int(mm)))),
                say("meeting_place", lang, place=Name(nxt.place))]
    if item == "fines":
        if p.fines_due_minor <= 0:
            return [say("fines_none", lang)]
        return [say("fines_due", lang, amount=Money(p.fines_due_minor, p.currency))]
    if item == "social":
        return [say("social_fund", lang, amount=Money(p.social_fund_contributions_minor, p.currency))]
    g = truth.group(gid)
    return [say("group_totals", lang, savings=Money(g.total_savings_minor, g.currency)),
            say("group_cash", lang, cash=Money(g.cash_in_box_minor, g.currency)),
            say("group_totals_more", lang, loans=Money(g.loans_outstanding_minor, g.currency)),
            say("group_social", lang, social=Money(g.social_fund_balance_minor, g.currency))]


def member_for(item: str, gid: str, truth: LedgerTruth) -> DemoMember:
    """A single-group member; for the loan item one who has a loan (found in ledger_core's data, not hard-coded)."""
    members = single_group_members(gid)
    if item == "loan":
        return next(m for m in members if truth.member(gid, m.member_id).loan_outstanding_minor > 0)
    if item == "fines":
        return max(members, key=lambda m: truth.member(gid, m.member_id).fines_due_minor)
    return members[3]


def assert_heard(heard: list[str], wanted: list[str]) -> None:
    text = "\n".join(heard)
    for piece in wanted:
        assert piece in text, f"expected {piece!r} in:\n{text}"


@pytest.mark.parametrize("mode", ["voice", "keypad"])
@pytest.mark.parametrize("item", list(KEYS))
@pytest.mark.parametrize("lang", ["en", "sw"])
async def test_menu_item(lang: str, item: str, mode: str, tmp_path: Path, ledger_server: LedgerCoreProcess,
                         rasa_server: str, truth: LedgerTruth) -> None:
    gid = GROUP_OF[lang]
    member = member_for(item, gid, truth)
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, member)
    said = [VOICE[lang][item]] if mode == "voice" else KEYS[item]
    async with ports_for(settings) as ports:
        heard = await run(ports, member.phone, [f"#{member.pin}", *said, GOODBYE[lang]], lang=lang)
    assert_heard(heard, expected(item, lang, truth, gid, member.member_id))
    assert heard[-1] == "-- call ended (completed)"
    assert GROUP_LANG[gid] == lang
