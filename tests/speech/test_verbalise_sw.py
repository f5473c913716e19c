"""Swahili verbaliser tables: every case is an exact expected string (numbers, money, dates, the Swahili clock)."""

from __future__ import annotations

import datetime as dt

import pytest

from speech.verbalise import date_words, money_words, number_words, time_words, weekday_words

NUMBERS = [
    (0, "sifuri"),
    (1, "moja"),
    (2, "mbili"),
    (3, "tatu"),
    (4, "nne"),
    (5, "tano"),
    (6, "sita"),
    (7, "saba"),
    (8, "nane"),
    (9, "tisa"),
    (10, "kumi"),
    (11, "kumi na moja"),
    (12, "kumi na mbili"),
    (15, "kumi na tano"),
    (19, "kumi na tisa"),
    (20, "ishirini"),
    (21, "ishirini na moja"),
    (30, "thelathini"),
    (34, "thelathini na nne"),
    (40, "arobaini"),
    (47, "arobaini na saba"),
    (50, "hamsini"),
    (56, "hamsini na sita"),
    (60, "sitini"),
    (68, "sitini na nane"),
    (70, "sabini"),
    (75, "sabini na tano"),
    (80, "themanini"),
    (83, "themanini na tatu"),
    (90, "tisini"),
    (99, "tisini na tisa"),
    (100, "mia moja"),
    (101, "mia moja na moja"),
    (110, "mia moja na kumi"),
    (111, "mia moja na kumi na moja"),
    (200, "mia mbili"),
    (250, "mia mbili na hamsini"),
    (999, "mia tisa na tisini na tisa"),
    (1000, "elfu moja"),
    (1001, "elfu moja na moja"),
    (1010, "elfu moja na kumi"),
    (1100, "elfu moja na mia moja"),
    (1500, "elfu moja na mia tano"),
    (2000, "elfu mbili"),
    (2026, "elfu mbili na ishirini na sita"),
    (5000, "elfu tano"),
    (10000, "elfu kumi"),
    (10002, "elfu kumi, na mbili"),
    (11000, "elfu kumi na moja"),
    (12000, "elfu kumi na mbili"),
    (12500, "elfu kumi na mbili na mia tano"),
    (20000, "elfu ishirini"),
    (20005, "elfu ishirini, na tano"),
    (20015, "elfu ishirini na kumi na tano"),
    (25000, "elfu ishirini na tano"),
    (50000, "elfu hamsini"),
    (99999, "elfu tisini na tisa na mia tisa na tisini na tisa"),
    (100000, "laki moja"),
    (100002, "laki moja na mbili"),
    (100500, "laki moja na mia tano"),
    (110005, "laki moja na elfu kumi, na tano"),
    (150000, "laki moja na elfu hamsini"),
    (200000, "laki mbili"),
    (350075, "laki tatu na elfu hamsini na sabini na tano"),
    (999999, "laki tisa na elfu tisini na tisa na mia tisa na tisini na tisa"),
    (1000000, "milioni moja"),
    (1000001, "milioni moja na moja"),
    (1500000, "milioni moja na laki tano"),
    (2000005, "milioni mbili na tano"),
    (2350075, "milioni mbili, laki tatu na elfu hamsini na sabini na tano"),
    (10000000, "milioni kumi"),
    (10000002, "milioni kumi, na mbili"),
    (12000000, "milioni kumi na mbili"),
    (100000000, "milioni mia moja"),
    (300000050, "milioni mia tatu, na hamsini"),
    (350000000, "milioni mia tatu na hamsini"),
    (1000000000, "bilioni moja"),
    (1000001000, "bilioni moja na elfu moja"),
    (2500000000, "bilioni mbili na milioni mia tano"),
    (-5, "hasi tano"),
    (-12500, "hasi elfu kumi na mbili na mia tano"),
    (
        999_999_999_999,
        "bilioni mia tisa na tisini na tisa, milioni mia tisa na tisini na tisa, "
        "laki tisa na elfu tisini na tisa na mia tisa na tisini na tisa",
    ),
]

MONEY = [
    (1250000, "TZS", False, "shilingi elfu kumi na mbili na mia tano"),
    (12500, "UGX", False, "shilingi elfu kumi na mbili na mia tano"),
    (0, "KES", False, "shilingi sifuri"),
    (100, "KES", False, "shilingi moja"),
    (50, "KES", False, "senti hamsini"),
    (1, "KES", False, "senti moja"),
    (50050, "KES", False, "shilingi mia tano na senti hamsini"),
    (10000000, "KES", False, "shilingi laki moja"),
    (235007500, "TZS", False, "shilingi milioni mbili, laki tatu na elfu hamsini na sabini na tano"),
    (150000, "INR", False, "rupia elfu moja na mia tano"),
    (150025, "INR", False, "rupia elfu moja na mia tano na paisa ishirini na tano"),
    (50000, "KES", True, "shilingi mia tano za Kenya"),
    (500, "UGX", True, "shilingi mia tano za Uganda"),
    (1000000, "TZS", True, "shilingi elfu kumi za Tanzania"),
    (50050, "KES", True, "shilingi mia tano za Kenya na senti hamsini"),
]

