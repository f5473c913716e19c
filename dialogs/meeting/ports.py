"""The ports the meeting handlers talk through: the durable draft store and the submitter (outbox -> core)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class NewEntry:
    """An entry the caller has just confirmed (not yet stored)."""

    member_id: str
    member_name: str
    type: str  # the core ledger's transaction type
    amount_minor: int
    transcript: str | None = None
    bulk: bool = False


@dataclass(frozen=True)
class StoredEntry:
    seq: int
    idempotency_key: str
    member_id: str
    member_name: str
    type: str
    amount_minor: int
    status: str
    bulk: bool = False


@dataclass(frozen=True)
class Draft:
    draft_id: int
    group_id: str
    meeting_date: date
    currency: str
    status: str
    entries: tuple[StoredEntry, ...] = ()

    @property
    def active(self) -> list[StoredEntry]:
        """Entries that count: confirmed or already sent (not undone, not refused by the core)."""
        return [e for e in self.entries if e.status in ("confirmed", "sent")]

    @property
    def rejected(self) -> list[StoredEntry]:
        return [e for e in self.entries if e.status == "rejected"]


class MeetingStorePort(Protocol):
    """dialogs.meeting.sql.SqlMeetingStore: every write is committed when the call returns."""

    async def resumable(self, group_id: str) -> Draft | None: ...

    async def open_draft(self, *, group_id: str, meeting_date: date, currency: str, recorder: str,
                         recorder_name: str | None = None) -> Draft: ...

    async def add_entries(self, draft_id: int, entries: Sequence[NewEntry], *, call_id: uuid.UUID | None,
                          at: datetime) -> list[StoredEntry]: ...

    async def undo_last(self, draft_id: int) -> StoredEntry | None: ...

    async def draft(self, draft_id: int) -> Draft: ...

    async def record_consent(self, member_id: str, call_id: uuid.UUID, granted: bool, at: datetime) -> None: ...


@dataclass(frozen=True)
class SubmitOutcome:
    """What became of a submitted meeting: posted now, waiting in the outbox (core down), or refused per entry."""

    sent: list[str] = field(default_factory=list)  # idempotency keys
    queued: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # key -> the core's reason (never logged)


class SubmitPort(Protocol):
    """Hands a meeting's entries to the outbox (committed), tries to post them once, and marks the draft."""

    async def submit(self, draft: Draft) -> SubmitOutcome: ...


@dataclass(frozen=True)
class MeetingPorts:
    store: MeetingStorePort
    submitter: SubmitPort
