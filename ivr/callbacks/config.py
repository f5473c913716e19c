"""Settings of the missed-call callback (env IVR_CALLBACKS__<NAME>); composed into Settings.callbacks.

Quiet hours are the reminders' (IVR_REMINDERS__CALLS_FROM / CALLS_UNTIL / NO_CALL_WEEKDAYS, group's timezone).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class CallbackSettings(BaseModel):
    """Who is called back, how soon and how often; every default says why."""

    # Off by default: it needs AMI (IVR_CALLS__AMI_ENABLED) and the missed-call context in the dialplan.
    enabled: bool = False
    # Seconds between the drop and the callback: time for the member to put the phone down and be ready to answer.
    delay_s: float = Field(default=20.0, ge=0)
    # Per-number rate limit: drops within this many minutes of a callback being scheduled get no new one (ten
    # drops in a minute are one request; a member whose callback went unanswered can ask again after this).
    min_interval_min: float = Field(default=10.0, ge=0)
    # Callbacks at most per member per local day (group's timezone): the line's airtime is the group's money.
    max_per_member_per_day: int = Field(default=3, ge=1)
    # Callbacks at most per group per local day.
    max_per_group_per_day: int = Field(default=60, ge=1)
    # Numbers in no group: "once_a_day" calls back at most once a day to say this line is for registered
    # members (someone may have been given the number); "never" calls nobody unknown.
    unknown_numbers: Literal["once_a_day", "never"] = "once_a_day"
    # Timezone for the quiet hours of unknown numbers (no group to take one from).
    default_timezone: str = "Africa/Nairobi"
    # Retries after busy / no answer / failed: minutes after each failed attempt (never in quiet hours).
    retry_delays_min: list[int] = Field(default_factory=lambda: [5])
    # Retries at most after the first callback (1 = two calls at most: a missed call is a request, not a campaign).
    max_retries: int = Field(default=1, ge=0, le=5)
    # A callback not placed within this many hours of the drop is dropped (a request at 23:00 is still good at 08:00).
    expire_after_hours: float = Field(default=12.0, gt=0)
    # How often the scheduler looks for callbacks due.
    tick_s: float = Field(default=1.0, gt=0)
    # The extension of [mikashboks-outbound] callbacks are originated to (asterisk/extensions.conf).
    exten: str = "callback"
