"""Letter-to-phone rules read from a language's g2p.yml: a word's pronunciations off its spelling, with variants.

For a nearly phonemic spelling (Swahili) a longest-match rule table is the whole job: at each position the longest
grapheme that has a rule (and whose context matches) gives its phones. A rule may list alternative pronunciations;
they become alternative pronunciations of the word, one substitution at a time (the recogniser picks whichever
fits the audio), cheapest first, at most ``max_variants`` per word so the decoder's search stays small.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from speech.lexicon.packs import LanguageDataError, load_yaml


@dataclass(frozen=True)
class Rule:
    graphemes: str
    phones: tuple[str, ...]  # main pronunciation first
    at: str | None = None  # "start" | "end"
    before: frozenset[str] | None = None  # the next letter must be one of these
    after: frozenset[str] | None = None  # the previous letter must be one of these

    def matches(self, word: str, i: int) -> bool:
        if not word.startswith(self.graphemes, i):
            return False
        end = i + len(self.graphemes)
        if self.at == "start" and i != 0:
            return False
        if self.at == "end" and end != len(word):
            return False
        if self.before is not None and (end >= len(word) or word[end] not in self.before):
            return False
        return not (self.after is not None and (i == 0 or word[i - 1] not in self.after))

    @property
    def specificity(self) -> int:
        return sum(x is not None for x in (self.at, self.before, self.after))


# Marks on letters below this code point are accents of Latin script (dropped); above it (Devanagari's vowel signs,
# nukta and virama) they are part of the spelling the rules read.
_LATIN_END = 0x0250


def fold(word: str) -> str:
    """Lower case, accents off (é -> e), typographic apostrophes to ASCII: the form the rules are written for.
    Marks of other scripts stay (decomposed: क़ is क + nukta), since there they are letters."""
    word = word.lower().replace("\u2019", "'").replace("\u2018", "'")
    out: list[str] = []
    for c in unicodedata.normalize("NFKD", word):
        if unicodedata.combining(c) and (not out or ord(out[-1][0]) < _LATIN_END):
            continue
        out.append(c)
    return "".join(out)


class LetterRules:
    """The rules of one g2p.yml. ``pronounce(word)`` -> pronunciations (space-separated phones), main first."""

    def __init__(self, rules: list[Rule], *, max_variants: int, drop: frozenset[str], source: str) -> None:
        if not rules:
            raise LanguageDataError(f"{source}: no rules")
        self.source = source
        self.max_variants = max_variants
        self.drop = drop
        by_first: dict[str, list[Rule]] = {}
        for r in rules:
            by_first.setdefault(r.graphemes[0], []).append(r)
        # longest graphemes first, then the most specific context; file order breaks ties
        self._by_first = {k: sorted(v, key=lambda r: (-len(r.graphemes), -r.specificity)) for k, v in by_first.items()}

    @classmethod
    def from_file(cls, path: Path) -> LetterRules:
        return cls.from_data(load_yaml(path), source=str(path))

    @classmethod
    def from_data(cls, data: dict[str, Any], *, source: str = "<rules>") -> LetterRules:
        classes = {str(k): frozenset(str(x) for x in v) for k, v in (data.get("classes") or {}).items()}

        def cls_of(name: object, rule: object) -> frozenset[str] | None:
            if name is None:
                return None
            if name not in classes:
                raise LanguageDataError(f"{source}: rule {rule} names an unknown class {name!r}")
            return classes[str(name)]

        rules = []
        for raw in data.get("rules") or ():
            if not isinstance(raw, dict) or not raw.get("g") or not raw.get("p"):
                raise LanguageDataError(f"{source}: every rule needs `g` (graphemes) and `p` (phones): {raw!r}")
            at = raw.get("at")
            if at not in (None, "start", "end"):
                raise LanguageDataError(f"{source}: rule {raw!r}: `at` must be start or end")
            phones = tuple(" ".join(str(p).split()) for p in raw["p"])
            rules.append(Rule(fold(str(raw["g"])), phones, at, cls_of(raw.get("before"), raw),
                              cls_of(raw.get("after"), raw)))
        max_variants = int(data.get("max_variants", 4))
        if max_variants < 1:
            raise LanguageDataError(f"{source}: max_variants must be at least 1")
        return cls(rules, max_variants=max_variants, drop=frozenset(str(d) for d in data.get("drop") or ()),
                   source=source)

    def segments(self, word: str) -> list[tuple[str, ...]]:
        """The word as a list of rule outputs (each a tuple of alternative phone strings); raises on a letter
        no rule covers, naming it."""
        w = fold(word)
        out: list[tuple[str, ...]] = []
        i = 0
        while i < len(w):
            ch = w[i]
            if ch in self.drop or ch.isspace():
                i += 1
                continue
            rule = next((r for r in self._by_first.get(ch, ()) if r.matches(w, i)), None)
            if rule is None:
                raise LanguageDataError(f"{self.source}: no rule for {ch!r} in {word!r}")
            out.append(rule.phones)
            i += len(rule.graphemes)
        if not out:
            raise LanguageDataError(f"{self.source}: {word!r} has no letters to pronounce")
        return out

    def pronounce(self, word: str) -> tuple[str, ...]:
        segs = self.segments(word)
        main = [s[0] for s in segs]
        prons = [" ".join(main)]
        # one substitution at a time: every first alternative (by position) before any second alternative
        depth = max(len(s) for s in segs)
        for alt in range(1, depth):
            for pos, seg in enumerate(segs):
                if len(prons) >= self.max_variants:
                    return tuple(prons)
                if alt < len(seg):
                    variant = " ".join([*main[:pos], seg[alt], *main[pos + 1 :]])
                    if variant not in prons:
                        prons.append(variant)
        return tuple(prons[: self.max_variants])
