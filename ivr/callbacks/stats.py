"""Callback outcomes for `ivr reminders stats`, the admin API and the console: drops, dispositions, callbacks
placed, answered, not answered, retries, given up."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.reach import Callback, CallbackAttempt, MissedCall

NOT_ANSWERED = ("busy", "no_answer", "failed", "congestion", "expired")


@dataclass
class CallbackStats:
    missed_calls: int = 0
    by_disposition: dict[str, int] = field(default_factory=dict)
    callbacks: int = 0
    called_back: int = 0  # callbacks with at least one call placed
    answered: int = 0  # callbacks answered at least once
    no_answer: int = 0  # attempts not answered (busy, no answer, failed, congestion, expired)
    retries: int = 0  # attempts after the first
    gave_up: int = 0
    pending: int = 0
    unknown_numbers: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def callback_stats(sessions: sessionmaker[Session]) -> CallbackStats:
    with sessions() as s:
        drops = list(s.scalars(select(MissedCall.disposition)))
        callbacks = list(s.scalars(select(Callback)))
        attempts = list(s.scalars(select(CallbackAttempt)))
    st = CallbackStats(missed_calls=len(drops), by_disposition=dict(sorted(Counter(drops).items())),
                       callbacks=len(callbacks))
    mine: dict[int, list[CallbackAttempt]] = {}
    for a in attempts:
        mine.setdefault(a.callback_id, []).append(a)
    for cb in callbacks:
        tried = mine.get(cb.id, [])
        st.called_back += bool(tried)
        st.answered += any(a.outcome == "answered" for a in tried)
        st.no_answer += sum(a.outcome in NOT_ANSWERED for a in tried)
        st.retries += max(len(tried) - 1, 0)
        st.gave_up += cb.status == "gave_up"
        st.pending += cb.status == "pending"
        st.unknown_numbers += cb.kind == "unknown"
    return st
