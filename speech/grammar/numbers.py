"""Number, amount and digit grammars per language, from each language pack's ``numbers.py`` (found through the
registry, never named here).

The bot says numbers with speech/verbalise; callers answer the same way, so a pack's grammar accepts at least every
form its verbaliser produces (tests check it on thousands of numbers) plus the everyday variants (English "twenty
five hundred", Swahili "na" optional, Hindi डेढ़/ढाई/साढ़े). Digit strings are their own small grammar, read back by
:func:`spoken_digits`. Every word is put in the lexicon's form (words_of) here, so a pack writes words as it likes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from types import ModuleType

import languages
from speech.grammar import rules
from speech.grammar.rules import Alt, Node, Opt, Rep, Seq, Word, phrases, words
from speech.lexicon.lexicon import words_of


class NoNumberGrammar(LookupError):
    """No number grammar for this language (say which exist)."""


def numbers_module(lang: str) -> ModuleType | None:
    """The pack's numbers module (languages/<code>/numbers.py), or None when the language has none."""
    try:
        return languages.get(lang).module("numbers")
    except languages.LanguagePackError:
        return None


def with_numbers() -> tuple[str, ...]:
    """Codes of the installed packs that have number grammars."""
    return tuple(c for c in languages.codes() if numbers_module(c) is not None)


def _module(lang: str, what: str) -> ModuleType:
    mod = numbers_module(lang)
    if mod is None:
        raise NoNumberGrammar(f"no {what} for {lang!r} (its pack has no numbers.py); known: "
                              f"{', '.join(with_numbers())}")
    return mod


def folded(node: Node) -> Node:
    """The same grammar with every word in the lexicon's form ("हज़ार" decomposed, "Twenty-one" -> twenty one)."""
    if isinstance(node, Word):
        ws = words_of(node.text)
        return node if ws == [node.text] else words(" ".join(ws))
    if isinstance(node, Seq):
        return Seq(tuple(folded(i) for i in node.items))
    if isinstance(node, Alt):
        return Alt(tuple(folded(i) for i in node.items), node.weights)
    if isinstance(node, Opt):
        return Opt(folded(node.item))
    return Rep(folded(node.item), node.again)


def _fold_key(word: str) -> str:
    return " ".join(words_of(word))


class _DigitWords(Mapping[str, dict[str, str]]):
    """code -> {digit word: digit}, for every pack whose numbers.py has DIGITS (read when first asked)."""

    def __getitem__(self, lang: str) -> dict[str, str]:
        mod = numbers_module(lang)
        if mod is None or not getattr(mod, "DIGITS", None):
            raise KeyError(lang)
        return _digit_table(languages.get(lang).code)

    def __iter__(self) -> Iterator[str]:
        return iter(c for c in with_numbers() if getattr(numbers_module(c), "DIGITS", None))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, lang: object) -> bool:
        if not isinstance(lang, str):
            return False
        mod = numbers_module(lang)
        return mod is not None and bool(getattr(mod, "DIGITS", None))


@cache
def _digit_table(code: str) -> dict[str, str]:
    return {_fold_key(w): d for w, d in _module(code, "digit words").DIGITS.items()}


DIGIT_WORDS: Mapping[str, dict[str, str]] = _DigitWords()
# Preference for one more digit in a digit string: short digit words are easily inserted into the pauses between
# digits ("one nine four" heard as "one eight nine four"); 0.1 measured best on the tuning voices (1.0 / 0.3 / 0.1).
DIGIT_AGAIN = 0.1


@cache
def _number(code: str) -> Node:
    return folded(_module(code, "number grammar").grammar(rules))


def number(lang: str) -> Node:
    """A cardinal number in words (0 .. hundreds of millions) in ``lang``."""
    _module(lang, "number grammar")
    return _number(languages.get(lang).code)


def _currency_words(lang: str, currency: str | None) -> tuple[list[str], list[str], list[str]]:
    """(major nouns, minor nouns, country words) the verbaliser uses for money in ``lang`` (one currency's, or
    every currency's when ``currency`` is None or unknown to the verbaliser)."""
    major, minor, country = _module(lang, "amount grammar").currency_words(currency)
    return list(major), list(minor), list(country)


def amount(lang: str, currency: str | None = None) -> Node:
    """A sum of money: the number with the currency words around it, as the verbaliser says money."""
    major, minor, country = (phrases(_fold_key(w) for w in ws) for ws in _currency_words(lang, currency))
    mod = _module(lang, "amount grammar")
    return folded(mod.amount_grammar(rules, number(lang), major, minor, country))


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
