"""English verbaliser tables: every case is an exact expected string (numbers, money, dates, times)."""

from __future__ import annotations

import datetime as dt

import pytest

from speech.verbalise import date_words, money_words, number_words, time_words, weekday_words

NUMBERS = [
    (0, "zero"),
    (1, "one"),
    (2, "two"),
    (3, "three"),
    (4, "four"),
    (5, "five"),
    (6, "six"),
    (7, "seven"),
    (8, "eight"),
    (9, "nine"),
    (10, "ten"),
    (11, "eleven"),
    (12, "twelve"),
    (13, "thirteen"),
    (14, "fourteen"),
    (15, "fifteen"),
    (16, "sixteen"),
    (17, "seventeen"),
    (18, "eighteen"),
    (19, "nineteen"),
    (20, "twenty"),
    (21, "twenty-one"),
    (30, "thirty"),
    (40, "forty"),
    (45, "forty-five"),
    (50, "fifty"),
    (60, "sixty"),
    (70, "seventy"),
    (80, "eighty"),
    (88, "eighty-eight"),
    (90, "ninety"),
    (99, "ninety-nine"),
    (100, "one hundred"),
    (101, "one hundred and one"),
    (110, "one hundred and ten"),
    (115, "one hundred and fifteen"),
    (200, "two hundred"),
    (999, "nine hundred and ninety-nine"),
    (1000, "one thousand"),
    (1001, "one thousand and one"),
    (1010, "one thousand and ten"),
    (1100, "one thousand one hundred"),
    (1234, "one thousand two hundred and thirty-four"),
    (2026, "two thousand and twenty-six"),
    (10000, "ten thousand"),
    (10002, "ten thousand and two"),
    (12000, "twelve thousand"),
    (12500, "twelve thousand five hundred"),
    (99999, "ninety-nine thousand nine hundred and ninety-nine"),
    (100000, "one hundred thousand"),
    (100001, "one hundred thousand and one"),
    (150000, "one hundred and fifty thousand"),
    (999999, "nine hundred and ninety-nine thousand nine hundred and ninety-nine"),
    (1000000, "one million"),
    (1000001, "one million and one"),
    (1500000, "one million five hundred thousand"),
    (2350075, "two million three hundred and fifty thousand and seventy-five"),
    (10000000, "ten million"),
    (100000000, "one hundred million"),
    (1000000000, "one billion"),
    (2500000000, "two billion five hundred million"),
    (-5, "minus five"),
    (-1000, "minus one thousand"),
    (
        999_999_999_999,
        "nine hundred and ninety-nine billion nine hundred and ninety-nine million "
        "nine hundred and ninety-nine thousand nine hundred and ninety-nine",
    ),
]

MONEY = [
    (1250000, "TZS", False, "twelve thousand five hundred shillings"),
    (12500, "UGX", False, "twelve thousand five hundred shillings"),
    (0, "KES", False, "zero shillings"),
    (100, "KES", False, "one shilling"),
    (50, "KES", False, "fifty cents"),
    (1, "KES", False, "one cent"),
    (50050, "KES", False, "five hundred shillings and fifty cents"),
    (101, "KES", False, "one shilling and one cent"),
    (235007500, "TZS", False, "two million three hundred and fifty thousand and seventy-five shillings"),
    (150000, "INR", False, "one thousand five hundred rupees"),
    (150025, "INR", False, "one thousand five hundred rupees and twenty-five paise"),
    (101, "INR", False, "one rupee and one paisa"),
    (50000, "KES", True, "five hundred Kenyan shillings"),
    (500, "UGX", True, "five hundred Ugandan shillings"),
    (1000000, "TZS", True, "ten thousand Tanzanian shillings"),
    (100, "TZS", True, "one Tanzanian shilling"),
    (50000, "INR", True, "five hundred Indian rupees"),
]

DATES = [
    (dt.date(2026, 11, 12), True, False, "Thursday, the twelfth of November"),
    (dt.date(2026, 11, 12), False, False, "the twelfth of November"),
    (dt.date(2026, 11, 12), True, True, "Thursday, the twelfth of November, two thousand and twenty-six"),
    (dt.date(2026, 1, 1), True, False, "Thursday, the first of January"),
    (dt.date(2026, 2, 2), True, False, "Monday, the second of February"),
    (dt.date(2026, 3, 3), True, False, "Tuesday, the third of March"),
    (dt.date(2026, 4, 15), True, False, "Wednesday, the fifteenth of April"),
    (dt.date(2026, 5, 22), True, False, "Friday, the twenty-second of May"),
    (dt.date(2026, 6, 6), True, False, "Saturday, the sixth of June"),
    (dt.date(2026, 7, 19), True, False, "Sunday, the nineteenth of July"),
    (dt.date(2026, 8, 31), False, False, "the thirty-first of August"),
    (dt.date(2026, 9, 30), False, False, "the thirtieth of September"),
    (dt.date(2026, 10, 20), False, False, "the twentieth of October"),
    (dt.date(2026, 10, 23), False, False, "the twenty-third of October"),
    (dt.date(2025, 12, 25), False, True, "the twenty-fifth of December, two thousand and twenty-five"),
]

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

TIMES = [
    ("00:00", "midnight"),
    ("00:30", "twelve thirty at night"),
    ("01:00", "one at night"),
    ("04:59", "four fifty-nine at night"),
    ("05:00", "five in the morning"),
    ("06:00", "six in the morning"),
    ("09:00", "nine in the morning"),
    ("09:05", "nine oh five in the morning"),
    ("09:45", "nine forty-five in the morning"),
    ("11:59", "eleven fifty-nine in the morning"),
    ("12:00", "twelve noon"),
    ("12:15", "twelve fifteen in the afternoon"),
    ("14:30", "two thirty in the afternoon"),
    ("16:59", "four fifty-nine in the afternoon"),
    ("17:00", "five in the evening"),
    ("19:15", "seven fifteen in the evening"),
    ("20:59", "eight fifty-nine in the evening"),
    ("21:00", "nine at night"),
    ("23:10", "eleven ten at night"),
]


@pytest.mark.parametrize(("n", "words"), NUMBERS)
def test_numbers(n: int, words: str) -> None:
    assert number_words(n, "en") == words


@pytest.mark.parametrize(("minor", "code", "country", "words"), MONEY)
def test_money(minor: int, code: str, country: bool, words: str) -> None:
    assert money_words(minor, code, "en", with_country=country) == words


@pytest.mark.parametrize(("d", "weekday", "year", "words"), DATES)
def test_dates(d: dt.date, weekday: bool, year: bool, words: str) -> None:
    assert date_words(d, "en", weekday=weekday, year=year) == words


@pytest.mark.parametrize(("index", "name"), list(enumerate(WEEKDAYS)))
def test_weekdays(index: int, name: str) -> None:
    assert weekday_words(index, "en") == name
    assert weekday_words(dt.date(2026, 11, 23) + dt.timedelta(days=index), "en") == name  # a Monday


@pytest.mark.parametrize(("hhmm", "words"), TIMES)
def test_times(hhmm: str, words: str) -> None:
    assert time_words(dt.time.fromisoformat(hhmm), "en") == words


def test_table_size() -> None:
    assert len(NUMBERS) + len(MONEY) + len(DATES) + len(WEEKDAYS) + len(TIMES) >= 100
