"""Swahili numbers, money, dates and the Swahili clock as words, because TTS engines misread Swahili digits.

Choices (one form each, used everywhere):

* Cardinals: 0 "sifuri"; 11 "kumi na moja"; 100 "mia moja"; 1,000 "elfu moja".
* 100,000s use **laki** (the everyday East African form), never "elfu mia": 100,000 "laki moja",
  350,000 "laki tatu na elfu hamsini". Thousands after a laki therefore run 1-99 ("elfu kumi na mbili").
  Inside a count of millions or billions the plain hundreds form is used: 350,000,000 "milioni mia tatu na hamsini".
* Parts below a million are joined with "na": 12,500 "elfu kumi na mbili na mia tano".
  After "milioni"/"bilioni" the rest follows with "na" when it is a single part (1,500,000 "milioni moja na laki
  tano", 2,000,005 "milioni mbili na tano") and after a comma when it has several parts (2,350,075
  "milioni mbili, laki tatu na elfu hamsini na sabini na tano") — the comma gives the TTS a breath.
* Spoken Swahili is ambiguous where a count ends in tens/hundreds and a bare number follows: "elfu kumi na mbili"
  is 12,000 but could be heard as 10,002. We keep the plain form for the count and mark the other reading with a
  pause: 10,002 "elfu kumi, na mbili"; 300,000,050 "milioni mia tatu, na hamsini" (350,000,000 is
  "milioni mia tatu na hamsini"). Prompt packs should render the comma as a short pause.
* Negative numbers: "hasi" + the words. Range: up to 999,999,999,999 ("bilioni mia tisa ...").
* Money: the currency noun comes first, "shilingi elfu kumi na mbili na mia tano"; cents are "senti"
  ("shilingi mia tano na senti hamsini"); INR is "rupia" with "paisa". ``with_country`` appends "za Kenya",
  "za Tanzania", "za Uganda", "za India" after the shillings part.
* Dates: "Jumatano, tarehe kumi na mbili Novemba" (+ ", mwaka elfu mbili na ishirini na sita" with ``year``).
* Swahili clock: the hour counts from 06:00 and 18:00 (saa = (h - 6) mod 12, 0 -> 12): 09:00 "saa tatu asubuhi",
  06:00 "saa kumi na mbili asubuhi". Minutes: :15 "na robo", :30 "na nusu", :45 "kasoro robo" of the next hour,
  other minutes 1-29 "na dakika N", 31-59 "kasoro dakika (60-N)" of the next hour. Seconds are ignored.
  Day-period word (for the actual time, placed last): usiku 19:00-04:59, asubuhi 05:00-11:59, mchana 12:00-14:59,
  alasiri 15:00-16:59, jioni 17:00-18:59. E.g. 14:30 "saa nane na nusu mchana", 19:15 "saa moja na robo usiku",
  18:45 "saa moja kasoro robo jioni". Usage of alasiri/jioni varies by region and speaker (some say "saa kumi
  jioni" for 16:00); these boundaries are one documented choice. Numbers always use the "na" joiner between parts
  (the formal style), not the colloquial "mia tatu hamsini na tano".
"""

from __future__ import annotations

import datetime as dt

UNITS = ["sifuri", "moja", "mbili", "tatu", "nne", "tano", "sita", "saba", "nane", "tisa"]
TENS = ["", "kumi", "ishirini", "thelathini", "arobaini", "hamsini", "sitini", "sabini", "themanini", "tisini"]
WEEKDAYS = ["Jumatatu", "Jumanne", "Jumatano", "Alhamisi", "Ijumaa", "Jumamosi", "Jumapili"]
MONTHS = [
    "Januari", "Februari", "Machi", "Aprili", "Mei", "Juni",
    "Julai", "Agosti", "Septemba", "Oktoba", "Novemba", "Desemba",
]  # fmt: skip
# currency code -> (major noun, minor noun, country for with_country)
CURRENCY_NOUNS: dict[str, tuple[str, str, str]] = {
    "KES": ("shilingi", "senti", "Kenya"),
    "TZS": ("shilingi", "senti", "Tanzania"),
    "UGX": ("shilingi", "senti", "Uganda"),
    "INR": ("rupia", "paisa", "India"),
}
MAX = 10**12 - 1
CONNECTORS = ["na", "hasi", "tarehe", "mwaka", "saa", "dakika", "robo", "nusu", "kasoro", "za"]
SCALES = ["mia", "elfu", "laki", "milioni", "bilioni"]
PERIODS = ["usiku", "asubuhi", "mchana", "alasiri", "jioni"]


def _below_100(n: int) -> str:
    if n < 10:
        return UNITS[n]
    tens, unit = divmod(n, 10)
    return TENS[tens] if unit == 0 else f"{TENS[tens]} na {UNITS[unit]}"


