"""The Today page's numbers from the IVR database: live calls' place in the dialog, calls and latency per hour."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.calls import Call, Turn


@dataclass(frozen=True)
class LiveCall:
    call_id: uuid.UUID
    direction: str
    purpose: str | None
    language: str | None
    group_id: str | None
    at_prompt: str | None  # the last prompt the caller answered (where in the dialog)
    turns: int
    seconds: float


def live_calls(s: Session, call_ids: Iterable[uuid.UUID], now: datetime) -> list[LiveCall]:
    """The calls the registry holds right now, with their stored state (no caller data)."""
    ids = list(call_ids)
    if not ids:
        return []
    last = (select(Turn.call_id, func.max(Turn.seq).label("seq"), func.count().label("n"))
            .where(Turn.call_id.in_(ids)).group_by(Turn.call_id).subquery())
    rows = s.execute(select(Call, Turn.prompt_id, last.c.n).outerjoin(last, last.c.call_id == Call.id)
                     .outerjoin(Turn, (Turn.call_id == Call.id) & (Turn.seq == last.c.seq))
                     .where(Call.id.in_(ids)).order_by(Call.started_at)).all()
    found = [LiveCall(c.id, c.direction, c.purpose, c.language, c.group_id, prompt, int(n or 0),
                      (now - c.started_at).total_seconds()) for c, prompt, n in rows]
    stored = {c.call_id for c in found}
    # registered and connected, but the dialog has not stored the Call row yet (the first few milliseconds)
    found += [LiveCall(i, "in", None, None, None, None, 0, 0.0) for i in ids if i not in stored]
    return found


def hours(now: datetime, count: int = 24) -> list[datetime]:
    """The starts of the last `count` whole hours, oldest first, the current hour last."""
    top = now.replace(minute=0, second=0, microsecond=0)
    return [top - timedelta(hours=count - 1 - i) for i in range(count)]


def calls_per_hour(s: Session, now: datetime, count: int = 24) -> list[tuple[datetime, int]]:
    slots = hours(now, count)
    counts = dict.fromkeys(slots, 0)
    for (started,) in s.execute(select(Call.started_at).where(Call.started_at >= slots[0])):
        slot = started.replace(minute=0, second=0, microsecond=0)
        if slot in counts:
            counts[slot] += 1
    return list(counts.items())


def percentile(sorted_values: Sequence[int], p: float) -> int | None:
    """Nearest-rank percentile, the same rule /ops/calls uses."""
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, round(p * (len(sorted_values) - 1)))]


@dataclass(frozen=True)
class LatencyHour:
    hour: datetime
    turns: int
    p50_ms: int | None
    p95_ms: int | None


def latency_per_hour(s: Session, now: datetime, count: int = 24) -> list[LatencyHour]:
    """End of the caller's speech -> first bot audio, per stored turn (both times are from the turn's start)."""
    slots = hours(now, count)
    per: dict[datetime, list[int]] = {h: [] for h in slots}
    rows = s.execute(select(Turn.created_at, Turn.speech_end_ms, Turn.first_audio_ms).where(
        Turn.created_at >= slots[0], Turn.speech_end_ms.is_not(None), Turn.first_audio_ms.is_not(None)))
    for created, end, first in rows:
        slot = created.replace(minute=0, second=0, microsecond=0)
        if slot in per and first is not None and end is not None and first >= end:
            per[slot].append(first - end)
    out = []
    for slot, values in per.items():
        values.sort()
        out.append(LatencyHour(slot, len(values), percentile(values, 0.5), percentile(values, 0.95)))
    return out
