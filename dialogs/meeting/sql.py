"""The meeting ports on the IVR database and the ledger outbox: entries committed before they are confirmed."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dialogs.meeting.ports import Draft, MeetingPorts, NewEntry, StoredEntry, SubmitOutcome
from ledger_client.outbox import Outbox
from ledger_client.types import TransactionEntry, new_idempotency_key
from models import meetings as m
from models.base import utcnow
from models.calls import Call
from models.members import ConsentRecord

log = logging.getLogger(__name__)
CONSENT_KIND = "meeting_recording"


class DraftNotFound(LookupError):
    """A draft id that is not in the database."""


def _entry(e: m.MeetingEntry) -> StoredEntry:
    return StoredEntry(e.seq, e.idempotency_key, e.member_id, e.member_name, e.type, e.amount_minor, e.status, e.bulk)


def _draft(d: m.MeetingDraft) -> Draft:
    return Draft(d.id, d.group_id, d.meeting_date, d.currency, d.status, tuple(_entry(e) for e in d.entries))


class SqlMeetingStore:
    """Blocking SQL in worker threads; each method is one committed transaction."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    async def resumable(self, group_id: str) -> Draft | None:
        """The group's most recent draft still being recorded (or needing a fix) that holds entries."""

        def run() -> Draft | None:
            with self._sessions() as s:
                rows = s.scalars(select(m.MeetingDraft).where(
                    m.MeetingDraft.group_id == group_id, m.MeetingDraft.status.in_([m.OPEN, m.NEEDS_FIX]))
                    .order_by(m.MeetingDraft.updated_at.desc()))
                for d in rows:
                    draft = _draft(d)
                    if draft.active or draft.rejected:
                        return draft
                return None

        return await asyncio.to_thread(run)

    async def open_draft(self, *, group_id: str, meeting_date: date, currency: str, recorder: str,
                         recorder_name: str | None = None) -> Draft:
        """The draft of that meeting, created if new; a submitted one is re-opened for more entries."""

        def run() -> Draft:
            with self._sessions.begin() as s:
                d = s.scalar(select(m.MeetingDraft).where(m.MeetingDraft.group_id == group_id,
                                                          m.MeetingDraft.meeting_date == meeting_date))
                if d is None:
                    d = m.MeetingDraft(group_id=group_id, meeting_date=meeting_date, currency=currency,
                                       recorder_member_id=recorder, recorder_name=recorder_name, status=m.OPEN)
                    s.add(d)
                    s.flush()
                elif d.status in (m.SUBMITTED, m.POSTED):
                    d.status = m.OPEN
                return _draft(d)

        return await asyncio.to_thread(run)

    async def add_entries(self, draft_id: int, entries: Sequence[NewEntry], *, call_id: uuid.UUID | None,
                          at: datetime) -> list[StoredEntry]:
        """All entries or none, committed before this returns (a bulk entry is one confirmation, one commit)."""

        def run() -> list[StoredEntry]:
            with self._sessions.begin() as s:
                d = s.get(m.MeetingDraft, draft_id)
                if d is None:
                    raise DraftNotFound(f"no meeting draft {draft_id}")
                seq = int(s.scalar(select(func.max(m.MeetingEntry.seq)).where(
                    m.MeetingEntry.draft_id == draft_id)) or 0)
                call = s.get(Call, call_id) if call_id else None
                offset = round((at - call.started_at).total_seconds() * 1000) if call else None
                rows = []
                for e in entries:
                    seq += 1
                    row = m.MeetingEntry(draft_id=draft_id, seq=seq, idempotency_key=new_idempotency_key(),
                                         member_id=e.member_id, member_name=e.member_name, type=e.type,
                                         amount_text=str(e.amount_minor), bulk=e.bulk, status=m.CONFIRMED,
                                         transcript=e.transcript, call_id=call.id if call else None,
                                         offset_ms=offset, created_at=at)
                    s.add(row)
                    rows.append(row)
                d.status = m.OPEN if d.status != m.NEEDS_FIX else m.NEEDS_FIX
                d.updated_at = at
                s.flush()
                return [_entry(r) for r in rows]

        return await asyncio.to_thread(run)

    async def undo_last(self, draft_id: int) -> StoredEntry | None:
        """Remove the last confirmed entry not yet sent (a bulk entry is undone as a whole)."""

        def run() -> StoredEntry | None:
            with self._sessions.begin() as s:
                last = s.scalar(select(m.MeetingEntry).where(m.MeetingEntry.draft_id == draft_id,
                                                            m.MeetingEntry.status == m.CONFIRMED)
                                .order_by(m.MeetingEntry.seq.desc()).limit(1))
                if last is None:
                    return None
                group = [last]
                if last.bulk:  # every row of that bulk confirmation was created in the same instant
                    group = list(s.scalars(select(m.MeetingEntry).where(
                        m.MeetingEntry.draft_id == draft_id, m.MeetingEntry.status == m.CONFIRMED,
                        m.MeetingEntry.bulk.is_(True), m.MeetingEntry.created_at == last.created_at,
                        m.MeetingEntry.type == last.type)))
                for row in group:
                    row.status = m.UNDONE
                return _entry(last)

        return await asyncio.to_thread(run)

    async def draft(self, draft_id: int) -> Draft:
        def run() -> Draft:
            with self._sessions() as s:
                d = s.get(m.MeetingDraft, draft_id)
                if d is None:
                    raise DraftNotFound(f"no meeting draft {draft_id}")
                return _draft(d)

        return await asyncio.to_thread(run)

    async def record_consent(self, member_id: str, call_id: uuid.UUID, granted: bool, at: datetime) -> None:
        def run() -> None:
            with self._sessions.begin() as s:
                known = s.get(Call, call_id) is not None
                s.add(ConsentRecord(member_id=member_id, call_id=call_id if known else None, kind=CONSENT_KIND,
                                    granted=granted, at=at))

        await asyncio.to_thread(run)


