"""Meeting recording by phone: meeting drafts and their entries (models/meetings.py).

Revision ID: 0004_meeting_recording
Revises: 0003_reminders
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_meeting_recording"
down_revision = "0003_reminders"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ENC = sa.Text()  # Fernet tokens (models.crypto.EncryptedText)


def upgrade() -> None:
    op.create_table(
        "meeting_drafts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.String(100), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("recorder_member_id", sa.String(100), nullable=False),
        sa.Column("recorder_name", ENC, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("submitted_at", TS, nullable=True),
        sa.Column("transcript", ENC, nullable=True),
        sa.Column("transcribed_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_drafts"),
        sa.UniqueConstraint("group_id", "meeting_date", name="uq_meeting_drafts_group_date"),
    )
    op.create_index("ix_meeting_drafts_recorder_member_id", "meeting_drafts", ["recorder_member_id"])
    op.create_table(
        "meeting_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("member_id", sa.String(100), nullable=False),
        sa.Column("member_name", ENC, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("amount_text", ENC, nullable=False),
        sa.Column("bulk", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("transcript", ENC, nullable=True),
        sa.Column("call_id", sa.Uuid(), nullable=True),
        sa.Column("offset_ms", sa.Integer(), nullable=True),
        sa.Column("reject_reason", ENC, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_entries"),
        sa.ForeignKeyConstraint(["draft_id"], ["meeting_drafts.id"], name="fk_meeting_entries_draft_id_meeting_drafts",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name="fk_meeting_entries_call_id_calls",
                                ondelete="SET NULL"),
        sa.UniqueConstraint("draft_id", "seq", name="uq_meeting_entries_draft_seq"),
        sa.UniqueConstraint("idempotency_key", name="uq_meeting_entries_idempotency_key"),
    )
    op.create_index("ix_meeting_entries_draft_id", "meeting_entries", ["draft_id"])


def downgrade() -> None:
    op.drop_index("ix_meeting_entries_draft_id", table_name="meeting_entries")
    op.drop_table("meeting_entries")
    op.drop_index("ix_meeting_drafts_recorder_member_id", table_name="meeting_drafts")
    op.drop_table("meeting_drafts")
