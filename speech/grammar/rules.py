"""A tiny grammar algebra (word, sequence, choice, optional, repeat) and its word automaton.

Grammars are built as values (numbers per language, names, phrase sets) and compiled once into a finite automaton
over words: the same automaton is handed to the decoder as its finite-state grammar, answers "is this word sequence
a complete answer, and could it go on?" for the endpointer, and checks in tests that every number the verbaliser
says is one the recogniser can hear. No recursion: every grammar here is finite-state by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Seq:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Alt:
    items: tuple[Node, ...]
    weights: tuple[float, ...] | None = None  # relative; None = equal shares


@dataclass(frozen=True)
class Opt:
    item: Node


@dataclass(frozen=True)
class Rep:
    """One or more of ``item``; each repetition after the first costs ``again`` (a preference, see Automaton)."""

    item: Node
    again: float = 1.0


Node = Word | Seq | Alt | Opt | Rep
EMPTY = Seq(())


def words(text: str) -> Node:
    """A phrase as a sequence of words."""
    parts = text.split()
    if len(parts) == 1:
        return Word(parts[0])
    return Seq(tuple(Word(w) for w in parts))


def seq(*items: Node) -> Node:
    flat: list[Node] = []
    for it in items:
        flat.extend(it.items if isinstance(it, Seq) else (it,))
    return flat[0] if len(flat) == 1 else Seq(tuple(flat))


def alt(items: Iterable[Node], weights: Sequence[float] | None = None) -> Node:
    """A choice; duplicates collapse (their weights add up)."""
    out: dict[Node, float] = {}
    ws = list(weights) if weights is not None else None
    for i, it in enumerate(items):
        out[it] = out.get(it, 0.0) + (ws[i] if ws is not None else 1.0)
    if not out:
        raise ValueError("an empty choice matches nothing")
    nodes = tuple(out)
    if len(nodes) == 1:
        return nodes[0]
    return Alt(nodes, tuple(out.values()) if ws is not None else None)


def phrases(texts: Iterable[str]) -> Node:
    return alt(words(t) for t in texts if t.split())


def vocabulary(node: Node) -> set[str]:
    if isinstance(node, Word):
        return {node.text}
    if isinstance(node, Seq | Alt):
        return set().union(*(vocabulary(i) for i in node.items)) if node.items else set()
    return vocabulary(node.item)


@dataclass
class Automaton:
    """States 0..n-1, start 0, one final state; arcs (src, dst, prob, word or None for an epsilon move).

    Arc "probabilities" are relative preferences, not a distribution: a choice gives its best-weighted branch 1.0
    and an optional or repeated piece costs nothing. A decoder multiplies them by its language weight (6.5 for
    pocketsphinx), so normalising a ten-way choice to 0.1 per branch would cost every digit of a digit string
    more than a filler word that swallows two of them; word insertion is held back by the decoder's penalty.
    """

    arcs: list[tuple[int, int, float, str | None]] = field(default_factory=list)
    n_states: int = 2
    start: int = 0
    final: int = 1

    def new_state(self) -> int:
        self.n_states += 1
        return self.n_states - 1

    @classmethod
    def build(cls, node: Node) -> Automaton:
        a = cls()
        a._add(node, a.start, a.final, 1.0)
        a._index()
        return a

    def _add(self, node: Node, src: int, dst: int, prob: float) -> None:
        if isinstance(node, Word):
            self.arcs.append((src, dst, prob, node.text))
        elif isinstance(node, Seq):
            if not node.items:
                self.arcs.append((src, dst, prob, None))
                return
            cur = src
            for i, it in enumerate(node.items):
                nxt = dst if i == len(node.items) - 1 else self.new_state()
                self._add(it, cur, nxt, prob if i == 0 else 1.0)
                cur = nxt
        elif isinstance(node, Alt):
            ws = node.weights or tuple(1.0 for _ in node.items)
            top = max(ws)
            for it, w in zip(node.items, ws, strict=True):
                self._add(it, src, dst, prob * w / top)
        elif isinstance(node, Opt):
            self.arcs.append((src, dst, prob, None))
            self._add(node.item, src, dst, prob)
        else:  # Rep: item, then loop back or leave
            mid = self.new_state()
            self._add(node.item, src, mid, prob)
            self._add(node.item, mid, mid, node.again)
            self.arcs.append((mid, dst, 1.0, None))

    def _index(self) -> None:
        self._out: dict[int, list[tuple[int, str | None]]] = {}
        self._null_prob: dict[tuple[int, int], float] = {}
        for s, d, p, w in self.arcs:
            self._out.setdefault(s, []).append((d, w))
            if w is None:
                self._null_prob[(s, d)] = max(p, self._null_prob.get((s, d), 0.0))

    def _closure(self, states: set[int]) -> set[int]:
        todo, seen = list(states), set(states)
        while todo:
            s = todo.pop()
            for d, w in self._out.get(s, ()):
                if w is None and d not in seen:
                    seen.add(d)
                    todo.append(d)
        return seen

    def states_after(self, ws: Sequence[str]) -> set[int]:
        """The states reachable by reading ``ws`` from the start (empty: the words leave the grammar)."""
        cur = self._closure({self.start})
        for w in ws:
            cur = self._closure({d for s in cur for d, lab in self._out.get(s, ()) if lab == w})
            if not cur:
                return set()
        return cur

    def accepts(self, ws: Sequence[str]) -> bool:
        return self.final in self.states_after(ws)

    def can_continue(self, ws: Sequence[str]) -> bool:
        """True when some word may still follow ``ws`` inside the grammar."""
        return any(lab is not None for s in self.states_after(ws) for _, lab in self._out.get(s, ()))

    def words(self) -> set[str]:
        return {w for _, _, _, w in self.arcs if w is not None}

    def null_closure(self) -> list[tuple[int, int, float]]:
        """Epsilon moves made transitive (s -> every state reachable by epsilons, best path probability): the
        one-hop form a Sphinx FSG search expects."""
        out: list[tuple[int, int, float]] = []
        for s in range(self.n_states):
            best: dict[int, float] = {}
            todo = [(s, 1.0)]
            while todo:
                cur, p = todo.pop()
                for d, lab in self._out.get(cur, ()):
                    if lab is not None or d == s:
                        continue
                    q = p * self._null_prob[(cur, d)]
                    if q > best.get(d, 0.0):
                        best[d] = q
                        todo.append((d, q))
            out.extend((s, d, p) for d, p in best.items())
        return out

    def word_arcs(self) -> list[tuple[int, int, float, str]]:
        return [(s, d, p, w) for s, d, p, w in self.arcs if w is not None]
