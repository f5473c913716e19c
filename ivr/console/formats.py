"""How the console writes times, durations, money and codes for people (Jinja filters; pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# ISO 4217 minor units of the currencies the groups use (2 unless listed): UGX has none.
MINOR_DIGITS = {"UGX": 0, "RWF": 0, "JPY": 0}


def dt(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M", zone: bool = True) -> str:
    if value is None:
        return "—"
    return value.astimezone(UTC).strftime(fmt) + (" UTC" if zone and "%H" in fmt else "")


def local(value: datetime | None, tz: str) -> str:
    """A moment in a group's own time zone (reminders are planned in it)."""
    if value is None:
        return "—"
    return value.astimezone(ZoneInfo(tz)).strftime("%a %d %b %H:%M") + f" ({tz})"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def ms(value: float | None) -> str:
    return "—" if value is None else f"{round(value):,} ms"


def money(amount_minor: int | None, currency: str) -> str:
    if amount_minor is None:
        return "—"
    digits = MINOR_DIGITS.get(currency, 2)
    major = amount_minor / 10**digits
    return f"{currency} {major:,.{digits}f}"


def label(code: str | None) -> str:
    """'no_answer' -> 'no answer', 'share_purchase' -> 'share purchase'."""
    return "—" if not code else code.replace("_", " ")
