"""Reminder rules: which member gets which reminder, due when, from the ledger's upcoming events (pure functions).

The rules (times are local to the group's timezone; each one is a setting in RemindersSettings):

- meeting_eve: every member of the group, the evening before a meeting (default 18:00); expires when the meeting starts.
- meeting_soon: every member, N hours before a meeting starts (default 2 h; 0 = off); expires at the start.
- repayment_before: the borrower, N days before an installment is due (default 2, at 09:00); expires at the end of
  that day, so it never collides with the on-the-day reminder.
- repayment_day: the borrower, on the due date (default 09:00); expires at the end of the day.
- nudge_loan_repaid: a positive nudge once per fully repaid loan (congratulations, never pressure), at 10:00.

Wording follows the product's values: reminders are friendly notices with support on offer, never penalties or
shaming; an overdue installment is not a rule here (that is a conversation for the group, not a robot call).
Every reminder has an idempotency key "<rule>|<member>|<event>", unique in the database, so planning twice (or
after a restart) never calls anyone twice for the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ivr.reminders.config import RemindersSettings
from ledger_client.types import GroupInfo, MemberPosition, Roster, RosterMember, UpcomingEvent

RULES = ("meeting_eve", "meeting_soon", "repayment_before", "repayment_day", "nudge_loan_repaid")


@dataclass(frozen=True)
class Candidate:
    """A reminder the rules want placed (before opt-outs, contacts and idempotency are applied)."""

    key: str
    campaign: str
    rule: str
    kind: str  # meeting | repayment | nudge
    member_id: str
    group_id: str
    event_date: date
    event_time: str | None
    loan_id: str | None
    amount_minor: int | None
    currency: str
    language: str
    first_name: str
    group_name: str
    place: str | None
    timezone: str
    due_at: datetime
    expires_at: datetime


def _at(day: date, clock: time, tz: str) -> datetime:
    return datetime.combine(day, clock, ZoneInfo(tz))


def _candidate(rule: str, kind: str, event_key: str, member: RosterMember, group: GroupInfo, event_date: date,
               due_at: datetime, expires_at: datetime, *, event_time: str | None = None, loan_id: str | None = None,
               amount_minor: int | None = None, place: str | None = None) -> Candidate:
    return Candidate(
        key=f"{rule}|{member.member_id}|{event_key}", campaign=f"{rule} {group.group_id} {event_date.isoformat()}",
        rule=rule, kind=kind, member_id=member.member_id, group_id=group.group_id, event_date=event_date,
        event_time=event_time, loan_id=loan_id, amount_minor=amount_minor, currency=group.currency,
        language=member.language, first_name=member.first_name, group_name=group.name, place=place,
        timezone=group.timezone, due_at=due_at, expires_at=expires_at,
    )  # fmt: skip


def meeting_candidates(event: UpcomingEvent, group: GroupInfo, roster: Roster,
                       s: RemindersSettings) -> list[Candidate]:
    if event.time is None:
        return []
    tz = group.timezone
    start = _at(event.date, time.fromisoformat(event.time), tz)
    event_key = f"meeting:{group.group_id}:{event.date.isoformat()}"
    place = group.meeting_schedule.place
    due: list[tuple[str, datetime]] = []
    if s.meeting_eve:
        due.append(("meeting_eve", _at(event.date - timedelta(days=1), s.meeting_eve_at, tz)))
    if s.meeting_hours_before:
        due.append(("meeting_soon", start - timedelta(hours=s.meeting_hours_before)))
    return [
        _candidate(rule, "meeting", event_key, m, group, event.date, at, start, event_time=event.time, place=place)
        for rule, at in due for m in roster.members
    ]


def repayment_candidates(event: UpcomingEvent, group: GroupInfo, roster: Roster,
                         s: RemindersSettings) -> list[Candidate]:
    member = next((m for m in roster.members if m.member_id == event.member_id), None)
    if member is None:
        return []
    tz = group.timezone
    event_key = f"repayment:{event.loan_id}:{event.date.isoformat()}"
    out = []
    if s.repayment_days_before:
        day = event.date - timedelta(days=s.repayment_days_before)
        out.append(_candidate("repayment_before", "repayment", event_key, member, group, event.date,
                              _at(day, s.repayment_at, tz), _at(day + timedelta(days=1), time(0), tz),
                              loan_id=event.loan_id, amount_minor=event.amount_minor))
    if s.repayment_on_day:
        out.append(_candidate("repayment_day", "repayment", event_key, member, group, event.date,
                              _at(event.date, s.repayment_at, tz),
                              _at(event.date + timedelta(days=1), time(0), tz),
                              loan_id=event.loan_id, amount_minor=event.amount_minor))
    return out


def nudge_candidates(position: MemberPosition, member: RosterMember, group: GroupInfo, today: date,
                     s: RemindersSettings) -> list[Candidate]:
    """Congratulate once per fully repaid loan (the key has no date: one nudge per loan, ever)."""
    if not s.nudge_loan_repaid:
        return []
    due = _at(today, s.nudge_at, group.timezone)
    return [
        _candidate("nudge_loan_repaid", "nudge", f"loan:{loan.loan_id}", member, group, today, due,
                   due + timedelta(days=2), loan_id=loan.loan_id)
        for loan in position.loans if loan.status == "repaid"
    ]


def candidates(events: Iterable[UpcomingEvent], groups: Mapping[str, GroupInfo], rosters: Mapping[str, Roster],
               s: RemindersSettings) -> list[Candidate]:
    """Meeting and repayment reminders for the events (groups/rosters must cover every event's group)."""
    out: list[Candidate] = []
    for event in events:
        group, roster = groups[event.group_id], rosters[event.group_id]
        if event.kind == "meeting":
            out += meeting_candidates(event, group, roster, s)
        elif event.kind == "repayment":
            out += repayment_candidates(event, group, roster, s)
    return out