def _ambiguous(count: int, rest: int) -> bool:
    """Would "<scale> <count> na <rest>" also read as a bigger count? ("elfu kumi na mbili": 12,000 or 10,002)."""
    tens_tail = count >= 10 and count % 10 == 0 and rest < 10
    hundreds_tail = count >= 100 and count % 100 == 0 and rest < 100
    return tens_tail or hundreds_tail


def _below_million(n: int) -> tuple[str, int]:
    """Words for 1..999,999 (laki, elfu, mia, rest joined with "na") and how many parts they have."""
    laki, rest = divmod(n, 100_000)
    elfu, rest = divmod(rest, 1000)
    mia, rest = divmod(rest, 100)
    parts = []
    if laki:
        parts.append(f"laki {UNITS[laki]}")
    if elfu:
        parts.append(f"elfu {_below_100(elfu)}")
    if mia:
        parts.append(f"mia {UNITS[mia]}")
    text = " na ".join(parts)
    if rest:
        sep = ", na " if elfu and not mia and _ambiguous(elfu, rest) else " na "
        text = text + sep + _below_100(rest) if text else _below_100(rest)
        parts.append("rest")
    return text, len(parts)


def _count_below_1000(n: int) -> str:
    """A count of millions/billions (1..999): plain hundreds form, no laki."""
    mia, rest = divmod(n, 100)
    parts = []
    if mia:
        parts.append(f"mia {UNITS[mia]}")
    if rest:
        parts.append(_below_100(rest))
    return " na ".join(parts)


def _positive(n: int) -> tuple[str, int]:
    """Words for 1..MAX and how many top-level parts they have (to choose 'na' or a comma after a scale)."""
    for scale_value, scale_word in ((10**9, "bilioni"), (10**6, "milioni")):
        if n >= scale_value:
            count, rest = divmod(n, scale_value)
            head = f"{scale_word} {_count_below_1000(count)}"
            if not rest:
                return head, 1
            tail, tail_parts = _positive(rest)
            if tail_parts > 1:
                sep = ", "
            elif _ambiguous(count, rest):
                sep = ", na "
            else:
                sep = " na "
            return head + sep + tail, 1 + tail_parts
    return _below_million(n)


def number_words(n: int) -> str:
    if n == 0:
        return UNITS[0]
    if n < 0:
        return "hasi " + number_words(-n)
    return _positive(n)[0]


def money_words(amount_minor: int, code: str, exponent: int, *, with_country: bool = False) -> str:
    major_noun, minor_noun, country = CURRENCY_NOUNS[code]
    factor = 10**exponent
    major, minor = divmod(amount_minor, factor)
    out = []
    if major or not minor:
        out.append(f"{major_noun} {number_words(major)}")
        if with_country:
            out.append(f"za {country}")
    if minor:
        if out:
            out.append("na")
        out.append(f"{minor_noun} {number_words(minor)}")
    return " ".join(out)


def weekday_words(index: int) -> str:
    return WEEKDAYS[index]


def date_words(d: dt.date, *, weekday: bool = True, year: bool = False) -> str:
    text = f"tarehe {number_words(d.day)} {MONTHS[d.month - 1]}"
    if weekday:
        text = f"{WEEKDAYS[d.weekday()]}, {text}"
    if year:
        text = f"{text}, mwaka {number_words(d.year)}"
    return text


def period_word(hour: int) -> str:
    """Day period for a 24-hour clock hour (boundaries in the module docstring)."""
    if 5 <= hour < 12:
        return "asubuhi"
    if 12 <= hour < 15:
        return "mchana"
    if 15 <= hour < 17:
        return "alasiri"
    if 17 <= hour < 19:
        return "jioni"
    return "usiku"


def _swahili_hour(hour24: int) -> str:
    h = (hour24 - 6) % 12
    return number_words(12 if h == 0 else h)


def time_words(t: dt.time) -> str:
    m = t.minute
    if m == 0:
        clock = f"saa {_swahili_hour(t.hour)}"
    elif m == 15:
        clock = f"saa {_swahili_hour(t.hour)} na robo"
    elif m == 30:
        clock = f"saa {_swahili_hour(t.hour)} na nusu"
    elif m == 45:
        clock = f"saa {_swahili_hour(t.hour + 1)} kasoro robo"
    elif m < 30:
        clock = f"saa {_swahili_hour(t.hour)} na dakika {number_words(m)}"
    else:
        clock = f"saa {_swahili_hour(t.hour + 1)} kasoro dakika {number_words(60 - m)}"
    return f"{clock} {period_word(t.hour)}"


def vocabulary() -> list[str]:
    words = [*UNITS, *TENS[1:], *SCALES, *CONNECTORS, *PERIODS, *WEEKDAYS, *MONTHS]
    for major, minor, country in CURRENCY_NOUNS.values():
        words += [major, minor, country]
    return list(dict.fromkeys(words))
