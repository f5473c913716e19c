"""The reminders' SQL side: idempotent planning, claiming due calls under caps, outcomes, retries, expiry, opt-outs.

Every public coroutine runs its blocking SQL in a worker thread, off the event loop. Claiming happens in one
transaction per run step, so two schedulers on one database cannot both dial a reminder: the status moves from
pending to dialing before any Originate is sent. With several IVR hosts on one PostgreSQL the claim holds an
advisory lock (caps stay global) and reads due rows `FOR UPDATE SKIP LOCKED` (models.claims).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

import languages as language_packs
from dialogs.reminder_port import ReminderBrief
from ivr.reminders.config import RemindersSettings
from ivr.reminders.rules import Candidate
from ivr.reminders.window import CallWindow
from models.calls import Call
from models.claims import serialize_claims, skip_locked
from models.crypto import phone_hash
from models.members import ConsentRecord, MemberPreference
from models.reminders import ACTIVE_STATUSES, Reminder, ReminderAttempt, ReminderContact, ReminderPause
from models.upsert import upsert

T = TypeVar("T")
RETRIED = ("busy", "no_answer", "failed", "congestion")
ALL_SCOPE = "*"


class UnknownReminderCall(LookupError):
    """A call UUID that no reminder attempt carries."""


@dataclass(frozen=True)
class Dial:
    """A claimed reminder call: the UUID it carries and where it goes (the phone is never logged)."""

    reminder_id: int
    call_id: uuid.UUID
    phone: str
    group_id: str
    attempt: int


class ReminderStore:
    def __init__(self, sessions: sessionmaker[Session], settings: RemindersSettings) -> None:
        self._sessions = sessions
        self._s = settings
        self.call_expiry_s = settings.call_expiry_s
        self.window = CallWindow(settings.calls_from, settings.calls_until, tuple(settings.no_call_weekdays))

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self._sessions

    async def _run(self, fn: Callable[[Session], T]) -> T:
        def run() -> T:
            with self._sessions.begin() as s:
                return fn(s)

        return await asyncio.to_thread(run)

    # --- members ------------------------------------------------------------------------------------------------

    async def opted_out(self, member_ids: Iterable[str]) -> set[str]:
        ids = list(member_ids)

        def q(s: Session) -> set[str]:
            rows = s.scalars(select(MemberPreference).where(MemberPreference.member_id.in_(ids)))
            return {p.member_id for p in rows if p.reminders_opt_out or p.outbound_calls_opt_out}

        return await self._run(q)

    async def languages(self, member_ids: Iterable[str]) -> dict[str, str]:
        ids = list(member_ids)

        def q(s: Session) -> dict[str, str]:
            rows = s.scalars(select(MemberPreference).where(MemberPreference.member_id.in_(ids)))
            return {p.member_id: p.language for p in rows if p.language in language_packs.codes()}

        return await self._run(q)

    async def contacts(self, member_ids: Iterable[str]) -> dict[str, str]:
        ids = list(member_ids)

        def q(s: Session) -> dict[str, str]:
            return {c.member_id: c.phone for c in s.scalars(select(ReminderContact)
                                                            .where(ReminderContact.member_id.in_(ids)))}

        return await self._run(q)

    async def set_contacts(self, numbers: Sequence[tuple[str, str]]) -> int:
        """Store (member id, E.164 phone) pairs; returns how many were new or changed."""
        for member_id, phone in numbers:
            if not member_id.strip() or not phone.startswith("+") or not phone[1:].isdigit() or len(phone) < 8:
                raise ValueError(f"member {member_id!r}: phone must be an international number like +254712345678")

        def q(s: Session) -> int:
            wanted = dict(numbers)  # the last number given for a member wins
            known = {c.member_id: c.phone for c in s.scalars(select(ReminderContact)
                                                              .where(ReminderContact.member_id.in_(list(wanted))))}
            rows = [{"member_id": m, "phone": p, "phone_hash": phone_hash(p)} for m, p in wanted.items()
                    if known.get(m) != p]
            # an upsert, not get-then-insert: two imports of the same member at once must not collide
            upsert(s, ReminderContact, rows, keys=["member_id"])
            return len(rows)

        return await self._run(q)

    async def set_opt_out(self, member_id: str, opted_out: bool, call_id: uuid.UUID | None = None) -> None:
        """Store the choice (preference + consent history); opting out cancels the member's pending reminders."""

        def q(s: Session) -> None:
            # one atomic statement (ON CONFLICT): a concurrent opt-in/opt-out or language choice never collides
            upsert(s, MemberPreference, {"member_id": member_id, "reminders_opt_out": opted_out},
                   keys=["member_id"])
            s.add(ConsentRecord(member_id=member_id, call_id=call_id, kind="reminders", granted=not opted_out))
            if opted_out:
                for r in s.scalars(select(Reminder).where(Reminder.member_id == member_id,
                                                          Reminder.status == "pending")):
                    r.status, r.opted_out = "cancelled", True

        await self._run(q)

    # --- pauses -------------------------------------------------------------------------------------------------

    async def paused(self) -> set[str]:
        return await self._run(lambda s: set(s.scalars(select(ReminderPause.scope))))

    async def pause(self, scope: str, actor: str) -> None:
        def q(s: Session) -> None:
            upsert(s, ReminderPause, {"scope": scope, "actor": actor}, keys=["scope"], update=[])  # first pause wins

        await self._run(q)

    async def resume(self, scope: str) -> bool:
        def q(s: Session) -> bool:
            row = s.get(ReminderPause, scope)
            if row is not None:
                s.delete(row)
            return row is not None

        return await self._run(q)

    # --- planning -----------------------------------------------------------------------------------------------

    async def existing_keys(self, keys: Iterable[str]) -> set[str]:
        wanted = list(keys)
        return await self._run(lambda s: set(s.scalars(select(Reminder.key).where(Reminder.key.in_(wanted)))))

    async def add(self, planned: Sequence[tuple[Candidate, datetime]]) -> int:
        """Insert (candidate, first attempt time) rows whose key is new; returns how many were inserted."""

        def q(s: Session) -> int:
            inserted = 0
            for c, first in planned:
                try:
                    with s.begin_nested():
                        s.add(Reminder(
                            key=c.key, campaign=c.campaign, rule=c.rule, kind=c.kind, member_id=c.member_id,
                            group_id=c.group_id, event_date=c.event_date, event_time=c.event_time, loan_id=c.loan_id,
                            amount_minor=c.amount_minor, currency=c.currency, language=c.language,
                            first_name=c.first_name, group_name=c.group_name, place=c.place, timezone=c.timezone,
                            due_at=c.due_at, expires_at=c.expires_at, next_attempt_at=first, attempts=0,
                            status="pending", identity_confirmed=False, listened=False, confirmed=False,
                            opted_out=False,
                        ))  # fmt: skip
                        s.flush()
                    inserted += 1
                except IntegrityError:  # planned meanwhile by another scheduler: the key keeps it single
                    continue
            return inserted

        return await self._run(q)

    # --- dialing ------------------------------------------------------------------------------------------------

    async def claim_due(self, now: datetime, *, stamp: datetime | None = None) -> list[Dial]:
        """Due reminders up to the global and per-group caps, moved to `dialing` with a fresh call UUID each.

        Expired ones are closed, opted-out members' ones cancelled, paused scopes skipped, and a reminder whose
        turn comes outside quiet hours waits for the next window. `now` decides what is due; `stamp` (default
        `now`) is the real time written as the attempt's and the call's start.
        """
        s_ = self._s
        placed_at = stamp or now

        def q(s: Session) -> list[Dial]:
            # one claimer at a time across hosts (the caps are global), and due rows locked as they are read
            serialize_claims(s, "reminders")
            paused = set(s.scalars(select(ReminderPause.scope)))
            if ALL_SCOPE in paused:
                return []
            active = dict(s.execute(select(Reminder.group_id, func.count()).where(
                Reminder.status.in_(ACTIVE_STATUSES)).group_by(Reminder.group_id)).all())
            total = sum(active.values())
            due = list(s.scalars(skip_locked(select(Reminder).where(Reminder.status == "pending",
                                                                    Reminder.next_attempt_at <= now)
                                             .order_by(Reminder.next_attempt_at, Reminder.id))))
            ids = {r.member_id for r in due}
            prefs = {p.member_id: p for p in s.scalars(select(MemberPreference)
                                                       .where(MemberPreference.member_id.in_(ids)))}
            phones = {c.member_id: c.phone for c in s.scalars(select(ReminderContact)
                                                              .where(ReminderContact.member_id.in_(ids)))}
            out: list[Dial] = []
            for r in due:
                pref = prefs.get(r.member_id)
                if now >= r.expires_at:
                    r.status = "expired"
                    continue
                if pref is not None and (pref.reminders_opt_out or pref.outbound_calls_opt_out):
                    r.status, r.opted_out = "cancelled", True
                    continue
                if r.group_id in paused or r.member_id not in phones:
                    continue
                if not self.window.allows(now, r.timezone):
                    r.next_attempt_at = self.window.next_allowed(now, r.timezone)
                    if r.next_attempt_at >= r.expires_at:
                        r.status = "expired"
                    continue
                if total >= s_.max_concurrent_calls:
                    break
                if active.get(r.group_id, 0) >= s_.max_concurrent_per_group:
                    continue
                r.status, r.attempts = "dialing", r.attempts + 1
                call_id = uuid.uuid4()
                phone = phones[r.member_id]
                s.add(ReminderAttempt(reminder_id=r.id, call_id=call_id, seq=r.attempts, started_at=placed_at))
                s.add(Call(id=call_id, direction="out", purpose="reminder", caller_phone=phone,
                           caller_hash=phone_hash(phone), caller_name=r.first_name, group_id=r.group_id,
                           member_id=r.member_id, language=r.language, started_at=placed_at))
                active[r.group_id] = active.get(r.group_id, 0) + 1
                total += 1
                out.append(Dial(r.id, call_id, phone, r.group_id, r.attempts))
            return out

        return await self._run(q)

    async def dial_result(self, call_id: uuid.UUID, outcome: str, now: datetime, cause: int | None = None, *,
                          stamp: datetime | None = None) -> str:
        """Record how the Originate ended; a busy/no answer/failed/congestion call climbs the retry ladder.

        The next attempt is scheduled from `now`; `stamp` (default `now`) is the real time written as the answer
        or the end. Returns the reminder's new status.
        """
        s_ = self._s
        happened_at = stamp or now

        def q(s: Session) -> str:
            attempt, r = self._attempt(s, call_id)
            attempt.outcome, r.last_outcome = outcome, outcome
            call = s.get(Call, call_id)
            if outcome == "answered":
                if call is not None and call.answered_at is None:
                    call.answered_at = happened_at
                if attempt.ended_at is None:
                    r.status = "in_call"
                elif r.status in ACTIVE_STATUSES:  # its end was stored first (a very short call)
                    r.status = "done"
                return r.status
            attempt.ended_at, attempt.cause = happened_at, cause
            if call is not None and call.ended_at is None:
                call.ended_at, call.outcome = happened_at, outcome
            retry = r.attempts - 1  # retries already used
            if outcome in RETRIED and retry < s_.max_retries and s_.retry_delays_min:
                delay = s_.retry_delays_min[min(retry, len(s_.retry_delays_min) - 1)]
                at = self.window.next_allowed(now + timedelta(minutes=delay), r.timezone)
                if at < r.expires_at:
                    r.status, r.next_attempt_at = "pending", at
                    return r.status
            r.status = "gave_up"
            return r.status

        return await self._run(q)

    async def call_ended(self, call_id: uuid.UUID, now: datetime, cause: int | None = None) -> None:
        """The answered call is over (AMI Hangup or the bot's own hang-up)."""

        def q(s: Session) -> None:
            attempt, r = self._attempt(s, call_id)
            if attempt.ended_at is None:
                attempt.ended_at, attempt.cause = now, cause
            if r.status in ACTIVE_STATUSES:
                r.status = "done"
            call = s.get(Call, call_id)
            if call is not None and call.ended_at is None:
                call.ended_at, call.outcome = now, _call_outcome(r)

        await self._run(q)

    async def expire_stale(self, now: datetime) -> int:
        """Calls that never reported an end within `call_expiry_s` are closed as expired; returns how many."""
        limit = now - timedelta(seconds=self._s.call_expiry_s)

        def q(s: Session) -> int:
            rows = s.execute(select(ReminderAttempt, Reminder).join(Reminder).where(
                ReminderAttempt.ended_at.is_(None), ReminderAttempt.started_at < limit)).all()
            for attempt, r in rows:
                attempt.ended_at = now
                if attempt.outcome is None:
                    attempt.outcome = "expired"
                if r.status in ACTIVE_STATUSES:
                    r.status = "done" if attempt.outcome == "answered" else "expired"
                    r.last_outcome = attempt.outcome
            return len(rows)

        return await self._run(q)

    async def active_calls(self) -> int:
        return await self._run(lambda s: int(s.scalar(select(func.count()).select_from(Reminder).where(
            Reminder.status.in_(ACTIVE_STATUSES))) or 0))

    # --- the dialog's port (dialogs.reminder_port.ReminderPort) -------------------------------------------

    async def brief(self, call_id: uuid.UUID) -> ReminderBrief:
        def q(s: Session) -> ReminderBrief:
            _attempt, r = self._attempt(s, call_id)
            return ReminderBrief(
                call_id=call_id, reminder_id=r.id, member_id=r.member_id, group_id=r.group_id, kind=r.kind,
                rule=r.rule, first_name=r.first_name, group_name=r.group_name, language=r.language,
                event_date=r.event_date, event_time=r.event_time, place=r.place, amount_minor=r.amount_minor,
                currency=r.currency,
            )  # fmt: skip

        return await self._run(q)

    async def mark(self, call_id: uuid.UUID, *, identity_confirmed: bool = False, listened: bool = False,
                   confirmed: bool = False) -> None:
        def q(s: Session) -> None:
            _attempt, r = self._attempt(s, call_id)
            r.identity_confirmed = r.identity_confirmed or identity_confirmed
            r.listened = r.listened or listened
            r.confirmed = r.confirmed or confirmed

        await self._run(q)

    async def opt_out(self, call_id: uuid.UUID) -> None:
        def q(s: Session) -> str:
            _attempt, r = self._attempt(s, call_id)
            r.opted_out = True
            return r.member_id

        member_id = await self._run(q)
        await self.set_opt_out(member_id, True, call_id)

    @staticmethod
    def _attempt(s: Session, call_id: uuid.UUID) -> tuple[ReminderAttempt, Reminder]:
        attempt = s.scalar(select(ReminderAttempt).where(ReminderAttempt.call_id == call_id))
        if attempt is None:
            raise UnknownReminderCall(f"no reminder call {call_id}")
        return attempt, attempt.reminder


def _call_outcome(r: Reminder) -> str:
    if r.opted_out:
        return "opted_out"
    if r.confirmed:
        return "confirmed"
    return "listened" if r.listened else "answered"
