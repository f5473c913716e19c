"""Writes waiting for the core ledger: committed here before the caller hears "saved", drained in order later."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow
from models.crypto import EncryptedJSON, EncryptedText

PENDING = "pending"
SENT = "sent"
PARKED = "parked"


class OutboxEntry(Base):
    """One transaction entry (one row per entry: each has its own idempotency key, result and park reason)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_id", "status", "id"),)

    # autoincrement id is the drain order
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # what to post; today only "meeting_transaction"
    kind: Mapped[str] = mapped_column(String(32))
    group_id: Mapped[str] = mapped_column(String(100))
    meeting_date: Mapped[date] = mapped_column(Date)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    # the entry (member, type, amount, loan, note), encrypted: it holds amounts
    payload: Mapped[Any] = mapped_column(EncryptedJSON())
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # the core's reason for parking or the last transport failure; encrypted, a reason may quote an amount
    last_error: Mapped[str | None] = mapped_column(EncryptedText(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # the core's answer for this entry: transaction_id, status created|replayed, meeting_id
    result: Mapped[Any | None] = mapped_column(EncryptedJSON(), nullable=True)
    # the drainer posting this row now ("<host>:<pid>:<random>") and until when its lease holds: with several IVR
    # hosts each row is posted by one drainer; a crashed drainer's lease runs out and another takes the row over
    claimed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(nullable=True)
