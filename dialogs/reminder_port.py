"""What the reminder dialog knows about its call (ReminderBrief) and the port it reports outcomes through."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Protocol


@dataclass(frozen=True)
class ReminderBrief:
    """One reminder call's facts, loaded by call UUID (ivr.reminders.store.ReminderStore.brief)."""

    call_id: uuid.UUID
    reminder_id: int
    member_id: str
    group_id: str
    kind: str  # meeting | repayment | nudge
    rule: str
    first_name: str
    group_name: str
    language: str
    event_date: date
    event_time: str | None
    place: str | None
    amount_minor: int | None
    currency: str


class ReminderPort(Protocol):
    """Outcomes of the conversation, stored against the reminder (ivr.reminders.store.ReminderStore)."""

    async def mark(self, call_id: uuid.UUID, *, identity_confirmed: bool = False, listened: bool = False,
                   confirmed: bool = False) -> None: ...

    async def opt_out(self, call_id: uuid.UUID) -> None:
        """Store the member's opt-out (preferences + consent history); later campaigns skip them."""
        ...
