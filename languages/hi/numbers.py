"""Hindi numbers as callers say them: the recogniser's number/amount/date grammar and the words-to-value parser.

The pack interface for numbers is documented in languages/__init__.py. Hindi numbers 0-99 are whole words; above
them the Indian scales, count first, no joiner: "दो लाख पचास हज़ार तीन सौ बीस". Callers also say the fractional
counts the verbaliser never uses: डेढ़ (1½), ढाई (2½), साढ़े N (N + ½), सवा N (N + ¼, "सवा" alone 1¼) and पौने N
(N - ¼) before सौ/हज़ार/लाख/करोड़ ("ढाई सौ" = 250, "साढ़े तीन हज़ार" = 3,500, "पौने दो लाख" = 1,75,000). The count
of crores may itself hold hazar and lakh ("दस हज़ार करोड़" = 10^11), as the verbaliser says it.

Spellings are compared in one canonical form (NFC, nukta dropped, chandrabindu as anusvara): "हजार" is "हज़ार",
"पांच" is "पाँच", and the -नवे spellings of 91-99 are the verbaliser's -नबे ones.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import languages

_V: Any = languages.get(Path(__file__).parent.name).module("verbalise")


def key(word: str) -> str:
    """The canonical spelling a Hindi number word is compared in."""
    return unicodedata.normalize("NFC", word).replace("\u093c", "").replace("\u0901", "\u0902")


HUNDRED, THOUSAND, LAKH, CRORE = _V.HUNDRED, _V.THOUSAND, _V.LAKH, _V.CRORE
HALVES = {"डेढ़": Fraction(3, 2), "ढाई": Fraction(5, 2)}  # counts of their own
# prefix -> (added to the count that follows, the count when a scale follows directly: "सवा सौ" = 125)
PREFIXES = {"साढ़े": (Fraction(1, 2), None), "सवा": (Fraction(1, 4), Fraction(1)), "पौने": (Fraction(-1, 4), None)}
POINT = ["दशमलव", "पॉइंट"]
ZERO_VARIANTS = ["ज़ीरो"]
_SPELLINGS = {  # other spellings callers (and recognisers) write
    "छः": 6, "छै": 6, "छे": 6, "सत्ताइस": 27, "अठाईस": 28, "अठ्ठाईस": 28, "इकत्तीस": 31, "उनचालीस": 39,
    "पैंतालिस": 45, "सैंतालिस": 47, "इकावन": 51, "तिरपन": 53, "छप्पन": 56, "सतावन": 57, "अठावन": 58,
    "तिरसठ": 63, "चौसठ": 64, "सड़सठ": 67, "उन्यासी": 79, "इक्कासी": 81, "नवासी": 89,
    "इक्यानवे": 91, "बानवे": 92, "तिरानवे": 93, "चौरानवे": 94, "पचानवे": 95, "छियानवे": 96, "सत्तानवे": 97,
    "अट्ठानवे": 98, "निन्यानवे": 99, "करोड": 10**7,
}  # fmt: skip

UNITS: dict[str, int] = {key(w): i for i, w in enumerate(_V.UNITS)}
UNITS.update({key(w): 0 for w in ZERO_VARIANTS})
UNITS.update({key(w): n for w, n in _SPELLINGS.items() if n < 100})
SCALES: dict[str, int] = {key(HUNDRED): 100, key(THOUSAND): 1000, key(LAKH): 100_000, key(CRORE): 10**7}
_HALVES = {key(w): v for w, v in HALVES.items()}
_PREFIXES = {key(w): v for w, v in PREFIXES.items()}
_POINT = {key(w) for w in POINT}
_CRORE = key(CRORE)

DIGITS: dict[str, str] = {**{w: str(i) for i, w in enumerate(_V.UNITS[:10])}, **{w: "0" for w in ZERO_VARIANTS}}
MONEY: dict[str, list[str]] = {
    "major": ["रुपये", "रुपए", "रुपया", "रुपयों", "रूपये", "रूपए", "रु"],
    "minor": ["पैसे", "पैसा"],
    "fillers": ["और", "सिर्फ़", "सिर्फ", "केवल", "का", "के"],
    "determiners": ["एक"],  # "एक बार और": a lone एक is not money
}
DATES: dict[str, Any] = {
    "weekdays": {**{w: i for i, w in enumerate(_V.WEEKDAYS)}, "इतवार": 6},
    "months": {**{m: i + 1 for i, m in enumerate(_V.MONTHS)}, "फरवरी": 2, "सितम्बर": 9, "अक्तूबर": 10, "नवम्बर": 11,
               "दिसम्बर": 12},
    # कल is both yesterday and tomorrow, परसों both two days back and ahead: ahead unless the question is about
    # the past (relative_past)
    "relative": {"आज": 0, "कल": 1, "परसों": 2, "अगले हफ़्ते": 7, "अगले हफ्ते": 7, "अगले सप्ताह": 7,
                 "पिछले हफ़्ते": -7, "पिछले हफ्ते": -7, "पिछले सप्ताह": -7},
    "relative_past": {"कल": -1, "परसों": -2},
    "next_week": ["अगले हफ़्ते", "अगले हफ्ते", "अगले सप्ताह"],
    "next": ["अगले", "अगला", "अगली", "आगामी"],
    "last": ["पिछले", "पिछला", "पिछली", "बीते"],
    "ordinals": {},
    "day_fillers": ["तारीख", "तारीख़", "की", "को"],
}


def is_word(tok: str) -> bool:
    """Could this token be part of a spoken Hindi number?"""
    k = key(tok)
    return k in UNITS or k in SCALES or k in _HALVES or k in _PREFIXES or k in _POINT


def _count(tok: str, dv: Callable[[str], Fraction | None]) -> Fraction | None:
    v = dv(tok)
    if v is not None:
        return v
    k = key(tok)
    return Fraction(UNITS[k]) if k in UNITS else None


def _below_crore(toks: list[str], dv: Callable[[str], Fraction | None]) -> Fraction:
    """Lakh, hazar, sau and the rest (count before each scale, scales shrinking), as keys."""
    total = Fraction(0)
    current: Fraction | None = None
    bare = False  # current is a whole hundreds count ("दो सौ"): a number below a hundred may still follow
    last_scale = 10**7
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok in _HALVES or tok in _PREFIXES:
            if current is not None:
                raise ValueError(f"two numbers in a row near {tok!r}")
            if tok in _HALVES:
                current = _HALVES[tok]
            else:
                add, alone = _PREFIXES[tok]
                nxt = _count(toks[i + 1], dv) if i + 1 < len(toks) else None
                if nxt is not None:
                    current = nxt + add
                    i += 1
                elif alone is not None and i + 1 < len(toks) and toks[i + 1] in SCALES:
                    current = alone + add
                else:
                    raise ValueError(f"{tok!r} without a number")
            if i + 1 < len(toks) and toks[i + 1] not in SCALES:
                raise ValueError("a fractional count is followed by a scale or nothing")
            bare = False
        elif (c := _count(tok, dv)) is not None:
            if current is not None and not bare:
                raise ValueError(f"two numbers in a row near {tok!r}")
            if bare and c >= 100:
                raise ValueError(f"{tok!r} after hundreds")
            current = (current or Fraction(0)) + c
            bare = False
        elif tok in SCALES and current is None and total:
            raise ValueError(f"{tok!r} without its count after a larger scale")
        elif tok == key(HUNDRED):
            base = Fraction(1) if current is None else current
            if bare or base >= 100:
                raise ValueError("hundred after hundred")
            current = base * 100
            bare = True
        elif tok in SCALES:  # hazar, lakh
            scale = SCALES[tok]
            if scale >= last_scale:
                raise ValueError(f"{tok!r} after a larger or equal scale")
            base = Fraction(1) if current is None else current
            if base >= 100:
                raise ValueError(f"a count of {tok!r} is below a hundred")
            total += base * scale
            current, bare, last_scale = None, False, scale
        elif tok in _POINT:
            digits = [str(UNITS[t]) if UNITS.get(t, 10) < 10 else t for t in toks[i + 1 :]]
            if not digits or not all(d.isdigit() and len(d) == 1 for d in digits):
                raise ValueError("a decimal point without digits after it")
            current = (current or Fraction(0)) + Fraction("0." + "".join(digits))
            break
        else:
            raise ValueError(f"not a number word: {tok!r}")
        i += 1
    if current is None and total == 0 and not any(t in SCALES or t in UNITS or dv(t) is not None for t in toks):
        raise ValueError("no number in the words")
    return total + (current or Fraction(0))


def parse(tokens: list[str], digits_value: Callable[[str], Fraction | None]) -> Fraction:
    """Hindi number words (and digits): 'दो लाख पचास हज़ार' = 2,50,000, 'ढाई सौ' = 250, 'सवा लाख' = 1,25,000.
    Raises ValueError when the words are not (entirely) a number."""
    if not tokens:
        raise ValueError("empty")
    toks = [key(t) for t in tokens]
    if _CRORE in toks:
        k = toks.index(_CRORE)
        count = _below_crore(toks[:k], digits_value) if k else Fraction(1)
        rest = _below_crore(toks[k + 1 :], digits_value) if k + 1 < len(toks) else Fraction(0)
        return count * 10**7 + rest
    return _below_crore(toks, digits_value)


# Preferences inside the number grammar (arc weights relative to 1.0; the decoder raises them to its language
# weight). Hindi is heard through the US-English acoustic model (lexicon/g2p.yml), which tells its short number
# words apart poorly (दो/नौ, तीन/बीस; हज़ार/लाख/करोड़ in an open grammar): an equal-weight choice of 99 count words
# with free optional parts gave 2 of 60 amounts right on three hi voices (tests/languages/test_hindi_amount_hearing.py,
# where the whole measurement is described). So the grammar prefers what groups say most: ROUND amounts as whole
# phrases, every other number at GENERAL (still heard when the audio is clearly it); inside the general grammar,
# counts callers say often (COMMON) before the others (RARE), a further part after a scale at MORE_PARTS, the
# fractional counts at FRACTION; paise in an amount at PAISE. Measured on those voices (right of 60): flat 2;
# RARE 0.05 + MORE_PARTS 0.3 + PAISE 0.1: 9; + ROUND phrases with GENERAL 0.05: 16, 0.005: 18, 0.0001: 19.
COMMON = {*range(1, 11), 12, 15, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90}
RARE = 0.05
MORE_PARTS = 0.3
FRACTION = 0.5
ROUND = sorted({*range(10, 100, 5), *range(100, 1000, 50), *range(1000, 10_000, 250), *range(10_000, 100_000, 2500),
                *range(100_000, 10_00_000, 25_000), *range(10_00_000, 1_00_00_000, 5_00_000)})
GENERAL = 0.001
PAISE = 0.1  # amounts with paise are rare in a group's books


def grammar(r: Any) -> Any:
    """What the verbaliser says (0 .. 99 crore) and the fractional counts, count before each scale."""
    words = _V.UNITS[1:]
    u = r.alt([r.Word(w) for w in words], [1.0 if n in COMMON else RARE for n in range(1, 100)])
    u9 = r.alt(r.Word(w) for w in _V.UNITS[1:10])
    frac = r.alt([*(r.Word(w) for w in HALVES), r.seq(r.alt(r.Word(w) for w in PREFIXES), u), r.Word("सवा")])
    count = r.alt([u, frac], [1.0, FRACTION])

    def then(x: Any) -> Any:  # an optional further part, at a cost
        return r.alt([r.EMPTY, x], [1.0, MORE_PARTS])

    hundreds = r.seq(r.alt([r.alt([u9, frac], [1.0, FRACTION]), r.EMPTY], [1.0, MORE_PARTS]), r.Word(HUNDRED),
                     then(u))
    b1000 = r.alt([hundreds, u])
    thousand = r.seq(count, r.Word(THOUSAND), then(b1000))
    lakh = r.seq(count, r.Word(LAKH), then(r.alt([thousand, b1000])))
    below_crore = r.alt([lakh, thousand, b1000])
    crore = r.seq(count, r.Word(CRORE), then(below_crore))
    general = r.alt([crore, below_crore, r.Word(_V.UNITS[0])])
    whole = r.phrases(_V.number_words(n) for n in ROUND)
    return r.alt([whole, general], [1.0, GENERAL])


def currency_words(currency: str | None) -> tuple[list[str], list[str], list[str]]:
    """(major nouns, minor nouns, country words) the verbaliser says for ``currency`` (all when None/unknown)."""
    table = _V.CURRENCY_NOUNS
    nouns = [table[currency]] if currency in table else list(table.values())
    major = sorted({n[0] for n in nouns} | {n[1] for n in nouns})
    return major, sorted({n[2] for n in nouns} | {n[3] for n in nouns}), sorted({n[4] for n in nouns})


def amount_grammar(r: Any, number: Any, major: Any, minor: Any, country: Any) -> Any:
    """"एक लाख पचास हज़ार [भारतीय] रुपये [और पचास पैसे]"."""
    below_100 = r.alt(r.Word(w) for w in _V.UNITS[1:])  # paise are 1..99
    paise = r.alt([r.EMPTY, r.seq(r.Opt(r.Word(_V.AND)), below_100, minor)], [1.0, PAISE])
    return r.seq(number, r.Opt(r.seq(r.Opt(country), major, paise)))


def date_grammar(r: Any, number: Any) -> dict[str, Any]:
    """Weekday ("सोमवार को"), calendar date ("बारह नवंबर", "नवंबर की बारह तारीख")."""
    weekday = r.phrases(_V.WEEKDAYS)
    month = r.phrases(_V.MONTHS)
    calendar = r.alt([r.seq(number, r.Opt(r.Word("तारीख")), month),
                      r.seq(month, r.Opt(r.Word("की")), number, r.Opt(r.Word("तारीख")))])
    return {"weekday": weekday, "calendar": r.seq(calendar, r.Opt(r.Word("को"))), "after": r.Opt(r.Word("को"))}
