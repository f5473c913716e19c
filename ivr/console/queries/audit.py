"""The audit trail, filtered (who, what, which subject, when), and the key ring's status as `ivr keys status` shows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models.audit import AuditEvent
from models.crypto import KeyRing
from models.recording_store import RecordingStore
from models.rotation import not_under_primary


def fingerprint(key: str) -> str:
    """A key's short public name, exactly as `ivr keys` prints it (ivr.cli.keys.fingerprint; the CLI package imports
    the app, so importing it from here would be a cycle — a test keeps the two equal)."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""  # part of the actor ("alice" finds "console:alice")
    action: str = ""  # an action or its prefix ("read." = every read)
    subject: str = ""  # a subject id (call uuid, meeting id, member id, staff name)
    since: date | None = None
    until: date | None = None  # inclusive
    page: int = 1
    per_page: int = 100


def search_audit(s: Session, f: AuditFilter) -> tuple[list[AuditEvent], int]:
    q = select(AuditEvent)
    if f.actor:
        q = q.where(AuditEvent.actor.contains(f.actor, autoescape=True))
    if f.action:
        q = q.where(AuditEvent.action.startswith(f.action, autoescape=True))
    if f.subject:
        q = q.where(AuditEvent.subject_id == f.subject)
    if f.since:
        q = q.where(AuditEvent.at >= datetime.combine(f.since, time(0), UTC))
    if f.until:
        q = q.where(AuditEvent.at < datetime.combine(f.until + timedelta(days=1), time(0), UTC))
    total = int(s.scalar(select(func.count()).select_from(q.subquery())) or 0)
    rows = s.scalars(q.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(f.per_page)
                     .offset((max(1, f.page) - 1) * f.per_page))
    return list(rows), total


def actions(s: Session) -> list[str]:
    return sorted(a for a in s.scalars(select(AuditEvent.action).distinct()) if a)


@dataclass(frozen=True)
class KeyStatus:
    fingerprints: list[str]  # primary first
    values_left: dict[str, int] = field(default_factory=dict)  # table -> values still under an older key
    files_left: int = 0

    @property
    def total_left(self) -> int:
        return sum(self.values_left.values()) + self.files_left


def key_status(engine: Engine, ring: KeyRing, store: RecordingStore) -> KeyStatus:
    """What `ivr keys status` prints: fingerprints (never keys) and what still needs an older key (a full scan)."""
    left = not_under_primary(engine, ring, store)
    return KeyStatus([fingerprint(k) for k in ring.keys], dict(left.values), left.files)
