"""SMS figures for `ivr reminders stats`, `ivr sms outbox` and the admin API: outbox by purpose and status, inbound
commands by outcome. Counts only: no number, no text."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.reach import SmsInbound, SmsOutbox


def sms_stats(sessions: sessionmaker[Session]) -> dict[str, Any]:
    with sessions() as s:
        out = s.execute(select(SmsOutbox.purpose, SmsOutbox.status, func.count(), func.sum(SmsOutbox.segments_sent))
                        .group_by(SmsOutbox.purpose, SmsOutbox.status)).all()
        inbound = s.execute(select(SmsInbound.command, SmsInbound.outcome, func.count())
                            .group_by(SmsInbound.command, SmsInbound.outcome)).all()
    outbox: dict[str, dict[str, int]] = defaultdict(dict)
    parts = 0
    for purpose, status, n, sent in out:
        outbox[purpose][status] = int(n)
        parts += int(sent or 0)
    received: dict[str, dict[str, int]] = defaultdict(dict)
    for command, outcome, n in inbound:
        received[command or "-"][outcome] = int(n)
    return {"outbox": dict(outbox), "parts_sent": parts, "inbound": dict(received)}
