"""What the recogniser may hear in a listen state: each Listen's `Expect` translated into a speech GrammarSpec.

One declaration (dialogs.expect) drives both what the dialog understands and what the recogniser can hear, so the
two never drift apart. The words come from the data the rest of the system already keeps, never from lists here:
the NLU training examples of each intent the state answers to (and of the global intents it honours), the prompt
catalog's menu words for the Listen (`Listen.phrases`), the roster's names, the NLU's transaction-type and date
words, the meeting-entry command words, and the speech layer's own number grammars. A state whose answer is open
dictation gets no grammar (None): it is heard by the language's open engine (ivr/calls/engines.py).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

import languages as language_packs
from dialogs.actions import Listen
from dialogs.expect import Expect
from dialogs.meeting.parse import BULK_PHRASES, COMMAND_WORDS
from nlu.normalise import dates as nlu_dates
from nlu.normalise.transactions import PHRASES as TYPE_PHRASES
from speech.grammar.numbers import DIGIT_WORDS, amount
from speech.grammar.rules import vocabulary
from speech.grammar.spec import DateSpec, EntrySpec, GrammarSpec
from speech.lexicon.lexicon import words_of

log = logging.getLogger(__name__)
RASA_PROJECT = Path(__file__).resolve().parents[2] / "nlu" / "rasa"
YES_NO_INTENTS = ("affirm", "deny")
ENTRY_INTENT = "record_transaction"  # the NLU intent whose examples show how entries are said


def read_examples(path: Path) -> dict[str, tuple[str, ...]]:
    """intent -> its training examples, from one Rasa NLU YAML file (``- intent: x`` / ``examples: |``)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read NLU training data {path}: {exc}") from exc
    out: dict[str, list[str]] = {}
    for item in data.get("nlu") or ():
        if not isinstance(item, dict) or "intent" not in item:
            continue
        lines = str(item.get("examples") or "").splitlines()
        examples = [ln.strip()[2:].strip() for ln in lines if ln.strip().startswith("- ")]
        out.setdefault(str(item["intent"]), []).extend(e for e in examples if e)
    return {k: tuple(v) for k, v in out.items()}


@dataclass
class LanguageWords:
    """One language's NLU training data, read once."""

    lang: str
    examples: dict[str, tuple[str, ...]]

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word the language's callers use in the training data (code-switched English included)."""
        return frozenset(w for ex in self.examples.values() for e in ex for w in words_of(e))

    def used(self, phrases: Iterable[str]) -> tuple[str, ...]:
        """The phrases every word of which this language's callers use (drops the other language's words)."""
        return tuple(p for p in phrases if (ws := words_of(p)) and all(w in self.vocabulary for w in ws))

    @cached_property
    def type_phrases(self) -> tuple[str, ...]:
        return self.used(TYPE_PHRASES)

    @cached_property
    def entry_links(self) -> tuple[str, ...]:
        """Words that join the pieces of a spoken entry ("paid", "for", "amelipa", "ya"), read off the training
        examples: what is left of each after its amount and type phrases are taken out, keeping words seen in
        several examples or in other intents (a name used once in an example is not a joining word)."""
        numbers: set[str] = vocabulary(amount(self.lang)) if self.lang in DIGIT_WORDS else set()
        types = sorted((words_of(p) for p in self.type_phrases), key=len, reverse=True)
        counts: Counter[str] = Counter()
        for example in self.examples.get(ENTRY_INTENT, ()):
            ws = [w for w in words_of(example) if w not in numbers]
            for t in types:  # whole type phrases out, longest first
                n = len(t)
                i = 0
                while i + n <= len(ws):
                    if ws[i : i + n] == t:
                        del ws[i : i + n]
                    else:
                        i += 1
            counts.update(set(ws))
        elsewhere = {w for intent, ex in self.examples.items() if intent != ENTRY_INTENT for e in ex
                     for w in words_of(e)}
        return tuple(sorted(w for w, n in counts.items() if n >= 2 or w in elsewhere))


