"""Date grammars: relative words ("yesterday", "jana", "कल"), weekdays ("last saturday", "अगले सोमवार को") and the
calendar forms the verbaliser says ("the twelfth of november", "बारह नवंबर"); the language's own pieces come from its
pack's numbers.py (``date_grammar``)."""

from __future__ import annotations

from functools import cache

from speech.grammar import rules
from speech.grammar.numbers import NoNumberGrammar, folded, number, numbers_module, with_numbers
from speech.grammar.rules import EMPTY, Node, alt, phrases, seq
from speech.grammar.spec import DateSpec
from speech.lexicon.lexicon import lexicon_for, words_of
from speech.lexicon.packs import LanguageDataError


@cache
def _sayable(lang: str, phrase: str) -> bool:
    """Can the language's lexicon pronounce every word of ``phrase``? The spec lists every language's relative
    words (callers mix them), but a Devanagari word has no pronunciation in English and a Latin one none in Hindi."""
    lex = lexicon_for(lang)
    try:
        for w in phrase.split():
            lex.pronunciations(w)
    except LanguageDataError:
        return False
    return True


def _said(lang: str, texts: tuple[str, ...]) -> list[str]:
    out = [" ".join(words_of(t)) for t in texts]
    return [t for t in out if t and _sayable(lang, t)]


def date(lang: str, spec: DateSpec) -> Node:
    mod = numbers_module(lang)
    if mod is None or not hasattr(mod, "date_grammar"):
        raise NoNumberGrammar(f"no date grammar for {lang!r}; known: {', '.join(with_numbers())}")
    rel = _said(lang, spec.relative)
    around_words = [*_said(lang, spec.next_words), *_said(lang, spec.last_words)]
    around = phrases(around_words) if around_words else None
    parts = mod.date_grammar(rules, number(lang))
    weekday, calendar = folded(parts["weekday"]), folded(parts["calendar"])
    before, after = folded(parts.get("before", EMPTY)), folded(parts.get("after", EMPTY))
    named = seq(before, weekday, after)
    if around is not None:
        named = alt([seq(before, around, weekday, after), seq(before, weekday, around, after), named])
    forms = [named, calendar]
    if rel:
        forms.append(phrases(rel))
    return alt(forms)
