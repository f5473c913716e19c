"""The ledger client's tables: the write outbox and the offline read cache (models/outbox.py, models/ledger_cache.py).

Revision ID: 0002_ledger_outbox
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_ledger_outbox"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("group_id", sa.String(100), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),  # EncryptedJSON
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),  # EncryptedText
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),  # EncryptedJSON
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("idempotency_key", name="uq_outbox_idempotency_key"),
    )
    op.create_index("ix_outbox_status_id", "outbox", ["status", "id"])
    op.create_table(
        "ledger_cache",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),  # EncryptedJSON
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_cache"),
        sa.UniqueConstraint("kind", "key", name="uq_ledger_cache_kind_key"),
    )


def downgrade() -> None:
    op.drop_table("ledger_cache")
    op.drop_index("ix_outbox_status_id", table_name="outbox")
    op.drop_table("outbox")
