"""Entry parsing of one caller turn (pure): spoken forms, bulk forms, keypad forms, commands, namesakes."""

from __future__ import annotations

import pytest

from dialogs.meeting.parse import best_of, command_of, keypad_entry, speech_entry
from ledger_client.types import RosterMember
from ledger_core.demo_people import demo_members


def roster(group_id: str, *extra: str) -> list[RosterMember]:
    people = [RosterMember(member_id=m.member_id, roster_number=m.roster_number, name=m.name, first_name=m.first_name,
                           nickname=m.nickname, role=m.role, language=m.language)  # type: ignore[arg-type]
              for m in demo_members() if m.group_id == group_id]
    for i, name in enumerate(extra, len(people) + 1):
        people.append(RosterMember(member_id=f"x-{i}", roster_number=i, name=name, first_name=name.split()[0],
                                   role="member", language="en"))
    return people


EN = roster("g-kes-umoja", "Mary Wanjiku")
SW = roster("g-tzs-tumaini")


@pytest.mark.parametrize(("text", "name", "kind", "minor"), [
    ("Mary Akinyi paid two hundred savings", "Mary Akinyi", "savings", 20000),
    ("John repaid five hundred on his loan", "John Kamau", "loan_repayment", 50000),
    ("Grace took a loan of one thousand", "Grace Wanjiru", "loan_disbursement", 100000),
    ("Peter fine fifty", "Peter Otieno", "fine", 5000),
    ("Faith paid three hundred shares", "Faith Njeri", "share_purchase", 30000),
    ("Beatrice withdrew one hundred", "Beatrice Auma", "withdrawal", 10000),
])  # fmt: skip
def test_english_entries(text: str, name: str, kind: str, minor: int) -> None:
    p = speech_entry(text, EN, "KES", "en")
    assert [c.name for c in p.candidates] == [name] and (p.type, p.amount_minor, p.bulk) == (kind, minor, False)


@pytest.mark.parametrize(("text", "name", "kind", "minor"), [
    ("Baraka ameweka akiba elfu mbili", "Baraka Mollel", "savings", 200000),
    ("Halima amelipa mkopo elfu kumi", "Halima Said", "loan_repayment", 1000000),
    ("Saida amechukua mkopo wa elfu hamsini", "Saida Omari", "loan_disbursement", 5000000),
    ("Upendo hisa elfu nne", "Upendo Massawe", "share_purchase", 400000),
])  # fmt: skip
def test_swahili_entries(text: str, name: str, kind: str, minor: int) -> None:
    p = speech_entry(text, SW, "TZS", "sw")
    assert [c.name for c in p.candidates] == [name] and (p.type, p.amount_minor) == (kind, minor)


def test_namesakes_are_both_offered_and_a_full_name_picks_one() -> None:
    p = speech_entry("Mary paid two hundred savings", EN, "KES", "en")
    assert sorted(c.name for c in p.candidates) == ["Mary Akinyi", "Mary Wanjiku"]
    chosen = best_of("Mary Wanjiku", p.candidates, EN)
    assert chosen is not None and chosen.name == "Mary Wanjiku"
    assert best_of("Mary", p.candidates, EN) is None  # still ambiguous: ask again, never guess


def test_bulk_forms_name_nobody_and_keep_type_and_amount() -> None:
    en = speech_entry("social fund for everyone fifty", EN, "KES", "en")
    sw = speech_entry("mfuko wa jamii kila mtu elfu moja", SW, "TZS", "sw")
    assert (en.bulk, en.candidates, en.type, en.amount_minor) == (True, (), "social_fund", 5000)
    assert (sw.bulk, sw.candidates, sw.type, sw.amount_minor) == (True, (), "social_fund", 100000)


def test_missing_amount_is_none_not_zero() -> None:
    p = speech_entry("Joyce paid savings", EN, "KES", "en")
    assert p.amount_minor is None and p.type == "savings" and [c.name for c in p.candidates] == ["Joyce Chebet"]


def test_keypad_forms() -> None:
    full = keypad_entry("4*1*200", EN, "KES")
    assert full is not None and (full.candidates[0].name, full.type, full.amount_minor) == ("Faith Njeri", "savings",
                                                                                           20000)
    part = keypad_entry("10*6", EN, "KES")
    assert part is not None and (part.candidates[0].name, part.type, part.amount_minor) == ("Beatrice Auma", "fine",
                                                                                           None)
    ugx = keypad_entry("1*1*5000", EN, "UGX")  # no minor unit
    assert ugx is not None and ugx.amount_minor == 5000
    assert keypad_entry("99*1*200", EN, "KES") is None  # not on the roster
    assert keypad_entry("1*2*3*4", EN, "KES") is None
    bad_type = keypad_entry("1*9*100", EN, "KES")
    assert bad_type is not None and bad_type.type is None  # asked again, alone


@pytest.mark.parametrize(("text", "intent", "cmd"), [
    ("undo the last one", None, "undo"), ("futa ya mwisho", None, "undo"), ("read everything", None, "read_all"),
    ("what is the total", None, "total"), ("jumla ni ngapi", None, "total"), ("finish", None, "finish"),
    ("tumemaliza", None, "finish"), ("remove it", "undo_last", "undo"), ("mary paid", "record_transaction", None),
])  # fmt: skip
def test_commands(text: str, intent: str | None, cmd: str | None) -> None:
    assert command_of(text, intent) == cmd
