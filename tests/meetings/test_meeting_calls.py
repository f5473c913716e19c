"""Acceptance: secretaries record whole meetings by voice (en, sw) and keypad through the real dialog, real Rasa,
the real IVR database and the real ledger_core over HTTP; ledger_core's own database must then hold exactly the
entries the caller confirmed — nothing lost, nothing doubled."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from dialogs.meeting.sql import OutboxSubmitter
from dialogs.values import Count, Date, Money, Name
from ledger_core.db import Meeting as LedgerMeeting
from ledger_core.db import Txn
from tests.dialogs.live import give_demo_pins, live_settings, ports_for
from tests.fixtures.ledger_server import LedgerCoreProcess
from tests.meetings.live import Call, Entry, Ledger, officer, say

pytestmark = [pytest.mark.integration, pytest.mark.slow]
UMOJA, TUMAINI = "g-kes-umoja", "g-tzs-tumaini"


@pytest.fixture
def ledger(ledger_server: LedgerCoreProcess) -> Iterator[Ledger]:
    book = Ledger(ledger_server.db_url)
    yield book
    book.close()


def kes(shillings: int) -> int:
    return shillings * 100


async def test_english_meeting_with_disambiguation_undo_correction_bulk_and_totals(
        tmp_path: Path, ledger_server: LedgerCoreProcess, rasa_server: str, ledger: Ledger) -> None:
    ledger.add_member(UMOJA, "m-9001", "Mary Wanjiku", "en")  # a second Mary: "which Mary?"
    sec = officer(UMOJA)
    ids = ledger.ids_of(UMOJA)
    before = ledger.txn_ids(UMOJA)
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, sec)
    async with ports_for(settings) as ports:
        call = Call(ports.dialog(lang="en"))
        await call.start(sec.phone)
        await call.script([f"#{sec.pin}", "yes", "yes"])
        assert call.ids[-3:] == ["meeting_entry_ask", "meeting_entry_keys", "meeting_entry_commands"]
        await call.send("Mary paid two hundred savings")
        assert say("meeting_which", "en", n1=Name("Mary Akinyi"), n2=Name("Mary Wanjiku")) in call.heard
        await call.send("#2")
        read = say("meeting_tx_savings", "en", name=Name("Mary Wanjiku"), amount=Money(kes(200), "KES"))
        assert call.heard[-3] == read  # then "is that right?" (two short sentences)
        script = [
            "yes",
            "Esther repaid five hundred on her loan", "yes",
            "Grace took a loan of one thousand", "yes",
            "Peter fine fifty", "yes",
            "Faith paid three hundred shares", "no",  # a correction: the read-back was wrong
            "Faith paid four hundred shares", "yes",
            "John paid two hundred savings", "yes",
            "undo the last one",
            "Lucy paid one hundred social fund", "yes",
            "Joyce paid savings",  # no amount: asked for the amount only
            "two hundred and fifty shillings", "yes",
            "Rose paid five hundred savings", "yes",
            "Agnes repaid one thousand on her loan", "yes",
            "social fund for everyone fifty", "yes",
            "Eunice paid three hundred savings", "yes",
            "what is the total",
        ]
        await call.script(script)
        assert "meeting_undone" in call.ids or any("removed the last entry" in h for h in call.heard)
        assert say("meeting_ask_amount", "en") in call.heard
        expected: Counter[Entry] = Counter({
            (ids["Mary Wanjiku"], "savings", kes(200)): 1, (ids["Esther Atieno"], "loan_repayment", kes(500)): 1,
            (ids["Grace Wanjiru"], "loan_disbursement", kes(1000)): 1, (ids["Peter Otieno"], "fine", kes(50)): 1,
            (ids["Faith Njeri"], "share_purchase", kes(400)): 1, (ids["Lucy Wambui"], "social_fund", kes(100)): 1,
            (ids["Joyce Chebet"], "savings", kes(250)): 1, (ids["Rose Nyambura"], "savings", kes(500)): 1,
            (ids["Agnes Moraa"], "loan_repayment", kes(1000)): 1, (ids["Eunice Kerubo"], "savings", kes(300)): 1,
        })
        expected.update({(mid, "social_fund", kes(50)): 1 for mid in ids.values()})
        total = sum(expected.values())
        assert say("meeting_total_intro", "en", count=Count(total)) in call.heard
        assert say("meeting_total_savings", "en", amount=Money(kes(200 + 250 + 500 + 300), "KES")) in call.heard
        await call.script(["finish", "yes"])
        assert say("meeting_posted", "en", count=Count(total)) in call.heard
    assert ledger.new_entries(UMOJA, before) == expected


def tzs(shillings: int) -> int:
    return shillings * 100


async def test_swahili_meeting_with_disambiguation_undo_correction_bulk_and_totals(
        tmp_path: Path, ledger_server: LedgerCoreProcess, rasa_server: str, ledger: Ledger) -> None:
    ledger.add_member(TUMAINI, "m-9002", "Halima Juma", "sw")  # a second Halima
    sec = officer(TUMAINI)
    ids = ledger.ids_of(TUMAINI)
    before = ledger.txn_ids(TUMAINI)
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, sec)
    async with ports_for(settings) as ports:
        call = Call(ports.dialog(lang="sw"))
        await call.start(sec.phone)
        await call.script([f"#{sec.pin}", "ndiyo", "ndiyo", "Halima ameweka akiba elfu mbili"])
        assert say("meeting_which", "sw", n1=Name("Halima Juma"), n2=Name("Halima Said")) in call.heard
        await call.script([
            "Halima Said", "ndiyo",
            "Baraka amelipa mkopo elfu kumi", "ndiyo",
            "Saida amechukua mkopo wa elfu hamsini", "ndiyo",
            "Tatu Shabani faini elfu mbili", "ndiyo",
            "Upendo hisa elfu nne", "hapana",  # correction
            "Upendo hisa elfu sita", "ndiyo",
            "Furaha ameweka akiba elfu tano", "ndiyo",
            "futa ya mwisho",  # undo
            "Mwanaidi ameweka akiba elfu tano", "ndiyo",
            "Daudi ameweka akiba",  # amount asked alone
            "elfu tatu", "ndiyo",
            "Neema mfuko wa jamii elfu moja", "ndiyo",
            "Zawadi ameweka akiba elfu nne", "ndiyo",
            "mfuko wa jamii kila mtu elfu moja", "ndiyo",
            "Amina ameweka akiba elfu mbili", "ndiyo",
            "jumla ni ngapi",
        ])
        assert say("meeting_ask_amount", "sw") in call.heard and "meeting_undone" in call.ids
        assert "meeting_redo" in call.ids
        expected: Counter[Entry] = Counter({
            (ids["Halima Said"], "savings", tzs(2000)): 1, (ids["Baraka Mollel"], "loan_repayment", tzs(10000)): 1,
            (ids["Saida Omari"], "loan_disbursement", tzs(50000)): 1, (ids["Tatu Shabani"], "fine", tzs(2000)): 1,
            (ids["Upendo Massawe"], "share_purchase", tzs(6000)): 1, (ids["Mwanaidi Ally"], "savings", tzs(5000)): 1,
            (ids["Daudi Swai"], "savings", tzs(3000)): 1, (ids["Neema Mwakyusa"], "social_fund", tzs(1000)): 1,
            (ids["Zawadi Mushi"], "savings", tzs(4000)): 1, (ids["Amina Hassan"], "savings", tzs(2000)): 1,
        })
        expected.update({(mid, "social_fund", tzs(1000)): 1 for mid in ids.values()})
        total = sum(expected.values())
        assert say("meeting_total_intro", "sw", count=Count(total)) in call.heard, "\n".join(call.heard[-40:])
        assert say("meeting_total_savings", "sw", amount=Money(tzs(16000), "TZS")) in call.heard
        await call.script(["maliza", "ndiyo"])
        assert say("meeting_posted", "sw", count=Count(total)) in call.heard
    assert ledger.new_entries(TUMAINI, before) == expected


async def test_hang_up_after_five_entries_then_resume_and_finish(
        tmp_path: Path, ledger_server: LedgerCoreProcess, rasa_server: str, ledger: Ledger) -> None:
    sec = officer(UMOJA)
    ids = ledger.ids_of(UMOJA)
    before = ledger.txn_ids(UMOJA)
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, sec)
    first = ["Grace paid one hundred savings", "Faith paid two hundred savings", "Esther paid three hundred savings",
             "Joyce paid four hundred savings", "Rose paid five hundred savings"]
    async with ports_for(settings) as ports:
        call = Call(ports.dialog(lang="en"))
        await call.start(sec.phone)
        await call.script([f"#{sec.pin}", "yes", "yes"])
        for line in first:
            await call.script([line, "yes"])
        await call.send("Peter paid six hundred savings")  # read back, never confirmed: the caller hangs up
        await call.hang_up()
    async with ports_for(settings) as ports:  # a new process's ports over the same database
        call = Call(ports.dialog(lang="en"))
        await call.start(sec.phone)
        await call.script([f"#{sec.pin}", "yes"])
        assert call.ids[-2:] == ["meeting_resume", "meeting_resume_keys"]
        assert "You have five entries saved" in call.heard[-2]
        await call.script(["#1", "John paid seven hundred savings", "yes", "finish"])
        assert say("meeting_total_intro", "en", count=Count(6)) in call.heard
        await call.send("yes")
        assert say("meeting_posted", "en", count=Count(6)) in call.heard
    names = ["Grace Wanjiru", "Faith Njeri", "Esther Atieno", "Joyce Chebet", "Rose Nyambura", "John Kamau"]
    amounts = [100, 200, 300, 400, 500, 700]
    assert ledger.new_entries(UMOJA, before) == Counter(
        {(ids[n], "savings", kes(a)): 1 for n, a in zip(names, amounts, strict=True)})


async def test_core_down_at_submit_goes_to_the_outbox_and_posts_exactly_once(
        tmp_path: Path, ledger_server: LedgerCoreProcess, rasa_server: str, ledger: Ledger) -> None:
    sec = officer(UMOJA)
    ids = ledger.ids_of(UMOJA)
    before = ledger.txn_ids(UMOJA)
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, sec)
    async with ports_for(settings) as ports:
        call = Call(ports.dialog(lang="en"))
        await call.start(sec.phone)
        await call.script([f"#{sec.pin}", "no", "yes", "Grace paid one hundred savings", "yes",
                           "Peter fine fifty", "yes", "finish"])
        assert "meeting_consent_no" in call.ids
        ledger_server.kill()
        await call.send("yes")
        assert say("meeting_queued", "en") in call.heard
        assert ledger_server.proc is not None and ledger_server.proc.poll() is not None
        ledger_server.start().wait_ready()
        assert ports.outbox is not None
        report = await ports.outbox.drain_until_empty(timeout_s=30)
        assert report.sent == 2 and report.parked == 0
        again = await ports.outbox.drain()
        assert again.sent == 0 and again.pending == 0
        assert ports.meetings is not None and isinstance(ports.meetings.submitter, OutboxSubmitter)
        draft_id = call.dialog.c.meeting.draft_id
        assert (await ports.meetings.store.draft(draft_id)).status == "submitted"
        verdicts = ports.meetings.submitter.sync(draft_id)  # what the admin API does before showing a draft
        assert len(verdicts.sent) == 2 and (await ports.meetings.store.draft(draft_id)).status == "posted"
    assert ledger.new_entries(UMOJA, before) == Counter(
        {(ids["Grace Wanjiru"], "savings", kes(100)): 1, (ids["Peter Otieno"], "fine", kes(50)): 1})


async def test_keypad_only_meeting(tmp_path: Path, ledger_server: LedgerCoreProcess, rasa_server: str,
                                   ledger: Ledger) -> None:
    """Nothing but keys, as for a language without speech recognition: roster number * type code * amount #."""
    sec = officer(UMOJA)
    ids = ledger.ids_of(UMOJA)
    roster = {v: k for k, v in ids.items()}
    before = ledger.txn_ids(UMOJA)
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, sec)
    async with ports_for(settings) as ports:
        call = Call(ports.dialog(lang="en"))
        await call.start(sec.phone)
        await call.script([f"#{sec.pin}", "#1", "#1",
                           "#4*1*200", "#1",  # Faith Njeri, savings, 200
                           "#14*6*50", "#2",  # Peter Otieno, fine 50 -> "no": redo
                           "#14*6*60", "#1",
                           "#5*4*300", "#1",  # Esther Atieno, loan repayment 300
                           "#10*1", "#150", "#1",  # type given, amount asked alone
                           "#12*3*20", "#1", "#7",  # then undo
                           "#9", "#6"])
        assert say("meeting_undone", "en") in call.heard
        assert say("meeting_total_intro", "en", count=Count(4)) in call.heard
        await call.send("#1")
        assert say("meeting_posted", "en", count=Count(4)) in call.heard
        assert not any(line.startswith("BOT: Sorry, I did not catch") for line in call.heard)
    expected = {("Faith Njeri", "savings", 200), ("Peter Otieno", "fine", 60), ("Esther Atieno", "loan_repayment", 300),
                ("Beatrice Auma", "savings", 150)}
    assert ledger.new_entries(UMOJA, before) == Counter({(ids[n], t, kes(a)): 1 for n, t, a in expected})
    assert roster


