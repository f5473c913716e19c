"""The Protocols dialogs talk through (ledger, NLU, storage, clock), so tests run from text with fakes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

from ledger_client.cache import Fetched
from ledger_client.types import GroupInfo, GroupPosition, MemberPosition, Memberships, Roster
from models.pins import PinCheck
from nlu.types import Lang, Understanding

Clock = Callable[[], datetime]


class LedgerPort(Protocol):
    """Reads with their as-of (ledger_client.CachedLedger); raises LedgerUnavailable when nothing can be served."""

    async def memberships(self, phone: str) -> Fetched[Memberships]: ...

    async def group(self, group_id: str) -> Fetched[GroupInfo]: ...

    async def roster(self, group_id: str) -> Fetched[Roster]: ...

    async def member_position(self, group_id: str, member_id: str) -> Fetched[MemberPosition]: ...

    async def group_position(self, group_id: str, as_of: date | None = None) -> Fetched[GroupPosition]: ...


class NluPort(Protocol):
    """nlu.understand.Nlu: Rasa first, keyword fallback, never an empty answer."""

    async def understand(self, text: str, lang: Lang, *, currency: str, today: date | None = None) -> Understanding: ...


@dataclass(frozen=True)
class PinStatus:
    kind: Literal["none", "set", "locked"]
    locked_until: datetime | None = None


@dataclass(frozen=True)
class TurnRecord:
    """One stored turn; `transcript` is encrypted at rest and is None for anything typed at the PIN prompt."""

    call_id: uuid.UUID
    seq: int
    prompt_id: str | None
    transcript: str | None
    intent: str | None
    confidence: float | None
    nlu_ms: int | None
    ledger_ms: int | None


class StorePort(Protocol):
    """The IVR's own state: calls, turns, language preference, PINs (dialogs.store.SqlStore)."""

    async def start_call(self, call_id: uuid.UUID, caller: str, direction: str, purpose: str, now: datetime) -> None:
        ...

    async def identify_call(self, call_id: uuid.UUID, *, member_id: str, group_id: str, name: str,
                            language: str) -> None: ...

    async def language_of(self, member_ids: Sequence[str]) -> str | None: ...

    async def set_language(self, member_ids: Sequence[str], language: str) -> None: ...

    # `phone` (the calling number) and `member_ids` (every membership of the caller, all groups) make the lockout
    # per person and per number: three wrong PINs in total lock all of them. Omitted, only `member_id` counts.
    async def pin_status(self, member_id: str, now: datetime, *, phone: str | None = None,
                         member_ids: Sequence[str] = ()) -> PinStatus: ...

    async def verify_pin(self, member_id: str, pin: str, *, now: datetime, max_attempts: int,
                         lock_minutes: int, phone: str | None = None,
                         member_ids: Sequence[str] = ()) -> PinCheck: ...

    async def record_turn(self, turn: TurnRecord) -> None: ...

    async def end_call(self, call_id: uuid.UUID, outcome: str, now: datetime) -> None: ...
