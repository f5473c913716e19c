"""Spoken numbers in English and Swahili (words, digits, mixes) to exact values — never a guess on unknown words."""

from __future__ import annotations

import re
from fractions import Fraction

# --- English -----------------------------------------------------------------------------------------------------
EN_UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
EN_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
EN_SCALES: dict[str, int] = {
    "thousand": 1000, "k": 1000, "grand": 1000, "million": 1_000_000, "m": 1_000_000, "billion": 1_000_000_000,
}  # fmt: skip
EN_HUNDRED = {"hundred": 100}
EN_POINT = {"point"}
EN_FILLERS = {"and", "a", "an"}

# --- Swahili -----------------------------------------------------------------------------------------------------
SW_UNITS: dict[str, int] = {
    "sifuri": 0, "moja": 1, "mbili": 2, "tatu": 3, "nne": 4, "tano": 5, "sita": 6, "saba": 7, "nane": 8, "tisa": 9,
}  # fmt: skip
SW_TENS: dict[str, int] = {
    "kumi": 10, "ishirini": 20, "thelathini": 30, "arobaini": 40, "hamsini": 50, "sitini": 60, "sabini": 70,
    "themanini": 80, "tisini": 90,
}  # fmt: skip
# Swahili puts the multiplier first: "elfu mbili" = 2,000, "laki moja" = 100,000.
SW_SCALES: dict[str, int] = {"mia": 100, "elfu": 1000, "laki": 100_000, "milioni": 1_000_000, "bilioni": 1_000_000_000}
SW_POINT = {"nukta", "pointi", "point"}
SW_HALF = {"nusu"}

_EN_WORDS = {*EN_UNITS, *EN_TENS, *EN_SCALES, *EN_HUNDRED, *EN_POINT, "half"}
_DIGITS = re.compile(r"^\d+(?:[.,]\d+)*$")
_SUFFIXED = re.compile(r"^(\d+(?:\.\d+)?)(k|m)$")


class NotANumber(ValueError):
    """The words are not (entirely) a number; the caller gets None, never a guess."""


def digits_value(token: str) -> Fraction | None:
    """'2,500' -> 2500, '2.5' -> 5/2, '2.5k' -> 2500, '1.000.000' (dot grouping) -> 1000000; else None."""
    m = _SUFFIXED.match(token)
    if m:
        return Fraction(m.group(1)) * (1000 if m.group(2) == "k" else 1_000_000)
    if not _DIGITS.match(token):
        return None
    groups = re.split(r"[.,]", token)
    if len(groups) == 1:
        return Fraction(int(token))
    # Thousands grouping: every group after the first has exactly three digits ("2,500", "1.000.000").
    if all(len(g) == 3 for g in groups[1:]) and (len(groups) > 2 or "," in token):
        return Fraction(int("".join(groups)))
    if len(groups) == 2:  # a decimal: "2.5", "2,5"
        return Fraction(f"{groups[0]}.{groups[1]}")
    return None


def parse_english(tokens: list[str]) -> Fraction:
    """English number words (and digits) to a value: 'twenty five hundred' = 2500, 'two point five thousand' = 2500."""
    if not tokens:
        raise NotANumber("empty")
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
                raise NotANumber(f"two numbers in a row near {tok!r}")
            current = (current or Fraction(0)) + dv
        elif tok in EN_UNITS:
            # a unit may follow nothing, a hundred ("two hundred five") or a ten ("twenty five"), not another unit
            if current is not None and current % 100 != 0 and (current % 100 < 20 or current % 10 != 0):
                raise NotANumber(f"two numbers in a row near {tok!r}")
            current = (current or Fraction(0)) + EN_UNITS[tok]
        elif tok in EN_TENS:
            if current is not None and current % 100 != 0:
                raise NotANumber(f"two numbers in a row near {tok!r}")
            current = (current or Fraction(0)) + EN_TENS[tok]
        elif tok in EN_HUNDRED:
            base = current if current is not None else Fraction(1)
            hundreds, rest = divmod(base, 100) if base >= 100 else (0, base)
            if hundreds:  # "one hundred hundred" is not a number
                raise NotANumber("hundred after hundred")
            current = rest * 100
        elif tok in EN_SCALES:
            scale = EN_SCALES[tok]
            if scale >= last_scale:
                raise NotANumber(f"{tok!r} after a larger or equal scale")
            base = current if current is not None else Fraction(1)
            total += base * scale
            current = None
            last_scale = scale
        elif tok in EN_POINT:
            frac_digits: list[str] = []
            j = i + 1
            while j < len(tokens) and ((tokens[j] in EN_UNITS and EN_UNITS[tokens[j]] < 10) or tokens[j].isdigit()):
                frac_digits.append(str(EN_UNITS.get(tokens[j], tokens[j])))
                j += 1
            if not frac_digits:
                raise NotANumber("'point' without digits")
            current = (current or Fraction(0)) + Fraction(f"0.{''.join(frac_digits)}")
            i = j
            continue
        elif tok == "half" and i > 0 and tokens[i - 1] == "a":
            # "one and a half thousand" (half of the next scale) or "a million and a half" (half of the last one)
            if nxt in EN_SCALES:
                current = (current or Fraction(0)) + Fraction(1, 2)
            elif last_scale < 10**12 and current is None:
                total += Fraction(last_scale, 2)
            else:
                current = (current or Fraction(0)) + Fraction(1, 2)
        elif tok in EN_FILLERS:
            pass
        else:
            raise NotANumber(f"not a number word: {tok!r}")
        i += 1
    if current is None and total == 0 and not any(t in EN_SCALES or t in EN_UNITS or digits_value(t) for t in tokens):
        raise NotANumber("no number in the words")
    return total + (current or Fraction(0))


