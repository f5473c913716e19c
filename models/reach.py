"""Reaching members who cannot pay for a call: missed-call callbacks, the SMS outbox and inbox, reminder channels.

Phones and message bodies are encrypted at rest (found by their HMAC `phone_hash`); a PIN is never stored, not even
inside an inbound message (only the command word is kept).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.crypto import EncryptedText

# pending → dialing → in_call → done; back to pending for a retry; gave_up after the last retry; expired when it
# could not be placed in time (quiet hours, caps); cancelled when the member opted out of outbound calls meanwhile.
CALLBACK_STATUSES = ("pending", "dialing", "in_call", "done", "gave_up", "expired", "cancelled")
CALLBACK_ACTIVE = ("dialing", "in_call")
# What became of one ring-and-drop: a new callback, merged into an open one, or why none was made.
MISSED_DISPOSITIONS = ("scheduled", "merged", "rate_limited", "member_cap", "group_cap", "opted_out",
                       "unknown_once", "unknown_off", "disabled")
# queued → sent; failed after the last retry or a refusal; cancelled (opted out, expired before it could go);
# uncertain when the gateway may have taken it but never said so (never re-sent: a doubled SMS is worse).
SMS_STATUSES = ("queued", "sent", "failed", "cancelled", "uncertain")


class Callback(Base):
    """One callback owed to a number that rang and hung up (several drops merge into one)."""

    __tablename__ = "callbacks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    phone: Mapped[str] = mapped_column(EncryptedText())
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # member | unknown
    member_id: Mapped[str | None] = mapped_column(String(100), index=True)
    group_id: Mapped[str | None] = mapped_column(String(100), index=True)
    timezone: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    drops: Mapped[int] = mapped_column(Integer, default=1)  # missed calls merged into this callback
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    last_outcome: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    attempt_rows: Mapped[list[CallbackAttempt]] = relationship(
        back_populates="callback", order_by="CallbackAttempt.seq", cascade="all, delete-orphan")


class CallbackAttempt(Base):
    """One call placed for a callback; `call_id` is the UUID it carries (IVR_CALL_UUID, then calls.id)."""

    __tablename__ = "callback_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    callback_id: Mapped[int] = mapped_column(ForeignKey("callbacks.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    seq: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    # answered | busy | no_answer | failed | congestion | expired
    outcome: Mapped[str | None] = mapped_column(String(20))
    cause: Mapped[int | None] = mapped_column(Integer)
    admitted: Mapped[bool] = mapped_column(Boolean, default=False)  # its AudioSocket connected (once)

    callback: Mapped[Callback] = relationship(back_populates="attempt_rows")


class MissedCall(Base):
    """One ring-and-drop as the dialplan reported it, and what the scheduler made of it."""

    __tablename__ = "missed_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    disposition: Mapped[str] = mapped_column(String(20))
    group_id: Mapped[str | None] = mapped_column(String(100))
    callback_id: Mapped[int | None] = mapped_column(ForeignKey("callbacks.id", ondelete="SET NULL"))


class SmsOutbox(Base):
    """One SMS to send (a reply or a reminder); `key` makes enqueueing idempotent, `segments_sent` makes a resumed
    send skip the parts the gateway already took, so a message is never lost and never doubled."""

    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(220), unique=True)
    purpose: Mapped[str] = mapped_column(String(20))  # reply | reminder | reminder_fallback
    member_id: Mapped[str | None] = mapped_column(String(100), index=True)
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id", ondelete="SET NULL"))
    phone: Mapped[str] = mapped_column(EncryptedText())
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    body: Mapped[str] = mapped_column(EncryptedText())
    coding: Mapped[int] = mapped_column(Integer)  # 0 = GSM 7-bit, 2 = UCS-2
    segments: Mapped[int] = mapped_column(Integer)
    segments_sent: Mapped[int] = mapped_column(Integer, default=0)
    concat_ref: Mapped[int] = mapped_column(Integer)  # the concatenation reference, the same on every retry
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    expires_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class SmsInbound(Base):
    """One SMS received through Kannel: who (hash only), which command, what was done. Never the text itself."""

    __tablename__ = "sms_inbound"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Kannel's message id (%I), or a hash of sender + time + text: a re-delivered message is handled once
    message_key: Mapped[str] = mapped_column(String(100), unique=True)
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    command: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime]


class SmsPending(Base):
    """A figures command waiting for the member's PIN reply (the "send your PIN" round trip), per number."""

    __tablename__ = "sms_pending"

    phone_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    command: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReachPreference(Base):
    """How a member wants reminders: by call (default) or by SMS."""

    __tablename__ = "reach_preferences"

    member_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    reminder_channel: Mapped[str] = mapped_column(String(8), default="call")  # call | sms
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
