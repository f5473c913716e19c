"""Append-only audit trail: who read or changed what, when and why (refused UPDATE/DELETE in the ORM and the DB)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column
from sqlalchemy.orm.session import ORMExecuteState

from models.base import Base, utcnow


class AuditImmutable(RuntimeError):
    """Something tried to change or delete an audit event."""


class AuditEvent(Base):
    """One audited action. Never holds PII itself: subjects are ids (call uuid, turn id, member id)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # "admin:alice", "cli:root", "system", "dialog" ...
    actor: Mapped[str] = mapped_column(String(120))
    # "read.transcript", "read.recording", "read.caller", "keys.rotate", "pin.locked", ...
    action: Mapped[str] = mapped_column(String(80), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def record(session: Session, *, actor: str, action: str, subject_type: str, subject_id: str, reason: str) -> AuditEvent:
    """Add an audit event to the session (flushed; the caller's commit makes it durable)."""
    for name, value in (("actor", actor), ("action", action), ("subject_type", subject_type), ("reason", reason)):
        if not value or not value.strip():
            raise ValueError(f"audit {name} must not be empty")
    event_ = AuditEvent(actor=actor, action=action, subject_type=subject_type, subject_id=str(subject_id),
                        reason=reason)
    session.add(event_)
    session.flush()
    return event_


# --- ORM guard: instance updates/deletes and bulk update/delete statements are refused ---

@event.listens_for(AuditEvent, "before_update")
def _refuse_update(_mapper: Mapper[Any], _conn: Any, target: AuditEvent) -> None:
    raise AuditImmutable(f"audit event {target.id} is append-only: it cannot be updated")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(_mapper: Mapper[Any], _conn: Any, target: AuditEvent) -> None:
    raise AuditImmutable(f"audit event {target.id} is append-only: it cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and getattr(table, "name", None) == AuditEvent.__tablename__:
        raise AuditImmutable("audit_events is append-only: bulk UPDATE/DELETE refused")


# --- DB guard: triggers, created by the migration (and by metadata.create_all for completeness) ---

SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
]
DROP_SQLITE = ["DROP TRIGGER IF EXISTS audit_events_no_update", "DROP TRIGGER IF EXISTS audit_events_no_delete"]
DROP_POSTGRES = [
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_append_only()",
]


def trigger_sql(dialect_name: str) -> list[str]:
    """The statements that make audit_events append-only on this backend (empty where unsupported)."""
    return {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}.get(dialect_name, [])


def drop_trigger_sql(dialect_name: str) -> list[str]:
    return {"sqlite": DROP_SQLITE, "postgresql": DROP_POSTGRES}.get(dialect_name, [])


for _dialect in ("sqlite", "postgresql"):
    for _stmt in trigger_sql(_dialect):
        event.listen(AuditEvent.__table__, "after_create", DDL(_stmt).execute_if(dialect=_dialect))
