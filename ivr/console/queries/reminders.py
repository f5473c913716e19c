"""Reminder outcomes over time (per day of the call) and the opt-outs list, scoped to the groups a person sees.

Per-campaign figures come from ivr.reminders.stats.campaign_stats (the CLI's and admin API's), not from here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.reminders.stats import CampaignStats
from models.calls import Call
from models.members import ConsentRecord, MemberPreference
from models.reminders import Reminder, ReminderAttempt

# The chart's series, in the words: answered, confirmed, no answer, busy, opted out (+ the other failures).
SERIES = ("answered", "confirmed", "no_answer", "busy", "opted_out", "failed", "expired")


@dataclass(frozen=True)
class DayOutcomes:
    day: date
    counts: dict[str, int]


def outcomes_by_day(s: Session, groups: Collection[str] | None, *, group: str | None = None) -> list[DayOutcomes]:
    """Each placed call counted on its (UTC) day by outcome; an answered call also counts as confirmed / opted out
    when the member confirmed / opted out in it (a reminder is done after its answered call: at most one)."""
    q = select(ReminderAttempt, Reminder).join(Reminder, ReminderAttempt.reminder_id == Reminder.id)
    if groups is not None:
        q = q.where(Reminder.group_id.in_(list(groups)))
    if group:
        q = q.where(Reminder.group_id == group)
    per: dict[date, Counter[str]] = {}
    for attempt, r in s.execute(q):
        day = attempt.started_at.date()
        c = per.setdefault(day, Counter())
        outcome = attempt.outcome or "pending"
        c["failed" if outcome == "congestion" else outcome] += 1
        if outcome == "answered":
            c["confirmed"] += r.confirmed
            c["opted_out"] += r.opted_out
    return [DayOutcomes(day, {k: per[day].get(k, 0) for k in SERIES}) for day in sorted(per)]


def campaign_group(st: CampaignStats) -> str | None:
    """A campaign is "<rule> <group_id> <event date>" (models.reminders.Reminder.campaign)."""
    parts = st.campaign.split()
    return parts[1] if len(parts) >= 3 else None


@dataclass(frozen=True)
class OptOut:
    member_id: str
    group_id: str | None
    since: datetime
    reminders: bool
    all_outbound: bool


def member_groups(s: Session, member_ids: Collection[str]) -> dict[str, str]:
    """member id -> group id, as the IVR's own records know it (reminders first, then identified calls)."""
    ids = list(member_ids)
    found: dict[str, str] = {}
    for mid, gid in s.execute(select(Call.member_id, Call.group_id).where(Call.member_id.in_(ids),
                                                                          Call.group_id.is_not(None))):
        if mid is not None and gid is not None:
            found[mid] = gid
    for mid, gid in s.execute(select(Reminder.member_id, Reminder.group_id).where(Reminder.member_id.in_(ids))):
        found[mid] = gid
    return found


def opt_outs(s: Session, groups: Collection[str] | None, extra: dict[str, str] | None = None) -> list[OptOut]:
    """Members who turned reminder (or all outbound) calls off; `extra` maps more member ids to groups (the
    ledger's rosters). Members whose group is unknown are shown to admins only."""
    prefs = list(s.scalars(select(MemberPreference).where(
        MemberPreference.reminders_opt_out.is_(True) | MemberPreference.outbound_calls_opt_out.is_(True))))
    where = {**(extra or {}), **member_groups(s, [p.member_id for p in prefs])}
    since = {mid: at for mid, at in s.execute(select(ConsentRecord.member_id, ConsentRecord.at).where(
        ConsentRecord.kind == "reminders", ConsentRecord.granted.is_(False)).order_by(ConsentRecord.at))}
    out = []
    for p in prefs:
        gid = where.get(p.member_id)
        if groups is not None and gid not in groups:
            continue
        out.append(OptOut(p.member_id, gid, since.get(p.member_id, p.updated_at), p.reminders_opt_out,
                          p.outbound_calls_opt_out))
    return sorted(out, key=lambda o: (o.group_id or "", o.member_id))
