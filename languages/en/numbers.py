"""English numbers as callers say them: the recogniser's number/amount/date grammar and the words-to-value parser.

The pack interface for numbers (documented in languages/__init__.py): DIGITS, WORDS, parse, grammar,
currency_words, amount_grammar, MONEY, DATES, date_grammar. Grammars are built with the rules module handed in
(speech.grammar.rules), so this package never imports speech.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import languages

_V: Any = languages.get(Path(__file__).parent.name).module("verbalise")

UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
SCALES: dict[str, int] = {
    "thousand": 1000, "k": 1000, "grand": 1000, "million": 1_000_000, "m": 1_000_000, "billion": 1_000_000_000,
}  # fmt: skip
HUNDRED = {"hundred": 100}
POINT = {"point"}
FILLERS = {"and", "a", "an"}

# digit word -> digit, for digit strings ("zero seven seven one"; "oh" as in phone numbers)
DIGITS: dict[str, str] = {**{w: str(i) for i, w in enumerate(_V.UNITS[:10])}, "oh": "0"}
# tokens that can be part of a spoken number
WORDS: frozenset[str] = frozenset({*UNITS, *TENS, *SCALES, *HUNDRED, *POINT, "half"})
# Money words of the language for the amount normaliser (nlu/normalise/amounts.py takes every pack's).
MONEY: dict[str, list[str]] = {
    "major": ["shilling", "shillings", "bob", "ksh", "kes", "kshs", "tsh", "tzs", "ugx", "shs", "sh", "rupee",
              "rupees", "rs", "inr", "ksh's"],
    "minor": ["cent", "cents", "paise", "paisa"],
    "fillers": ["and", "a", "of", "only"],
    # "the last one": a lone "one" is a determiner, not money, unless a currency word is with it
    "determiners": ["one"],
}
# Date words for nlu/normalise/dates.py (every pack's are merged: callers mix languages).
DATES: dict[str, Any] = {
    "weekdays": {w.lower(): i for i, w in enumerate(_V.WEEKDAYS)},
    "months": {**{m.lower(): i + 1 for i, m in enumerate(_V.MONTHS)},
               "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
               "nov": 11, "dec": 12},
    "relative": {"day after tomorrow": 2, "the day after tomorrow": 2, "day before yesterday": -2, "today": 0,
                 "tonight": 0, "tomorrow": 1, "yesterday": -1, "next week": 7, "last week": -7},
    "next_week": ["next week"],  # "next week tuesday": that weekday of next week
    "next": ["next", "coming"],
    "last": ["last", "previous", "past"],
    "ordinals": {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                 "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
                 "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
                 "nineteenth": 19, "twentieth": 20, "thirtieth": 30},
    "day_fillers": ["the", "of", "on"],
}


def parse(tokens: list[str], digits_value: Callable[[str], Fraction | None]) -> Fraction:
    """English number words (and digits) to a value: 'twenty five hundred' = 2500, 'two point five thousand' = 2500.
    Raises ValueError when the words are not (entirely) a number."""
    if not tokens:
        raise ValueError("empty")
    total = Fraction(0)
    current: Fraction | None = None
    last_scale = 10**12
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        dv = digits_value(tok)
        if dv is not None:
            if current is not None and current % 100 != 0:
                raise ValueError(f"two numbers in a row near {tok!r}")
            current = (current or Fraction(0)) + dv
        elif tok in UNITS:
            # a unit may follow nothing, a hundred ("two hundred five") or a ten ("twenty five"), not another unit
            if current is not None and current % 100 != 0 and (current % 100 < 20 or current % 10 != 0):
                raise ValueError(f"two numbers in a row near {tok!r}")
            current = (current or Fraction(0)) + UNITS[tok]
        elif tok in TENS:
            if current is not None and current % 100 != 0:
                raise ValueError(f"two numbers in a row near {tok!r}")
            current = (current or Fraction(0)) + TENS[tok]
        elif tok in HUNDRED:
            base = current if current is not None else Fraction(1)
            hundreds, rest = divmod(base, 100) if base >= 100 else (0, base)
            if hundreds:  # "one hundred hundred" is not a number
                raise ValueError("hundred after hundred")
            current = rest * 100
        elif tok in SCALES:
            scale = SCALES[tok]
            if scale >= last_scale:
                raise ValueError(f"{tok!r} after a larger or equal scale")
            base = current if current is not None else Fraction(1)
            total += base * scale
            current = None
            last_scale = scale
        elif tok in POINT:
            frac_digits: list[str] = []
            j = i + 1
            while j < len(tokens) and ((tokens[j] in UNITS and UNITS[tokens[j]] < 10) or tokens[j].isdigit()):
                frac_digits.append(str(UNITS.get(tokens[j], tokens[j])))
                j += 1
            if not frac_digits:
                raise ValueError("'point' without digits")
            current = (current or Fraction(0)) + Fraction(f"0.{''.join(frac_digits)}")
            i = j
            continue
        elif tok == "half" and i > 0 and tokens[i - 1] == "a":
            # "one and a half thousand" (half of the next scale) or "a million and a half" (half of the last one)
            if nxt in SCALES:
                current = (current or Fraction(0)) + Fraction(1, 2)
            elif last_scale < 10**12 and current is None:
                total += Fraction(last_scale, 2)
            else:
                current = (current or Fraction(0)) + Fraction(1, 2)
        elif tok in FILLERS:
            pass
        else:
            raise ValueError(f"not a number word: {tok!r}")
        i += 1
    if current is None and total == 0 and not any(t in SCALES or t in UNITS or digits_value(t) for t in tokens):
        raise ValueError("no number in the words")
    return total + (current or Fraction(0))


def grammar(r: Any) -> Any:
    """Cardinals as said (0 .. hundreds of millions), plus "twenty five hundred", "a thousand", "and" optional."""

    def w(ws: list[str]) -> Any:
        return r.alt(r.Word(x) for x in ws)

    units, teens, tens = _V.UNITS[1:10], _V.UNITS[10:20], _V.TENS[2:]
    d1, teen, ten = w(units), w(teens), w(tens)
    b100 = r.alt([d1, teen, r.seq(ten, r.Opt(d1))])
    and_ = r.Opt(r.Word("and"))
    hundreds = r.seq(r.alt([r.Word("a"), b100]), r.Word("hundred"), r.Opt(r.seq(and_, b100)))
    b1000 = r.alt([hundreds, b100])
    thousands = r.seq(r.alt([r.Word("a"), b1000]), r.Word("thousand"), r.Opt(r.seq(and_, b1000)))
    millions = r.seq(r.alt([r.Word("a"), b1000]), r.Word("million"), r.Opt(r.seq(and_, r.alt([thousands, b1000]))))
    return r.alt([millions, thousands, b1000, r.Word("zero")])


def currency_words(currency: str | None) -> tuple[list[str], list[str], list[str]]:
    """(major nouns, minor nouns, country words) the verbaliser says for ``currency`` (every currency's when None
    or unknown)."""
    table = _V.CURRENCY_NOUNS
    nouns = [table[currency]] if currency in table else list(table.values())
    major = sorted({n[0] for n in nouns} | {n[1] for n in nouns})
    return major, sorted({n[2] for n in nouns} | {n[3] for n in nouns}), sorted({n[4] for n in nouns})


def amount_grammar(r: Any, number: Any, major: Any, minor: Any, country: Any) -> Any:
    """"twelve thousand five hundred [kenyan] shillings [and fifty cents]"."""
    cents = r.Opt(r.seq(r.Word("and"), number, minor))
    return r.seq(number, r.Opt(r.seq(r.Opt(country), major, cents)))


def date_grammar(r: Any, number: Any) -> dict[str, Any]:
    """Weekday ("on tuesday"), calendar date ("the twelfth of november", "november the twelfth")."""
    weekday = r.phrases(w.lower() for w in _V.WEEKDAYS)
    month = r.phrases(m.lower() for m in _V.MONTHS)
    ordinals = [_V.ordinal_words(d).replace("-", " ") for d in range(1, 32)]
    day = r.alt([r.phrases(ordinals), number])
    the, of = r.Opt(r.Word("the")), r.Opt(r.Word("of"))
    calendar = r.alt([r.seq(the, day, of, month), r.seq(month, the, day)])
    return {"weekday": weekday, "calendar": calendar, "before": r.Opt(r.Word("on"))}
