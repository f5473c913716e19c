"""What one listen state can hear, as plain data: the call layer fills it in, speech compiles it for a recogniser.

A GrammarSpec knows nothing about dialogs or intents' meaning: it lists phrase sets (labelled, e.g. by the NLU intent
they express), whether an amount, spoken digits or a date may be said, the roster's names and the meeting-entry
shape. It is frozen and hashable, so a compiled grammar (and a decoder's search built from it) is cached per spec.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


def _clean(phrases: Iterable[str]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for p in phrases:
        norm = " ".join(p.lower().split())
        if norm:
            out[norm] = None
    return tuple(out)


@dataclass(frozen=True)
class EntrySpec:
    """A meeting entry: "<name> <links> <type> <amount>" in any order of the last pieces, with joining words."""

    types: tuple[str, ...]  # transaction-type phrases ("social fund", "mfuko wa jamii")
    links: tuple[str, ...] = ()  # words that join the pieces ("paid", "for", "amelipa", "ya")
    bulk: tuple[str, ...] = ()  # "for everyone", "kila mtu": one entry for the whole roster


@dataclass(frozen=True)
class DateSpec:
    """Dates as callers name them: relative words plus the calendar forms the verbaliser uses."""

    relative: tuple[str, ...] = ()  # "today", "yesterday", "kesho kutwa"
    next_words: tuple[str, ...] = ()  # "next", "ijayo"
    last_words: tuple[str, ...] = ()  # "last", "iliyopita"


@dataclass(frozen=True)
class GrammarSpec:
    """Everything a listen state accepts. Build with :meth:`of`; compare and hash by value."""

    lang: str
    phrases: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (label, phrases) in the state's order of preference
    amount: bool = False
    digits: bool = False
    names: tuple[str, ...] = ()  # full names as on the roster; first names and surnames are heard alone too
    entry: EntrySpec | None = None
    dates: DateSpec | None = None
    extra: tuple[str, ...] = ()  # more words the state may hear in free order (the low-weight word loop)
    side: tuple[tuple[str, tuple[str, ...]], ...] = ()  # phrase sets heard at a low weight (global intents)
    currency: str | None = None  # amounts are said in this currency's words (None: every currency's)

    @classmethod
    def of(cls, lang: str, phrases: Mapping[str, Iterable[str]] | None = None, *, amount: bool = False,
           digits: bool = False, names: Iterable[str] = (), entry: EntrySpec | None = None,
           dates: DateSpec | None = None, extra: Iterable[str] = (), side: Mapping[str, Iterable[str]] | None = None,
           currency: str | None = None) -> GrammarSpec:
        return cls(lang, _sets(phrases), amount, digits, _clean_names(names), entry, dates, _clean(extra),
                   _sets(side), currency)

    @classmethod
    def from_phrases(cls, lang: str, phrases: Iterable[str]) -> GrammarSpec:
        """The old form: a flat phrase list (one label)."""
        return cls.of(lang, {"phrase": phrases})

    @property
    def empty(self) -> bool:
        return not (self.phrases or self.amount or self.digits or self.names or self.entry or self.dates)

    def all_phrases(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for _, ps in (*self.phrases, *self.side) for p in ps))


def _sets(phrases: Mapping[str, Iterable[str]] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((label, cleaned) for label, ps in (phrases or {}).items() if (cleaned := _clean(ps)))


def _clean_names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(" ".join(n.split()) for n in names if n.strip()))