DATES = [
    (dt.date(2026, 11, 12), True, False, "Alhamisi, tarehe kumi na mbili Novemba"),
    (dt.date(2026, 11, 12), False, False, "tarehe kumi na mbili Novemba"),
    (dt.date(2026, 11, 12), True, True, "Alhamisi, tarehe kumi na mbili Novemba, mwaka elfu mbili na ishirini na sita"),
    (dt.date(2026, 1, 1), True, False, "Alhamisi, tarehe moja Januari"),
    (dt.date(2026, 2, 2), True, False, "Jumatatu, tarehe mbili Februari"),
    (dt.date(2026, 3, 3), True, False, "Jumanne, tarehe tatu Machi"),
    (dt.date(2026, 4, 15), True, False, "Jumatano, tarehe kumi na tano Aprili"),
    (dt.date(2026, 5, 22), True, False, "Ijumaa, tarehe ishirini na mbili Mei"),
    (dt.date(2026, 6, 6), True, False, "Jumamosi, tarehe sita Juni"),
    (dt.date(2026, 7, 19), True, False, "Jumapili, tarehe kumi na tisa Julai"),
    (dt.date(2026, 8, 31), False, False, "tarehe thelathini na moja Agosti"),
    (dt.date(2026, 9, 30), False, False, "tarehe thelathini Septemba"),
    (dt.date(2026, 10, 10), False, False, "tarehe kumi Oktoba"),
    (dt.date(2025, 12, 25), False, True, "tarehe ishirini na tano Desemba, mwaka elfu mbili na ishirini na tano"),
]

WEEKDAYS = ["Jumatatu", "Jumanne", "Jumatano", "Alhamisi", "Ijumaa", "Jumamosi", "Jumapili"]

TIMES = [
    ("00:00", "saa sita usiku"),
    ("01:00", "saa saba usiku"),
    ("04:59", "saa kumi na moja kasoro dakika moja usiku"),
    ("05:00", "saa kumi na moja asubuhi"),
    ("06:00", "saa kumi na mbili asubuhi"),
    ("07:00", "saa moja asubuhi"),
    ("07:30", "saa moja na nusu asubuhi"),
    ("09:00", "saa tatu asubuhi"),
    ("09:10", "saa tatu na dakika kumi asubuhi"),
    ("09:35", "saa nne kasoro dakika ishirini na tano asubuhi"),
    ("09:45", "saa nne kasoro robo asubuhi"),
    ("11:59", "saa sita kasoro dakika moja asubuhi"),
    ("12:00", "saa sita mchana"),
    ("12:01", "saa sita na dakika moja mchana"),
    ("13:00", "saa saba mchana"),
    ("14:30", "saa nane na nusu mchana"),
    ("15:00", "saa tisa alasiri"),
    ("16:15", "saa kumi na robo alasiri"),
    ("17:00", "saa kumi na moja jioni"),
    ("18:00", "saa kumi na mbili jioni"),
    ("18:45", "saa moja kasoro robo jioni"),
    ("19:00", "saa moja usiku"),
    ("19:15", "saa moja na robo usiku"),
    ("21:20", "saa tatu na dakika ishirini usiku"),
    ("23:50", "saa sita kasoro dakika kumi usiku"),
]


@pytest.mark.parametrize(("n", "words"), NUMBERS)
def test_numbers(n: int, words: str) -> None:
    assert number_words(n, "sw") == words


@pytest.mark.parametrize(("minor", "code", "country", "words"), MONEY)
def test_money(minor: int, code: str, country: bool, words: str) -> None:
    assert money_words(minor, code, "sw", with_country=country) == words


@pytest.mark.parametrize(("d", "weekday", "year", "words"), DATES)
def test_dates(d: dt.date, weekday: bool, year: bool, words: str) -> None:
    assert date_words(d, "sw", weekday=weekday, year=year) == words


@pytest.mark.parametrize(("index", "name"), list(enumerate(WEEKDAYS)))
def test_weekdays(index: int, name: str) -> None:
    assert weekday_words(index, "sw") == name
    assert weekday_words(dt.date(2026, 11, 23) + dt.timedelta(days=index), "sw") == name  # 23 Nov 2026 is a Monday


@pytest.mark.parametrize(("hhmm", "words"), TIMES)
def test_swahili_clock(hhmm: str, words: str) -> None:
    assert time_words(dt.time.fromisoformat(hhmm), "sw") == words


def test_seconds_are_ignored() -> None:
    assert time_words(dt.time(9, 0, 59), "sw") == "saa tatu asubuhi"


def test_table_size() -> None:
    assert len(NUMBERS) + len(MONEY) + len(DATES) + len(WEEKDAYS) + len(TIMES) >= 100
