"""Meeting calendar: weekly / fortnightly / monthly occurrences and the next meeting across time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ledger_core.schedule import Schedule, next_meeting, occurrences


def _sched(frequency: str, weekday: int = 3, tz: str = "Africa/Nairobi") -> Schedule:
    return Schedule(frequency, weekday, "14:00", tz, date(2026, 1, 1), date(2026, 12, 31))


def test_weekly_thursdays() -> None:
    # 1 Jan 2026 is a Thursday.
    assert list(occurrences(_sched("weekly"), date(2026, 1, 1), date(2026, 1, 31))) == [
        date(2026, 1, 1), date(2026, 1, 8), date(2026, 1, 15), date(2026, 1, 22), date(2026, 1, 29)]


def test_fortnightly_anchored_on_cycle_start() -> None:
    # Saturdays: the first on/after 1 Jan is 3 Jan, then every 14 days: 17 Jan, 31 Jan, 14 Feb...
    got = list(occurrences(_sched("fortnightly", weekday=5), date(2026, 1, 20), date(2026, 2, 20)))
    assert got == [date(2026, 1, 31), date(2026, 2, 14)]


def test_monthly_first_weekday_and_cycle_bounds() -> None:
    got = list(occurrences(_sched("monthly", weekday=0), date(2025, 6, 1), date(2026, 3, 31)))
    assert got == [date(2026, 1, 5), date(2026, 2, 2), date(2026, 3, 2)]  # nothing before the cycle starts


def test_next_meeting_respects_local_time() -> None:
    sched = _sched("weekly")  # Thursday 14:00 in Nairobi = 11:00 UTC
    assert next_meeting(sched, datetime(2026, 1, 8, 10, 59, tzinfo=UTC)) == date(2026, 1, 8)
    assert next_meeting(sched, datetime(2026, 1, 8, 11, 0, tzinfo=UTC)) == date(2026, 1, 15)
    assert next_meeting(sched, datetime(2026, 12, 31, 12, 0, tzinfo=UTC)) is None  # the cycle has ended