async def test_rejected_entry_is_reported_kept_and_fixable(
        tmp_path: Path, ledger_server: LedgerCoreProcess, rasa_server: str, ledger: Ledger) -> None:
    """John Kamau has no loan: his "repayment" is refused by the core, read back, kept, and re-recorded correctly."""
    sec = officer(UMOJA)
    ids = ledger.ids_of(UMOJA)
    before = ledger.txn_ids(UMOJA)
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, sec)
    async with ports_for(settings) as ports:
        call = Call(ports.dialog(lang="en"))
        await call.start(sec.phone)
        await call.script([f"#{sec.pin}", "yes", "yes", "Grace paid one hundred savings", "yes",
                           "John repaid five hundred on his loan", "yes", "finish", "yes"])
        john = say("meeting_tx_loan_repayment", "en", name=Name("John Kamau"), amount=Money(kes(500), "KES"))
        assert say("meeting_posted_some", "en", count=Count(1)) in call.heard
        assert say("meeting_rejected_intro", "en", count=Count(1)) in call.heard
        assert call.heard[-5] == john and call.ids[-4:] == ["meeting_rejected_fix", "meeting_entry_ask",
                                                            "meeting_entry_keys", "meeting_entry_commands"]
        await call.script(["John paid five hundred savings", "yes", "finish"])
        assert say("meeting_total_intro", "en", count=Count(2)) in call.heard  # the refused entry does not count
        await call.send("yes")
        assert say("meeting_posted", "en", count=Count(2)) in call.heard
        assert ports.meetings is not None
        draft = await ports.meetings.store.draft(call.dialog.c.meeting.draft_id)
        assert [e.status for e in draft.entries] == ["sent", "rejected", "sent"] and draft.status == "posted"
    assert ledger.new_entries(UMOJA, before) == Counter(
        {(ids["Grace Wanjiru"], "savings", kes(100)): 1, (ids["John Kamau"], "savings", kes(500)): 1})


