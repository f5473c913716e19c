"""Spoken numbers (words, digits, mixes) to exact values — never a guess on unknown words.

Digit strings are read here, the same in every language; number words are read by each language pack's
``numbers.py`` (``parse``, ``is_word``), found through the registry. A pack's ``numbers_also`` (pack.yml) names the
languages whose number words its callers mix in (Swahili and Hindi callers say English numbers too).
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import cache
from types import ModuleType

import languages

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


def numbers_module(lang: str) -> ModuleType | None:
    """The pack's numbers.py (None for a language without one, or not installed)."""
    try:
        return languages.get(lang).module("numbers")
    except languages.LanguagePackError:
        return None


@cache
def number_languages(lang: str) -> tuple[str, ...]:
    """The languages whose number words a caller of ``lang`` uses: its own, then its pack's ``numbers_also``."""
    try:
        pack = languages.get(lang)
    except languages.LanguagePackError:
        return ()
    also = pack.extra.get("numbers_also") or []
    if not isinstance(also, list):
        raise languages.LanguagePackError(f"{pack.dir / 'pack.yml'}: numbers_also must be a list of codes")
    return tuple(dict.fromkeys([pack.code, *(languages.get(str(c)).code for c in also)]))


def is_number_token(tok: str, lang: str) -> bool:
    """Could this token be part of a spoken number in `lang` (its own number words only)?"""
    if digits_value(tok) is not None:
        return True
    mod = numbers_module(lang)
    if mod is None:
        return False
    return bool(mod.is_word(tok)) if hasattr(mod, "is_word") else tok in mod.WORDS


def is_amount_token(tok: str, lang: str) -> bool:
    """Could this token be part of a number a caller of `lang` says (its own words or a numbers_also language's)?"""
    return digits_value(tok) is not None or any(is_number_token(tok, c) for c in number_languages(lang))


def is_any_number_token(tok: str) -> bool:
    """A number word of any installed language (names are never number words)."""
    return digits_value(tok) is not None or any(is_number_token(tok, c) for c in languages.codes())


def parse_in(tokens: list[str], lang: str) -> Fraction:
    """The tokens as a number in exactly ``lang``'s words (and digits); NotANumber otherwise."""
    mod = numbers_module(lang)
    if mod is None:
        if tokens and all(digits_value(t) is not None for t in tokens) and len(tokens) == 1:
            return digits_value(tokens[0]) or Fraction(0)
        raise NotANumber(f"no number words for {lang!r}")
    try:
        return Fraction(mod.parse(list(tokens), digits_value))
    except ValueError as exc:
        raise NotANumber(str(exc)) from None


def parse_number(tokens: list[str], lang: str) -> Fraction:
    """The number in the caller's language, else in a language of its pack's ``numbers_also``."""
    error: NotANumber | None = None
    for code in number_languages(lang) or (lang,):
        try:
            return parse_in(tokens, code)
        except NotANumber as exc:
            error = error or exc
    raise error or NotANumber("empty")
