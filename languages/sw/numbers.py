"""Swahili numbers as callers say them: the recogniser's number/amount/date grammar and the words-to-value parser.

The pack interface for numbers is documented in languages/__init__.py. Swahili puts the multiplier after the scale
("elfu mbili" = 2,000, "laki moja" = 100,000); "na" between parts is optional when spoken. English number words
said inside a Swahili amount are the pack's ``numbers_also`` (pack.yml), not this module's business.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import languages

_V: Any = languages.get(Path(__file__).parent.name).module("verbalise")

UNITS: dict[str, int] = {w: i for i, w in enumerate(_V.UNITS)}
TENS: dict[str, int] = {w: (i + 1) * 10 for i, w in enumerate(_V.TENS[1:])}
SCALES: dict[str, int] = {"mia": 100, "elfu": 1000, "laki": 100_000, "milioni": 1_000_000, "bilioni": 1_000_000_000}
POINT = {"nukta", "pointi", "point"}
HALF = {"nusu"}

DIGITS: dict[str, str] = {w: str(i) for i, w in enumerate(_V.UNITS)}
WORDS: frozenset[str] = frozenset({*UNITS, *TENS, *SCALES, *POINT, *HALF})
MONEY: dict[str, list[str]] = {
    "major": ["shillingi", "shilingi", "pesa"],
    "minor": ["senti"],
    "fillers": ["na", "za", "ya", "tu"],
    "determiners": ["moja"],  # "mara moja tena"
}
DATES: dict[str, Any] = {
    "weekdays": {w.lower(): i for i, w in enumerate(_V.WEEKDAYS)},
    "months": {m.lower(): i + 1 for i, m in enumerate(_V.MONTHS)},
    "relative": {"kesho kutwa": 2, "kesho kutwaa": 2, "juzi": -2, "leo": 0, "kesho": 1, "jana": -1,
                 "wiki ijayo": 7, "wiki iliyopita": -7},
    "next_week": ["wiki ijayo"],
    "next": ["ijayo", "inayokuja", "ujao"],
    "last": ["iliyopita", "uliopita"],
    "ordinals": {},
    "day_fillers": ["tarehe", "ya"],
}


def _size_class(term: Fraction) -> int:
    """Order of magnitude of a term (1, 10, 100, ...), so terms can be required to shrink: 'mia tano na kumi'."""
    n = max(int(term), 1)
    return 10 ** (len(str(n)) - 1)


def _below(tokens: list[str], i: int, limit: int, dv: Callable[[str], Fraction | None]) -> tuple[Fraction | None, int]:
    """A number smaller than `limit` starting at tokens[i], terms in decreasing size joined by optional 'na'."""
    value: Fraction | None = None
    prev_class = limit * 10
    while i < len(tokens):
        j = i + 1 if tokens[i] == "na" and value is not None else i
        if j >= len(tokens):
            break
        tok = tokens[j]
        term: Fraction | None = None
        end = j + 1
        digits = dv(tok)
        if digits is not None:
            term = digits
        elif tok in UNITS:
            term = Fraction(UNITS[tok])
        elif tok in TENS:
            term = Fraction(TENS[tok])
        elif tok in SCALES and SCALES[tok] < limit:
            scale = SCALES[tok]
            count, end = _below(tokens, j + 1, 10 if scale == 100 else 1000, dv)
            if count is None:  # "elfu" alone is a thousand
                count = Fraction(1)
            if end + 1 < len(tokens) and tokens[end] == "na" and tokens[end + 1] in HALF:
                count += Fraction(1, 2)  # "milioni moja na nusu"
                end += 2
            elif end < len(tokens) and tokens[end] in POINT:
                frac, end = _decimals(tokens, end + 1)  # "milioni mbili nukta tano"
                count += frac
            term = count * scale
        if term is None or term >= limit or _size_class(term) >= prev_class:
            break
        value = (value or Fraction(0)) + term
        prev_class = _size_class(term) if term >= 1 else 1
        i = end
    return value, i


def _decimals(tokens: list[str], i: int) -> tuple[Fraction, int]:
    digits: list[str] = []
    while i < len(tokens) and (tokens[i] in UNITS or tokens[i].isdigit()):
        digits.append(str(UNITS.get(tokens[i], tokens[i])))
        i += 1
    if not digits:
        raise ValueError("'nukta' without digits")
    return Fraction(f"0.{''.join(digits)}"), i


def parse(tokens: list[str], digits_value: Callable[[str], Fraction | None]) -> Fraction:
    """Swahili number words (and digits): 'elfu mbili na mia tano' = 2500, 'milioni moja na nusu' = 1,500,000.
    Raises ValueError when the words are not (entirely) a number."""
    if not tokens:
        raise ValueError("empty")
    value, end = _below(tokens, 0, 10**13, digits_value)
    if value is None:
        raise ValueError(f"not a number word: {tokens[0]!r}")
    if end < len(tokens) and tokens[end] in POINT:  # "2 nukta 5"
        frac, end = _decimals(tokens, end + 1)
        value += frac
    if end != len(tokens):
        raise ValueError(f"not a number word: {tokens[end]!r}")
    return value


def grammar(r: Any) -> Any:
    """Cardinals as the verbaliser says them, "na" optional between parts ("elfu mbili mia tano"), laki."""
    u = r.alt(r.Word(x) for x in _V.UNITS[1:])
    t = r.alt(r.Word(x) for x in _V.TENS[1:])
    na = r.Opt(r.Word("na"))
    b100 = r.alt([u, r.seq(t, r.Opt(r.seq(r.Word("na"), u)))])
    mia = r.seq(r.Word("mia"), u, r.Opt(r.seq(na, b100)))
    b1000 = r.alt([mia, b100])
    elfu = r.seq(r.Word("elfu"), b1000, r.Opt(r.seq(na, b1000)))
    laki = r.seq(r.Word("laki"), b100, r.Opt(r.seq(na, r.alt([elfu, b1000]))))
    milioni = r.seq(r.Word("milioni"), b1000, r.Opt(r.seq(na, r.alt([laki, elfu, b1000]))))
    return r.alt([milioni, laki, elfu, b1000, r.Word("sifuri")])


def currency_words(currency: str | None) -> tuple[list[str], list[str], list[str]]:
    """(major nouns, minor nouns, country words) the verbaliser says for ``currency`` (all when None/unknown)."""
    table = _V.CURRENCY_NOUNS
    nouns = [table[currency]] if currency in table else list(table.values())
    return sorted({n[0] for n in nouns}), sorted({n[1] for n in nouns}), sorted({n[2] for n in nouns})


def amount_grammar(r: Any, number: Any, major: Any, minor: Any, country: Any) -> Any:
    """"[shilingi] elfu kumi na mbili na mia tano [za kenya] [na senti hamsini]"."""
    return r.seq(r.Opt(major), number, r.Opt(r.seq(r.Word("za"), country)), r.Opt(r.seq(r.Word("na"), minor, number)))


def date_grammar(r: Any, number: Any) -> dict[str, Any]:
    """Weekday ("siku jumanne"), calendar date ("tarehe kumi na mbili novemba")."""
    weekday = r.phrases(w.lower() for w in _V.WEEKDAYS)
    month = r.phrases(m.lower() for m in _V.MONTHS)
    calendar = r.seq(r.Opt(r.Word("tarehe")), number, r.Opt(r.Word("mwezi")), month)
    return {"weekday": weekday, "calendar": calendar, "before": r.Opt(r.Word("siku"))}
