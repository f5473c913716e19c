"""Verbaliser output as recordable pieces, the way digit-clip IVRs stitch numbers: one clip per number below a
hundred ("kumi na mbili", "seventy-five"), one per scale word (mia, elfu, laki, milioni / hundred, thousand,
million), the joiners ("na", "and"), currency nouns, weekday and month names, ordinals and clock words.

12,500 TZS in Swahili -> ["shilingi", "elfu", "kumi na mbili", "na", "mia", "tano"]; a comma in the words (the
pause that marks "elfu kumi, na mbili" as 10,002) becomes the pause piece ",".
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from speech.verbalise import date_words, money_words, number_words, time_words, vocabulary

PAUSE = ","
_TOKEN = re.compile(r",|[^\s,]+")
_SPLIT = re.compile(r"[\s\-]+")


def _key(piece: str) -> tuple[str, ...]:
    return tuple(w for w in _SPLIT.split(piece.lower().strip(" .!?")) if w)


@functools.cache
def piece_vocabulary(lang: str) -> tuple[str, ...]:
    """Every piece the verbalisers of `lang` can emit: the numbers 1-99 as whole pieces, then every word."""
    number_words(0, lang)  # UnsupportedLanguage for a language without a verbaliser
    compounds = [number_words(n, lang) for n in range(1, 100)]
    return tuple(dict.fromkeys([*compounds, *vocabulary(lang)]))


@functools.cache
def _index(lang: str) -> tuple[dict[tuple[str, ...], str], int]:
    index: dict[tuple[str, ...], str] = {}
    for piece in piece_vocabulary(lang):
        index.setdefault(_key(piece), piece)
    return index, max(len(k) for k in index)


def spoken_pieces(words: str, lang: str) -> tuple[str, ...]:
    """Split verbalised words into pieces by longest match against the piece vocabulary (a word outside it,
    e.g. part of a name, is a piece of its own); commas become PAUSE pieces."""
    index, longest = _index(lang)
    out: list[str] = []
    for chunk in re.split(r"(,)", words):
        if chunk == PAUSE:
            if out and out[-1] != PAUSE:
                out.append(PAUSE)
            continue
        toks = [t for t in _SPLIT.split(chunk.strip()) if t]
        i = 0
        while i < len(toks):
            for n in range(min(longest, len(toks) - i), 0, -1):
                piece = index.get(tuple(t.lower() for t in toks[i : i + n]))
                if piece is not None:
                    out.append(piece)
                    i += n
                    break
            else:
                out.append(toks[i])
                i += 1
    while out and out[-1] == PAUSE:
        out.pop()
    return tuple(out)


def number_pieces(n: int, lang: str) -> tuple[str, ...]:
    return spoken_pieces(number_words(n, lang), lang)


def money_pieces(amount_minor: int, currency: str, lang: str) -> tuple[str, ...]:
    return spoken_pieces(money_words(amount_minor, currency, lang), lang)


def date_pieces(d: dt.date, lang: str, *, weekday: bool = True) -> tuple[str, ...]:
    return spoken_pieces(date_words(d, lang, weekday=weekday), lang)


def time_pieces(t: dt.time, lang: str) -> tuple[str, ...]:
    return spoken_pieces(time_words(t, lang), lang)
