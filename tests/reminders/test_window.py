"""Quiet hours in the group's timezone (two zones, DST, no-call days) with frozen instants."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from ivr.reminders.window import CallWindow

W = CallWindow(time(8, 0), time(20, 0))


@pytest.mark.parametrize(("utc", "tz", "allowed"), [
    (datetime(2026, 11, 24, 4, 59, tzinfo=UTC), "Africa/Nairobi", False),  # 07:59 in Nairobi (UTC+3)
    (datetime(2026, 11, 24, 5, 0, tzinfo=UTC), "Africa/Nairobi", True),  # 08:00
    (datetime(2026, 11, 24, 16, 59, tzinfo=UTC), "Africa/Nairobi", True),  # 19:59
    (datetime(2026, 11, 24, 17, 0, tzinfo=UTC), "Africa/Nairobi", False),  # 20:00: the window is half-open
    (datetime(2026, 11, 24, 5, 0, tzinfo=UTC), "Asia/Kolkata", True),  # 10:30 in India (UTC+5:30)
    (datetime(2026, 11, 24, 14, 45, tzinfo=UTC), "Asia/Kolkata", False),  # 20:15 in India, 17:45 in Nairobi
    (datetime(2026, 11, 24, 14, 45, tzinfo=UTC), "Africa/Nairobi", True),
])  # fmt: skip
def test_allowed_hours_are_local_to_the_group(utc: datetime, tz: str, allowed: bool) -> None:
    assert W.allows(utc, tz) is allowed


def test_next_allowed_moves_to_the_next_local_morning_in_each_timezone() -> None:
    late = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)  # 20:30 Nairobi, 23:00 Kolkata
    assert W.next_allowed(late, "Africa/Nairobi") == datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
    assert W.next_allowed(late, "Asia/Kolkata") == datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
    early = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 04:00 Nairobi: same day 08:00
    assert W.next_allowed(early, "Africa/Nairobi") == datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    inside = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert W.next_allowed(inside, "Africa/Nairobi") == inside


def test_no_call_days_are_skipped_and_dst_is_respected() -> None:
    no_sunday = CallWindow(time(8, 0), time(20, 0), (6,))
    saturday_night = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)  # Saturday 21:00 Nairobi
    assert no_sunday.next_allowed(saturday_night, "Africa/Nairobi") == datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
    assert not no_sunday.allows(datetime(2026, 11, 29, 9, 0, tzinfo=UTC), "Africa/Nairobi")
    # New York springs forward on 2026-03-08: 08:00 local is 12:00 UTC that day, 13:00 UTC the day before.
    assert W.next_allowed(datetime(2026, 3, 8, 3, 0, tzinfo=UTC), "America/New_York") == datetime(
        2026, 3, 8, 12, 0, tzinfo=UTC)
    assert W.next_allowed(datetime(2026, 3, 7, 3, 0, tzinfo=UTC), "America/New_York") == datetime(
        2026, 3, 7, 13, 0, tzinfo=UTC)


def test_bad_windows_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="calls_from"):
        CallWindow(time(20, 0), time(8, 0))
    with pytest.raises(ValueError, match="every day"):
        CallWindow(time(8, 0), time(20, 0), tuple(range(7)))
    with pytest.raises(ValueError, match="aware"):
        W.allows(datetime(2026, 11, 24, 9, 0), "Africa/Nairobi")
