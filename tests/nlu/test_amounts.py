"""Table tests: spoken/written money -> integer minor units, per language; anything else -> None."""

from __future__ import annotations

import pytest

from nlu.normalise.amounts import find_amount, parse_amount

# (text, currency, expected minor units or None)
EN: list[tuple[str, str, int | None]] = [
    ("five hundred shillings", "KES", 50_000),
    ("five hundred", "KES", 50_000),
    ("two thousand five hundred", "KES", 250_000),
    ("twenty five hundred", "KES", 250_000),
    ("2,500", "KES", 250_000),
    ("2500", "KES", 250_000),
    ("two point five thousand", "KES", 250_000),
    ("2.5k", "KES", 250_000),
    ("2.5 thousand", "KES", 250_000),
    ("ksh 2,500", "KES", 250_000),
    ("ksh.2,500/=", "KES", 250_000),
    ("kes 500", "KES", 50_000),
    ("500 bob", "KES", 50_000),
    ("one hundred", "KES", 10_000),
    ("a hundred", "KES", 10_000),
    ("hundred", "KES", 10_000),
    ("a thousand", "KES", 100_000),
    ("one thousand", "KES", 100_000),
    ("thousand shillings", "KES", 100_000),
    ("ten thousand", "KES", 1_000_000),
    ("fifteen hundred", "KES", 150_000),
    ("one thousand five hundred", "KES", 150_000),
    ("one thousand and fifty", "KES", 105_000),
    ("two hundred and five", "KES", 20_500),
    ("two hundred five", "KES", 20_500),
    ("three hundred and twenty", "KES", 32_000),
    ("ninety nine", "KES", 9_900),
    ("forty", "KES", 4_000),
    ("fifty shillings", "KES", 5_000),
    ("twelve thousand three hundred and forty five", "KES", 1_234_500),
    ("one hundred thousand", "KES", 10_000_000),
    ("two hundred and fifty thousand", "KES", 25_000_000),
    ("one million", "KES", 100_000_000),
    ("a million", "KES", 100_000_000),
    ("one and a half million", "KES", 150_000_000),
    ("a million and a half", "KES", 150_000_000),
    ("one point two million", "KES", 120_000_000),
    ("1.2m", "KES", 120_000_000),
    ("two million three hundred thousand", "KES", 230_000_000),
    ("five hundred shillings and fifty cents", "KES", 50_050),
    ("fifty cents", "KES", 50),
    ("ten shillings fifty cents", "KES", 1_050),
    ("twenty 5", "KES", None),
    ("one thousand only", "KES", 100_000),
    ("1,000,000", "KES", 100_000_000),
    ("7", "KES", 700),
    ("seven", "KES", 700),
    ("zero", "KES", 0),
    ("five hundred shillings", "UGX", 500),
    ("twenty five thousand", "UGX", 25_000),
    ("2.5k", "UGX", 2_500),
    ("five hundred rupees", "INR", 50_000),
    ("five hundred shillings", "TZS", 50_000),
    ("two point five shillings", "UGX", None),  # half a shilling is not money in UGX (no minor unit)
    ("five hundred bananas", "KES", None),
    ("hello", "KES", None),
    ("", "KES", None),
    ("shillings", "KES", None),
    ("one two", "KES", None),
    ("five five hundred", "KES", None),
    ("hundred hundred", "KES", None),
    ("thousand million", "KES", None),
    ("two hundred cents", "KES", None),  # cents past a shilling's worth: not a way anyone says money
    ("point", "KES", None),
    ("five thousand and a lot", "KES", None),
]

