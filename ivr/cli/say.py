"""`ivr say`: print (and optionally synthesise) the words the bot would speak for a value.

Examples::

    ivr say --lang sw --money 12500 --currency TZS     # shilingi elfu kumi na mbili na mia tano
    ivr say --lang sw --time 09:00                     # saa tatu asubuhi
    ivr say --lang en --date 2026-11-12 --year
    ivr say --lang sw --number 2350075 --out n.wav --engine espeak

``--money`` takes MAJOR units (shillings, rupees; decimals allowed up to the currency's minor digits, e.g. 500.50
KES); it is converted to integer minor units with speech.currency before verbalising. Digits inside ``--text`` are
verbalised too, since no TTS engine is trusted to read them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import typer

import languages
from ivr.cli.common import settings_of
from speech.currency import currency as currency_of
from speech.currency import to_minor
from speech.verbalise import UnsupportedLanguage, date_words, money_words, number_words, time_words

_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)|\d+")


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=code)


def money_to_minor(major: str, code: str) -> int:
    """"12500" or "500.50" MAJOR units of `code` -> integer minor units; too many decimals is an error."""
    cur = currency_of(code)
    try:
        value = Decimal(major.replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(f"--money {major!r} is not a number (give major units, e.g. 12500 or 500.50)") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"--money must be a non-negative amount, got {major!r}")
    if value == value.to_integral_value():
        return to_minor(int(value), cur.code)
    minor = value * cur.factor
    if minor != minor.to_integral_value():
        raise ValueError(f"{cur.code} has {cur.exponent} decimal place(s); {major!r} has more")
    return int(minor)


def verbalise_text(text: str, lang: str) -> str:
    """Free text with any digit runs ("12,500", "3") replaced by number words."""
    return _DIGITS.sub(lambda m: number_words(int(m.group().replace(",", "")), lang), text)


def words_for(
    lang: str,
    *,
    number: int | None = None,
    money: str | None = None,
    currency: str | None = None,
    date: str | None = None,
    time: str | None = None,
    text: str | None = None,
    weekday: bool = True,
    year: bool = False,
    country: bool = False,
) -> str:
    """The words for exactly one value; ValueError (incl. UnsupportedLanguage) on bad input."""
    given = [name for name, v in (("--number", number), ("--money", money), ("--date", date), ("--time", time),
                                  ("--text", text)) if v is not None]
    if len(given) != 1:
        raise ValueError("give exactly one of --number, --money, --date, --time, --text"
                         + (f" (got {', '.join(given)})" if given else ""))
    if number is not None:
        return number_words(number, lang)
    if money is not None:
        if not currency:
            raise ValueError("--money needs --currency (KES, TZS, UGX or INR)")
        return money_words(money_to_minor(money, currency), currency, lang, with_country=country)
    if date is not None:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise ValueError(f"--date {date!r} is not a date in YYYY-MM-DD form") from None
        return date_words(day, lang, weekday=weekday, year=year)
    if time is not None:
        if not re.fullmatch(r"\d{1,2}:\d{2}", time):
            raise ValueError(f"--time {time!r} is not a time in HH:MM form (24-hour clock)")
        try:
            hour, minute = (int(part) for part in time.split(":"))
            clock = dt.time(hour, minute)
        except ValueError:
            raise ValueError(f"--time {time!r} is not a valid 24-hour time") from None
        return time_words(clock, lang)
    assert text is not None
    number_words(0, lang)  # reject an unsupported language even when the text has no digits
    return verbalise_text(text, lang)


async def _synthesise(settings: object, lang: str, engine: str | None, words: str) -> bytes:
    from speech.tts.factory import build_tts

    tts = build_tts(settings, lang, engine)
    return await tts.synthesize(words, lang)


def say(
    ctx: typer.Context,
    lang: str | None = typer.Option(None, "--lang", "-l", help="Language code of an installed pack (`ivr "
                                    "languages list`; a region suffix like sw-KE is ok; default: the first)."),
    number: int | None = typer.Option(None, "--number", help="A whole number, e.g. 2350075."),
    money: str | None = typer.Option(None, "--money", help="An amount in MAJOR units (12500 or 500.50)."),
    currency: str | None = typer.Option(None, "--currency", help="KES, TZS, UGX or INR (with --money)."),
    date: str | None = typer.Option(None, "--date", help="YYYY-MM-DD."),
    time: str | None = typer.Option(None, "--time", help="HH:MM, 24-hour (Swahili is said on the Swahili clock)."),
    text: str | None = typer.Option(None, "--text", help="Free text; digits in it are verbalised."),
    weekday: bool = typer.Option(True, "--weekday/--no-weekday", help="Say the weekday with --date."),
    year: bool = typer.Option(False, "--year", help="Say the year with --date."),
    country: bool = typer.Option(False, "--country", help="Name the country with --money (Kenyan shillings)."),
    out: Path | None = typer.Option(None, "--out", help="Also synthesise the words to this 8 kHz mono WAV."),
    engine: str | None = typer.Option(None, "--engine", help="TTS engine for --out: espeak, piper, coqui or pack "
                                      "(default: IVR_SPEECH__TTS__ENGINES / DEFAULT_ENGINE)."),
) -> None:
    """Print the words that will be spoken for a number, amount, date, time or text (and optionally synthesise)."""
    lang = lang or languages.default_code()
    try:
        words = words_for(lang, number=number, money=money, currency=currency, date=date, time=time, text=text,
                          weekday=weekday, year=year, country=country)
    except UnsupportedLanguage as exc:
        raise _fail(str(exc)) from None
    except (ValueError, TypeError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(words)
    if out is None:
        return
    from speech.audio import SAMPLE_RATE, duration_ms, write_wav
    from speech.tts.base import TtsError

    if not out.parent.is_dir():
        raise _fail(f"--out directory {out.parent} does not exist")
    base_lang = re.split(r"[-_]", lang.strip().lower(), maxsplit=1)[0]  # TTS voices are keyed by the bare code
    try:
        pcm = asyncio.run(_synthesise(settings_of(ctx, secrets=False), base_lang, engine, words))
    except TtsError as exc:  # includes TtsUnavailable, whose message names the setting/command to fix
        raise _fail(str(exc), code=1) from None
    write_wav(out, pcm, SAMPLE_RATE)
    typer.echo(f"wrote {out} ({duration_ms(pcm) / 1000:.2f} s, {SAMPLE_RATE} Hz mono)", err=True)
