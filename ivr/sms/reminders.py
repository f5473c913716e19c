"""Reminders by SMS: the primary channel for members who chose it, and one SMS after a reminder call that was not
answered after its last retry. Same quiet hours, pauses, opt-out, expiry and idempotency as the calls: the SMS of a
reminder is keyed "reminder|<reminder key>" in the outbox, so a member gets one SMS per event and rule, whatever
sent it (primary or fallback) and however often a campaign runs.

`run_campaign` is one reminder run with SMS: plan → SMS for the members who chose SMS (their reminders never
reach the dialler) → the call runner → fallback SMS for reminders that gave up → the outbox drained once.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import httpx
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from dialogs.figures import parse_clock
from dialogs.prompts.sms import render_sms
from dialogs.values import Date, Name, Time, Value
from ivr.reminders.config import RemindersSettings
from ivr.reminders.runner import Progress, RemindersDisabled, RunReport
from ivr.reminders.service import Reminders
from ivr.reminders.store import ALL_SCOPE, RETRIED
from ivr.reminders.window import CallWindow
from ivr.settings import Settings
from ivr.sms.config import SmsSettings
from ivr.sms.gsm7 import segment
from ivr.sms.kannel import KannelGateway
from ivr.sms.outbox import SmsOutbox
from models.base import utcnow
from models.crypto import phone_hash
from models.members import MemberPreference
from models.reach import ReachPreference
from models.reach import SmsOutbox as OutRow
from models.reminders import Reminder, ReminderContact, ReminderPause

log = logging.getLogger(__name__)
T = TypeVar("T")
TEXT_OF_KIND = {"meeting": "sms_reminder_meeting", "repayment": "sms_reminder_repayment",
                "nudge": "sms_reminder_nudge"}


def reminder_text(r: Reminder) -> str:
    """The reminder's SMS in the member's language (render_sms falls back for a language without SMS texts)."""
    values: dict[str, Value] = {"name": Name(r.first_name), "date": Date(r.event_date)}
    if r.kind == "meeting":
        values["time"] = Time(parse_clock(r.event_time or "00:00"))
        values["place"] = Name(r.place or r.group_name)
    elif r.kind == "nudge":
        values.pop("date")
    return render_sms(TEXT_OF_KIND[r.kind], values, r.language)


def sms_key(r: Reminder) -> str:
    return f"reminder|{r.key}"


@dataclass(frozen=True)
class SmsSent:
    primary: int = 0
    fallback: int = 0


class SmsReminders:
    def __init__(self, sessions: sessionmaker[Session], outbox: SmsOutbox, settings: SmsSettings,
                 reminders: RemindersSettings) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._s = settings
        self.window = CallWindow(reminders.calls_from, reminders.calls_until, tuple(reminders.no_call_weekdays))

    @property
    def outbox(self) -> SmsOutbox:
        return self._outbox

    async def _run(self, fn: Callable[[Session], T]) -> T:
        def run() -> T:
            with self._sessions.begin() as s:
                return fn(s)

        return await asyncio.to_thread(run)

    def _queue(self, s: Session, r: Reminder, phone: str, purpose: str, not_before: datetime) -> bool:
        text = reminder_text(r)
        split = segment(text, self._s.max_parts)
        try:
            with s.begin_nested():
                s.add(OutRow(key=sms_key(r), purpose=purpose, member_id=r.member_id, reminder_id=r.id, phone=phone,
                             phone_hash=phone_hash(phone), body=text, coding=split.dcs, segments=len(split.parts),
                             segments_sent=0, concat_ref=secrets.randbelow(256), status="queued", attempts=0,
                             next_attempt_at=not_before, expires_at=r.expires_at))
                s.flush()
            return True
        except IntegrityError:  # this reminder already has its SMS
            return False

    async def primary(self, now: datetime) -> int:
        """Due reminders of members who chose SMS: queued as SMS and closed (status done, outcome "sms")."""

        def q(s: Session) -> int:
            chosen = set(s.scalars(select(ReachPreference.member_id).where(ReachPreference.reminder_channel == "sms")))
            if not chosen:
                return 0
            paused = set(s.scalars(select(ReminderPause.scope)))
            if ALL_SCOPE in paused:
                return 0
            due = list(s.scalars(select(Reminder).where(Reminder.status == "pending", Reminder.next_attempt_at <= now,
                                                        Reminder.member_id.in_(chosen))))
            sent = 0
            for r in due:
                pref = s.get(MemberPreference, r.member_id)
                contact = s.get(ReminderContact, r.member_id)
                if now >= r.expires_at:
                    r.status = "expired"
                elif pref is not None and pref.reminders_opt_out:
                    r.status, r.opted_out = "cancelled", True
                elif r.group_id in paused or contact is None:
                    continue
                elif not self.window.allows(now, r.timezone):
                    r.next_attempt_at = self.window.next_allowed(now, r.timezone)
                else:
                    sent += self._queue(s, r, contact.phone, "reminder", now)
                    r.status, r.last_outcome = "done", "sms"
            return sent

        return await self._run(q)

    async def fallback(self, now: datetime) -> int:
        """Reminders whose calls were not answered after the last retry: one SMS each (inside quiet hours)."""
        if not self._s.reminder_fallback:
            return 0

        def q(s: Session) -> int:
            paused = set(s.scalars(select(ReminderPause.scope)))
            if ALL_SCOPE in paused:
                return 0  # a pause holds the SMS too; they go out after `resume` if the event is still ahead
            rows = list(s.scalars(select(Reminder).where(Reminder.status == "gave_up", Reminder.expires_at > now,
                                                         Reminder.last_outcome.in_(RETRIED))))
            queued = 0
            for r in rows:
                pref = s.get(MemberPreference, r.member_id)
                contact = s.get(ReminderContact, r.member_id)
                if contact is None or r.group_id in paused or (pref is not None and pref.reminders_opt_out):
                    continue
                not_before = self.window.next_allowed(now, r.timezone)
                if not_before < r.expires_at:
                    queued += self._queue(s, r, contact.phone, "reminder_fallback", not_before)
            return queued

        return await self._run(q)


async def run_campaign(svc: Reminders, sms: SmsReminders | None, *, clock: Callable[[], datetime], enabled: bool,
                       progress: Progress | None = None) -> tuple[RunReport, SmsSent]:
    """One reminder run with the SMS channel (without `sms`: exactly the call runner's run)."""
    assert svc.runner is not None
    if sms is None:
        return await svc.runner.run(progress=progress), SmsSent()
    if not enabled:
        raise RemindersDisabled("reminder calls are disabled: set IVR_REMINDERS__ENABLED=true")
    planned = await svc.planner.plan(clock())
    primary = await sms.primary(clock())
    report = await svc.runner.run(progress=progress, plan=False)
    report.planned = planned
    fallback = await sms.fallback(clock())
    await sms.outbox.drain_once()
    log.info("reminder SMS queued: %d primary, %d fallback", primary, fallback)
    return report, SmsSent(primary, fallback)


@asynccontextmanager
async def reminder_sms(settings: Settings, svc: Reminders,
                       clock: Callable[[], datetime] = utcnow) -> AsyncIterator[SmsReminders]:
    """SMS reminders for a run outside the app (`ivr reminders run`): the outbox over Kannel on its own client."""
    async with httpx.AsyncClient() as http:
        outbox = SmsOutbox(svc.store.sessions, KannelGateway(http, settings.sms), settings.sms, clock)
        yield SmsReminders(svc.store.sessions, outbox, settings.sms, settings.reminders)
