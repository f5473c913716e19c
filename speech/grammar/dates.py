"""Date grammars: relative words ("yesterday", "jana"), weekdays ("last saturday", "jumamosi iliyopita") and the
calendar forms the verbaliser says ("the twelfth of november", "tarehe kumi na mbili novemba")."""

from __future__ import annotations

from speech.grammar.numbers import NoNumberGrammar, number
from speech.grammar.rules import Node, Opt, Word, alt, phrases, seq
from speech.grammar.spec import DateSpec
from speech.lexicon.lexicon import words_of
from speech.verbalise import en as en_words
from speech.verbalise import sw as sw_words


def _lower(ws: list[str]) -> list[str]:
    return [" ".join(words_of(w)) for w in ws]


def date(lang: str, spec: DateSpec) -> Node:
    rel = [" ".join(words_of(r)) for r in spec.relative]
    nxt = [" ".join(words_of(r)) for r in spec.next_words]
    last = [" ".join(words_of(r)) for r in spec.last_words]
    around = phrases([*nxt, *last]) if nxt or last else None
    if lang == "en":
        weekday = phrases(_lower(en_words.WEEKDAYS))
        month = phrases(_lower(en_words.MONTHS))
        ordinals = [" ".join(words_of(en_words.ordinal_words(d))) for d in range(1, 32)]
        day = alt([phrases(ordinals), number("en")])
        calendar = alt([seq(Opt(Word("the")), day, Opt(Word("of")), month), seq(month, Opt(Word("the")), day)])
        on: Node = Opt(Word("on"))
    elif lang == "sw":
        weekday = phrases(_lower(sw_words.WEEKDAYS))
        month = phrases(_lower(sw_words.MONTHS))
        day = number("sw")
        calendar = seq(Opt(Word("tarehe")), day, Opt(Word("mwezi")), month)
        on = Opt(Word("siku"))
    else:
        raise NoNumberGrammar(f"no date grammar for {lang!r}; known: en, sw")
    named = seq(on, weekday)
    if around is not None:
        named = alt([seq(on, around, weekday), seq(on, weekday, around), named])
    forms = [named, calendar]
    if rel:
        forms.append(phrases(rel))
    return alt(forms)
