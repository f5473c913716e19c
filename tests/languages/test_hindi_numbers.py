"""Hindi numbers as callers say them (languages/hi/numbers.py): the parser reads back everything the verbaliser says
(thousands of sampled values up to 10^12) and the fractional counts (डेढ़, ढाई, साढ़े, सवा, पौने); the recogniser's
amount, digit and date grammars hear the verbaliser's forms and refuse junk; amounts and dates through the NLU's
normalisers; every word of every pack's number grammars has a pronunciation in that pack's lexicon."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

import pytest

import languages
from nlu.normalise.amounts import find_amount, parse_amount
from nlu.normalise.dates import resolve_date
from nlu.normalise.numbers import NotANumber, is_amount_token, parse_number
from nlu.normalise.tokens import tokenize
from speech.grammar import dates as date_grammar
from speech.grammar import numbers
from speech.grammar.compile import compile_grammar
from speech.grammar.rules import Automaton, vocabulary
from speech.grammar.spec import DateSpec, GrammarSpec
from speech.lexicon.lexicon import lexicon_for, words_of
from speech.lexicon.packs import LanguageDataError
from speech.verbalise import money_words, number_words

HI = "hi"


def _values(seed: int, n: int) -> list[int]:
    rng = random.Random(seed)
    out = list(range(0, 1001))
    for _ in range(n):  # log-uniform up to 10^12: every scale gets its share
        out.append(int(10 ** rng.uniform(3, 12)) % (10**12))
    return [*out, 10**5, 10**7, 10**8, 10**11, 10**12 - 1, 1_50_000, 99_99_999]


def test_the_parser_reads_back_every_number_the_verbaliser_says() -> None:
    bad = [v for v in _values(3, 4000) if parse_number(tokenize(number_words(v, HI)), HI) != v]
    assert not bad, [(v, number_words(v, HI)) for v in bad[:5]]


def test_the_parser_reads_the_recognisers_form_too() -> None:
    """The recogniser writes words in the lexicon's (decomposed) form: "हज़ार" as ज + nukta."""
    for v in _values(5, 500):
        said = " ".join(words_of(number_words(v, HI)))
        assert parse_number(tokenize(said), HI) == v, said


@pytest.mark.parametrize(("said", "value"), [
    ("डेढ़ सौ", 150), ("ढाई सौ", 250), ("साढ़े तीन सौ", 350), ("सवा सौ", 125), ("पौने दो सौ", 175),
    ("डेढ़ हज़ार", 1500), ("ढाई हजार", 2500), ("साढ़े चार हज़ार", 4500), ("सवा लाख", 125_000),
    ("पौने तीन लाख", 275_000), ("डेढ़ करोड़", 15_000_000), ("ढाई लाख पचास हज़ार", 300_000),
    ("बारह सौ", 1200), ("पच्चीस सौ", 2500), ("सौ", 100), ("हज़ार", 1000), ("पांच सौ", 500), ("छः", 6),
    ("निन्यानवे", 99), ("इक्यानवे हज़ार", 91_000), ("दस हज़ार करोड़", 10**11), ("2 लाख", 200_000),
    ("दो दशमलव पाँच", 2.5), ("साढ़े तीन", 3.5),
])
def test_everyday_forms(said: str, value: float) -> None:
    assert parse_number(tokenize(said), HI) == value


@pytest.mark.parametrize("junk", ["दो दो", "सौ सौ", "लाख हज़ार", "पचास लाख लाख", "दो सौ हज़ार", "साढ़े",
                                  "बचत", "हज़ार लाख", "तीन पचास", "साढ़े तीन पचास"])
def test_not_numbers_are_refused(junk: str) -> None:
    with pytest.raises(NotANumber):
        parse_number(tokenize(junk), HI)


@pytest.mark.parametrize(("text", "minor"), [
    ("दो लाख पचास हज़ार रुपये", 25_000_000), ("एक रुपया", 100), ("पाँच सौ रुपये और पचास पैसे", 50_050),
    ("पचास पैसे", 50), ("ढाई सौ रुपए", 25_000), ("₹ 500", 50_000), ("500 रुपये", 50_000),
    ("five hundred rupees", 50_000),  # numbers_also: English numbers in a Hindi call
    ("सिर्फ़ सवा लाख रुपये", 12_500_000), ("मेरी बचत", None), ("एक", 100),
])
def test_hindi_amounts(text: str, minor: int | None) -> None:
    assert parse_amount(text, "INR", HI) == minor


def test_amounts_inside_a_sentence_and_the_verbalisers_money() -> None:
    assert find_amount("सुनीता ने बचत में ढाई सौ रुपये दिए", "INR", HI).minor == 25_000  # type: ignore[union-attr]
    assert find_amount("एक बार और", "INR", HI) is None  # a lone एक is a determiner
    for v in _values(9, 300)[::3]:
        assert parse_amount(money_words(v, "INR", HI), "INR", HI) == v, money_words(v, "INR", HI)


def test_english_number_words_come_from_the_pack_setting() -> None:
    assert languages.get(HI).extra["numbers_also"] == ["en"]
    assert is_amount_token("five", HI) and is_amount_token("पाँच", HI)
    assert not is_amount_token("पाँच", "en")


def _amount_automaton() -> Automaton:
    return compile_grammar(GrammarSpec.of(HI, amount=True, currency="INR")).core


def test_the_amount_grammar_hears_every_number_and_sum_the_verbaliser_says() -> None:
    a = _amount_automaton()
    values = _values(11, 1500)
    missed = [v for v in values if v < 10**9 and not a.accepts(words_of(number_words(v, HI)))]
    missed += [v for v in values[1:400:7] if v < 10**9 and not a.accepts(words_of(money_words(v * 100, "INR", HI)))]
    assert not missed, missed[:10]


