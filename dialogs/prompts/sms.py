"""SMS catalogs per language (texts + command words, read from each pack's sms.yml) and the one place SMS text ids
become text.

SMS differs from speech in one way: figures are written with digits, formatted the same way for every currency
("KES 12,500", "UGX 3,000", "KES 12,500.50"); dates and times follow the language's `style` (in its sms.yml).
A language adds ``languages/<code>/sms.yml`` with ``style`` (``date`` template, ``time``: digits | words),
``texts`` (every SMS text id the reference pack has) and ``commands`` (words per command). A pack without one is
written to in the default pack's SMS language (one log line says so, the first time).
"""

from __future__ import annotations

import logging
from types import MappingProxyType
from typing import Any

import languages
from dialogs.prompts import value_names as _value_names
from dialogs.values import Count, Date, Money, Name, Time, Value
from languages import LanguagePack, LanguagePackError
from speech.currency import currency
from speech.verbalise import time_words, weekday_words

log = logging.getLogger(__name__)
SMS_FILE = "sms.yml"
TIME_STYLES = ("digits", "words")


class UnknownSmsText(KeyError):
    """An SMS text id (or language) that no catalog has."""


def _read(pack: LanguagePack) -> tuple[dict[str, str], dict[str, tuple[str, ...]], dict[str, str]]:
    data: dict[str, Any] = pack.data(SMS_FILE)
    where = pack.path(SMS_FILE)
    texts, commands, style = data.get("texts"), data.get("commands"), data.get("style")
    if not isinstance(texts, dict) or not texts:
        raise LanguagePackError(f"{where}: `texts` must map SMS text ids to texts")
    if not isinstance(commands, dict) or not all(isinstance(v, list) for v in commands.values()):
        raise LanguagePackError(f"{where}: `commands` must map each command to a list of words")
    if not isinstance(style, dict) or not isinstance(style.get("date"), str) or style.get("time") not in TIME_STYLES:
        raise LanguagePackError(f"{where}: `style` needs a `date` template and `time`: {' or '.join(TIME_STYLES)}")
    return ({str(k): str(v) for k, v in texts.items()},
            {str(k): tuple(str(w) for w in v) for k, v in commands.items()},
            {"date": str(style["date"]), "time": str(style["time"])})


_texts: dict[str, dict[str, str]] = {}
_commands: dict[str, dict[str, tuple[str, ...]]] = {}
_styles: dict[str, dict[str, str]] = {}
for _pack in languages.packs().values():
    if _pack.has(SMS_FILE):
        _texts[_pack.code], _commands[_pack.code], _styles[_pack.code] = _read(_pack)

# Only the packs that ship an sms.yml: the languages the SMS channel writes in (and whose command words it reads).
SMS_CATALOGS = MappingProxyType(_texts)
SMS_COMMANDS = MappingProxyType(_commands)
SMS_STYLES = MappingProxyType(_styles)
_told: set[str] = set()


def fallback_language() -> str:
    """The SMS language of members whose language has no sms.yml: the default pack's, else the first that has one."""
    first = languages.default_code()
    return first if first in SMS_CATALOGS else next(iter(SMS_CATALOGS), first)


def sms_language(lang: str) -> str:
    """The language an SMS to a `lang` member is written in: its own when its pack has an sms.yml, else the
    fallback (logged once per language, naming the file that would fix it)."""
    if lang in SMS_CATALOGS:
        return lang
    try:
        pack: LanguagePack | None = languages.get(lang)  # "sw-TZ" is Swahili
    except LanguagePackError:
        pack = None
    if pack is not None and pack.code in SMS_CATALOGS:
        return pack.code
    fallback = fallback_language()
    if lang not in _told:
        _told.add(lang)
        where = str(pack.path(SMS_FILE)) if pack is not None else f"a language pack {lang!r}"
        log.warning("no SMS texts for language %r (add %s): SMS are written in %r", lang, where, fallback)
    return fallback


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
    """The SMS text `text_id` in `lang` (or in the fallback language when `lang` has no SMS texts)."""
    lang = sms_language(lang)
    try:
        template = SMS_CATALOGS[lang][text_id]
    except KeyError:
        raise UnknownSmsText(f"no SMS text {text_id!r} in language {lang!r}") from None
    expected = _value_names(template)
    if expected != set(values):
        raise ValueError(f"SMS text {text_id!r} takes {sorted(expected)}, got {sorted(values)}")
    return template.format(**{k: sms_value(v, lang) for k, v in values.items()})
