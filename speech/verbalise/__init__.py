"""Per-language verbalisers: numbers, money, dates and times as words (no TTS engine is trusted with digits).

Public API (a language code, also with a region such as "-KE" or "_TZ"; the region is ignored):
number_words, money_words (integer minor units), date_words, weekday_words, time_words, vocabulary (every piece
the verbalisers can emit, one recorded clip each in a prompt pack) and pieces (a text split into those pieces).
The verbalisers are the language packs' own ``languages/<code>/verbalise.py`` modules, found through the pack
registry (never named here); each documents its form choices. A pack's module provides number_words(n),
money_words(amount_minor, code, exponent, *, with_country), date_words(d, *, weekday, year), weekday_words(index),
time_words(t) and vocabulary().
"""

from __future__ import annotations

import datetime as dt
import re
from types import ModuleType

import languages
from speech.currency import currency as _currency

__all__ = [
    "LANGUAGES",
    "MAX_NUMBER",
    "CannotVerbalise",
    "UnsupportedLanguage",
    "date_words",
    "money_words",
    "number_words",
    "pieces",
    "time_words",
    "vocabulary",
    "weekday_words",
]

def _modules() -> dict[str, ModuleType]:
    """Every installed pack's own verbalise.py, by code (menu order)."""
    mods: dict[str, ModuleType] = {}
    for code, pack in languages.packs().items():
        mod = pack.module("verbalise")
        if mod is not None:
            mods[code] = mod
    return mods


def languages_with_verbaliser() -> tuple[str, ...]:
    return tuple(_modules())


LANGUAGES: tuple[str, ...] = languages_with_verbaliser()
# The largest magnitude said in words (999 billion …): the tables of both languages stop at billions.
MAX_NUMBER = 10**12 - 1


class CannotVerbalise(ValueError):
    """A value the verbalisers cannot say (beyond MAX_NUMBER): the caller can degrade to a sentence that helps
    ("I cannot read that figure…") instead of failing the call."""

    def __init__(self, what: str, value: int) -> None:
        super().__init__(f"{what} {value} is out of range (at most {MAX_NUMBER:,} in words)")
        self.what = what
        self.value = value


class UnsupportedLanguage(ValueError):
    """No verbaliser for this language (say which ones exist)."""

    def __init__(self, lang: object) -> None:
        super().__init__(f"no verbaliser for language {lang!r}; supported: {', '.join(languages_with_verbaliser())}")
        self.lang = lang


def _lang(lang: str) -> ModuleType:
    if not isinstance(lang, str):
        raise UnsupportedLanguage(lang)
    base = re.split(r"[-_]", lang.strip().lower(), maxsplit=1)[0]
    try:
        return _modules()[base]
    except KeyError:
        raise UnsupportedLanguage(lang) from None


def _int(n: object, what: str) -> int:
    # bool is an int subclass; a float here means someone used floats for money or counts.
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{what} must be an int, got {type(n).__name__} {n!r}")
    if abs(n) > MAX_NUMBER:
        raise CannotVerbalise(what, n)
    return n


def number_words(n: int, lang: str) -> str:
    """Cardinal number in words: number_words(12500, Swahili) -> "elfu kumi na mbili na mia tano"."""
    mod = _lang(lang)
    return str(mod.number_words(_int(n, "number")))


def money_words(amount_minor: int, currency: str, lang: str, *, with_country: bool = False) -> str:
    """An amount in integer minor units with its currency name: (1250000, "TZS", Swahili) -> "shilingi elfu kumi na
    mbili na mia tano". Negative amounts are refused: say debts with a prompt ("you owe …"), not a minus sign."""
    mod = _lang(lang)
    amount = _int(amount_minor, "amount_minor")
    if amount < 0:
        raise ValueError(f"money amount must be >= 0 minor units, got {amount}; phrase debts in the prompt")
    cur = _currency(currency)
    return str(mod.money_words(amount, cur.code, cur.exponent, with_country=with_country))


def date_words(d: dt.date, lang: str, *, weekday: bool = True, year: bool = False) -> str:
    """A date: (2026-11-12, Swahili) -> "Alhamisi, tarehe kumi na mbili Novemba"."""
    mod = _lang(lang)
    if not isinstance(d, dt.date):
        raise TypeError(f"date must be a datetime.date, got {type(d).__name__}")
    return str(mod.date_words(d, weekday=weekday, year=year))


def weekday_words(d_or_index: dt.date | int, lang: str) -> str:
    """Weekday name for a date or an index (0 = Monday, as ``date.weekday()``)."""
    mod = _lang(lang)
    if isinstance(d_or_index, dt.date):
        index = d_or_index.weekday()
    elif isinstance(d_or_index, int) and not isinstance(d_or_index, bool) and 0 <= d_or_index <= 6:
        index = d_or_index
    else:
        raise ValueError(f"weekday must be a date or an index 0 (Monday) .. 6 (Sunday), got {d_or_index!r}")
    return str(mod.weekday_words(index))


def time_words(t: dt.time, lang: str) -> str:
    """A clock time: (09:00, Swahili) -> "saa tatu asubuhi"; (09:00, English) -> "nine in the morning"."""
    mod = _lang(lang)
    if not isinstance(t, dt.time):
        raise TypeError(f"time must be a datetime.time, got {type(t).__name__}")
    return str(mod.time_words(t))


def vocabulary(lang: str) -> list[str]:
    """Every piece (word) the verbalisers of ``lang`` can emit, without duplicates."""
    return list(_lang(lang).vocabulary())


def pieces(text: str) -> list[str]:
    """Split verbaliser output into vocabulary pieces: words, with hyphenated compounds split and commas dropped
    ("seventy-five thousand," -> ["seventy", "five", "thousand"])."""
    return [w for w in re.split(r"[\s,\-]+", text) if w]
