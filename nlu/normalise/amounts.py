"""Spoken or written money -> integer MINOR units of a currency ("five hundred shillings" in KES -> 50000).

The money words (currency names, cents, fillers) are every language pack's ``MONEY`` (numbers.py), merged: a
caller names the currency in whatever language comes to mind. The number words are the caller's language's.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from fractions import Fraction

import languages
from nlu.normalise.numbers import NotANumber, is_amount_token, numbers_module, parse_number
from nlu.normalise.tokens import tokenize as _tokenize
from speech.currency import currency as currency_of


def tokenize(text: str) -> list[str]:
    """The shared tokeniser on the canonical (NFC) form, so a Devanagari nukta letter matches however it is typed."""
    return _tokenize(unicodedata.normalize("NFC", text))


def _money_words(kind: str) -> set[str]:
    out: set[str] = set()
    for code in languages.codes():
        mod = numbers_module(code)
        out.update(tokenize(" ".join(getattr(mod, "MONEY", {}).get(kind, ()))) if mod is not None else ())
    return out


# Words that name the major unit; they may come before ("shilingi elfu mbili") or after ("500 bob") the number.
MAJOR_WORDS = _money_words("major")
# Minor units: "fifty cents", "senti hamsini"
MINOR_WORDS = _money_words("minor")
# "the last one", "mara moja tena": a lone one/moja is a determiner, not money, unless a currency word is with it.
DETERMINERS = _money_words("determiners")
# Only these may sit inside an amount phrase besides number words and currency words.
AMOUNT_FILLERS = _money_words("fillers")


@dataclass(frozen=True)
class Amount:
    """An amount in integer minor units of `currency`, with the words it came from (for read-back)."""

    minor: int
    currency: str


def _to_minor(value: Fraction, code: str) -> int | None:
    minor = value * currency_of(code).factor
    if minor.denominator != 1 or minor < 0:
        return None  # "two point five cents" or a fraction of a minor unit: not money
    return int(minor)


def _split_major_minor(tokens: list[str]) -> tuple[list[str], list[str]] | None:
    """Split off the minor part: 'ten shillings fifty cents' (English, word after) or 'elfu moja na senti hamsini'
    (Swahili, word before). No minor word -> (tokens, [])."""
    minor_at = [i for i, t in enumerate(tokens) if t in MINOR_WORDS]
    if not minor_at:
        return tokens, []
    if len(minor_at) > 1:
        return None
    k = minor_at[0]
    if k < len(tokens) - 1:  # the number follows the word: "senti hamsini"
        return tokens[:k], tokens[k + 1 :]
    major_at = [i for i, t in enumerate(tokens[:k]) if t in MAJOR_WORDS]
    if major_at:  # "five hundred shillings and fifty cents"
        cut = major_at[-1] + 1
        return tokens[:cut], tokens[cut:k]
    return [], tokens[:k]  # "fifty cents"


def _number_of(tokens: list[str], lang: str) -> Fraction | None:
    words = [t for t in tokens if t not in MAJOR_WORDS]
    while words and words[0] in AMOUNT_FILLERS:
        words = words[1:]
    while words and words[-1] in AMOUNT_FILLERS:
        words = words[:-1]
    if not words:
        return None
    try:
        return parse_number(words, lang)
    except NotANumber:
        return None


def parse_amount(text: str, currency: str, lang: str | None = None) -> int | None:
    """The whole text is an amount -> minor units; any word that is not part of an amount -> None (never a guess).
    ``lang``: the caller's language (the first installed pack when not given)."""
    lang = lang or languages.default_code()
    tokens = tokenize(text)
    if not tokens or not any(is_amount_token(t, lang) for t in tokens):
        return None
    allowed = MAJOR_WORDS | MINOR_WORDS | AMOUNT_FILLERS
    if any(not (t in allowed or is_amount_token(t, lang)) for t in tokens):
        return None
    split = _split_major_minor(tokens)
    if split is None:
        return None
    major_toks, minor_toks = split
    total = 0
    if major_toks:
        major = _number_of(major_toks, lang)
        if major is None:
            return None
        m = _to_minor(major, currency)
        if m is None:
            return None
        total += m
    if minor_toks:
        minor = _number_of(minor_toks, lang)
        if minor is None or minor.denominator != 1 or minor >= currency_of(currency).factor:
            return None
        total += int(minor)
    return total


def find_amount(text: str, currency: str, lang: str | None = None) -> Amount | None:
    """The amount inside an utterance ("mary paid five hundred for savings" -> 50000): the longest parseable run."""
    lang = lang or languages.default_code()
    tokens = tokenize(text)
    allowed = MAJOR_WORDS | MINOR_WORDS | AMOUNT_FILLERS
    best: tuple[int, int] | None = None
    i = 0
    while i < len(tokens):
        if not is_amount_token(tokens[i], lang):
            i += 1
            continue
        j = i
        while j < len(tokens) and (tokens[j] in allowed or is_amount_token(tokens[j], lang)):
            j += 1
        # include a currency word just before the number ("shilingi elfu mbili")
        start = i - 1 if i > 0 and tokens[i - 1] in MAJOR_WORDS else i
        for end in range(j, i, -1):  # longest run that parses
            words = tokens[start:end]
            if not set(words) - DETERMINERS - AMOUNT_FILLERS:
                continue
            value = parse_amount(" ".join(words), currency, lang)
            if value is not None:
                if best is None or end - start > best[1]:
                    best = (value, end - start)
                break
        i = j
    return Amount(best[0], currency.upper()) if best else None
