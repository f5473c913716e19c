"""Position arithmetic against VSLA examples worked out by hand (the figures in the comments are the working)."""

from __future__ import annotations

from datetime import date

import pytest

from ledger_core import positions as p


def test_round_half_up_division() -> None:
    assert p.div_round_half_up(5, 10) == 1  # 0.5 -> 1
    assert p.div_round_half_up(4, 10) == 0  # 0.4 -> 0
    assert p.div_round_half_up(15, 10) == 2  # 1.5 -> 2
    assert p.div_round_half_up(0, 7) == 0
    with pytest.raises(ValueError):
        p.div_round_half_up(1, 0)


def test_flat_interest_kes_loan() -> None:
    # KES 5,000 at 5% a month flat for 3 months: 5,000 x 0.05 x 3 = KES 750 = 75,000 cents.
    assert p.flat_interest(500_000, 500, 3) == 75_000
    # 333 cents x 5% x 3 = 49.95 cents -> 50 (half up); 1 cent x 50% x 1 = 0.5 -> 1; 0.4999 -> 0.
    assert p.flat_interest(333, 500, 3) == 50
    assert p.flat_interest(1, 5000, 1) == 1
    assert p.flat_interest(1, 4999, 1) == 0


def test_installments_sum_to_total_with_remainder_last() -> None:
    # 575,000 / 3 = 191,666 rem 2 -> 191,666 + 191,666 + 191,668.
    assert p.installment_amounts(575_000, 3) == [191_666, 191_666, 191_668]
    assert p.installment_amounts(9, 3) == [3, 3, 3]
    with pytest.raises(ValueError):
        p.installment_amounts(100, 0)


def test_schedule_due_dates_clamp_to_month_end() -> None:
    sched = p.loan_schedule(500_000, 75_000, date(2026, 1, 31), 3)
    assert sched == [(date(2026, 2, 28), 191_666), (date(2026, 3, 31), 191_666), (date(2026, 4, 30), 191_668)]
    assert p.add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)  # leap year


def test_shares_only_for_vsla() -> None:
    # Share price KES 100: 3 + 2 shares bought plus KES 50 saved = KES 550 -> 5 whole shares.
    assert p.shares_of(55_000, 10_000, "VSLA") == 5
    assert p.shares_of(55_000, 10_000, "SACCO") == 0
    assert p.shares_of(55_000, 0, "VSLA") == 0


def test_loan_state_current_overdue_repaid() -> None:
    sched = p.loan_schedule(500_000, 75_000, date(2026, 1, 31), 3)
    # Paid the first installment: next is 31 Mar for 191,666; outstanding 575,000 - 191,666 = 383,334.
    state = p.loan_state(500_000, 75_000, sched, 191_666, today=date(2026, 3, 15))
    assert state == p.LoanState(383_334, date(2026, 3, 31), 191_666, "current", (), date(2026, 3, 31), 191_666)
    assert p.loan_state(500_000, 75_000, sched, 191_666, today=date(2026, 4, 1)).status == "overdue"
    # Paid 200,000: the first installment covered, 8,334 toward the second -> 183,332 still owed on it.
    partial = p.loan_state(500_000, 75_000, sched, 200_000, today=date(2026, 3, 1))
    assert (partial.next_due_date, partial.next_due_amount_minor, partial.outstanding_minor) == (
        date(2026, 3, 31), 183_332, 375_000)
    # Nothing paid and the first installment (28 Feb) is past: overdue for 191,666.
    late = p.loan_state(500_000, 75_000, sched, 0, today=date(2026, 3, 1))
    assert (late.status, late.next_due_date, late.next_due_amount_minor) == ("overdue", date(2026, 2, 28), 191_666)
    assert p.loan_state(500_000, 75_000, sched, 575_000, today=date(2026, 3, 1)) == p.LoanState(0, None, None, "repaid")


def test_past_due_installments_are_all_counted_and_the_next_upcoming_one_named() -> None:
    sched = p.loan_schedule(300_000, 0, date(2026, 1, 10), 3)  # 100,000 due 10 Feb, 10 Mar, 10 Apr
    # Two installments past due, 30,000 paid toward the first: 70,000 + 100,000 owed, then 10 April.
    state = p.loan_state(300_000, 0, sched, 30_000, today=date(2026, 3, 20))
    assert state.past_due == ((date(2026, 2, 10), 70_000), (date(2026, 3, 10), 100_000))
    assert (state.upcoming_date, state.upcoming_amount_minor) == (date(2026, 4, 10), 100_000)
    assert (state.status, state.next_due_date, state.next_due_amount_minor) == ("overdue", date(2026, 2, 10), 70_000)
    # Everything past due: no upcoming installment.
    every = p.loan_state(300_000, 0, sched, 0, today=date(2026, 5, 1))
    assert len(every.past_due) == 3 and every.upcoming_date is None
    # Due today is not past due.
    today = p.loan_state(300_000, 0, sched, 0, today=date(2026, 2, 10))
    assert today.past_due == () and today.upcoming_date == date(2026, 2, 10)


def test_member_totals() -> None:
    totals = p.member_totals([
        ("share_purchase", 30_000), ("share_purchase", 20_000), ("savings", 5_000),
        ("social_fund", 2_000), ("social_fund", 2_000),
        ("fine", 5_000), ("fine", 5_000), ("fine_payment", 5_000),
        ("withdrawal", 15_000),
        ("loan_disbursement", 40_000), ("loan_repayment", 10_000),  # loans do not touch savings
    ])
    # savings 30,000 + 20,000 + 5,000 - 15,000 = 40,000 (4 shares at 10,000); fines 10,000 - 5,000 = 5,000 due.
    assert totals.savings_minor == 40_000
    assert p.shares_of(totals.savings_minor, 10_000, "VSLA") == 4
    assert totals.social_fund_minor == 4_000
    assert totals.fines_due_minor == 5_000


def test_group_totals_cash_in_box() -> None:
    g = p.group_totals([
        ("share_purchase", 30_000), ("share_purchase", 20_000),  # A and B buy shares: savings in 50,000
        ("social_fund", 2_000), ("social_fund", 2_000),
        ("fine", 5_000), ("fine_payment", 5_000),  # the fine itself moves no cash; its payment does
        ("loan_disbursement", 40_000), ("loan_repayment", 10_000),
        ("withdrawal", 3_000), ("social_fund_payout", 1_000),
    ])
    # cash = 50,000 + 4,000 + 5,000 + 10,000 - 40,000 - 3,000 - 1,000 = 25,000
    assert g.cash_in_box_minor == 25_000
    assert g.savings_minor == 47_000  # 50,000 - 3,000
    assert g.social_fund_balance_minor == 3_000  # 4,000 - 1,000
    assert g.fines_collected_minor == 5_000


def test_no_floats_anywhere() -> None:
    sched = p.loan_schedule(123_457, p.flat_interest(123_457, 275, 5), date(2026, 5, 15), 5)
    assert all(type(amount) is int for _, amount in sched)
    assert sum(amount for _, amount in sched) == 123_457 + p.flat_interest(123_457, 275, 5)