@pytest.mark.parametrize("said", ["ढाई सौ रुपये", "सवा लाख", "साढ़े तीन हज़ार रुपये", "पौने दो सौ",
                                  "डेढ़ करोड़", "पाँच सौ रुपये और पचास पैसे", "सौ रुपये",
                                  "दो सौ भारतीय रुपये"])
def test_the_amount_grammar_hears_the_fractional_counts(said: str) -> None:
    assert _amount_automaton().accepts(words_of(said))


@pytest.mark.parametrize("junk", ["दो दो", "सौ सौ", "लाख", "रुपये", "हज़ार लाख", "मेरी बचत", "साढ़े"])
def test_the_amount_grammar_refuses_junk(junk: str) -> None:
    assert not _amount_automaton().accepts(words_of(junk))


def test_hindi_digit_strings() -> None:
    said = "शून्य नौ आठ सात पाँच"
    assert numbers.spoken_digits(said, HI) == "09875"
    assert numbers.spoken_digits(" ".join(words_of(said)), HI) == "09875"
    assert compile_grammar(GrammarSpec.of(HI, digits=True)).core.accepts(words_of(said))
    assert numbers.spoken_digits("नौ बचत", HI) is None


TODAY = dt.date(2026, 11, 11)  # a Wednesday


@pytest.mark.parametrize(("text", "prefer_past", "expected"), [
    ("आज", False, TODAY), ("कल", False, TODAY + dt.timedelta(days=1)), ("कल", True, TODAY - dt.timedelta(days=1)),
    ("परसों", False, TODAY + dt.timedelta(days=2)), ("अगले सोमवार को", False, dt.date(2026, 11, 16)),
    ("पिछले शनिवार", False, dt.date(2026, 11, 7)), ("बारह नवंबर", False, dt.date(2026, 11, 12)),
    ("नवंबर की बारह तारीख", False, dt.date(2026, 11, 12)), ("12 नवम्बर", False, dt.date(2026, 11, 12)),
    ("अगले हफ़्ते", False, TODAY + dt.timedelta(days=7)), ("मेरी बचत", False, None),
])
def test_hindi_dates(text: str, prefer_past: bool, expected: dt.date | None) -> None:
    assert resolve_date(text, TODAY, prefer_past=prefer_past) == expected


def _date_spec() -> DateSpec:
    from nlu.normalise import dates as nlu_dates

    return DateSpec(tuple(nlu_dates.RELATIVE), tuple(sorted(nlu_dates.NEXT_WORDS)), tuple(sorted(nlu_dates.LAST_WORDS)))


def test_the_date_grammar_hears_the_verbalisers_dates_and_relative_words() -> None:
    from speech.verbalise import date_words

    a = compile_grammar(GrammarSpec.of(HI, dates=_date_spec())).core
    for d in (dt.date(2026, m, day) for m in range(1, 13) for day in (1, 12, 28)):
        assert a.accepts(words_of(date_words(d, HI, weekday=False))), date_words(d, HI, weekday=False)
    for said in ["अगले सोमवार को", "पिछले शनिवार", "कल", "परसों", "नवंबर की बारह तारीख", "शुक्रवार"]:
        assert a.accepts(words_of(said)), said
    assert not a.accepts(words_of("yesterday"))  # another script's words are not in a Hindi grammar


@pytest.mark.parametrize("lang", languages.codes())
def test_every_number_and_date_grammar_word_has_a_pronunciation(lang: str) -> None:
    """`ivr languages check` covers the verbaliser's words; the grammars' own words (variants, fractions, date
    words) must be pronounceable too, or the recogniser refuses the grammar."""
    if numbers.numbers_module(lang) is None:
        pytest.skip("no numbers.py")
    lex = lexicon_for(lang)
    nodes = [numbers.amount(lang), numbers.digits(lang), date_grammar.date(lang, _date_spec())]
    missing = []
    for w in sorted(set().union(*(vocabulary(n) for n in nodes))):
        try:
            lex.pronunciations(w)
        except LanguageDataError:
            missing.append(w)
    assert not missing


def test_grammar_words_are_in_the_lexicons_form() -> None:
    for w in vocabulary(numbers.amount(HI)):
        assert words_of(w) == [w], w
        assert unicodedata.normalize("NFD", w) == w or "\u093c" not in w


def test_every_hindi_listen_state_builds_a_grammar_the_lexicon_can_say() -> None:
    """No Hindi listen state fails for want of a number, date or entry grammar (NoNumberGrammar before the pack
    had numbers.py); a meeting entry without Hindi transaction-type phrases hears "<name> <amount>"."""
    from dialogs.expect import Expect
    from ivr.calls.grammars import GrammarBuilder
    from ivr.calls.states import STATES, listen_for
    from ledger_client.types import RosterMember

    roster = [RosterMember(member_id=f"m{i}", roster_number=i, name=n, first_name=n.split()[0], role="member",
                           language=HI) for i, n in enumerate(["सुनीता देवी", "मीना कुमारी"])]
    builder = GrammarBuilder()
    lex = lexicon_for(HI)
    specs = [builder.for_listen(listen_for(s, HI, roster), HI, "INR") for s in STATES]
    specs.append(builder.spec(Expect(("date",)), HI, (), "INR"))
    for spec in specs:
        assert spec is not None
        g = compile_grammar(spec)
        for w in g.words:
            lex.pronunciations(w)
    entry = compile_grammar(specs[STATES.index("meeting_entry")]).core
    assert entry.accepts(words_of("सुनीता देवी पाँच सौ रुपये"))
    assert compile_grammar(specs[-1]).core.accepts(words_of("अगले सोमवार को"))
