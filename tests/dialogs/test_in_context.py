"""Understanding in context, table-driven: for every listen state, answers (including ones that look like a global
intent: names, "no thank you", "not now", dates with "no"), global intents said clearly, and noise.

Each row: the state the question is asked in, the language, what the caller says (`#..` = keys), and the outcome —
the state the call is in afterwards and, where it tells more, a prompt the caller must hear. The NLU is the real
Rasa server (its confidences decide what "clearly said" means); ledger and meeting submission are fakes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest

from dialogs.actions import Say
from dialogs.config import DialogSettings
from dialogs.engine import Dialog
from dialogs.meeting.ports import Draft, MeetingPorts, SubmitOutcome
from dialogs.meeting.sql import SqlMeetingStore
from dialogs.values import Date
from nlu.client import RasaClient
from nlu.config import NluSettings
from nlu.understand import Nlu
from tests.dialogs.conftest import Caller, Kit, give_pin
from tests.fakes.dialog_fakes import PHONE_NEW, PHONE_ONE, PHONE_SEC, PHONE_TWO, ROSTER_KE

pytestmark = [pytest.mark.integration]

YESTERDAY, SATURDAY, NOV20 = date(2026, 11, 23), date(2026, 11, 21), date(2026, 11, 20)  # "today" is Tue 24 Nov


class QueueingSubmitter:
    """The core is down: every entry waits in the outbox (what the real OutboxSubmitter answers then)."""

    async def submit(self, draft: Draft) -> SubmitOutcome:
        return SubmitOutcome(queued=[e.idempotency_key for e in draft.entries])


# How to reach each state from the start of a call: (phone, inputs per language).
RECORD = {"en": ["#2580", "record the meeting"], "sw": ["#2580", "rekodi mkutano"]}
ENTRY = {"en": [*RECORD["en"], "yes", "yes"], "sw": [*RECORD["sw"], "ndiyo", "ndiyo"]}
CONFIRM = {"en": [*ENTRY["en"], "Peter paid two hundred savings"],
           "sw": [*ENTRY["sw"], "Peter ameweka akiba mia mbili"]}
REACH: dict[str, tuple[str, dict[str, list[str]]]] = {
    "menu": (PHONE_ONE, {"en": ["#2580"], "sw": ["#2580"]}),
    "menu_more": (PHONE_ONE, {"en": ["#2580", "#4"], "sw": ["#2580", "#4"]}),
    "group": (PHONE_TWO, {"en": [], "sw": []}),
    "language": (PHONE_ONE, {"en": [], "sw": []}),
    "unknown": (PHONE_NEW, {"en": [], "sw": []}),
    "meeting_consent": (PHONE_SEC, RECORD),
    "meeting_date": (PHONE_SEC, {"en": [*RECORD["en"], "yes"], "sw": [*RECORD["sw"], "ndiyo"]}),
    "meeting_entry": (PHONE_SEC, ENTRY),
    "meeting_which": (PHONE_SEC, {"en": [*ENTRY["en"], "Mary paid two hundred savings"],
                                  "sw": [*ENTRY["sw"], "Mary ameweka akiba mia mbili"]}),
    "meeting_member": (PHONE_SEC, {"en": [*ENTRY["en"], "paid two hundred savings"],
                                   "sw": [*ENTRY["sw"], "ameweka akiba mia mbili"]}),
    "meeting_type": (PHONE_SEC, {"en": [*ENTRY["en"], "Peter two hundred"], "sw": [*ENTRY["sw"], "Peter mia mbili"]}),
    "meeting_amount": (PHONE_SEC, {"en": [*ENTRY["en"], "Peter paid savings"],
                                   "sw": [*ENTRY["sw"], "Peter ameweka akiba"]}),
    "meeting_confirm": (PHONE_SEC, CONFIRM),
    "meeting_fix": (PHONE_SEC, {"en": [*CONFIRM["en"], "no"], "sw": [*CONFIRM["sw"], "hapana"]}),
    "meeting_submit": (PHONE_SEC, {"en": [*CONFIRM["en"], "yes", "finish"], "sw": [*CONFIRM["sw"], "ndiyo", "maliza"]}),
    "leave": (PHONE_SEC, {"en": [*ENTRY["en"], "goodbye"], "sw": [*ENTRY["sw"], "kwaheri"]}),
}


@dataclass(frozen=True)
class Row:
    state: str
    lang: str
    said: str
    to: str  # the state afterwards ("ended" when the call ends or is transferred)
    hears: str | None = None  # a prompt id the caller must hear


def rows(state: str, lang: str, *cases: tuple[str, str] | tuple[str, str, str]) -> list[Row]:
    return [Row(state, lang, c[0], c[1], c[2] if len(c) > 2 else None) for c in cases]  # type: ignore[misc]


ROWS: list[Row] = [
    *rows("menu", "en",
          ("savings", "menu", "savings"), ("how much have I saved", "menu", "savings"),
          ("my loan", "menu", "loan_balance"), ("how much do I owe", "menu", "loan_balance"),
          ("when is the next meeting", "menu", "meeting_next"), ("meeting", "menu", "meeting_next"),
          ("more choices", "menu_more", "menu_item_fines"), ("more", "menu_more", "menu_item_fines"),
          ("fines", "menu", "fines_due"), ("group totals", "menu", "group_totals"),
          ("speak to a person", "ended", "transfer"), ("I want to talk to someone", "ended", "transfer"),
          ("goodbye", "ended", "goodbye"), ("bye bye", "ended", "goodbye"),
          ("repeat", "menu", "menu_item_savings"), ("say that again", "menu", "menu_item_savings"),
          ("help", "menu", "help"), ("change language", "language", "language_menu"),
          ("record the meeting", "menu", "meeting_officers_only"), ("go back", "menu", "menu_item_savings"),
          ("tell me a joke", "menu", "no_match"), ("the weather is nice today", "menu", "no_match"),
          ("#1", "menu", "savings"), ("#3", "menu", "meeting_next"), ("#0", "ended", "transfer"),
          ("#*", "menu", "menu_item_savings")),
    *rows("menu", "sw",
          ("akiba", "menu", "savings"), ("nataka kujua akiba yangu", "menu", "savings"),
          ("mkopo", "menu", "loan_balance"), ("mkutano ujao ni lini", "menu", "meeting_next"),
          ("zaidi", "menu_more", "menu_item_fines"), ("faini", "menu", "fines_due"),
          ("niongee na mtu", "ended", "transfer"), ("kwaheri", "ended", "goodbye"),
          ("rudia", "menu", "menu_item_savings"), ("msaada", "menu", "help"),
          ("badilisha lugha", "language", "language_menu"), ("niambie kichekesho", "menu", "no_match"),
          ("#2", "menu", "loan_balance"), ("#0", "ended", "transfer")),
    *rows("menu_more", "en",
          ("fines", "menu_more", "fines_due"), ("social fund", "menu_more", "social_fund"),
          ("group totals", "menu_more", "group_totals"), ("savings", "menu_more", "savings"),
          ("go back", "menu", "menu_item_savings"), ("back", "menu", "menu_item_savings"),
          ("#1", "menu_more", "fines_due"), ("#3", "menu_more", "group_totals"), ("#9", "menu", "menu_item_savings"),
          ("#4", "language", "language_menu"), ("goodbye", "ended", "goodbye"), ("hmm", "menu_more", "no_match")),
    *rows("menu_more", "sw",
          ("faini", "menu_more", "fines_due"), ("mfuko wa jamii", "menu_more", "social_fund"),
          ("rudi nyuma", "menu", "menu_item_savings"), ("#2", "menu_more", "social_fund"),
          ("kwaheri", "ended", "goodbye")),
    *rows("group", "en",
          ("Tumaini", "pin", "group_chosen"), ("Umoja Women please", "menu", "group_chosen"),
          ("#2", "pin", "group_chosen"), ("change language", "language", "language_menu"),
          ("goodbye", "ended", "goodbye"), ("speak to a person", "group", "transfer_unavailable"),
          ("the blue one", "group", "no_match"), ("#7", "group", "no_match")),
    *rows("group", "sw",
          ("kikundi cha tumaini", "pin", "group_chosen"), ("umoja", "menu", "group_chosen"),
          ("#1", "menu", "group_chosen"), ("kwaheri", "ended", "goodbye")),
    *rows("language", "en",
          ("english", "pin", "language_saved"), ("kiswahili", "pin", "language_saved"),
          ("swahili please", "pin", "language_saved"), ("#1", "pin", "language_saved"),
          ("#2", "pin", "language_saved"), ("goodbye", "ended", "goodbye"), ("french", "language", "no_match")),
    *rows("unknown", "en",
          ("speak to a person", "ended", "transfer_unavailable"), ("help", "unknown", "unknown_caller"),
          ("goodbye", "ended", "goodbye"), ("change language", "language", "language_menu"),
          ("what is this", "unknown", "unknown_caller"), ("purple elephants dancing", "unknown", "no_match"),
          ("#0", "ended", "transfer_unavailable")),
    *rows("unknown", "sw",
          ("niongee na mtu", "ended", "transfer_unavailable"), ("kwaheri", "ended", "goodbye"),
          ("msaada", "unknown", "unknown_caller")),
    *rows("meeting_consent", "en",
          ("yes", "meeting_date", "meeting_consent_yes"), ("yes please", "meeting_date", "meeting_consent_yes"),
          ("okay", "meeting_date", "meeting_consent_yes"), ("no", "meeting_date", "meeting_consent_no"),
          ("no thank you", "meeting_date", "meeting_consent_no"), ("not now", "meeting_date", "meeting_consent_no"),
          ("no thanks", "meeting_date", "meeting_consent_no"), ("#1", "meeting_date", "meeting_consent_yes"),
          ("#2", "meeting_date", "meeting_consent_no"), ("goodbye", "leave", "leave_recording_ask"),
          ("speak to a person", "leave", "leave_recording_ask"), ("what", "meeting_consent", "no_match")),
    *rows("meeting_consent", "sw",
          ("ndiyo", "meeting_date", "meeting_consent_yes"), ("sawa", "meeting_date", "meeting_consent_yes"),
          ("hapana", "meeting_date", "meeting_consent_no"), ("hapana asante", "meeting_date", "meeting_consent_no"),
          ("sitaki", "meeting_date", "meeting_consent_no"), ("kwaheri", "leave", "leave_recording_ask")),
    *rows("meeting_date", "en",
          ("yes", "meeting_entry", "meeting_date_set"), ("it was yesterday", "meeting_entry", "meeting_date_set"),
          ("no, it was on Saturday", "meeting_entry", "meeting_date_set"), ("today", "meeting_entry"),
          ("the twentieth of November", "meeting_entry", "meeting_date_set"),
          ("no", "meeting_date", "meeting_date_which"), ("tomorrow", "meeting_date", "meeting_date_future"),
          ("#1", "meeting_entry", "meeting_date_set"), ("goodbye", "leave", "leave_recording_ask"),
          ("hmm", "meeting_date", "no_match")),
    *rows("meeting_date", "sw",
          ("ndiyo", "meeting_entry", "meeting_date_set"), ("ilikuwa jana", "meeting_entry", "meeting_date_set"),
          ("hapana, ilikuwa jumamosi", "meeting_entry", "meeting_date_set"), ("leo", "meeting_entry"),
          ("hapana", "meeting_date", "meeting_date_which"), ("kesho", "meeting_date", "meeting_date_future"),
          ("kwaheri", "leave", "leave_recording_ask")),
    *rows("meeting_entry", "en",
          ("Peter paid two hundred savings", "meeting_confirm", "meeting_tx_savings"),
          ("John repaid five hundred on his loan", "meeting_confirm", "meeting_tx_loan_repayment"),
          ("Esther took a loan of one thousand", "meeting_confirm", "meeting_tx_loan_disbursement"),
          ("Peter fine fifty", "meeting_confirm", "meeting_tx_fine"),
          ("Mary paid two hundred savings", "meeting_which", "meeting_which"),
          ("paid two hundred savings", "meeting_member", "meeting_ask_member"),
          ("Peter paid savings", "meeting_amount", "meeting_ask_amount"),
          ("Peter two hundred", "meeting_type", "meeting_ask_type"),
          ("savings for everyone fifty", "meeting_confirm", "meeting_bulk_savings"),
          ("undo", "meeting_entry", "meeting_nothing_to_undo"),
          ("read everything", "meeting_entry", "meeting_read_none"),
          ("finish", "meeting_entry", "meeting_no_entries"), ("goodbye", "leave", "leave_recording_ask"),
          ("speak to a person", "leave", "leave_recording_ask"), ("the weather is nice", "meeting_entry", "no_match"),
          ("#3*1*200", "meeting_confirm", "meeting_tx_savings"), ("#99*1*200", "meeting_entry",
                                                                  "meeting_member_unknown"),
          ("#7", "meeting_entry", "meeting_nothing_to_undo")),
    *rows("meeting_entry", "sw",
          ("Peter ameweka akiba mia mbili", "meeting_confirm", "meeting_tx_savings"),
          ("John amerejesha mkopo mia tano", "meeting_confirm", "meeting_tx_loan_repayment"),
          ("Esther amechukua mkopo wa elfu moja", "meeting_confirm", "meeting_tx_loan_disbursement"),
          ("mfuko wa jamii kila mtu hamsini", "meeting_confirm", "meeting_bulk_social_fund"),
          ("futa", "meeting_entry", "meeting_nothing_to_undo"), ("maliza", "meeting_entry", "meeting_no_entries"),
          ("kwaheri", "leave", "leave_recording_ask"), ("niongee na mtu", "leave", "leave_recording_ask")),
    *rows("meeting_member", "en",
          ("Peter Otieno", "meeting_confirm", "meeting_tx_savings"),
          ("Grace Wanjiru", "meeting_confirm", "meeting_tx_savings"),
          ("John Kamau", "meeting_confirm", "meeting_tx_savings"), ("Mary", "meeting_which", "meeting_which"),
          ("#3", "meeting_confirm", "meeting_tx_savings"), ("#42", "meeting_member", "meeting_member_unknown"),
          ("speak to a person", "leave", "leave_recording_ask"), ("goodbye", "leave", "leave_recording_ask"),
          ("go back", "meeting_entry", "meeting_entry_short")),
    *rows("meeting_member", "sw",
          ("Peter Otieno", "meeting_confirm", "meeting_tx_savings"),
          ("Esther Atieno", "meeting_confirm", "meeting_tx_savings"), ("kwaheri", "leave", "leave_recording_ask"),
          ("rudi nyuma", "meeting_entry", "meeting_entry_short")),
    *rows("meeting_which", "en",
          ("Mary Wanjiku", "meeting_confirm", "meeting_tx_savings"),
          ("Mary Akinyi", "meeting_confirm", "meeting_tx_savings"), ("#1", "meeting_confirm", "meeting_tx_savings"),
          ("#2", "meeting_confirm", "meeting_tx_savings"), ("goodbye", "leave", "leave_recording_ask"),
          ("the tall one", "meeting_which", "no_match")),
    *rows("meeting_which", "sw",
          ("Mary Wanjiku", "meeting_confirm", "meeting_tx_savings"), ("#2", "meeting_confirm", "meeting_tx_savings")),
    *rows("meeting_type", "en",
          ("savings", "meeting_confirm", "meeting_tx_savings"),
          ("shares", "meeting_confirm", "meeting_tx_share_purchase"),
          ("loan repayment", "meeting_confirm", "meeting_tx_loan_repayment"),
          ("he repaid his loan", "meeting_confirm", "meeting_tx_loan_repayment"),
          ("fine", "meeting_confirm", "meeting_tx_fine"), ("social fund", "meeting_confirm", "meeting_tx_social_fund"),
          ("#2", "meeting_confirm", "meeting_tx_share_purchase"), ("#9", "meeting_type", "no_match"),
          ("goodbye", "leave", "leave_recording_ask")),
    *rows("meeting_type", "sw",
          ("akiba", "meeting_confirm", "meeting_tx_savings"), ("hisa", "meeting_confirm", "meeting_tx_share_purchase"),
          ("amerejesha mkopo", "meeting_confirm", "meeting_tx_loan_repayment"),
          ("marejesho ya mkopo", "meeting_confirm", "meeting_tx_loan_repayment"),
          ("faini", "meeting_confirm", "meeting_tx_fine"), ("ametoa akiba", "meeting_confirm", "meeting_tx_withdrawal"),
          ("amechangia mfuko wa jamii", "meeting_confirm", "meeting_tx_social_fund")),
    *rows("meeting_amount", "en",
          ("two hundred", "meeting_confirm", "meeting_tx_savings"),
          ("five hundred shillings", "meeting_confirm", "meeting_tx_savings"),
          ("1500", "meeting_confirm", "meeting_tx_savings"), ("#300", "meeting_confirm", "meeting_tx_savings"),
          ("I don't know", "meeting_amount", "meeting_amount_unreadable"), ("goodbye", "leave", "leave_recording_ask")),
    *rows("meeting_amount", "sw",
          ("mia tatu", "meeting_confirm", "meeting_tx_savings"),
          ("elfu moja na mia tano", "meeting_confirm", "meeting_tx_savings"),
          ("sijui", "meeting_amount", "meeting_amount_unreadable")),
    *rows("meeting_confirm", "en",
          ("yes", "meeting_entry", "meeting_saved"), ("correct", "meeting_entry", "meeting_saved"),
          ("#1", "meeting_entry", "meeting_saved"), ("no", "meeting_fix", "meeting_redo"),
          ("#2", "meeting_fix", "meeting_redo"), ("no, five hundred", "meeting_confirm", "meeting_tx_savings"),
          ("no, it was John", "meeting_confirm", "meeting_tx_savings"),
          ("undo", "meeting_entry", "meeting_redo_cancelled"), ("goodbye", "leave", "leave_recording_ask"),
          ("what", "meeting_confirm", "no_match")),
    *rows("meeting_confirm", "sw",
          ("ndiyo", "meeting_entry", "meeting_saved"), ("sahihi", "meeting_entry", "meeting_saved"),
          ("hapana", "meeting_fix", "meeting_redo"), ("hapana, mia tano", "meeting_confirm", "meeting_tx_savings")),
    *rows("meeting_fix", "en",
          ("Grace Wanjiru", "meeting_confirm", "meeting_tx_savings"), ("five hundred", "meeting_confirm"),
          ("shares", "meeting_confirm", "meeting_tx_share_purchase"), ("#4*1*300", "meeting_confirm"),
          ("goodbye", "leave", "leave_recording_ask"), ("blah blah", "meeting_fix", "no_match")),
    *rows("meeting_fix", "sw",
          ("hisa", "meeting_confirm", "meeting_tx_share_purchase"), ("elfu moja", "meeting_confirm")),
    *rows("meeting_submit", "en",
          ("yes", "menu", "meeting_queued"), ("#1", "menu", "meeting_queued"),
          ("no", "meeting_entry", "meeting_back_to_entries"), ("#2", "meeting_entry", "meeting_back_to_entries"),
          ("goodbye", "leave", "leave_recording_ask")),
    *rows("meeting_submit", "sw",
          ("ndiyo", "menu", "meeting_queued"), ("hapana", "meeting_entry", "meeting_back_to_entries")),
    *rows("leave", "en",
          ("yes", "ended", "goodbye"), ("#1", "ended", "goodbye"), ("no", "meeting_entry", "leave_cancelled"),
          ("#2", "meeting_entry", "leave_cancelled"), ("huh", "leave", "leave_recording_ask"),
          ("bananas and mangoes", "leave", "no_match")),
    *rows("leave", "sw",
          ("ndiyo", "ended", "goodbye"), ("hapana", "meeting_entry", "leave_cancelled")),
]


@pytest.fixture
async def nlu(rasa_server: str) -> AsyncIterator[Nlu]:
    async with httpx.AsyncClient() as http:
        yield Nlu(parser=RasaClient(http, rasa_server, 2.0), settings=NluSettings(url=rasa_server))


async def reach(kit: Kit, nlu: Nlu, row: Row) -> Caller:
    phone, scripts = REACH[row.state]
    kit.ledger.rosters["g-ke"] = ROSTER_KE
    give_pin(kit.sessions, "g-ke-sec", "2580")
    lang = None if row.state == "language" else row.lang
    dialog = Dialog(ledger=kit.ledger, nlu=nlu, store=kit.store, clock=kit.clock, settings=DialogSettings(),
                    lang=lang,  # type: ignore[arg-type]
                    meetings=MeetingPorts(store=SqlMeetingStore(kit.sessions), submitter=QueueingSubmitter()))
    caller = Caller(dialog)
    await caller.call(phone)
    for line in scripts[row.lang]:
        await caller.send(line)
    assert dialog.state == row.state, f"set-up did not reach {row.state}: {caller.heard[-4:]}"
    return caller


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.state}-{r.lang}-{r.said}")
async def test_answer_in_context(row: Row, kit: Kit, nlu: Nlu) -> None:
    caller = await reach(kit, nlu, row)
    await caller.send(row.said)
    said = caller.ids()
    assert caller.dialog.state == row.to, f"{row.said!r} -> {caller.dialog.state} (heard {said})"
    if row.hears is not None:
        assert row.hears in said, f"{row.said!r}: heard {said}"


def test_the_table_is_big_enough_and_covers_every_listen_state() -> None:
    assert len(ROWS) >= 150
    assert {r.state for r in ROWS} == set(REACH)
    assert {r.lang for r in ROWS} == {"en", "sw"}


DATES = [("meeting_date", "en", "it was yesterday", YESTERDAY), ("meeting_date", "en", "no, it was on Saturday",
                                                                 SATURDAY),
         ("meeting_date", "en", "the twentieth of November", NOV20), ("meeting_date", "sw", "ilikuwa jana", YESTERDAY),
         ("meeting_date", "sw", "hapana, ilikuwa jumamosi", SATURDAY)]


@pytest.mark.parametrize("state,lang,said,day", DATES)
async def test_a_named_day_is_the_meeting_day_not_a_yes(state: str, lang: str, said: str, day: date, kit: Kit,
                                                        nlu: Nlu) -> None:
    """The third defect: "it was yesterday" was read as yes, reopening today's meeting."""
    caller = await reach(kit, nlu, Row(state, lang, said, "meeting_entry"))
    await caller.send(said)
    set_to = [a for a in caller.actions if isinstance(a, Say) and a.prompt_id == "meeting_date_set"]
    assert set_to and set_to[0].values["date"] == Date(day)


