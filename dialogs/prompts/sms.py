"""SMS catalogs per language (texts + command words) and the one place SMS text ids become text.

SMS differs from speech in one way: figures are written with digits, formatted the same way for every currency
("KES 12,500", "UGX 3,000", "KES 12,500.50"); dates and times follow the language's SMS_STYLE (data in its catalog).
A new language adds sms_<code>.py with SMS_TEXTS, SMS_COMMANDS and SMS_STYLE and one line below.
"""

from __future__ import annotations

from types import MappingProxyType

from dialogs.prompts import sms_en, sms_sw
from dialogs.prompts import value_names as _value_names
from dialogs.values import Count, Date, Money, Name, Time, Value
from speech.currency import currency
from speech.verbalise import time_words, weekday_words

SMS_CATALOGS = MappingProxyType({"en": sms_en.SMS_TEXTS, "sw": sms_sw.SMS_TEXTS})
SMS_COMMANDS = MappingProxyType({"en": sms_en.SMS_COMMANDS, "sw": sms_sw.SMS_COMMANDS})
SMS_STYLES = MappingProxyType({"en": sms_en.SMS_STYLE, "sw": sms_sw.SMS_STYLE})


class UnknownSmsText(KeyError):
    """An SMS text id (or language) that no catalog has."""


def money_digits(minor: int, code: str) -> str:
    """Integer minor units as "KES 12,500" (the minor part only when there is one: "KES 12,500.50")."""
    exp = currency(code).exponent
    sign = "-" if minor < 0 else ""
    major, rest = divmod(abs(minor), 10**exp)
    text = f"{code.upper()} {sign}{major:,}"
    return f"{text}.{rest:0{exp}d}" if exp and rest else text


def sms_value(value: Value, lang: str) -> str:
    style = SMS_STYLES[lang]
    match value:
        case Money(minor, code):
            return money_digits(minor, code)
        case Date(day, _weekday):
            return style["date"].format(weekday=weekday_words(day, lang), day=day.day, month=day.month)
        case Time(clock):
            return time_words(clock, lang) if style["time"] == "words" else f"{clock.hour:02d}:{clock.minute:02d}"
        case Count(n):
            return f"{n:,}"
        case Name(text):
            return text
    raise TypeError(f"not an SMS value: {type(value).__name__}")


def render_sms(text_id: str, values: dict[str, Value], lang: str) -> str:
    try:
        template = SMS_CATALOGS[lang][text_id]
    except KeyError:
        raise UnknownSmsText(f"no SMS text {text_id!r} in language {lang!r}") from None
    expected = _value_names(template)
    if expected != set(values):
        raise ValueError(f"SMS text {text_id!r} takes {sorted(expected)}, got {sorted(values)}")
    return template.format(**{k: sms_value(v, lang) for k, v in values.items()})
