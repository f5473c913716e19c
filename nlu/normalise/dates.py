"""Spoken dates ("next tuesday", "jumanne ijayo", "kesho", "12 november", "अगले सोमवार") relative to today.

The words are every language pack's ``DATES`` (numbers.py), merged: callers mix languages ("last jumamosi"), and
the day of the month is read by each pack's number parser in turn (menu order).
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from typing import Any

import languages
from nlu.normalise.numbers import NotANumber, numbers_module, parse_in
from nlu.normalise.tokens import tokenize as _tokenize


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def tokenize(text: str) -> list[str]:
    return _tokenize(_nfc(text))


def _merged(kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for code in languages.codes():
        mod = numbers_module(code)
        table = getattr(mod, "DATES", {}).get(kind) if mod is not None else None
        if isinstance(table, dict):
            out.update({_nfc(k): v for k, v in table.items()})
        elif table:
            out.update({_nfc(k): code for k in table})
    return out


WEEKDAYS: dict[str, int] = _merged("weekdays")
MONTHS: dict[str, int] = _merged("months")
# Fixed offsets from today; longest phrases are checked first ("kesho kutwa" before "kesho").
RELATIVE: dict[str, int] = _merged("relative")
# The reading of a relative word that names both directions (Hindi कल) when the question is about the past.
RELATIVE_PAST: dict[str, int] = _merged("relative_past")
NEXT_WEEK = set(_merged("next_week"))  # "next week tuesday": that weekday of next week
NEXT_WORDS = set(_merged("next"))
LAST_WORDS = set(_merged("last"))
ORDINALS: dict[str, int] = _merged("ordinals")
# ordinal -> the language whose number words say the tens before it ("twenty first")
_ORDINAL_LANG: dict[str, str] = {}
for _code in languages.codes():
    _mod = numbers_module(_code)
    for _w in (getattr(_mod, "DATES", {}).get("ordinals") or {}) if _mod is not None else ():
        _ORDINAL_LANG.setdefault(_nfc(_w), _code)
DAY_FILLERS = set(_merged("day_fillers"))


def _weekday(tokens: list[str], today: date, prefer_past: bool = False) -> date | None:
    for i, tok in enumerate(tokens):
        if tok not in WEEKDAYS:
            continue
        target = WEEKDAYS[tok]
        around = set(tokens[max(0, i - 2) : i + 3])
        if around & LAST_WORDS or (prefer_past and not around & NEXT_WORDS and target != today.weekday()):
            # the most recent one before today ("last tuesday"; or "on saturday" about a meeting that took place)
            return today - timedelta(days=(today.weekday() - target - 1) % 7 + 1)
        ahead = (target - today.weekday()) % 7
        if around & NEXT_WORDS:  # strictly after today
            return today + timedelta(days=ahead or 7)
        return today + timedelta(days=ahead)  # "on tuesday": today if it is tuesday, else the coming one
    return None


def _day_number(words: list[str]) -> int | None:
    """'12', '12th', 'twelfth', 'twenty first', 'kumi na mbili' -> day of month."""
    words = [w for w in words if w not in DAY_FILLERS]
    if not words:
        return None
    if len(words) == 1 and words[0].rstrip("stndrh").isdigit():
        return int(words[0].rstrip("stndrh"))
    if words[-1] in ORDINALS:
        tens = parse_in(words[:-1], _ORDINAL_LANG[words[-1]]) if len(words) > 1 else 0
        return int(tens) + ORDINALS[words[-1]]
    for code in languages.codes():
        try:
            v = parse_in(words, code)
        except NotANumber:
            continue
        if v.denominator == 1:
            return int(v)
    return None


def _calendar(tokens: list[str], today: date) -> date | None:
    for i, tok in enumerate(tokens):
        if tok not in MONTHS:
            continue
        # "12 november" / "the twelfth of november" / "tarehe kumi na mbili novemba" (day before the month) ...
        day = None
        for start in range(max(0, i - 4), i):
            day = _day_number(tokens[start:i])
            if day is not None:
                break
        if day is None:  # ... or "november 12", "november the twelfth"
            for end in range(min(len(tokens), i + 4), i + 1, -1):
                day = _day_number(tokens[i + 1 : end])
                if day is not None:
                    break
        if day is None or not 1 <= day <= 31:
            return None
        # the occurrence of that date nearest to today (a meeting last week or next month, never a year away)
        options = []
        for year in (today.year - 1, today.year, today.year + 1):
            try:
                options.append(date(year, MONTHS[tok], day))
            except ValueError:
                continue
        return min(options, key=lambda d: abs((d - today).days)) if options else None
    return None


def resolve_date(text: str, today: date, *, prefer_past: bool = False) -> date | None:
    """The date named in the utterance, or None when none is named (never a guess).

    `prefer_past`: a bare weekday ("it was on Saturday") is the most recent one, for questions about what happened.
    """
    tokens = tokenize(text)
    joined = " " + " ".join(tokens) + " "
    found = _calendar(tokens, today)
    if found:
        return found
    for phrase in sorted(RELATIVE, key=len, reverse=True):
        if f" {phrase} " in joined:
            # "next week tuesday" / "jumanne wiki ijayo": the weekday of next week wins over "next week"
            if phrase in NEXT_WEEK:
                names = [t for t in tokens if t in WEEKDAYS]
                if names:  # that weekday in the next calendar week (weeks start on Monday)
                    next_monday = today + timedelta(days=7 - today.weekday())
                    return next_monday + timedelta(days=WEEKDAYS[names[0]])
            offset = RELATIVE_PAST.get(phrase, RELATIVE[phrase]) if prefer_past else RELATIVE[phrase]
            return today + timedelta(days=offset)
    return _weekday(tokens, today, prefer_past)
