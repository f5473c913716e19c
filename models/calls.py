"""What happened on the line: calls, their turns (with latency timings) and recordings — PII encrypted at rest."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, utcnow
from models.crypto import EncryptedText

DIRECTIONS = ("in", "out")


class Call(Base):
    """One phone call; `id` is the AudioSocket UUID. The caller's number is encrypted; `caller_hash` finds it."""

    __tablename__ = "calls"
    __table_args__ = (CheckConstraint("direction IN ('in', 'out')", name="direction"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    direction: Mapped[str] = mapped_column(String(3))
    # why the call exists: "self_service", "meeting", "reminder", ...
    purpose: Mapped[str | None] = mapped_column(String(40))
    caller_phone: Mapped[str | None] = mapped_column(EncryptedText())
    # HMAC of the normalised number (models.crypto.phone_hash): equality lookup without the clear number
    caller_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # the member's name as the ledger gave it (for the admin view); encrypted like every stored name
    caller_name: Mapped[str | None] = mapped_column(EncryptedText())
    # ledger ids are strings owned by the core ledger
    group_id: Mapped[str | None] = mapped_column(String(100))
    member_id: Mapped[str | None] = mapped_column(String(100), index=True)
    language: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # "completed", "hangup", "no_answer", "busy", "failed", "transferred", ...
    outcome: Mapped[str | None] = mapped_column(String(40))

    turns: Mapped[list[Turn]] = relationship(back_populates="call", order_by="Turn.seq", cascade="all, delete-orphan")
    recordings: Mapped[list[Recording]] = relationship(back_populates="call", cascade="all, delete-orphan")

    @validates("direction")
    def _check_direction(self, _key: str, value: str) -> str:
        if value not in DIRECTIONS:
            raise ValueError(f"call direction must be one of {DIRECTIONS}, got {value!r}")
        return value


class Turn(Base):
    """One prompt-and-answer exchange. Timings are milliseconds from the start of the turn (None = not reached)."""

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("call_id", "seq", name="uq_turns_call_id_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    prompt_id: Mapped[str | None] = mapped_column(String(80))
    # what the caller said: encrypted, read only through models.reads.read_transcript (audited)
    transcript: Mapped[str | None] = mapped_column(EncryptedText())
    intent: Mapped[str | None] = mapped_column(String(80))
    # recogniser/NLU confidence in [0, 1] (a score, not money: a float is right here)
    confidence: Mapped[float | None] = mapped_column(Float)
    speech_end_ms: Mapped[int | None] = mapped_column(Integer)
    asr_final_ms: Mapped[int | None] = mapped_column(Integer)
    nlu_ms: Mapped[int | None] = mapped_column(Integer)
    ledger_ms: Mapped[int | None] = mapped_column(Integer)
    first_audio_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    call: Mapped[Call] = relationship(back_populates="turns")


class Recording(Base):
    """An audio recording of (part of) a call; the file itself is encrypted (models.recording_store)."""

    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    # relative to <data_dir>/recordings; a random name, never PII
    path: Mapped[str] = mapped_column(String(255), unique=True)
    duration_ms: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    call: Mapped[Call] = relationship(back_populates="recordings")
