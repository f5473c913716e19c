"""Outbound reminder state: one row per (rule, member, event) — the unique key that makes scheduling idempotent."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.crypto import EncryptedText

# pending → dialing → in_call → done; or back to pending for a retry; gave_up after the last retry; expired when the
# event passed (or a call never reported its end) before anyone was reached; cancelled when the member opted out.
REMINDER_STATUSES = ("pending", "dialing", "in_call", "done", "gave_up", "expired", "cancelled")
ACTIVE_STATUSES = ("dialing", "in_call")


class Reminder(Base):
    """One reminder to one member about one event under one rule; `key` is unique across scheduler restarts."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # "<rule>|<member_id>|<event key>": the idempotency key
    key: Mapped[str] = mapped_column(String(200), unique=True)
    # "<rule> <group_id> <event date>": what statistics are grouped by
    campaign: Mapped[str] = mapped_column(String(160), index=True)
    rule: Mapped[str] = mapped_column(String(40))  # meeting_eve, meeting_soon, repayment_before, repayment_day, ...
    kind: Mapped[str] = mapped_column(String(20))  # meeting | repayment | nudge
    member_id: Mapped[str] = mapped_column(String(100), index=True)
    group_id: Mapped[str] = mapped_column(String(100), index=True)
    event_date: Mapped[date] = mapped_column(Date)
    event_time: Mapped[str | None] = mapped_column(String(5))
    loan_id: Mapped[str | None] = mapped_column(String(100))
    # integer minor units; said only after the member's PIN (see dialogs/reminder_call.py)
    amount_minor: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    language: Mapped[str] = mapped_column(String(16))
    first_name: Mapped[str] = mapped_column(EncryptedText())
    group_name: Mapped[str] = mapped_column(EncryptedText())
    place: Mapped[str | None] = mapped_column(EncryptedText())
    timezone: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    last_outcome: Mapped[str | None] = mapped_column(String(20))
    identity_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    listened: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    attempt_rows: Mapped[list[ReminderAttempt]] = relationship(
        back_populates="reminder", order_by="ReminderAttempt.seq", cascade="all, delete-orphan"
    )


class ReminderAttempt(Base):
    """One call placed for a reminder; `call_id` is the UUID the call carries (IVR_CALL_UUID, calls.id)."""

    __tablename__ = "reminder_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    seq: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    # answered | busy | no_answer | failed | congestion | expired
    outcome: Mapped[str | None] = mapped_column(String(20))
    # AMI Hangup cause (Q.850) when one arrived
    cause: Mapped[int | None] = mapped_column(Integer)

    reminder: Mapped[Reminder] = relationship(back_populates="attempt_rows")


class ReminderContact(Base):
    """The number reminder calls go to, per ledger member (the ledger API does not expose phone numbers)."""

    __tablename__ = "reminder_contacts"

    member_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    phone: Mapped[str] = mapped_column(EncryptedText())
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReminderPause(Base):
    """Reminder calls paused for everyone (scope "*") or for one group (scope = group id)."""

    __tablename__ = "reminder_pauses"

    scope: Mapped[str] = mapped_column(String(100), primary_key=True)
    paused_at: Mapped[datetime] = mapped_column(default=utcnow)
    # who paused it ("cli", "admin:<name>")
    actor: Mapped[str] = mapped_column(String(120))
