"""Table tests for transaction-type words and spoken dates (English and Swahili), relative to a fixed today."""

from __future__ import annotations

from datetime import date

import pytest

from nlu.normalise.dates import resolve_date
from nlu.normalise.transactions import TransactionType as T
from nlu.normalise.transactions import transaction_type

TX: list[tuple[str, T | None]] = [
    ("akiba", T.SAVINGS),
    ("mary ameweka akiba mia tano", T.SAVINGS),
    ("savings", T.SAVINGS),
    ("rose deposited one thousand", T.SAVINGS),
    ("hisa", T.SHARES),
    ("john hisa elfu mbili", T.SHARES),
    ("ann bought three shares", T.SHARES),
    ("mfuko wa jamii", T.SOCIAL_FUND),
    ("james mfuko wa jamii mia mbili", T.SOCIAL_FUND),
    ("social fund", T.SOCIAL_FUND),
    ("welfare two hundred", T.SOCIAL_FUND),
    ("kulipa mkopo", T.LOAN_REPAYMENT),
    ("paul kulipa mkopo elfu moja", T.LOAN_REPAYMENT),
    ("peter amelipa mkopo elfu tatu", T.LOAN_REPAYMENT),
    ("peter repaid loan three thousand", T.LOAN_REPAYMENT),
    ("esther paid two thousand for her loan", T.LOAN_REPAYMENT),
    ("loan repayment fifteen hundred", T.LOAN_REPAYMENT),
    ("mpe joseph mkopo wa elfu kumi", T.LOAN_DISBURSEMENT),
    ("john amechukua mkopo wa elfu tano", T.LOAN_DISBURSEMENT),
    ("john took a loan of five thousand", T.LOAN_DISBURSEMENT),
    ("new loan for grace", T.LOAN_DISBURSEMENT),
    ("mkopo mpya", T.LOAN_DISBURSEMENT),
    ("faini", T.FINE),
    ("wanjiru faini mia mbili", T.FINE),
    ("david fine fifty shillings", T.FINE),
    ("penalty", T.FINE),
    ("ametoa akiba", T.WITHDRAWAL),
    ("withdrawal of five hundred", T.WITHDRAWAL),
    ("loan", None),  # new loan or repayment? the dialog asks
    ("mkopo", None),
    ("mary five hundred", None),
    ("savings and a fine", None),  # two different types: ask, don't pick one
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), TX)
def test_transaction_types(text: str, expected: T | None) -> None:
    assert transaction_type(text) == expected


TODAY = date(2026, 11, 26)  # a Thursday

DATES: list[tuple[str, date | None]] = [
    ("today", date(2026, 11, 26)),
    ("leo", date(2026, 11, 26)),
    ("tomorrow", date(2026, 11, 27)),
    ("kesho", date(2026, 11, 27)),
    ("kesho kutwa", date(2026, 11, 28)),
    ("the day after tomorrow", date(2026, 11, 28)),
    ("yesterday", date(2026, 11, 25)),
    ("jana", date(2026, 11, 25)),
    ("juzi", date(2026, 11, 24)),
    ("next tuesday", date(2026, 12, 1)),
    ("jumanne ijayo", date(2026, 12, 1)),
    ("on tuesday", date(2026, 12, 1)),
    ("jumamosi", date(2026, 11, 28)),
    ("i will pay on saturday", date(2026, 11, 28)),
    ("nitalipa ijumaa", date(2026, 11, 27)),
    ("thursday", date(2026, 11, 26)),  # today is Thursday
    ("next thursday", date(2026, 12, 3)),
    ("alhamisi ijayo", date(2026, 12, 3)),
    ("last friday", date(2026, 11, 20)),
    ("ijumaa iliyopita", date(2026, 11, 20)),
    ("last thursday", date(2026, 11, 19)),
    ("next week", date(2026, 12, 3)),
    ("wiki ijayo", date(2026, 12, 3)),
    ("next week tuesday", date(2026, 12, 1)),
    ("jumatatu wiki ijayo", date(2026, 11, 30)),
    ("the meeting of 12 november", date(2026, 11, 12)),
    ("the meeting of the twelfth of november", date(2026, 11, 12)),
    ("november 12", date(2026, 11, 12)),
    ("12th november", date(2026, 11, 12)),
    ("tarehe 12 novemba", date(2026, 11, 12)),
    ("mkutano wa tarehe kumi na mbili novemba", date(2026, 11, 12)),
    ("the twenty first of december", date(2026, 12, 21)),
    ("3rd january", date(2027, 1, 3)),  # the nearest one: next month, not last January
    ("tarehe tano januari", date(2027, 1, 5)),
    ("30 february", None),
    ("how much have i saved", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_dates(text: str, expected: date | None) -> None:
    assert resolve_date(text, TODAY) == expected
