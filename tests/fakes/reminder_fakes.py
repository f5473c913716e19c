"""Fakes for reminder unit tests: in-memory ledger reads, and a call placer with scripted outcomes."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ivr.reminders.placer import OnEnd, Placed
from ivr.reminders.store import Dial
from ledger_client.types import GroupInfo, MemberPosition, Roster, UpcomingEvent


def group_info(gid: str, tz: str, *, currency: str = "KES", language: str = "en", weekday: int = 3,
               when: str = "14:00", place: str = "the church hall") -> GroupInfo:
    return GroupInfo.model_validate({
        "group_id": gid, "name": f"Group {gid}", "methodology": "VSLA", "currency": currency, "language": language,
        "timezone": tz, "meeting_schedule": {"frequency": "weekly", "weekday": weekday, "time": when, "place": place},
        "share_price_minor": 10000, "loan_interest_rule": {"kind": "flat_monthly", "rate_bp": 500},
        "social_fund_contribution_minor": 2000, "cycle_start": "2026-06-01", "cycle_end": "2027-05-31",
        "next_meeting": None, "secretary_member_id": None,
    })  # fmt: skip


def roster(gid: str, n: int, language: str = "en") -> Roster:
    return Roster.model_validate({"members": [
        {"member_id": f"{gid}-m{i}", "roster_number": i, "name": f"Member{i} Of{gid}", "first_name": f"Member{i}",
         "role": "member", "language": language} for i in range(1, n + 1)]})


def meeting(gid: str, day: date, when: str = "14:00", currency: str = "KES") -> UpcomingEvent:
    return UpcomingEvent(kind="meeting", group_id=gid, date=day, time=when, currency=currency)


def repayment(gid: str, member_id: str, day: date, amount: int, loan_id: str = "L1") -> UpcomingEvent:
    return UpcomingEvent(kind="repayment", group_id=gid, member_id=member_id, loan_id=loan_id, date=day,
                         amount_minor=amount, currency="KES")


@dataclass
class FakeLedgerReads:
    groups: dict[str, GroupInfo]
    rosters: dict[str, Roster]
    events: list[UpcomingEvent] = field(default_factory=list)
    repaid_loans: dict[str, list[str]] = field(default_factory=dict)  # member id → repaid loan ids
    asked: list[tuple[datetime, datetime]] = field(default_factory=list)

    async def upcoming_events(self, start: datetime, end: datetime) -> list[UpcomingEvent]:
        self.asked.append((start, end))
        return [e for e in self.events if start.date() <= e.date <= end.date()]

    async def group(self, group_id: str) -> GroupInfo:
        return self.groups[group_id]

    async def roster(self, group_id: str) -> Roster:
        return self.rosters[group_id]

    async def member_position(self, group_id: str, member_id: str) -> MemberPosition:
        loans: list[dict[str, Any]] = [
            {"loan_id": lid, "principal_minor": 100000, "interest_minor": 5000, "outstanding_minor": 0,
             "next_due_date": None, "next_due_amount_minor": None, "status": "repaid"}
            for lid in self.repaid_loans.get(member_id, [])]
        return MemberPosition.model_validate({
            "member_id": member_id, "group_id": group_id, "currency": "KES", "savings_minor": 0, "shares": 0,
            "loan_outstanding_minor": 0, "loans": loans, "next_due_date": None, "next_due_amount_minor": None,
            "fines_due_minor": 0, "social_fund_contributions_minor": 0, "as_of": "2026-11-24T07:00:00Z"})


@dataclass
class FakePlacer:
    """Outcome per phone (default "answered"); answered calls end `talk_s` later through on_end."""

    outcomes: dict[str, str] = field(default_factory=dict)
    talk_s: float = 0.02
    hang_up: bool = True  # False: answered calls never report an end (lost Hangup)
    end_first: bool = False  # the end of an answered call is reported before place() returns (a very short call)
    ended_flag: bool = False  # place() says the answered call has already ended (Placed.ended)
    placed: list[Dial] = field(default_factory=list)
    live: set[uuid.UUID] = field(default_factory=set)
    max_live: int = 0
    max_live_per_group: dict[str, int] = field(default_factory=dict)
    _on_end: OnEnd | None = None
    _groups: dict[uuid.UUID, str] = field(default_factory=dict)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def set_on_end(self, on_end: OnEnd) -> None:
        self._on_end = on_end

    async def place(self, dial: Dial) -> Placed:
        self.placed.append(dial)
        self.live.add(dial.call_id)
        self._groups[dial.call_id] = dial.group_id
        self.max_live = max(self.max_live, len(self.live))
        per_group = sum(1 for c in self.live if self._groups[c] == dial.group_id)
        self.max_live_per_group[dial.group_id] = max(self.max_live_per_group.get(dial.group_id, 0), per_group)
        await asyncio.sleep(0.005)
        outcome = self.outcomes.get(dial.phone, "answered")
        if outcome != "answered":
            self.live.discard(dial.call_id)
            return Placed(outcome, {"busy": 17, "no_answer": 19}.get(outcome))
        if self.end_first:
            self.live.discard(dial.call_id)
            assert self._on_end is not None
            await self._on_end(dial.call_id, 16)
            return Placed("answered")
        if self.ended_flag:
            self.live.discard(dial.call_id)
            return Placed("answered", 16, ended=True)
        if self.hang_up:
            task = asyncio.create_task(self._end_later(dial.call_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return Placed("answered")

    async def _end_later(self, call_id: uuid.UUID) -> None:
        await asyncio.sleep(self.talk_s)
        self.live.discard(call_id)
        assert self._on_end is not None
        await self._on_end(call_id, 16)