@dataclass
class GrammarBuilder:
    """Expect (+ the Listen's catalog words) -> GrammarSpec, cached; shared by every call of the process."""

    project_dir: Path = RASA_PROJECT
    _langs: dict[str, LanguageWords] = field(default_factory=dict)
    _cache: dict[tuple[str, Expect, tuple[str, ...], str | None], GrammarSpec | None] = field(default_factory=dict)

    def words(self, lang: str) -> LanguageWords:
        lw = self._langs.get(lang)
        if lw is None:
            path = self.project_dir / "data" / f"{lang}.yml"
            if not path.is_file() and lang in language_packs.codes():
                path = language_packs.get(lang).path("nlu.yml")  # a language pack's own examples
            examples = read_examples(path) if path.is_file() else {}
            if not examples:
                log.warning("no NLU training data for %s in %s: grammars hold catalog words only", lang, path)
            lw = self._langs[lang] = LanguageWords(lang, examples)
        return lw

    def for_listen(self, listen: Listen, lang: str, currency: str | None = None) -> GrammarSpec | None:
        """The grammar of a Listen; None when its answer is open dictation (or it takes no speech). Amounts are
        heard in ``currency``'s words (the caller's group's)."""
        if not listen.speech:
            return None
        return self.spec(listen.expects, lang, listen.phrases, currency)

    def has_spec(self, listen: Listen, lang: str, currency: str | None = None) -> bool:
        """Whether for_listen() would answer from the cache (no building: cheap enough for the event loop)."""
        return not listen.speech or (lang, listen.expects, listen.phrases, currency) in self._cache

    def spec(self, expects: Expect, lang: str, catalog_words: tuple[str, ...] = (), currency: str | None = None
             ) -> GrammarSpec | None:
        key = (lang, expects, catalog_words, currency)
        if key not in self._cache:
            self._cache[key] = None if expects.open else self._build(expects, lang, catalog_words, currency)
        return self._cache[key]

    def broad(self, lang: str, names: tuple[str, ...] = ()) -> GrammarSpec:
        """Every intent, amounts and names: for open dictation in a language that has no open engine."""
        lw = self.words(lang)
        return GrammarSpec.of(lang, {i: ex for i, ex in lw.examples.items() if i != "out_of_scope"},
                              amount=lang in DIGIT_WORDS, names=names)

    def _build(self, expects: Expect, lang: str, catalog_words: tuple[str, ...], currency: str | None
               ) -> GrammarSpec:
        lw = self.words(lang)
        phrases: dict[str, tuple[str, ...]] = {}
        kinds = expects.kinds

        def add(label: str, items: Iterable[str]) -> None:
            phrases[label] = tuple(dict.fromkeys([*phrases.get(label, ()), *items]))

        if "yes_no" in kinds:
            for intent in YES_NO_INTENTS:
                add(intent, lw.examples.get(intent, ()))
        if "choice" in kinds:
            add("choice", expects.phrases)
        if "transaction_type" in kinds:
            add("transaction_type", lw.type_phrases)
        for intent in expects.intents:
            add(intent, lw.examples.get(intent, ()))
        side = {i: lw.examples.get(i, ()) for i in expects.globals if i not in expects.intents}
        if "meeting_entry" in kinds:
            for name, said in COMMAND_WORDS.items():
                add(f"command:{name}", lw.used(said))
        if catalog_words and ("menu" in kinds or "yes_no" in kinds or "choice" in kinds):
            add("catalog", catalog_words)  # the words the prompt itself offers ("say savings, loan or help")
        entry = None
        if "meeting_entry" in kinds:
            entry = EntrySpec(types=lw.type_phrases, links=lw.entry_links, bulk=lw.used(BULK_PHRASES))
        numbers = lang in DIGIT_WORDS
        dates = None
        if "date" in kinds:
            # the date words of both languages: callers mix them ("last jumamosi") and there are few
            dates = DateSpec(relative=tuple(nlu_dates.RELATIVE), next_words=tuple(sorted(nlu_dates.NEXT_WORDS)),
                             last_words=tuple(sorted(nlu_dates.LAST_WORDS)))
        names = expects.names if ("member_name" in kinds or "meeting_entry" in kinds) else ()
        return GrammarSpec.of(lang, phrases, amount=numbers and "amount" in kinds, digits=numbers and "digits" in kinds,
                              names=names, entry=entry if numbers else None, dates=dates if numbers else None,
                              side=side, currency=currency)
