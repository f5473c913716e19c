"""Outbound reminders: reminders (unique key per rule/member/event), attempts, contact numbers, pauses.

Revision ID: 0003_reminders
Revises: 0002_ledger_outbox
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_reminders"
down_revision = "0002_ledger_outbox"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ENC = sa.Text()  # Fernet tokens (models.crypto.EncryptedText)


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("campaign", sa.String(160), nullable=False),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("member_id", sa.String(100), nullable=False),
        sa.Column("group_id", sa.String(100), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("event_time", sa.String(5), nullable=True),
        sa.Column("loan_id", sa.String(100), nullable=True),
        sa.Column("amount_minor", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("first_name", ENC, nullable=False),
        sa.Column("group_name", ENC, nullable=False),
        sa.Column("place", ENC, nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("last_outcome", sa.String(20), nullable=True),
        sa.Column("identity_confirmed", sa.Boolean(), nullable=False),
        sa.Column("listened", sa.Boolean(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reminders"),
        sa.UniqueConstraint("key", name="uq_reminders_key"),
    )
    op.create_index("ix_reminders_campaign", "reminders", ["campaign"])
    op.create_index("ix_reminders_member_id", "reminders", ["member_id"])
    op.create_index("ix_reminders_group_id", "reminders", ["group_id"])
    op.create_index("ix_reminders_next_attempt_at", "reminders", ["next_attempt_at"])
    op.create_index("ix_reminders_status", "reminders", ["status"])
    op.create_table(
        "reminder_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("cause", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["reminder_id"], ["reminders.id"], ondelete="CASCADE",
                                name="fk_reminder_attempts_reminder_id_reminders"),
        sa.PrimaryKeyConstraint("id", name="pk_reminder_attempts"),
        sa.UniqueConstraint("call_id", name="uq_reminder_attempts_call_id"),
    )
    op.create_index("ix_reminder_attempts_reminder_id", "reminder_attempts", ["reminder_id"])
    op.create_table(
        "reminder_contacts",
        sa.Column("member_id", sa.String(100), nullable=False),
        sa.Column("phone", ENC, nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("member_id", name="pk_reminder_contacts"),
    )
    op.create_index("ix_reminder_contacts_phone_hash", "reminder_contacts", ["phone_hash"])
    op.create_table(
        "reminder_pauses",
        sa.Column("scope", sa.String(100), nullable=False),
        sa.Column("paused_at", TS, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("scope", name="pk_reminder_pauses"),
    )


def downgrade() -> None:
    op.drop_table("reminder_pauses")
    op.drop_index("ix_reminder_contacts_phone_hash", table_name="reminder_contacts")
    op.drop_table("reminder_contacts")
    op.drop_index("ix_reminder_attempts_reminder_id", table_name="reminder_attempts")
    op.drop_table("reminder_attempts")
    for name in ("status", "next_attempt_at", "group_id", "member_id", "campaign"):
        op.drop_index(f"ix_reminders_{name}", table_name="reminders")
    op.drop_table("reminders")