READ_BACK_TYPES = {"savings": "savings", "share_purchase": "share_purchase", "social_fund": "social_fund",
                   "loan_repayment": "loan_repayment", "loan_disbursement": "loan_disbursement", "fine": "fine",
                   "withdrawal": "withdrawal"}


@pytest.mark.parametrize("lang", ["en", "sw"])
@pytest.mark.parametrize("kind", list(READ_BACK_TYPES))
def test_the_bots_own_words_for_a_type_parse_back_to_it(lang: str, kind: str) -> None:
    """A caller who repeats the read-back ("Peter amerejesha mkopo ...") is understood as that type."""
    from dialogs.meeting.parse import LEDGER_TYPE
    from dialogs.prompts import render
    from dialogs.values import Money, Name
    from nlu.normalise.transactions import transaction_type

    read_back = render(f"meeting_tx_{kind}", {"name": Name("Peter Otieno"), "amount": Money(20000, "KES")}, lang)
    found = transaction_type(read_back)
    assert found is not None and LEDGER_TYPE[found] == READ_BACK_TYPES[kind], read_back
    total = render(f"meeting_total_{kind}", {"amount": Money(20000, "KES")}, lang)
    found = transaction_type(total)
    assert found is not None and LEDGER_TYPE[found] == READ_BACK_TYPES[kind], total

