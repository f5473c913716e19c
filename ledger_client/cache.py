"""Offline-first reads: every good answer is cached (encrypted); when the core is down the last one is served, stale."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ledger_client.client import LedgerClient
from ledger_client.errors import LedgerUnavailable
from ledger_client.types import GroupInfo, GroupPosition, MemberPosition, Memberships, Roster
from models.base import utcnow
from models.crypto import phone_hash
from models.ledger_cache import LedgerCacheEntry

log = logging.getLogger(__name__)
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Fetched(Generic[T]):
    """An answer plus when the core gave it; `stale` means the core is unreachable and this is the cached one."""

    value: T
    as_of: datetime
    stale: bool

    def age(self, now: datetime | None = None) -> timedelta:
        return (now or utcnow()) - self.as_of


class ReadCache:
    """The ledger_cache table: one row per (kind, key), upserted on every good answer."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def load(self, kind: str, key: str) -> tuple[Any, datetime] | None:
        with self._sessions() as s:
            row = s.scalars(select(LedgerCacheEntry).filter_by(kind=kind, key=key)).one_or_none()
            if row is None:
                return None
            fetched = row.fetched_at if row.fetched_at.tzinfo else row.fetched_at.replace(tzinfo=UTC)
            return row.payload, fetched

    def store(self, kind: str, key: str, payload: Any, fetched_at: datetime) -> None:
        for _ in range(2):  # a concurrent first insert of the same key loses the race once, then updates
            with self._sessions() as s:
                row = s.scalars(select(LedgerCacheEntry).filter_by(kind=kind, key=key)).one_or_none()
                if row is None:
                    s.add(LedgerCacheEntry(kind=kind, key=key, payload=payload, fetched_at=fetched_at))
                else:
                    row.payload = payload
                    row.fetched_at = fetched_at
                try:
                    s.commit()
                    return
                except IntegrityError:
                    s.rollback()
        raise RuntimeError(f"could not store ledger cache entry for {kind}")


class CachedLedger:
    """The reads the dialogs use: fresh from the core when it answers, else the last good answer marked stale."""

    def __init__(
        self,
        *,
        client: LedgerClient,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._client = client
        self._cache = ReadCache(sessions)
        self._clock = clock

    async def memberships(self, phone: str) -> Fetched[Memberships]:
        # keyed by the phone's HMAC hash: the cache never holds the clear number
        key = phone_hash(phone)
        return await self._read("memberships", key, Memberships, lambda: self._client.memberships(phone))

    async def group(self, group_id: str) -> Fetched[GroupInfo]:
        return await self._read("group", group_id, GroupInfo, lambda: self._client.group(group_id))

    async def group_position(self, group_id: str, as_of: date | None = None) -> Fetched[GroupPosition]:
        key = f"{group_id}@{as_of.isoformat() if as_of else 'latest'}"
        return await self._read(
            "group_position", key, GroupPosition, lambda: self._client.group_position(group_id, as_of)
        )

    async def roster(self, group_id: str) -> Fetched[Roster]:
        return await self._read("roster", group_id, Roster, lambda: self._client.roster(group_id))

    async def member_position(self, group_id: str, member_id: str) -> Fetched[MemberPosition]:
        return await self._read(
            "member_position",
            f"{group_id}/{member_id}",
            MemberPosition,
            lambda: self._client.member_position(group_id, member_id),
        )

    async def _read(self, kind: str, key: str, model: type[M], fetch: Callable[[], Awaitable[M]]) -> Fetched[M]:
        try:
            value = await fetch()
        except LedgerUnavailable as exc:
            cached = await asyncio.to_thread(self._cache.load, kind, key)
            if cached is None:
                raise LedgerUnavailable(f"{exc}; and no cached {kind} answer to fall back on") from exc
            payload, fetched_at = cached
            log.warning("ledger unreachable; serving cached %s from %s", kind, fetched_at.isoformat())
            return Fetched(model.model_validate(payload), fetched_at, stale=True)
        now = self._clock()
        try:
            await asyncio.to_thread(self._cache.store, kind, key, value.model_dump(mode="json"), now)
        except (SQLAlchemyError, RuntimeError) as exc:
            # The answer is real and fresh; only the fallback copy failed. Say so, don't hide the answer.
            log.error("could not cache ledger %s answer: %s", kind, type(exc).__name__)
        return Fetched(value, now, stale=False)
