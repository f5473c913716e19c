"""Meeting drafts the secretary records by phone: every confirmed entry is committed here before it is confirmed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint, Uuid, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.base import Base, utcnow
from models.crypto import EncryptedText
from models.outbox import PARKED, OutboxEntry
from models.outbox import SENT as OUTBOX_SENT

# draft status: being recorded | handed to the outbox | every entry posted | some entries refused by the core
OPEN, SUBMITTED, POSTED, NEEDS_FIX = "open", "submitted", "posted", "needs_fix"
# entry status: confirmed by the caller | removed with "undo" | posted | refused by the core (kept, re-enterable)
CONFIRMED, UNDONE, SENT, REJECTED = "confirmed", "undone", "sent", "rejected"


class MeetingDraft(Base):
    """One group meeting being recorded (one draft per group and date, so two officers never double it)."""

    __tablename__ = "meeting_drafts"
    __table_args__ = (UniqueConstraint("group_id", "meeting_date", name="uq_meeting_drafts_group_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[str] = mapped_column(String(100))
    meeting_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    # the officer who started it (ledger member id)
    recorder_member_id: Mapped[str] = mapped_column(String(100), index=True)
    # their name as the ledger gave it (for the admin view), encrypted like every stored name
    recorder_name: Mapped[str | None] = mapped_column(EncryptedText(), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # the whole session's recording transcribed for the group's records (ivr/meetings/transcribe.py), encrypted
    transcript: Mapped[str | None] = mapped_column(EncryptedText(), nullable=True)
    transcribed_at: Mapped[datetime | None] = mapped_column(nullable=True)

    entries: Mapped[list[MeetingEntry]] = relationship(back_populates="draft", order_by="MeetingEntry.seq",
                                                       cascade="all, delete-orphan")


class MeetingEntry(Base):
    """One transaction of the meeting, as confirmed by the caller; names, amounts and speech encrypted at rest."""

    __tablename__ = "meeting_entries"
    __table_args__ = (UniqueConstraint("draft_id", "seq", name="uq_meeting_entries_draft_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("meeting_drafts.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    # sent to the core with the entry: a retried post is a replay, never a second transaction
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    member_id: Mapped[str] = mapped_column(String(100))
    member_name: Mapped[str] = mapped_column(EncryptedText())
    # the core ledger's transaction type (savings, share_purchase, social_fund, loan_repayment, ...)
    type: Mapped[str] = mapped_column(String(32))
    # integer minor units, kept as an encrypted decimal string (an amount is as private as a balance)
    amount_text: Mapped[str] = mapped_column(EncryptedText())
    # entered by a bulk form ("social fund for everyone fifty"): one confirmation for all of them
    bulk: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=CONFIRMED)
    # what the caller said for this entry (or "keypad:3*1*200"), encrypted
    transcript: Mapped[str | None] = mapped_column(EncryptedText(), nullable=True)
    # the call it was recorded in, and where in that call's recording (ms from the call's start)
    call_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("calls.id", ondelete="SET NULL"),
                                                      nullable=True)
    offset_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # the core's reason when it refused the entry (may quote figures: encrypted)
    reject_reason: Mapped[str | None] = mapped_column(EncryptedText(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    draft: Mapped[MeetingDraft] = relationship(back_populates="entries")

    @property
    def amount_minor(self) -> int:
        return int(self.amount_text)


@dataclass
class Verdicts:
    """What the outbox says about a draft's entries (idempotency keys), after `apply_outbox_verdicts`."""

    sent: list[str] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # key -> the core's reason (never logged)


def apply_outbox_verdicts(session: Session, draft: MeetingDraft) -> Verdicts:
    """Copy the outbox's verdicts onto a draft's entries and status (at submit, and later once the outbox drained:
    the admin API runs it on every submitted draft it shows). The caller commits."""
    out = Verdicts()
    live = [e for e in draft.entries if e.status in (CONFIRMED, SENT)]
    rows = {r.idempotency_key: r for r in session.scalars(select(OutboxEntry).where(
        OutboxEntry.idempotency_key.in_([e.idempotency_key for e in live])))}
    for e in live:
        row = rows.get(e.idempotency_key)
        if row is None:
            continue  # recorded after the last submit
        if row.status == OUTBOX_SENT:
            e.status = SENT
            out.sent.append(e.idempotency_key)
        elif row.status == PARKED:
            e.status, e.reject_reason = REJECTED, row.last_error or "rejected"
            out.rejected[e.idempotency_key] = e.reject_reason
        else:
            out.queued.append(e.idempotency_key)
    if out.rejected:
        draft.status = NEEDS_FIX
    elif draft.status == SUBMITTED and live and not out.queued and len(out.sent) == len(live):
        draft.status = POSTED
    return out
