"""Settings for outbound reminder calls (rules, quiet hours, caps, retries); composed into Settings.reminders."""

from __future__ import annotations

from datetime import time

from pydantic import BaseModel, Field


class RemindersSettings(BaseModel):
    """When, whom and how often the reminder scheduler calls; every default says why."""

    # Master switch: `ivr reminders run` and the admin API refuse to place calls while false.
    enabled: bool = True
    # Meeting reminder the evening before (to every member of the group).
    meeting_eve: bool = True
    # Local time (group's timezone) of the evening-before reminder: after work, before the evening meal.
    meeting_eve_at: time = time(18, 0)
    # Meeting reminder this many hours before the start (0 = off): two hours leaves time to get there.
    meeting_hours_before: int = Field(default=2, ge=0, le=48)
    # Repayment reminder to the borrower this many days before the due date (0 = off): time to gather the money.
    repayment_days_before: int = Field(default=2, ge=0, le=14)
    # Repayment reminder on the due date itself.
    repayment_on_day: bool = True
    # Local time of day the repayment reminders are placed (morning: people plan their day).
    repayment_at: time = time(9, 0)
    # Positive nudge after a loan is fully repaid (once per loan): encouragement, never pressure.
    nudge_loan_repaid: bool = True
    # Local time of day nudges are placed.
    nudge_at: time = time(10, 0)
    # How far ahead the scheduler looks at the ledger's upcoming events.
    horizon_days: int = Field(default=3, ge=1, le=31)
    # First local time of day (group's timezone) a reminder call may be placed; earlier ones wait until then.
    calls_from: time = time(8, 0)
    # Calls stop at this local time (exclusive); later ones move to the next allowed morning.
    calls_until: time = time(20, 0)
    # Local weekdays with no calls at all (0 = Monday ... 6 = Sunday); empty = every day is allowed.
    no_call_weekdays: list[int] = Field(default_factory=list)
    # Simultaneous reminder calls at most, in total (trunk channels; inbound callers must still get through).
    max_concurrent_calls: int = Field(default=4, ge=1)
    # Simultaneous reminder calls at most per group (members often share one phone; don't ring it twice at once).
    max_concurrent_per_group: int = Field(default=2, ge=1)
    # Retries after busy / no answer / failed / congestion: minutes after each failed attempt, never in quiet hours.
    retry_delays_min: list[int] = Field(default_factory=lambda: [15, 30, 60])
    # Retries at most after the first call (3 = the whole ladder above: up to 4 calls per reminder).
    max_retries: int = Field(default=3, ge=0, le=10)
    # A placed call that never reports an end (lost Hangup event, crashed bridge) is expired after this long.
    call_expiry_s: float = Field(default=900.0, gt=0)
    # Dial string for a member's number; {phone} is the E.164 number without the '+'.
    channel_template: str = "PJSIP/{phone}@trunk"
    # Caller ID name shown on the member's phone (with the number below).
    caller_id: str = "MiKashBoks"
    # Caller ID number members see and can call back (e.g. +254700999000): required outside development, since with
    # a name and no number most phones show "unknown", and members don't pick up unknown callers.
    caller_id_number: str = Field(default="", pattern=r"^(\+?[0-9]{3,15})?$")
