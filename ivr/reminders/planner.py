"""Turns the ledger's upcoming events into stored reminders (idempotent) or, for `preview`, into a list of reasons."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from ivr.reminders import rules
from ivr.reminders.config import RemindersSettings
from ivr.reminders.rules import Candidate
from ivr.reminders.store import ReminderStore
from ledger_client.types import GroupInfo, MemberPosition, Roster, UpcomingEvent

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
GROUP_DISCOVERY_DAYS = 35


class LedgerReads(Protocol):
    """The fresh ledger reads planning needs (ledger_client.LedgerClient); failures raise LedgerError."""

    async def upcoming_events(self, start: datetime, end: datetime) -> list[UpcomingEvent]: ...

    async def group(self, group_id: str) -> GroupInfo: ...

    async def roster(self, group_id: str) -> Roster: ...

    async def member_position(self, group_id: str, member_id: str) -> MemberPosition: ...


@dataclass(frozen=True)
class PlanLine:
    """One candidate reminder and what planning does with it: status new/planned/skipped, with the reason."""

    candidate: Candidate
    first_call_at: datetime | None
    status: str  # "new" | "already planned" | "skipped"
    reason: str


class Planner:
    def __init__(self, *, ledger: LedgerReads, store: ReminderStore, settings: RemindersSettings) -> None:
        self._ledger = ledger
        self._store = store
        self._s = settings

    async def candidates(self, now: datetime) -> list[Candidate]:
        s = self._s
        # The ledger API lists no groups; every active group has a meeting within a month (monthly at the least),
        # so a month of events finds them all (for nudges), while reminders use only the horizon.
        ahead = max(s.horizon_days, GROUP_DISCOVERY_DAYS) if s.nudge_loan_repaid else s.horizon_days
        found = await self._ledger.upcoming_events(now - timedelta(days=1), now + timedelta(days=ahead))
        horizon = (now + timedelta(days=s.horizon_days)).date()
        events = [e for e in found if e.date <= horizon]
        group_ids = sorted({e.group_id for e in found})
        groups = {g: await self._ledger.group(g) for g in group_ids}
        rosters = {g: await self._ledger.roster(g) for g in group_ids}
        out = rules.candidates(events, groups, rosters, s)
        if s.nudge_loan_repaid:
            for gid in group_ids:
                today = now.astimezone(ZoneInfo(groups[gid].timezone)).date()
                for member in rosters[gid].members:
                    position = await self._ledger.member_position(gid, member.member_id)
                    out += rules.nudge_candidates(position, member, groups[gid], today, s)
        langs = await self._store.languages({c.member_id for c in out})
        return [replace(c, language=langs.get(c.member_id, c.language)) for c in out]

    async def lines(self, now: datetime) -> list[PlanLine]:
        """What planning would do now, with the reason for every candidate; writes nothing."""
        found = await self.candidates(now)
        ids = {c.member_id for c in found}
        opted, phones = await self._store.opted_out(ids), await self._store.contacts(ids)
        known = await self._store.existing_keys(c.key for c in found)
        paused = await self._store.paused()
        out = []
        for c in sorted(found, key=lambda c: (c.due_at, c.group_id, c.member_id, c.rule)):
            first = self._store.window.next_allowed(max(c.due_at, now), c.timezone)
            if c.key in known:
                out.append(PlanLine(c, None, "already planned", "one reminder per member, event and rule"))
            elif c.member_id in opted:
                out.append(PlanLine(c, None, "skipped", "member opted out of reminder calls"))
            elif c.member_id not in phones:
                out.append(PlanLine(c, None, "skipped", "no phone number (ivr reminders contacts import)"))
            elif first >= c.expires_at:
                out.append(PlanLine(c, None, "skipped", "too late: no allowed calling time before the event"))
            else:
                why = f"{c.rule.replace('_', ' ')} for {c.kind} on {c.event_date.isoformat()}"
                if "*" in paused or c.group_id in paused:
                    why += " (paused: waits for resume)"
                out.append(PlanLine(c, first, "new", why))
        return out

    async def plan(self, now: datetime) -> list[PlanLine]:
        """Store every new reminder (the unique key makes a second plan, or a restart, a no-op)."""
        lines = await self.lines(now)
        inserted = await self._store.add([(ln.candidate, ln.first_call_at) for ln in lines
                                          if ln.status == "new" and ln.first_call_at is not None])
        log.info("reminders planned: %d new of %d candidates", inserted, len(lines))
        return lines