async def test_a_named_past_meeting_date_and_a_future_one_refused(
        tmp_path: Path, ledger_server: LedgerCoreProcess, rasa_server: str, ledger: Ledger) -> None:
    sec = officer(UMOJA)
    ids = ledger.ids_of(UMOJA)
    before = ledger.txn_ids(UMOJA)
    settings = live_settings(tmp_path, ledger_server.base_url, rasa_server)
    give_demo_pins(settings, sec)
    async with ports_for(settings) as ports:
        call = Call(ports.dialog(lang="en"))
        await call.start(sec.phone)
        await call.script([f"#{sec.pin}", "yes"])
        today = call.dialog.c.local_date()
        later = today + timedelta(days=3)
        await call.send(f"the meeting of {later.day} {later.strftime('%B')}")
        assert "meeting_date_future" in call.ids
        earlier = today - timedelta(days=14)
        await call.send(f"the meeting of {earlier.day} {earlier.strftime('%B')}")
        assert say("meeting_date_set", "en", date=Date(earlier)) in call.heard
        await call.script(["Rose paid five hundred savings", "yes", "finish", "yes"])
        assert "meeting_posted" in call.ids
    with ledger._sessions() as s:  # the entry belongs to the named meeting in ledger_core
        txn = s.scalars(select(Txn).where(Txn.group_id == UMOJA, Txn.id.not_in(before))).one()
        meeting = s.get(LedgerMeeting, txn.meeting_id)
        assert meeting is not None and meeting.date == earlier
        assert (txn.member_id, txn.type, txn.amount_minor) == (ids["Rose Nyambura"], "savings", kes(500))
