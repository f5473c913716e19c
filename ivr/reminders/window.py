"""Quiet hours: reminder calls only inside the allowed local hours of the group's timezone, never on no-call days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class CallWindow:
    """Local [calls_from, calls_until) on every weekday not in `no_call_weekdays` (0 = Monday)."""

    calls_from: time
    calls_until: time
    no_call_weekdays: Sequence[int] = ()

    def __post_init__(self) -> None:
        if self.calls_from >= self.calls_until:
            raise ValueError(
                f"reminders.calls_from ({self.calls_from}) must be before reminders.calls_until ({self.calls_until})"
            )
        if len(set(self.no_call_weekdays)) >= 7:
            raise ValueError("reminders.no_call_weekdays forbids every day: no call could ever be placed")

    def allows(self, moment: datetime, tz: str) -> bool:
        local = _local(moment, tz)
        return local.weekday() not in self.no_call_weekdays and self.calls_from <= local.time() < self.calls_until

    def next_allowed(self, moment: datetime, tz: str) -> datetime:
        """`moment` if calls are allowed then, else the start of the next allowed local window (as UTC)."""
        if self.allows(moment, tz):
            return moment.astimezone(UTC)
        zone = ZoneInfo(tz)
        local = _local(moment, tz)
        day = local.date()
        if local.time() >= self.calls_from:  # today's window has started (and, not allowed, has ended)
            day += timedelta(days=1)
        for _ in range(8):
            if day.weekday() not in self.no_call_weekdays:
                start = datetime.combine(day, self.calls_from, zone)
                # A DST gap can move a wall-clock time; normalise through UTC.
                return start.astimezone(UTC)
            day += timedelta(days=1)
        raise AssertionError("unreachable: __post_init__ refuses a week without call days")


def _local(moment: datetime, tz: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("quiet hours need an aware datetime (use models.base.utcnow())")
    return moment.astimezone(ZoneInfo(tz))
