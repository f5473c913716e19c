"""Reach: missed-call callbacks (+ attempts, missed calls), SMS outbox/inbox/PIN round trips, reminder channels.

Revision ID: 0007_reach
Revises: 0006_pin_guards
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_reach"
down_revision = "0006_pin_guards"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ENC = sa.Text()  # Fernet tokens (models.crypto.EncryptedText)


def upgrade() -> None:
    op.create_table(
        "callbacks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("phone", ENC, nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("member_id", sa.String(100), nullable=True),
        sa.Column("group_id", sa.String(100), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("requested_at", TS, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("drops", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("last_outcome", sa.String(20), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_callbacks"),
    )
    for col in ("phone_hash", "member_id", "group_id", "next_attempt_at", "status"):
        op.create_index(f"ix_callbacks_{col}", "callbacks", [col])
    op.create_table(
        "callback_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("callback_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("cause", sa.Integer(), nullable=True),
        sa.Column("admitted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["callback_id"], ["callbacks.id"], ondelete="CASCADE",
                                name="fk_callback_attempts_callback_id_callbacks"),
        sa.PrimaryKeyConstraint("id", name="pk_callback_attempts"),
        sa.UniqueConstraint("call_id", name="uq_callback_attempts_call_id"),
    )
    op.create_index("ix_callback_attempts_callback_id", "callback_attempts", ["callback_id"])
    op.create_table(
        "missed_calls",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("disposition", sa.String(20), nullable=False),
        sa.Column("group_id", sa.String(100), nullable=True),
        sa.Column("callback_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["callback_id"], ["callbacks.id"], ondelete="SET NULL",
                                name="fk_missed_calls_callback_id_callbacks"),
        sa.PrimaryKeyConstraint("id", name="pk_missed_calls"),
    )
    op.create_index("ix_missed_calls_phone_hash", "missed_calls", ["phone_hash"])
    op.create_index("ix_missed_calls_received_at", "missed_calls", ["received_at"])
    op.create_table(
        "sms_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(220), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("member_id", sa.String(100), nullable=True),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("phone", ENC, nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("body", ENC, nullable=False),
        sa.Column("coding", sa.Integer(), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("segments_sent", sa.Integer(), nullable=False),
        sa.Column("concat_ref", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["reminder_id"], ["reminders.id"], ondelete="SET NULL",
                                name="fk_sms_outbox_reminder_id_reminders"),
        sa.PrimaryKeyConstraint("id", name="pk_sms_outbox"),
        sa.UniqueConstraint("key", name="uq_sms_outbox_key"),
    )
    for col in ("member_id", "phone_hash", "status", "next_attempt_at"):
        op.create_index(f"ix_sms_outbox_{col}", "sms_outbox", [col])
    op.create_table(
        "sms_inbound",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_key", sa.String(100), nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("command", sa.String(20), nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sms_inbound"),
        sa.UniqueConstraint("message_key", name="uq_sms_inbound_message_key"),
    )
    op.create_index("ix_sms_inbound_phone_hash", "sms_inbound", ["phone_hash"])
    op.create_table(
        "sms_pending",
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("command", sa.String(20), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("phone_hash", name="pk_sms_pending"),
    )
    op.create_table(
        "reach_preferences",
        sa.Column("member_id", sa.String(100), nullable=False),
        sa.Column("reminder_channel", sa.String(8), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("member_id", name="pk_reach_preferences"),
    )


def downgrade() -> None:
    op.drop_table("reach_preferences")
    op.drop_table("sms_pending")
    op.drop_index("ix_sms_inbound_phone_hash", table_name="sms_inbound")
    op.drop_table("sms_inbound")
    for col in ("member_id", "phone_hash", "status", "next_attempt_at"):
        op.drop_index(f"ix_sms_outbox_{col}", table_name="sms_outbox")
    op.drop_table("sms_outbox")
    op.drop_index("ix_missed_calls_received_at", table_name="missed_calls")
    op.drop_index("ix_missed_calls_phone_hash", table_name="missed_calls")
    op.drop_table("missed_calls")
    op.drop_index("ix_callback_attempts_callback_id", table_name="callback_attempts")
    op.drop_table("callback_attempts")
    for col in ("phone_hash", "member_id", "group_id", "next_attempt_at", "status"):
        op.drop_index(f"ix_callbacks_{col}", table_name="callbacks")
    op.drop_table("callbacks")