SW: list[tuple[str, str, int | None]] = [
    ("elfu mbili na mia tano", "KES", 250_000),
    ("shilingi elfu mbili mia tano", "KES", 250_000),
    ("elfu mbili mia tano", "KES", 250_000),
    ("laki moja", "KES", 10_000_000),
    ("laki", "KES", 10_000_000),
    ("milioni moja na nusu", "KES", 150_000_000),
    ("milioni moja", "KES", 100_000_000),
    ("milioni", "KES", 100_000_000),
    ("elfu 2", "KES", 200_000),
    ("shilingi elfu 2", "KES", 200_000),
    ("elfu 2 mia 5", "KES", 250_000),
    ("mia tano", "KES", 50_000),
    ("shilingi mia tano", "KES", 50_000),
    ("mia", "KES", 10_000),
    ("mia moja", "KES", 10_000),
    ("mia moja na hamsini", "KES", 15_000),
    ("mia mbili na ishirini na tano", "KES", 22_500),
    ("elfu", "KES", 100_000),
    ("elfu moja", "KES", 100_000),
    ("elfu kumi", "KES", 1_000_000),
    ("elfu kumi na tano", "KES", 1_500_000),
    ("elfu kumi na mia tano", "KES", 1_050_000),
    ("elfu ishirini na tano", "KES", 2_500_000),
    ("elfu mbili na nusu", "KES", 250_000),
    ("elfu mia tatu", "KES", 30_000_000),
    ("elfu mia moja na hamsini", "KES", 15_000_000),
    ("laki mbili", "KES", 20_000_000),
    ("laki mbili na elfu hamsini", "KES", 25_000_000),
    ("laki tatu elfu ishirini", "KES", 32_000_000),
    ("milioni mbili", "KES", 200_000_000),
    ("milioni mbili nukta tano", "KES", 250_000_000),
    ("milioni 2.5", "KES", 250_000_000),
    ("milioni moja laki tano", "KES", 150_000_000),
    ("kumi", "KES", 1_000),
    ("kumi na tano", "KES", 1_500),
    ("ishirini", "KES", 2_000),
    ("hamsini", "KES", 5_000),
    ("thelathini na tatu", "KES", 3_300),
    ("tisini na tisa", "KES", 9_900),
    ("tano", "KES", 500),
    ("moja", "KES", 100),
    ("sifuri", "KES", 0),
    ("2,500", "KES", 250_000),
    ("shilingi 500", "KES", 50_000),
    ("500 shilingi", "KES", 50_000),
    ("tsh 1000", "TZS", 100_000),
    ("elfu tano", "TZS", 500_000),
    ("elfu tano", "UGX", 5_000),
    ("laki moja", "UGX", 100_000),
    ("shilingi elfu moja na senti hamsini", "KES", 100_050),
    ("senti hamsini", "KES", 50),
    ("elfu mbili tu", "KES", 200_000),
    ("shilingi elfu tatu za akiba", "KES", None),  # "akiba" is not an amount word: find_amount handles sentences
    ("two thousand", "KES", 200_000),  # English numbers inside Swahili speech
    ("elfu mbili ndizi", "KES", None),
    ("habari", "KES", None),
    ("", "KES", None),
    ("shilingi", "KES", None),
    ("mia mia", "KES", None),
    ("tano tano", "KES", None),
    ("kumi kumi", "KES", None),
    ("nukta", "KES", None),
    ("na", "KES", None),
]


@pytest.mark.parametrize(("text", "cur", "expected"), EN)
def test_english_amounts(text: str, cur: str, expected: int | None) -> None:
    assert parse_amount(text, cur, "en") == expected


@pytest.mark.parametrize(("text", "cur", "expected"), SW)
def test_swahili_amounts(text: str, cur: str, expected: int | None) -> None:
    assert parse_amount(text, cur, "sw") == expected


def test_tables_are_big_enough() -> None:
    assert len(EN) >= 60 and len(SW) >= 60


@pytest.mark.parametrize(
    ("utterance", "lang", "expected"),
    [
        ("mary paid five hundred shillings savings", "en", 50_000),
        ("uh john two thousand five hundred for shares", "en", 250_000),
        ("record ksh 2,500 for grace", "en", 250_000),
        ("mary amelipa shilingi elfu mbili na mia tano akiba", "sw", 250_000),
        ("peter amelipa mkopo elfu tatu", "sw", 300_000),
        ("halima akiba elfu 2", "sw", 200_000),
        ("how much have i saved", "en", None),
        ("remove the last one", "en", None),
        ("one more time", "en", None),
        ("mara moja tena", "sw", None),
        ("paul repaid one thousand", "en", 100_000),
        ("one shilling", "en", 100),
        ("akiba yangu", "sw", None),
    ],
)
def test_find_amount_in_utterance(utterance: str, lang: str, expected: int | None) -> None:
    found = find_amount(utterance, "KES", lang)
    assert (found.minor if found else None) == expected
    if found:
        assert found.currency == "KES"


def test_unknown_currency_is_an_error() -> None:
    with pytest.raises(ValueError, match="unsupported currency"):
        parse_amount("five hundred", "XYZ", "en")
