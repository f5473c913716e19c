"""Pronunciation lexicons from data: Swahili letter rules (digraphs, prenasals, vowels), exceptions over rules and
dictionary, English's CMUdict with Swahili rules for the names it lacks, and a new language added with files only."""

from __future__ import annotations

from pathlib import Path

import pytest

from speech.lexicon.g2p import LetterRules
from speech.lexicon.lexicon import Lexicon, lexicon_for, words_of
from speech.lexicon.packs import LanguageDataError


@pytest.fixture(scope="module")
def sw() -> Lexicon:
    return lexicon_for("sw")


@pytest.mark.parametrize(("word", "main"), [
    ("nyumba", "N Y UW M B AA"),  # ny, mb
    ("ng'ombe", "NG OW M B EH"),  # ng' is the velar nasal alone
    ("ngoma", "NG G OW M AA"),  # ng without the apostrophe keeps its g
    ("chai", "CH AA IY"),  # ch; a vowel pair is two syllables
    ("shule", "SH UW L EH"),  # sh
    ("dhahabu", "DH AA HH AA B UW"),  # dh
    ("thelathini", "TH EH L AA TH IY N IY"),  # th
    ("ghali", "G AA L IY"),  # gh
    ("ndizi", "N D IY Z IY"),  # nd
    ("akiba", "AA K IY B AA"),  # the five vowels
    ("pete", "P EH T EH"),
    ("moto", "M OW T OW"),
    ("msaada", "M S AA D AA"),  # a long vowel is one vowel
])
def test_swahili_rules_give_the_expected_phones(sw: Lexicon, word: str, main: str) -> None:
    assert sw.pronunciations(word)[0] == main


def test_alternatives_follow_the_main_pronunciation(sw: Lexicon) -> None:
    assert sw.pronunciations("dhahabu") == ("DH AA HH AA B UW", "Z AA HH AA B UW")
    assert sw.pronunciations("mtu")[1:] == ("AH M T UW", "UH M T UW")  # a syllabic m gets a short vowel
    assert sw.pronunciations("baraka") == ("B AA R AA K AA", "B AA L AA K AA")
    assert len(sw.pronunciations("thelathini")) == 3  # max_variants in g2p.yml


def test_rules_are_case_and_accent_blind(sw: Lexicon) -> None:
    assert sw.pronunciations("Nyumba") == sw.pronunciations("nyumba")
    assert sw.pronunciations("ng\u2019ombe") == sw.pronunciations("ng'ombe")  # typographic apostrophe
    assert words_of("Ng'ombe, 12 na Mama!") == ["ng'ombe", "na", "mama"]


def test_exceptions_override_the_rules(sw: Lexicon) -> None:
    assert sw.known("loan") and sw.pronunciations("loan") == ("L OW N", "L OW N IY")
    assert not sw.known("akiba")  # spelled by the rules only


def test_english_uses_cmudict_then_exceptions_then_swahili_rules() -> None:
    en = lexicon_for("en")
    assert en.pronunciations("savings")[0] == "S EY V IH NG Z"  # CMUdict
    assert en.pronunciations("mkopo") == ("M K OW P OW", "AH M K OW P OW")  # exceptions.yml
    assert en.pronunciations("wanjiru")[0] == "W AA N JH IY R UW"  # a name: Swahili rules


def test_a_letter_without_a_rule_is_named(sw: Lexicon) -> None:
    with pytest.raises(LanguageDataError, match="no rule for 'λ'"):
        sw.pronunciations("λόγος")


def write_language(root: Path, code: str, g2p: str, exceptions: str | None = None) -> None:
    base = root / code / "lexicon"
    base.mkdir(parents=True)
    (base / "g2p.yml").write_text(g2p, encoding="utf-8")
    if exceptions is not None:
        (base / "exceptions.yml").write_text(exceptions, encoding="utf-8")


LUGANDA_LIKE = """\
phoneset: cmu
max_variants: 2
classes:
  vowel: [a, e, i, o, u]
rules:
  - {g: ny, p: [N Y]}
  - {g: "ŋ", p: [NG]}
  - {g: c, p: [CH]}
  - {g: l, p: [L, R]}
  - {g: a, p: [AA]}
  - {g: e, p: [EH]}
  - {g: i, p: [IY]}
  - {g: o, p: [OW]}
  - {g: u, p: [UW]}
  - {g: k, p: [K]}
  - {g: m, p: [M]}
  - {g: n, p: [N]}
  - {g: g, p: [G]}
  - {g: b, p: [B]}
  - {g: w, p: [W]}
  - {g: s, at: end, p: [Z]}
  - {g: s, p: [S]}
"""


def test_a_language_adds_its_rules_and_exceptions_without_code(tmp_path: Path) -> None:
    write_language(tmp_path, "lg", LUGANDA_LIKE, "words:\n  webale: [W EH B AA L EH]\n")
    lex = Lexicon.load("lg", tmp_path)
    assert lex.pronunciations("nyama") == ("N Y AA M AA",)
    assert lex.pronunciations("kola") == ("K OW L AA", "K OW R AA")
    assert lex.pronunciations("gwanga")[0] == "G W AA N G AA"
    assert lex.pronunciations("ŋoma")[0] == "NG OW M AA"
    assert lex.pronunciations("cai")[0] == "CH AA IY"
    assert lex.pronunciations("bas") == ("B AA Z",)  # a rule with context (`at: end`)
    assert lex.pronunciations("sisa") == ("S IY S AA",)
    assert lex.pronunciations("webale") == ("W EH B AA L EH",)  # exception wins over the rules
    with pytest.raises(LanguageDataError, match="no rule for 't'"):
        lex.pronunciations("ssente")
    assert lexicon_for("lg", tmp_path) is lexicon_for("lg", tmp_path)  # loaded once per process


@pytest.mark.parametrize(("g2p", "message"), [
    ("rules:\n  - {g: a}\n", "needs `g`"),
    ("rules:\n  - {g: a, p: [AA], before: nothing}\n", "unknown class 'nothing'"),
    ("rules:\n  - {g: a, p: [AA], at: middle}\n", "`at` must be start or end"),
    ("rules: [{g: a, p: [AA]}]\nmax_variants: 0\n", "max_variants"),
    ("phoneset: cmu\n", "neither rules"),
    ("base_dictionary: nope\n", "unknown base_dictionary 'nope'"),
    ("rules: [\n", "not valid YAML"),
])
def test_bad_language_data_is_a_clear_error(tmp_path: Path, g2p: str, message: str) -> None:
    write_language(tmp_path, "zz", g2p)
    with pytest.raises(LanguageDataError, match=message) as info:
        Lexicon.load("zz", tmp_path)
    assert "zz" in str(info.value) or "not valid YAML" in message


def test_missing_language_names_the_directory(tmp_path: Path) -> None:
    with pytest.raises(LanguageDataError, match="add languages/qq/"):
        Lexicon.load("qq", tmp_path)
    (tmp_path / "qq").mkdir()
    with pytest.raises(LanguageDataError, match=r"g2p\.yml"):
        Lexicon.load("qq", tmp_path)


def test_letter_rules_longest_match_and_context() -> None:
    rules = LetterRules.from_data({"classes": {"v": ["a"]}, "rules": [
        {"g": "n", "p": ["N"]}, {"g": "ng", "p": ["NG G"]}, {"g": "a", "p": ["AA"]},
        {"g": "n", "before": "v", "p": ["N"]}, {"g": "g", "p": ["G"]}]})
    assert rules.pronounce("nga") == ("NG G AA",)  # the longer grapheme wins
    assert rules.pronounce("nag") == ("N AA G",)
