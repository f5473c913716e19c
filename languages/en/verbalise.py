"""English numbers, money, dates and times as words (British/East African usage), so no TTS engine reads digits.

Choices (one form each, used everywhere):

* Cardinals use British "and": 101 "one hundred and one", 1,001 "one thousand and one",
  2,350,075 "two million three hundred and fifty thousand and seventy-five"; compounds are hyphenated
  ("seventy-five"). Negative numbers: "minus" + the words. Range: up to 999,999,999,999.
* Money: "twelve thousand five hundred shillings"; singular "one shilling"; minor units follow with "and":
  "five hundred shillings and fifty cents" (INR: "rupees" and "paise"). ``with_country`` says
  "Kenyan/Tanzanian/Ugandan shillings" or "Indian rupees".
* Dates: "Wednesday, the twelfth of November" (+ ", two thousand and twenty-six" with ``year``).
* Times: hour words + digital minutes + a day period, which reads the same on every TTS engine and avoids
  "a.m."/"p.m." abbreviations: 09:00 "nine in the morning", 14:30 "two thirty in the afternoon",
  09:05 "nine oh five in the morning", 19:15 "seven fifteen in the evening"; 12:00 "twelve noon", 00:00 "midnight".
  Periods: "at night" 21:00-04:59, "in the morning" 05:00-11:59, "in the afternoon" 12:00-16:59,
  "in the evening" 17:00-20:59. Seconds are ignored.
"""

from __future__ import annotations

import datetime as dt

UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
]  # fmt: skip
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORDINAL_UNITS = [
    "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth",
]  # fmt: skip
ORDINAL_TENS = ["", "", "twentieth", "thirtieth"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
# currency code -> (singular, plural, minor singular, minor plural, country adjective)
CURRENCY_NOUNS: dict[str, tuple[str, str, str, str, str]] = {
    "KES": ("shilling", "shillings", "cent", "cents", "Kenyan"),
    "TZS": ("shilling", "shillings", "cent", "cents", "Tanzanian"),
    "UGX": ("shilling", "shillings", "cent", "cents", "Ugandan"),
    "INR": ("rupee", "rupees", "paisa", "paise", "Indian"),
}
MAX = 10**12 - 1
SCALES = [(10**9, "billion"), (10**6, "million"), (1000, "thousand")]
CONNECTORS = ["and", "minus", "hundred", "the", "of", "in", "at", "oh", "noon", "midnight"]
PERIOD_WORDS = ["morning", "afternoon", "evening", "night"]


def _below_100(n: int) -> str:
    if n < 20:
        return UNITS[n]
    tens, unit = divmod(n, 10)
    return TENS[tens] if unit == 0 else f"{TENS[tens]}-{UNITS[unit]}"


def _below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return _below_100(rest)
    head = f"{UNITS[hundreds]} hundred"
    return head if not rest else f"{head} and {_below_100(rest)}"


def number_words(n: int) -> str:
    if n == 0:
        return UNITS[0]
    if n < 0:
        return "minus " + number_words(-n)
    parts = []
    rest = n
    for value, word in SCALES:
        if rest >= value:
            count, rest = divmod(rest, value)
            parts.append(f"{_below_1000(count)} {word}")
    if rest:
        # British usage: a final part below one hundred after a larger part is joined with "and"
        parts.append(("and " if parts and rest < 100 else "") + _below_1000(rest))
    return " ".join(parts)


def ordinal_words(n: int) -> str:
    """Ordinal words for day-of-month numbers 1..31 ("twelfth", "twenty-first")."""
    if n < 20:
        return ORDINAL_UNITS[n]
    tens, unit = divmod(n, 10)
    return ORDINAL_TENS[tens] if unit == 0 else f"{TENS[tens]}-{ORDINAL_UNITS[unit]}"


def money_words(amount_minor: int, code: str, exponent: int, *, with_country: bool = False) -> str:
    singular, plural, minor_singular, minor_plural, country = CURRENCY_NOUNS[code]
    major, minor = divmod(amount_minor, 10**exponent)
    out = []
    if major or not minor:
        noun = singular if major == 1 else plural
        out.append(f"{number_words(major)} {country + ' ' if with_country else ''}{noun}")
    if minor:
        noun = minor_singular if minor == 1 else minor_plural
        out.append(f"{number_words(minor)} {noun}")
    return " and ".join(out)


def weekday_words(index: int) -> str:
    return WEEKDAYS[index]


def date_words(d: dt.date, *, weekday: bool = True, year: bool = False) -> str:
    text = f"the {ordinal_words(d.day)} of {MONTHS[d.month - 1]}"
    if weekday:
        text = f"{WEEKDAYS[d.weekday()]}, {text}"
    if year:
        text = f"{text}, {number_words(d.year)}"
    return text


def period_words(hour: int) -> str:
    if 5 <= hour < 12:
        return "in the morning"
    if 12 <= hour < 17:
        return "in the afternoon"
    if 17 <= hour < 21:
        return "in the evening"
    return "at night"


def time_words(t: dt.time) -> str:
    if t.minute == 0 and t.hour == 12:
        return "twelve noon"
    if t.minute == 0 and t.hour == 0:
        return "midnight"
    hour = number_words(t.hour % 12 or 12)
    if t.minute == 0:
        clock = hour
    elif t.minute < 10:
        clock = f"{hour} oh {number_words(t.minute)}"
    else:
        clock = f"{hour} {number_words(t.minute)}"
    return f"{clock} {period_words(t.hour)}"


def vocabulary() -> list[str]:
    words = [*UNITS, *TENS[2:], *ORDINAL_UNITS[1:], *ORDINAL_TENS[2:], *(w for _, w in SCALES)]
    words += [*CONNECTORS, *PERIOD_WORDS, *WEEKDAYS, *MONTHS]
    for noun_forms in CURRENCY_NOUNS.values():
        words += list(noun_forms)
    return list(dict.fromkeys(words))
