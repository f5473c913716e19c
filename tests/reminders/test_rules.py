"""The reminder rules: due times in the group's timezone, who gets what, keys that make planning idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from ivr.reminders.config import RemindersSettings
from ivr.reminders.rules import candidates, nudge_candidates
from tests.fakes.reminder_fakes import FakeLedgerReads, group_info, meeting, repayment, roster


def test_meeting_rules_call_every_member_the_evening_before_and_hours_before() -> None:
    g = group_info("g-t", "Africa/Dar_es_Salaam", currency="TZS", language="sw")
    found = candidates([meeting("g-t", date(2026, 11, 28), when="10:00")], {"g-t": g}, {"g-t": roster("g-t", 3, "sw")},
                       RemindersSettings(meeting_hours_before=2))
    assert len(found) == 6
    eve = [c for c in found if c.rule == "meeting_eve"]
    assert {c.due_at for c in eve} == {datetime(2026, 11, 27, 15, 0, tzinfo=UTC)}  # 18:00 Friday in Dar
    soon = [c for c in found if c.rule == "meeting_soon"]
    assert {c.due_at for c in soon} == {datetime(2026, 11, 28, 5, 0, tzinfo=UTC)}  # 08:00, two hours before 10:00
    assert {c.expires_at for c in found} == {datetime(2026, 11, 28, 7, 0, tzinfo=UTC)}  # the meeting starts
    assert {c.language for c in found} == {"sw"} and {c.place for c in found} == {"the church hall"}
    assert len({c.key for c in found}) == 6 and all(c.amount_minor is None for c in found)


def test_repayment_rules_go_to_the_borrower_only_days_before_and_on_the_day() -> None:
    g = group_info("g-k", "Africa/Nairobi")
    event = repayment("g-k", "g-k-m2", date(2026, 12, 1), 175000, loan_id="L9")
    found = candidates([event], {"g-k": g}, {"g-k": roster("g-k", 4)},
                       RemindersSettings(repayment_days_before=2, repayment_at=time(9, 0)))
    assert [(c.rule, c.member_id, c.due_at) for c in found] == [
        ("repayment_before", "g-k-m2", datetime(2026, 11, 29, 6, 0, tzinfo=UTC)),
        ("repayment_day", "g-k-m2", datetime(2026, 12, 1, 6, 0, tzinfo=UTC)),
    ]
    before, day = found
    assert before.expires_at == datetime(2026, 11, 29, 21, 0, tzinfo=UTC)  # the end of that local day
    assert day.expires_at == datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
    assert before.amount_minor == 175000 and before.key != day.key
    off = candidates([event], {"g-k": g}, {"g-k": roster("g-k", 4)},
                     RemindersSettings(repayment_days_before=0, repayment_on_day=False))
    assert off == []


async def test_a_repaid_loan_earns_one_nudge_keyed_by_the_loan() -> None:
    g = group_info("g-k", "Africa/Nairobi")
    lg = FakeLedgerReads({"g-k": g}, {"g-k": roster("g-k", 2)}, repaid_loans={"g-k-m1": ["L1"]})
    member = lg.rosters["g-k"].members[0]
    position = await lg.member_position("g-k", "g-k-m1")
    monday = nudge_candidates(position, member, g, date(2026, 11, 23), RemindersSettings())
    tuesday = nudge_candidates(position, member, g, date(2026, 11, 24), RemindersSettings())
    assert [c.rule for c in monday] == ["nudge_loan_repaid"]
    assert monday[0].key == tuesday[0].key  # the same loan: planned once, whatever the day
    assert monday[0].due_at == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 10:00 local
    assert nudge_candidates(position, member, g, date(2026, 11, 23), RemindersSettings(nudge_loan_repaid=False)) == []
