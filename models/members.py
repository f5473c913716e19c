"""Per-member state the IVR keeps itself: preferences and opt-outs, PIN credentials, consent records."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class MemberPreference(Base):
    """A member's language and opt-outs (the member governs these; the bot honours them on every call)."""

    __tablename__ = "member_preferences"

    member_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(16))
    reminders_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    recording_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    outbound_calls_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PinCredential(Base):
    """A member's phone PIN as a salted scrypt hash (models.pins); the lockout lives in PinGuard."""

    __tablename__ = "pin_credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(String(100), unique=True)
    # "scrypt$n$r$p$salt_hex$hash_hex"
    pin_hash: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PinGuard(Base):
    """The wrong-PIN counter and lock of one thing a guesser could use: a membership ("member:<id>") or a calling
    number ("phone:<HMAC>"). A PIN attempt counts against every guard of the caller (all memberships of the
    person and the number they call from), so a member of two groups gets three guesses in total, not per group."""

    __tablename__ = "pin_guards"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    # attempts counted so far, including ones still being checked (counted before the PIN is looked at)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ConsentRecord(Base):
    """One consent answer (e.g. "recording", "reminders"), kept as history: the latest row per kind wins."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(String(100), index=True)
    call_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    granted: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(default=utcnow)
