"""GrammarSpec -> one word grammar per listen state: phrase sets, names, amounts, digits, dates, meeting entries.

Shape of every state's grammar: ``[filler] <answer> [filler]``, where <answer> is one of the state's alternatives
(each kind of answer gets an equal share of the probability, split again inside it). A low-weight loop over the
state's own words lets a caller's rewording ("how much money have I saved") still come out as those words for the
NLU instead of being forced onto the nearest sentence. Out-of-grammar speech is rejected by the engine (a phone-loop
reference score, see speech/asr/pocketsphinx_engine.py), not by the grammar.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

from speech.grammar import dates as date_grammar
from speech.grammar import numbers
from speech.grammar.rules import EMPTY, Automaton, Node, Opt, Rep, Word, alt, phrases, seq, vocabulary, words
from speech.grammar.spec import EntrySpec, GrammarSpec
from speech.lexicon.lexicon import words_of
from speech.lexicon.packs import LanguageDataError, language_dir, load_yaml

# Share of the word loop next to the state's whole answers (which share 1.0 between them): small, so a sentence
# the caller says as written wins, large enough that a reworded one is heard as its words.
WORD_LOOP_WEIGHT = 0.0
# Share of the side phrases (global intents: "goodbye", "speak to a person") next to the state's own answers: a
# caller may always leave, but a name or an amount should not lose to a long "I want to talk to a real person".
SIDE_WEIGHT = 0.25
# Preference for a filler word ("uh", "eeh", "please") before or after the answer: a free filler swallowed real
# words ("tatu moja saba nane" heard as "tatu moja tafadhali").
FILLER_WEIGHT = 0.1


class GrammarBuildError(ValueError):
    """A spec that cannot become a grammar (empty, or a kind the language has no grammar for)."""


@lru_cache(maxsize=16)
def fillers(lang: str) -> tuple[str, ...]:
    """Hesitation/politeness words of ``lang`` (languages/<lang>/grammar.yml), allowed around any answer."""
    try:
        path = language_dir(lang) / "grammar.yml"
    except LanguageDataError:
        return ()
    if not path.is_file():
        return ()
    return tuple(words_of(" ".join(str(w) for w in load_yaml(path).get("fillers") or ())))


def _phrase_node(texts: tuple[str, ...]) -> Node | None:
    cleaned = [" ".join(words_of(t)) for t in texts]
    cleaned = [t for t in cleaned if t]
    return phrases(cleaned) if cleaned else None


def name_node(names: tuple[str, ...]) -> Node | None:
    """Each roster name whole, and its first name and surname alone (callers say "Mary" or "Akinyi")."""
    forms: list[str] = []
    for n in names:
        ws = words_of(n)
        if not ws:
            continue
        forms.append(" ".join(ws))
        forms.extend(ws)
    return phrases(dict.fromkeys(forms)) if forms else None


def entry_node(entry: EntrySpec, names: Node, amount: Node) -> Node:
    """A meeting entry; a language whose callers' transaction-type words are not known yet (no NLU examples use
    the type phrases) hears "<name> <amount>" only, and the dialog asks for the type."""
    types = _phrase_node(entry.types)
    link = _phrase_node(entry.links)
    gap: Node = Opt(link) if link is not None else words("")  # one joining word at most between two pieces
    if types is None:
        return alt([seq(gap, names, gap, amount, gap), seq(gap, amount, gap, names)])
    body = alt([seq(types, gap, amount), seq(amount, gap, types), amount, types])
    forms = [seq(gap, names, gap, body, gap), seq(gap, body, gap, names)]  # "mary paid 200 savings" / "200 for mary"
    bulk = _phrase_node(entry.bulk)
    if bulk is not None:
        forms += [seq(types, gap, bulk, gap, amount), seq(types, gap, amount, gap, bulk),
                  seq(bulk, gap, types, gap, amount)]
    return alt(forms)


@dataclass
class CompiledGrammar:
    """A spec as a word automaton (for FSG decoders), its vocabulary and phrase list, and an end-of-answer test."""

    spec: GrammarSpec
    root: Node
    automaton: Automaton
    core: Automaton  # the answers alone (no fillers, no word loop): what "a complete answer" means
    fillers: frozenset[str]
    key: str
    closed: bool  # no amount/digits/entry: every answer is a fixed phrase or name
    _words: frozenset[str] = field(default_factory=frozenset)

    @property
    def words(self) -> frozenset[str]:
        return self._words

    def phrase_list(self) -> tuple[str, ...]:
        """For phrase-list engines (Vosk): the whole phrases and names, plus every other word of the grammar alone
        (number and digit words, links), which such engines may string together."""
        whole = [" ".join(words_of(p)) for p in self.spec.all_phrases()]
        whole += [" ".join(words_of(n)) for n in self.spec.names]
        listed = {w for p in whole for w in p.split()}
        singles = sorted(w for w in self._words if w not in listed)
        return tuple(dict.fromkeys(p for p in [*whole, *singles] if p))

    def answer_complete(self, text: str) -> bool:
        """True when ``text`` (fillers ignored) is a whole answer that no longer answer extends: the caller has
        finished, so a short silence may end the turn. Never for open-ended kinds (numbers, digits, entries)."""
        ws = [w for w in words_of(text) if w not in self.fillers]
        return bool(ws) and self.core.accepts(ws) and not self.core.can_continue(ws)


def _answers(spec: GrammarSpec) -> tuple[list[Node], bool]:
    out: list[Node] = []
    labelled = [n for _, ps in spec.phrases if (n := _phrase_node(ps)) is not None]
    if labelled:
        out.append(alt(labelled))
    names = name_node(spec.names)
    if names is not None and spec.entry is None:
        out.append(names)
    open_ended = False
    try:
        if spec.amount or spec.entry is not None:
            amount = numbers.amount(spec.lang, spec.currency)
            if spec.amount:
                out.append(amount)
            if spec.entry is not None:
                if names is None:
                    raise GrammarBuildError("a meeting-entry grammar needs the roster's names")
                out.append(entry_node(spec.entry, names, amount))
            open_ended = True
        if spec.digits:
            out.append(numbers.digits(spec.lang))
            open_ended = True
        if spec.dates is not None:
            out.append(date_grammar.date(spec.lang, spec.dates))
            open_ended = True
    except numbers.NoNumberGrammar as exc:
        raise GrammarBuildError(str(exc)) from exc
    return out, open_ended


@lru_cache(maxsize=256)
def compile_grammar(spec: GrammarSpec, word_loop_weight: float = WORD_LOOP_WEIGHT) -> CompiledGrammar:
    """Compile (cached per spec): raises GrammarBuildError for a spec that hears nothing."""
    answers, open_ended = _answers(spec)
    if not answers:
        raise GrammarBuildError(f"{spec.lang}: the grammar spec accepts nothing")
    core = alt(answers)
    side = [n for _, ps in spec.side if (n := _phrase_node(ps)) is not None]
    if side:
        core = alt([core, alt(side)], [1.0, SIDE_WEIGHT])
    fill = fillers(spec.lang)
    loop_words = sorted(vocabulary(alt(_loopable(spec))) if _loopable(spec) else set())
    loop_words = sorted(set(loop_words) | {w for x in spec.extra for w in words_of(x)})
    body = core
    if word_loop_weight > 0 and loop_words:
        body = alt([core, Rep(alt(Word(w) for w in loop_words))], [1.0, word_loop_weight])
    if fill:
        maybe_fill = alt([EMPTY, phrases(fill)], [1.0, FILLER_WEIGHT])
        root = seq(maybe_fill, body, maybe_fill)
    else:
        root = body
    automaton = Automaton.build(root)
    key = hashlib.sha1(repr((spec, word_loop_weight)).encode()).hexdigest()[:16]
    return CompiledGrammar(spec, root, automaton, Automaton.build(core), frozenset(fill), key, not open_ended,
                           frozenset(automaton.words()))


def _loopable(spec: GrammarSpec) -> list[Node]:
    """The phrase sets (not numbers or names): the words a reworded answer is made of."""
    return [n for _, ps in spec.phrases if (n := _phrase_node(ps)) is not None]