def _size_class(term: Fraction) -> int:
    """Order of magnitude of a term (1, 10, 100, ...), so terms can be required to shrink: 'mia tano na kumi'."""
    n = max(int(term), 1)
    return 10 ** (len(str(n)) - 1)


def _sw_below(tokens: list[str], i: int, limit: int) -> tuple[Fraction | None, int]:
    """A Swahili number smaller than `limit` starting at tokens[i], terms in decreasing size joined by optional 'na'."""
    value: Fraction | None = None
    prev_class = limit * 10
    while i < len(tokens):
        j = i + 1 if tokens[i] == "na" and value is not None else i
        if j >= len(tokens):
            break
        tok = tokens[j]
        term: Fraction | None = None
        end = j + 1
        dv = digits_value(tok)
        if dv is not None:
            term = dv
        elif tok in SW_UNITS:
            term = Fraction(SW_UNITS[tok])
        elif tok in SW_TENS:
            term = Fraction(SW_TENS[tok])
        elif tok in SW_SCALES and SW_SCALES[tok] < limit:
            scale = SW_SCALES[tok]
            count, end = _sw_below(tokens, j + 1, 10 if scale == 100 else 1000)
            if count is None:  # "elfu" alone is a thousand
                count = Fraction(1)
            if end + 1 < len(tokens) and tokens[end] == "na" and tokens[end + 1] in SW_HALF:
                count += Fraction(1, 2)  # "milioni moja na nusu"
                end += 2
            elif end < len(tokens) and tokens[end] in SW_POINT:
                frac, end = _sw_decimals(tokens, end + 1)  # "milioni mbili nukta tano"
                count += frac
            term = count * scale
        if term is None or term >= limit or _size_class(term) >= prev_class:
            break
        value = (value or Fraction(0)) + term
        prev_class = _size_class(term) if term >= 1 else 1
        i = end
    return value, i


def _sw_decimals(tokens: list[str], i: int) -> tuple[Fraction, int]:
    digits: list[str] = []
    while i < len(tokens) and (tokens[i] in SW_UNITS or tokens[i].isdigit()):
        digits.append(str(SW_UNITS.get(tokens[i], tokens[i])))
        i += 1
    if not digits:
        raise NotANumber("'nukta' without digits")
    return Fraction(f"0.{''.join(digits)}"), i


def parse_swahili(tokens: list[str]) -> Fraction:
    """Swahili number words (and digits): 'elfu mbili na mia tano' = 2500, 'milioni moja na nusu' = 1,500,000."""
    if not tokens:
        raise NotANumber("empty")
    value, end = _sw_below(tokens, 0, 10**13)
    if value is None:
        raise NotANumber(f"not a number word: {tokens[0]!r}")
    if end < len(tokens) and tokens[end] in SW_POINT:  # "2 nukta 5"
        frac, end = _sw_decimals(tokens, end + 1)
        value += frac
    if end != len(tokens):
        raise NotANumber(f"not a number word: {tokens[end]!r}")
    return value


def is_number_token(tok: str, lang: str) -> bool:
    """Could this token be part of a spoken number in `lang`?"""
    if digits_value(tok) is not None:
        return True
    if lang == "sw":
        return tok in SW_UNITS or tok in SW_TENS or tok in SW_SCALES or tok in SW_POINT or tok in SW_HALF
    return tok in _EN_WORDS


def parse_number(tokens: list[str], lang: str) -> Fraction:
    """Dispatch by language; Swahili speakers also say English numbers, so fall back to English words there."""
    if lang == "sw":
        try:
            return parse_swahili(tokens)
        except NotANumber:
            return parse_english(tokens)
    return parse_english(tokens)
