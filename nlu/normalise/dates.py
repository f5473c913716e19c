"""Spoken dates in English and Swahili ("next tuesday", "jumanne ijayo", "kesho", "12 november") relative to today."""

from __future__ import annotations

from datetime import date, timedelta

from nlu.normalise.numbers import NotANumber, parse_english, parse_swahili
from nlu.normalise.tokens import tokenize

WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "jumatatu": 0, "jumanne": 1, "jumatano": 2, "alhamisi": 3, "ijumaa": 4, "jumamosi": 5, "jumapili": 6,
}  # fmt: skip
MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    "januari": 1, "februari": 2, "machi": 3, "aprili": 4, "mei": 5, "juni": 6, "julai": 7, "agosti": 8,
    "septemba": 9, "oktoba": 10, "novemba": 11, "desemba": 12,
}  # fmt: skip
# Fixed offsets from today; longest phrases are checked first ("kesho kutwa" before "kesho").
RELATIVE: dict[str, int] = {
    "day after tomorrow": 2, "the day after tomorrow": 2, "kesho kutwa": 2, "kesho kutwaa": 2,
    "day before yesterday": -2, "juzi": -2, "today": 0, "leo": 0, "tonight": 0, "tomorrow": 1, "kesho": 1,
    "yesterday": -1, "jana": -1, "next week": 7, "wiki ijayo": 7, "last week": -7, "wiki iliyopita": -7,
}  # fmt: skip
NEXT_WORDS = {"next", "ijayo", "inayokuja", "ujao", "coming"}
LAST_WORDS = {"last", "previous", "iliyopita", "uliopita", "past"}
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip


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
    words = [w for w in words if w not in {"the", "of", "tarehe", "ya", "on"}]
    if not words:
        return None
    if len(words) == 1 and words[0].rstrip("stndrh").isdigit():
        return int(words[0].rstrip("stndrh"))
    if words[-1] in ORDINALS:
        tens = parse_english(words[:-1]) if len(words) > 1 else 0
        return int(tens) + ORDINALS[words[-1]]
    for parse in (parse_english, parse_swahili):
        try:
            v = parse(words)
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
            if phrase in {"next week", "wiki ijayo"}:
                names = [t for t in tokens if t in WEEKDAYS]
                if names:  # that weekday in the next calendar week (weeks start on Monday)
                    next_monday = today + timedelta(days=7 - today.weekday())
                    return next_monday + timedelta(days=WEEKDAYS[names[0]])
            return today + timedelta(days=RELATIVE[phrase])
    return _weekday(tokens, today, prefer_past)
