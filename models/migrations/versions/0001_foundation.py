"""Foundation: calls, turns, recordings, member preferences, PIN credentials, consent records, append-only audit.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.audit import drop_trigger_sql, trigger_sql

revision: str = "0001_foundation"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
# Encrypted columns hold Fernet tokens (ASCII text); encryption happens in the ORM type, not in the database.
ENC = sa.Text()


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=True),
        sa.Column("caller_phone", ENC, nullable=True),
        sa.Column("caller_hash", sa.String(64), nullable=True),
        sa.Column("caller_name", ENC, nullable=True),
        sa.Column("group_id", sa.String(100), nullable=True),
        sa.Column("member_id", sa.String(100), nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("answered_at", TS, nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("outcome", sa.String(40), nullable=True),
        sa.CheckConstraint("direction IN ('in', 'out')", name="ck_calls_direction"),
        sa.PrimaryKeyConstraint("id", name="pk_calls"),
    )
    op.create_index("ix_calls_caller_hash", "calls", ["caller_hash"])
    op.create_index("ix_calls_member_id", "calls", ["member_id"])

    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("prompt_id", sa.String(80), nullable=True),
        sa.Column("transcript", ENC, nullable=True),
        sa.Column("intent", sa.String(80), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("speech_end_ms", sa.Integer(), nullable=True),
        sa.Column("asr_final_ms", sa.Integer(), nullable=True),
        sa.Column("nlu_ms", sa.Integer(), nullable=True),
        sa.Column("ledger_ms", sa.Integer(), nullable=True),
        sa.Column("first_audio_ms", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name="fk_turns_call_id_calls", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_turns"),
        sa.UniqueConstraint("call_id", "seq", name="uq_turns_call_id_seq"),
    )
    op.create_index("ix_turns_call_id", "turns", ["call_id"])

    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("path", sa.String(255), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name="fk_recordings_call_id_calls", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_recordings"),
        sa.UniqueConstraint("path", name="uq_recordings_path"),
    )
    op.create_index("ix_recordings_call_id", "recordings", ["call_id"])

    op.create_table(
        "member_preferences",
        sa.Column("member_id", sa.String(100), nullable=False),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("reminders_opt_out", sa.Boolean(), nullable=False),
        sa.Column("recording_opt_out", sa.Boolean(), nullable=False),
        sa.Column("outbound_calls_opt_out", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("member_id", name="pk_member_preferences"),
    )

    op.create_table(
        "pin_credentials",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.String(100), nullable=False),
        sa.Column("pin_hash", sa.String(255), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pin_credentials"),
        sa.UniqueConstraint("member_id", name="uq_pin_credentials_member_id"),
    )

    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.String(100), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name="fk_consent_records_call_id_calls",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_consent_records"),
    )
    op.create_index("ix_consent_records_member_id", "consent_records", ["member_id"])

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("subject_type", sa.String(40), nullable=False),
        sa.Column("subject_id", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_action", "audit_events", ["action"])
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    for stmt in trigger_sql(op.get_bind().dialect.name):
        op.execute(stmt)


def downgrade() -> None:
    for stmt in drop_trigger_sql(op.get_bind().dialect.name):
        op.execute(stmt)
    for index, table in (("ix_audit_events_at", "audit_events"), ("ix_audit_events_action", "audit_events")):
        op.drop_index(index, table_name=table)
    op.drop_table("audit_events")
    op.drop_index("ix_consent_records_member_id", table_name="consent_records")
    op.drop_table("consent_records")
    op.drop_table("pin_credentials")
    op.drop_table("member_preferences")
    op.drop_index("ix_recordings_call_id", table_name="recordings")
    op.drop_table("recordings")
    op.drop_index("ix_turns_call_id", table_name="turns")
    op.drop_table("turns")
    op.drop_index("ix_calls_member_id", table_name="calls")
    op.drop_index("ix_calls_caller_hash", table_name="calls")
    op.drop_table("calls")
