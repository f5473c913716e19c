"""The storage port on the IVR's own database (models/): calls, turns, language preference, PIN checks."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dialogs.ports import PinStatus, TurnRecord
from models import pins
from models.calls import Call, Turn
from models.crypto import phone_hash
from models.members import MemberPreference
from models.upsert import upsert


class CallNotStarted(LookupError):
    """A turn or outcome for a call id that start_call never stored."""


class SqlStore:
    """Every method runs its blocking SQL (and scrypt) in a worker thread, off the event loop."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    async def start_call(self, call_id: uuid.UUID, caller: str, direction: str, purpose: str, now: datetime) -> None:
        def run() -> None:
            with self._sessions.begin() as s:
                s.add(Call(id=call_id, direction=direction, purpose=purpose, caller_phone=caller,
                           caller_hash=phone_hash(caller), started_at=now, answered_at=now))

        await asyncio.to_thread(run)

    async def identify_call(self, call_id: uuid.UUID, *, member_id: str, group_id: str, name: str,
                            language: str) -> None:
        def run() -> None:
            with self._sessions.begin() as s:
                call = self._call(s, call_id)
                call.member_id, call.group_id, call.caller_name, call.language = member_id, group_id, name, language

        await asyncio.to_thread(run)

    async def language_of(self, member_ids: Sequence[str]) -> str | None:
        """The language remembered for any of the person's memberships (one person, several groups)."""

        def run() -> str | None:
            with self._sessions() as s:
                rows = s.scalars(select(MemberPreference).where(MemberPreference.member_id.in_(list(member_ids))))
                chosen = sorted((r for r in rows if r.language), key=lambda r: r.updated_at, reverse=True)
                return chosen[0].language if chosen else None

        return await asyncio.to_thread(run)

    async def set_language(self, member_ids: Sequence[str], language: str) -> None:
        def run() -> None:
            with self._sessions.begin() as s:  # an upsert: a concurrent opt-out or language choice never collides
                upsert(s, MemberPreference, [{"member_id": m, "language": language} for m in dict.fromkeys(member_ids)],
                       keys=["member_id"])

        await asyncio.to_thread(run)

    async def pin_status(self, member_id: str, now: datetime, *, phone: str | None = None,
                         member_ids: Sequence[str] = ()) -> PinStatus:
        """Locked while any guard of the caller is: `member_ids` = every membership of the person (all groups),
        `phone` = the calling number. Without them only this membership's own lock is seen."""

        def run() -> PinStatus:
            with self._sessions() as s:
                kind, until = pins.pin_status(s, member_id, phone=phone, member_ids=member_ids, now=now)
                return PinStatus(kind, until)

        return await asyncio.to_thread(run)

    async def verify_pin(self, member_id: str, pin: str, *, now: datetime, max_attempts: int,
                         lock_minutes: int, phone: str | None = None,
                         member_ids: Sequence[str] = ()) -> pins.PinCheck:
        """One attempt, counted against every membership of the caller (`member_ids`) and the calling number
        (`phone`): three wrong PINs in total lock all of them (models.pins). Atomic under parallel calls."""

        def run() -> pins.PinCheck:
            with self._sessions() as s:  # verify_pin commits itself (before and after the scrypt check)
                return pins.verify_pin(s, member_id, pin, now=now, max_attempts=max_attempts,
                                       lock_minutes=lock_minutes, phone=phone, member_ids=member_ids)

        return await asyncio.to_thread(run)

    async def record_turn(self, turn: TurnRecord) -> None:
        def run() -> None:
            with self._sessions.begin() as s:
                self._call(s, turn.call_id)
                s.add(Turn(call_id=turn.call_id, seq=turn.seq, prompt_id=turn.prompt_id, transcript=turn.transcript,
                           intent=turn.intent, confidence=turn.confidence, nlu_ms=turn.nlu_ms,
                           ledger_ms=turn.ledger_ms))

        await asyncio.to_thread(run)

    async def end_call(self, call_id: uuid.UUID, outcome: str, now: datetime) -> None:
        def run() -> None:
            with self._sessions.begin() as s:
                call = self._call(s, call_id)
                if call.ended_at is None:
                    call.ended_at, call.outcome = now, outcome

        await asyncio.to_thread(run)

    @staticmethod
    def _call(s: Session, call_id: uuid.UUID) -> Call:
        call = s.get(Call, call_id)
        if call is None:
            raise CallNotStarted(f"no call {call_id} in the database (start_call first)")
        return call