class OutboxSubmitter:
    """Enqueue (committed) -> one drain attempt -> mark each entry sent / rejected; the rest stays queued."""

    def __init__(self, *, outbox: Outbox, sessions: sessionmaker[Session]) -> None:
        self._outbox = outbox
        self._sessions = sessions

    async def submit(self, draft: Draft) -> SubmitOutcome:
        todo = [e for e in draft.entries if e.status == "confirmed"]
        if todo:
            await self._outbox.enqueue_transactions(draft.group_id, draft.meeting_date, [
                TransactionEntry(idempotency_key=e.idempotency_key, member_id=e.member_id, type=e.type,  # type: ignore[arg-type]
                                 amount_minor=e.amount_minor) for e in todo])
            await asyncio.to_thread(self._mark_draft, draft.draft_id, m.SUBMITTED)
            report = await self._outbox.drain()
            if report.unavailable is not None:
                log.info("meeting draft %s queued: ledger unavailable", draft.draft_id)
        return await asyncio.to_thread(self.sync, draft.draft_id)

    def _mark_draft(self, draft_id: int, status: str) -> None:
        with self._sessions.begin() as s:
            d = s.get(m.MeetingDraft, draft_id)
            if d is not None:
                d.status, d.submitted_at = status, utcnow()

    def sync(self, draft_id: int) -> SubmitOutcome:
        """Copy the outbox's verdicts onto the draft's entries (models.meetings.apply_outbox_verdicts)."""
        with self._sessions.begin() as s:
            d = s.get(m.MeetingDraft, draft_id)
            if d is None:
                raise DraftNotFound(f"no meeting draft {draft_id}")
            v = m.apply_outbox_verdicts(s, d)
            return SubmitOutcome(sent=v.sent, queued=v.queued, rejected=v.rejected)

def meeting_ports(outbox: Outbox, sessions: sessionmaker[Session]) -> MeetingPorts:
    """The real meeting ports over the IVR database and the process's ledger outbox (Dialog(meetings=...))."""
    return MeetingPorts(store=SqlMeetingStore(sessions), submitter=OutboxSubmitter(outbox=outbox, sessions=sessions))
