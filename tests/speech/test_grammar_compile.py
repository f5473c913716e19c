"""Grammars per listen state: number grammars that hear every number the verbaliser says (and no junk), spoken
digits with their leading zeros, the listen states' grammars built from catalogs, NLU data and the roster, and the
end-of-answer test grammar-aware endpointing relies on."""

from __future__ import annotations

import random

import pytest

from ivr.calls.grammars import GrammarBuilder
from ivr.calls.states import STATES, listen_for
from speech.grammar import numbers
from speech.grammar.compile import GrammarBuildError, compile_grammar
from speech.grammar.rules import Automaton
from speech.grammar.spec import EntrySpec, GrammarSpec
from speech.lexicon.lexicon import words_of
from speech.verbalise import money_words, number_words
from tests.speech.asr_corpus import GROUPS, MENU, YES_NO, roster

CURRENCY = {lang: cur for lang, (_, cur) in GROUPS.items()}


def amount_grammar(lang: str) -> Automaton:
    return compile_grammar(GrammarSpec.of(lang, amount=True, currency=CURRENCY[lang])).core


def hears(a: Automaton, text: str) -> bool:
    return a.accepts(words_of(text))


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "twelve thousand five hundred"),
    ("en", "twelve thousand and five hundred"),
    ("en", "twenty five hundred"),
    ("en", "a thousand"),
    ("en", "two hundred and fifty shillings"),
    ("en", "one million two hundred thousand"),
    ("sw", "elfu kumi na mbili na mia tano"),
    ("sw", "elfu kumi na mbili mia tano"),  # "na" optional between parts
    ("sw", "shilingi elfu mbili"),
    ("sw", "laki moja na elfu hamsini"),
    ("sw", "mia tano"),
    ("sw", "ishirini na tano"),
])
def test_number_grammars_hear_everyday_amounts(lang: str, said: str) -> None:
    assert hears(amount_grammar(lang), said)


@pytest.mark.parametrize(("lang", "junk"), [
    ("en", "twelve twelve"), ("en", "thousand"), ("en", "five hundred hundred"), ("en", "shillings"),
    ("en", "my savings"), ("en", "twelve thousand thousand"),
    ("sw", "elfu"), ("sw", "mia mia"), ("sw", "kumi na"), ("sw", "na tano"), ("sw", "akiba yangu"),
    ("sw", "tano elfu kumi"),
])
def test_number_grammars_reject_junk(lang: str, junk: str) -> None:
    assert not hears(amount_grammar(lang), junk)


@pytest.mark.parametrize("lang", ["en", "sw"])
def test_every_number_and_sum_the_verbaliser_says_is_in_the_grammar(lang: str) -> None:
    rng = random.Random(11)
    values = list(range(0, 1001)) + [rng.randrange(1, 10**9) for _ in range(1500)] + [10**6, 10**5, 12500]
    a = amount_grammar(lang)
    missed = [v for v in values if not hears(a, number_words(v, lang))]
    missed += [f"{v} money" for v in values[1:300:7] if not hears(a, money_words(v * 100, CURRENCY[lang], lang))]
    assert not missed, missed[:10]


@pytest.mark.parametrize(("lang", "said", "digits"), [
    ("en", "zero seven seven one", "0771"), ("en", "oh one two", "012"), ("sw", "sifuri saba saba moja", "0771"),
    ("sw", "tano nne", "54"),
])
def test_spoken_digits_keep_leading_zeros(lang: str, said: str, digits: str) -> None:
    assert numbers.spoken_digits(said, lang) == digits
    assert compile_grammar(GrammarSpec.of(lang, digits=True)).core.accepts(words_of(said))


def test_not_all_digit_words_is_not_digits() -> None:
    assert numbers.spoken_digits("seven savings", "en") is None
    assert numbers.spoken_digits("", "sw") is None


def test_languages_without_number_grammars_are_named() -> None:
    with pytest.raises(GrammarBuildError, match="known: en, sw"):
        compile_grammar(GrammarSpec.of("lg", amount=True))
    with pytest.raises(GrammarBuildError, match="accepts nothing"):
        compile_grammar(GrammarSpec.of("en"))


@pytest.fixture(scope="module")
def builder() -> GrammarBuilder:
    return GrammarBuilder()


def state_grammar(builder: GrammarBuilder, state: str, lang: str) -> tuple[GrammarSpec, Automaton]:
    spec = builder.for_listen(listen_for(state, lang, roster(lang)), lang, CURRENCY[lang])  # type: ignore[arg-type]
    assert spec is not None, f"{state} {lang} has a grammar"
    return spec, compile_grammar(spec).core


