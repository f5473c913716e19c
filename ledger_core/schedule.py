"""A group's meeting calendar (weekly / fortnightly / monthly, local time): next meeting and reminder windows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Schedule:
    frequency: str  # weekly | fortnightly | monthly
    weekday: int  # 0 = Monday
    time: str  # HH:MM local
    timezone: str  # IANA
    cycle_start: date
    cycle_end: date

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_time(self) -> dt.time:
        hours, minutes = self.time.split(":")
        return dt.time(int(hours), int(minutes))

    def starts_at(self, day: date) -> datetime:
        """The aware UTC instant a meeting on `day` starts."""
        return datetime.combine(day, self.local_time(), tzinfo=self.tz).astimezone(UTC)


def _first_weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def occurrences(schedule: Schedule, start: date, end: date) -> Iterator[date]:
    """Meeting dates within [start, end] and within the cycle.

    weekly: every `weekday`; fortnightly: every 14 days from the first `weekday` on/after cycle_start;
    monthly: the first `weekday` of each month.
    """
    lo, hi = max(start, schedule.cycle_start), min(end, schedule.cycle_end)
    if lo > hi:
        return
    if schedule.frequency == "monthly":
        year, month = lo.year, lo.month
        while True:
            day = _first_weekday_on_or_after(date(year, month, 1), schedule.weekday)
            if day > hi:
                return
            if day >= lo:
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    step = 14 if schedule.frequency == "fortnightly" else 7
    day = _first_weekday_on_or_after(schedule.cycle_start, schedule.weekday)
    if day < lo:
        day += timedelta(days=((lo - day).days + step - 1) // step * step)
    while day <= hi:
        yield day
        day += timedelta(days=step)


def next_meeting(schedule: Schedule, now: datetime) -> date | None:
    """The first meeting that starts after `now` (aware), or None when the cycle has ended."""
    local_today = now.astimezone(schedule.tz).date()
    for day in occurrences(schedule, local_today, schedule.cycle_end):
        if schedule.starts_at(day) > now:
            return day
    return None


def local_today(timezone: str, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)).date()
