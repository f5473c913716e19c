"""Last good answer per ledger read, so the line can still speak (saying how old) when the core is down."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow
from models.crypto import EncryptedJSON


class LedgerCacheEntry(Base):
    """One cached read. `key` never holds a clear phone number: membership lookups are keyed by phone_hash."""

    __tablename__ = "ledger_cache"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_ledger_cache_kind_key"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    # memberships | group | group_position | roster | member_position
    kind: Mapped[str] = mapped_column(String(32))
    # e.g. the phone's HMAC hash, "g-kes-umoja", or "g-kes-umoja/m-0001"
    key: Mapped[str] = mapped_column(String(200))
    # the core's JSON answer, encrypted (it holds names and balances)
    payload: Mapped[Any] = mapped_column(EncryptedJSON())
    # when the core gave this answer (UTC): what a stale answer's "as of" is
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