@pytest.mark.parametrize("lang", ["en", "sw"])
def test_every_listen_state_has_a_grammar(builder: GrammarBuilder, lang: str) -> None:
    for state in STATES:
        spec, core = state_grammar(builder, state, lang)
        assert spec.lang == lang and core.words()


@pytest.mark.parametrize("lang", ["en", "sw"])
def test_menu_grammar_holds_the_catalog_and_nlu_phrases(builder: GrammarBuilder, lang: str) -> None:
    spec, core = state_grammar(builder, "menu", lang)
    said_in_data = [t for t, _, held_out in MENU[lang] if not held_out]
    assert all(core.accepts(words_of(t)) for t in said_in_data), [t for t in said_in_data
                                                                   if not core.accepts(words_of(t))]
    labels = {label for label, _ in spec.phrases}
    assert {"check_savings", "check_loan", "next_meeting"} <= labels
    assert not core.accepts(words_of("what is the weather like today"))


@pytest.mark.parametrize("lang", ["en", "sw"])
def test_yes_no_grammar(builder: GrammarBuilder, lang: str) -> None:
    _, core = state_grammar(builder, "yes_no", lang)
    short = [said for said, _ in YES_NO[lang] if " " not in said]  # the corpus's longer ones are rewordings
    assert len(short) >= 3
    for said in short:
        assert core.accepts(words_of(said)), said


@pytest.mark.parametrize("lang", ["en", "sw"])
def test_member_names_from_the_roster_whole_or_in_part(builder: GrammarBuilder, lang: str) -> None:
    spec, core = state_grammar(builder, "member_name", lang)
    people = roster(lang)
    assert set(spec.names) == {p.name for p in people}
    for p in people:
        first, *_, last = words_of(p.name)
        assert core.accepts(words_of(p.name)) and core.accepts([first]) and core.accepts([last])


@pytest.mark.parametrize(("lang", "template"), [("en", "{first} paid two hundred savings"),
                                                ("en", "{name} five hundred social fund"),
                                                ("sw", "{first} ameweka akiba elfu mbili"),
                                                ("sw", "{name} mfuko wa jamii mia tano")])
def test_meeting_entry_grammar_is_name_type_amount(builder: GrammarBuilder, lang: str, template: str) -> None:
    spec, core = state_grammar(builder, "meeting_entry", lang)
    assert spec.entry is not None and spec.entry.types
    p = roster(lang)[0]
    said = template.format(first=p.name.split()[0], name=p.name)
    assert core.accepts(words_of(said)), said
    assert not core.accepts(words_of(template.format(first="", name="")))  # no name: not an entry


def test_entry_needs_names_and_without_types_hears_name_and_amount() -> None:
    with pytest.raises(GrammarBuildError, match="names"):
        compile_grammar(GrammarSpec.of("en", entry=EntrySpec(types=("savings",))))
    # a language whose callers' transaction-type words are not known yet: "<name> <amount>", the type asked after
    core = compile_grammar(GrammarSpec.of("en", names=["Mary Akinyi"], entry=EntrySpec(types=()))).core
    assert core.accepts(words_of("mary akinyi five hundred")) and core.accepts(words_of("five hundred mary"))
    assert not core.accepts(words_of("mary akinyi savings five hundred"))


def test_answer_complete_only_for_closed_answers(builder: GrammarBuilder) -> None:
    menu = compile_grammar(state_grammar(builder, "menu", "en")[0])
    assert menu.closed
    assert menu.answer_complete("goodbye")
    assert not menu.answer_complete("")
    assert not menu.answer_complete("how much")  # not yet a whole answer
    names = compile_grammar(state_grammar(builder, "member_name", "sw")[0])
    first = words_of(roster("sw")[0].name)[0]
    full = roster("sw")[0].name
    assert names.answer_complete(full)
    assert not names.answer_complete(first) or not names.core.can_continue(words_of(first))
    amount = compile_grammar(state_grammar(builder, "amount", "sw")[0])
    assert not amount.closed
    assert not amount.answer_complete("elfu kumi")  # "... na mbili" may follow: keep the long window


def test_phrase_list_for_phrase_list_engines() -> None:
    spec = GrammarSpec.of("en", {"check_savings": ["My savings"]}, names=["Mary Akinyi"], digits=True)
    phrases = compile_grammar(spec).phrase_list()
    assert "my savings" in phrases and "mary akinyi" in phrases and "seven" in phrases
    assert len(phrases) == len(set(phrases))


def test_specs_are_values_and_compile_once() -> None:
    a = GrammarSpec.of("sw", {"x": ["Akiba  yangu", "akiba yangu"]}, amount=True, currency="TZS")
    b = GrammarSpec.of("sw", {"x": ["akiba yangu"]}, amount=True, currency="TZS")
    assert a == b and hash(a) == hash(b)
    assert compile_grammar(a) is compile_grammar(b)
