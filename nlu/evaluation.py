"""Held-out evaluation of the NLU (accuracy, macro-F1, latency) shared by the integration test, bench and tuning."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Example:
    text: str
    intent: str


@dataclass(frozen=True)
class Report:
    n: int
    accuracy: float
    macro_f1: float
    latencies_ms: tuple[float, ...]
    errors: tuple[tuple[str, str, str], ...]  # (text, expected, got) — held-out test text, not caller speech

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies_ms, 95)


def percentile(values: tuple[float, ...] | list[float], pct: float) -> float:
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(pct / 100 * len(s) + 0.5) - 1))
    return s[k]


def load_heldout(path: Path) -> list[Example]:
    """A held-out file maps intent -> list of utterances."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of intent -> utterances")
    return [Example(str(text), str(intent)) for intent, texts in data.items() for text in texts]


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    """Unweighted mean of per-intent F1 over the intents that appear as expected labels."""
    labels = sorted({exp for exp, _ in pairs})
    scores = []
    for label in labels:
        tp = sum(1 for e, g in pairs if e == label and g == label)
        fp = sum(1 for e, g in pairs if e != label and g == label)
        fn = sum(1 for e, g in pairs if e == label and g != label)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


async def evaluate(examples: list[Example], classify: Callable[[str], Awaitable[str]]) -> Report:
    """Run every example through `classify` (text -> intent name), timing each call."""
    pairs: list[tuple[str, str]] = []
    lat: list[float] = []
    errors: list[tuple[str, str, str]] = []
    for ex in examples:
        t0 = time.perf_counter()
        got = await classify(ex.text)
        lat.append((time.perf_counter() - t0) * 1000)
        pairs.append((ex.intent, got))
        if got != ex.intent:
            errors.append((ex.text, ex.intent, got))
    acc = sum(1 for e, g in pairs if e == g) / len(pairs) if pairs else 0.0
    return Report(len(pairs), acc, macro_f1(pairs), tuple(lat), tuple(errors))
