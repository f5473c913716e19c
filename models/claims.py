"""Claims that stay single when several IVR hosts share one database: one claimer at a time, rows locked or skipped.

A scheduler step reads (what is due, how many calls are live, per-group caps) and then writes (status → dialing).
With N hosts on one PostgreSQL, two such steps must not both read "3 slots free" and both fill them, nor pick the
same row. `serialize_claims` takes a transaction-scoped advisory lock named for the queue (PostgreSQL) — the caps
are global across hosts — or `BEGIN IMMEDIATE` on SQLite (the one-host default, where `ivr serve --workers N` and
`ivr reminders run` may still be several processes): the writer lock before the read, so a claim that lost the
race waits for the other to commit instead of failing with "database is locked" at its first write.
`skip_locked` adds `FOR UPDATE SKIP LOCKED` to the select of candidate rows: a row another transaction holds is
never returned, so even a claimer that does not take the queue lock cannot dial it twice. SQLite has no row locks
(SQLAlchemy renders nothing there); its writer lock already serialises.
"""

from __future__ import annotations

import zlib
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models.base import begin_write

S = TypeVar("S", bound=Select[Any])


def queue_lock_id(queue: str) -> int:
    """A stable signed 64-bit advisory lock id for a queue name (the same on every host and Python version)."""
    return zlib.crc32(f"mikashboks:{queue}".encode()) - 2**31


def serialize_claims(session: Session, queue: str) -> None:
    """Make this transaction the only claimer of `queue` until it commits or rolls back. Call it first."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(queue_lock_id(queue))))
    else:
        begin_write(session)


def skip_locked(stmt: S) -> S:
    """`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL (rows another claimer holds are left to it)."""
    return stmt.with_for_update(skip_locked=True)
