"""Calls for the console: a filtered, paged list (no caller data) and one call's turns, timings and recordings."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models.calls import Call, Recording, Turn


@dataclass(frozen=True)
class CallFilter:
    group: str | None = None
    day: date | None = None
    outcome: str | None = None
    language: str | None = None
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class CallRow:
    call_id: uuid.UUID
    started_at: datetime
    seconds: float | None
    direction: str
    purpose: str | None
    group_id: str | None
    member_id: str | None
    language: str | None
    outcome: str | None
    turns: int


def _scoped(q: Select[Any], groups: Collection[str] | None) -> Select[Any]:
    return q if groups is None else q.where(Call.group_id.in_(list(groups)))


def search_calls(s: Session, f: CallFilter, groups: Collection[str] | None) -> tuple[list[CallRow], int]:
    """One page of calls (newest first) and how many match; `groups=None` = every group (admins)."""
    q = _scoped(select(Call), groups)
    if f.group:
        q = q.where(Call.group_id == f.group)
    if f.day:
        start = datetime.combine(f.day, time(0), UTC)
        q = q.where(Call.started_at >= start, Call.started_at < start + timedelta(days=1))
    if f.outcome:
        q = q.where(Call.outcome.is_(None)) if f.outcome == "running" else q.where(Call.outcome == f.outcome)
    if f.language:
        q = q.where(Call.language == f.language)
    total = int(s.scalar(select(func.count()).select_from(q.subquery())) or 0)
    page = q.order_by(Call.started_at.desc(), Call.id).limit(f.per_page).offset((max(f.page, 1) - 1) * f.per_page)
    calls = list(s.scalars(page))
    counts = dict(s.execute(select(Turn.call_id, func.count()).where(Turn.call_id.in_([c.id for c in calls]))
                            .group_by(Turn.call_id)).all()) if calls else {}
    rows = [CallRow(c.id, c.started_at, (c.ended_at - c.started_at).total_seconds() if c.ended_at else None,
                    c.direction, c.purpose, c.group_id, c.member_id, c.language, c.outcome, int(counts.get(c.id, 0)))
            for c in calls]
    return rows, total


def filter_choices(s: Session, groups: Collection[str] | None) -> dict[str, list[str]]:
    """The outcomes and languages that occur (for the filter form's lists)."""
    outcomes = sorted(o for o in s.scalars(_scoped(select(Call.outcome).distinct(), groups)) if o)
    languages = sorted(lang for lang in s.scalars(_scoped(select(Call.language).distinct(), groups)) if lang)
    return {"outcomes": [*outcomes, "running"], "languages": languages}


@dataclass(frozen=True)
class TurnRow:
    turn_id: int
    seq: int
    prompt_id: str | None
    speech_end_ms: int | None
    asr_final_ms: int | None
    nlu_ms: int | None
    ledger_ms: int | None
    first_audio_ms: int | None
    answer_ms: int | None  # end of speech -> first bot audio
    has_transcript: bool


@dataclass(frozen=True)
class CallDetail:
    row: CallRow
    answered_at: datetime | None
    ended_at: datetime | None
    turns: list[TurnRow]
    recordings: list[tuple[int, int]]  # (recording id, duration ms)


def call_detail(s: Session, call_id: uuid.UUID) -> CallDetail | None:
    c = s.get(Call, call_id)
    if c is None:
        return None
    turns = [TurnRow(t.id, t.seq, t.prompt_id, t.speech_end_ms, t.asr_final_ms, t.nlu_ms, t.ledger_ms,
                     t.first_audio_ms,
                     t.first_audio_ms - t.speech_end_ms if t.first_audio_ms is not None and t.speech_end_ms is not None
                     else None, t.transcript is not None) for t in c.turns]
    recs = [(r.id, r.duration_ms) for r in s.scalars(select(Recording).where(Recording.call_id == call_id)
                                                     .order_by(Recording.id))]
    row = CallRow(c.id, c.started_at, (c.ended_at - c.started_at).total_seconds() if c.ended_at else None,
                  c.direction, c.purpose, c.group_id, c.member_id, c.language, c.outcome, len(turns))
    return CallDetail(row, c.answered_at, c.ended_at, turns, recs)


def intents(s: Session, call_id: uuid.UUID) -> dict[int, tuple[str | None, float | None]]:
    """What the bot understood per turn (shown only in an audited view)."""
    return {t.id: (t.intent, t.confidence) for t in s.scalars(select(Turn).where(Turn.call_id == call_id))}
