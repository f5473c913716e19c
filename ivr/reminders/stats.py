"""Per-campaign statistics (reached, listened, confirmed, opted out, failed by cause) for the CLI and admin API."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.reminders import Reminder, ReminderAttempt

FAILURES = ("busy", "no_answer", "failed", "congestion", "expired")


@dataclass
class CampaignStats:
    """One campaign ("<rule> <group> <event date>"): counts of reminders, and of failed attempts by cause."""

    campaign: str
    reminders: int = 0
    pending: int = 0
    called: int = 0  # at least one call placed
    reached: int = 0  # answered at least once
    identity_confirmed: int = 0
    listened: int = 0
    confirmed: int = 0
    opted_out: int = 0
    gave_up: int = 0
    expired: int = 0
    calls: int = 0
    failed_by_cause: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def campaign_stats(sessions: sessionmaker[Session], campaign: str | None = None) -> list[CampaignStats]:
    """Statistics per campaign, newest event first; `campaign` filters by prefix (e.g. "meeting_eve g-kes-umoja")."""
    with sessions() as s:
        query = select(Reminder)
        if campaign:
            query = query.where(Reminder.campaign.startswith(campaign, autoescape=True))
        reminders = list(s.scalars(query))
        ids = [r.id for r in reminders]
        attempts: dict[int, list[ReminderAttempt]] = defaultdict(list)
        if ids:
            for a in s.scalars(select(ReminderAttempt).where(ReminderAttempt.reminder_id.in_(ids))):
                attempts[a.reminder_id].append(a)
    out: dict[str, CampaignStats] = {}
    causes: dict[str, Counter[str]] = defaultdict(Counter)
    for r in reminders:
        st = out.setdefault(r.campaign, CampaignStats(r.campaign))
        mine = attempts[r.id]
        st.reminders += 1
        st.pending += r.status == "pending"
        st.called += bool(mine)
        st.reached += any(a.outcome == "answered" for a in mine)
        st.identity_confirmed += r.identity_confirmed
        st.listened += r.listened
        st.confirmed += r.confirmed
        st.opted_out += r.opted_out
        st.gave_up += r.status == "gave_up"
        st.expired += r.status == "expired"
        st.calls += len(mine)
        causes[r.campaign].update(a.outcome for a in mine if a.outcome in FAILURES)
    for name, st in out.items():
        st.failed_by_cause = dict(sorted(causes[name].items()))
    return sorted(out.values(), key=lambda st: (st.campaign.split()[-1], st.campaign), reverse=True)
