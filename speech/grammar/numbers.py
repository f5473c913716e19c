"""Number, amount and digit grammars per language, built from the verbalisers' own word tables.

The bot says numbers with speech/verbalise; callers answer the same way, so the grammar accepts at least every form
the verbaliser produces (tests check it on thousands of numbers) plus the everyday variants: English "twenty five
hundred", "a thousand", "and" optional; Swahili "na" optional between parts ("elfu mbili mia tano"), "laki" and
"elfu mia". Digit strings ("zero seven seven one") are their own small grammar, read back by :func:`spoken_digits`.
"""

from __future__ import annotations

from speech.grammar.rules import Node, Opt, Rep, Word, alt, phrases, seq
from speech.lexicon.lexicon import words_of
from speech.verbalise import en as en_words
from speech.verbalise import sw as sw_words


class NoNumberGrammar(LookupError):
    """No number grammar for this language (say which exist)."""


def _w(ws: list[str]) -> Node:
    return alt(Word(w) for w in ws)


def _en_number() -> Node:
    units, teens, tens = en_words.UNITS[1:10], en_words.UNITS[10:20], en_words.TENS[2:]
    d1, teen, ten = _w(units), _w(teens), _w(tens)
    b100 = alt([d1, teen, seq(ten, Opt(d1))])
    and_ = Opt(Word("and"))
    hundreds = seq(alt([Word("a"), b100]), Word("hundred"), Opt(seq(and_, b100)))  # "twenty five hundred"
    b1000 = alt([hundreds, b100])
    thousands = seq(alt([Word("a"), b1000]), Word("thousand"), Opt(seq(and_, b1000)))
    millions = seq(alt([Word("a"), b1000]), Word("million"), Opt(seq(and_, alt([thousands, b1000]))))
    return alt([millions, thousands, b1000, Word("zero")])


def _sw_number() -> Node:
    units, tens = sw_words.UNITS[1:], sw_words.TENS[1:]
    u, t = _w(units), _w(tens)
    na = Opt(Word("na"))
    b100 = alt([u, seq(t, Opt(seq(Word("na"), u)))])
    mia = seq(Word("mia"), u, Opt(seq(na, b100)))
    b1000 = alt([mia, b100])
    elfu = seq(Word("elfu"), b1000, Opt(seq(na, b1000)))
    laki = seq(Word("laki"), b100, Opt(seq(na, alt([elfu, b1000]))))
    milioni = seq(Word("milioni"), b1000, Opt(seq(na, alt([laki, elfu, b1000]))))
    return alt([milioni, laki, elfu, b1000, Word("sifuri")])


NUMBER_GRAMMARS = {"en": _en_number, "sw": _sw_number}
DIGIT_WORDS: dict[str, dict[str, str]] = {
    "en": {**{w: str(i) for i, w in enumerate(en_words.UNITS[:10])}, "oh": "0"},
    "sw": {w: str(i) for i, w in enumerate(sw_words.UNITS)},
}
_CACHE: dict[str, Node] = {}
# Preference for one more digit in a digit string: short digit words are easily inserted into the pauses between
# digits ("one nine four" heard as "one eight nine four"); 0.1 measured best on the tuning voices (1.0 / 0.3 / 0.1).
DIGIT_AGAIN = 0.1


def number(lang: str) -> Node:
    """A cardinal number in words (0 .. hundreds of millions) in ``lang``."""
    if lang not in NUMBER_GRAMMARS:
        raise NoNumberGrammar(f"no number grammar for {lang!r}; known: {', '.join(NUMBER_GRAMMARS)}")
    if lang not in _CACHE:
        _CACHE[lang] = NUMBER_GRAMMARS[lang]()
    return _CACHE[lang]


def _currency_words(lang: str, currency: str | None) -> tuple[list[str], list[str], list[str]]:
    """(major nouns, minor nouns, country words) the verbaliser uses for money in ``lang`` (one currency's, or
    every currency's when ``currency`` is None or unknown to the verbaliser)."""
    if lang == "en":
        table = en_words.CURRENCY_NOUNS
        nouns = [table[currency]] if currency in table else list(table.values())
        return (sorted({n[0] for n in nouns} | {n[1] for n in nouns}),
                sorted({n[2] for n in nouns} | {n[3] for n in nouns}), sorted({n[4] for n in nouns}))
    sw_table = sw_words.CURRENCY_NOUNS
    nouns_sw = [sw_table[currency]] if currency in sw_table else list(sw_table.values())
    return sorted({n[0] for n in nouns_sw}), sorted({n[1] for n in nouns_sw}), sorted({n[2] for n in nouns_sw})


def amount(lang: str, currency: str | None = None) -> Node:
    """A sum of money: the number with the currency words around it, as the verbaliser says money."""
    major, minor, country = (phrases(" ".join(words_of(w)) for w in ws) for ws in _currency_words(lang, currency))
    n = number(lang)
    if lang == "en":  # "twelve thousand five hundred [kenyan] shillings [and fifty cents]"
        cents = Opt(seq(Word("and"), n, minor))
        return seq(n, Opt(seq(Opt(country), major, cents)))
    # "[shilingi] elfu kumi na mbili na mia tano [za kenya] [na senti hamsini]"
    return seq(Opt(major), n, Opt(seq(Word("za"), country)), Opt(seq(Word("na"), minor, n)))


def digits(lang: str) -> Node:
    """A string of spoken digits (a member number, a phone number): one or more digit words."""
    if lang not in DIGIT_WORDS:
        raise NoNumberGrammar(f"no digit words for {lang!r}; known: {', '.join(DIGIT_WORDS)}")
    return Rep(phrases(DIGIT_WORDS[lang]), DIGIT_AGAIN)


def spoken_digits(text: str, lang: str) -> str | None:
    """"zero seven seven one" -> "0771" (leading zeros kept); None unless every word is a digit word."""
    table = DIGIT_WORDS.get(lang, {})
    ws = words_of(text)
    if not ws or any(w not in table for w in ws):
        return None
    return "".join(table[w] for w in ws)
