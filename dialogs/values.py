"""Typed prompt values (Money, Date, Time, Count, Name) and their rendering to words through speech.verbalise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from speech.tts.plan import Segment
from speech.verbalise import date_words, money_words, number_words, time_words
from speech.verbalise.stitch_pieces import spoken_pieces


@dataclass(frozen=True)
class Money:
    """An amount in integer minor units of `currency` (never a float)."""

    minor: int
    currency: str


@dataclass(frozen=True)
class Date:
    value: dt.date
    weekday: bool = True


@dataclass(frozen=True)
class Time:
    value: dt.time


@dataclass(frozen=True)
class Count:
    n: int


@dataclass(frozen=True)
class Name:
    """A proper name or place from the ledger, said as written (it holds no digits we would have to read)."""

    text: str


Value = Money | Date | Time | Count | Name


def render_value(value: Value, lang: str) -> str:
    """Words for one value in `lang`; digits never reach the TTS engine."""
    match value:
        case Money(minor, currency):
            return money_words(minor, currency, lang)
        case Date(day, weekday):
            return date_words(day, lang, weekday=weekday)
        case Time(clock):
            return time_words(clock, lang)
        case Count(n):
            return number_words(n, lang)
        case Name(text):
            return text
    raise TypeError(f"not a prompt value: {type(value).__name__}")


def sayable(values: dict[str, Value], lang: str) -> bool:
    """Whether every value can be put into words (a figure beyond the verbalisers' range cannot)."""
    try:
        for v in values.values():
            render_value(v, lang)
    except (ValueError, OverflowError):
        return False
    return True


_KINDS = {Money: "money", Date: "date", Time: "time", Count: "number", Name: "name"}


def value_segment(value: Value, lang: str) -> Segment:
    """One value as a render-plan part: its words, its kind and (numbers, money, dates, times) the recorded-pack
    pieces its words are stitched from; a name is one piece (said as written)."""
    text = render_value(value, lang)
    kind = _KINDS[type(value)]
    pieces = (text,) if kind == "name" else spoken_pieces(text, lang)
    return Segment(text, kind, pieces)
