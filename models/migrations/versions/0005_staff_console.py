"""Staff console: staff accounts, field officers' groups, sign-in sessions, groups' consent to staff PII views.

Revision ID: 0005_staff_console
Revises: 0004_meeting_recording
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_staff_console"
down_revision = "0004_meeting_recording"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("last_sign_in_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint("role IN ('field_officer', 'admin')", name="ck_staff_users_role"),
        sa.PrimaryKeyConstraint("id", name="pk_staff_users"),
        sa.UniqueConstraint("name", name="uq_staff_users_name"),
    )
    op.create_table(
        "staff_groups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(100), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_groups"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"], name="fk_staff_groups_staff_id_staff_users",
                                ondelete="CASCADE"),
        sa.UniqueConstraint("staff_id", "group_id", name="uq_staff_groups_staff_group"),
    )
    op.create_index("ix_staff_groups_staff_id", "staff_groups", ["staff_id"])
    op.create_index("ix_staff_groups_group_id", "staff_groups", ["group_id"])
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_staff_sessions"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_users.id"], name="fk_staff_sessions_staff_id_staff_users",
                                ondelete="CASCADE"),
        sa.UniqueConstraint("token_hash", name="uq_staff_sessions_token_hash"),
    )
    op.create_index("ix_staff_sessions_staff_id", "staff_sessions", ["staff_id"])
    op.create_table(
        "group_pii_consents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.String(100), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_group_pii_consents"),
    )
    op.create_index("ix_group_pii_consents_group_id", "group_pii_consents", ["group_id"])


def downgrade() -> None:
    op.drop_index("ix_group_pii_consents_group_id", table_name="group_pii_consents")
    op.drop_table("group_pii_consents")
    op.drop_index("ix_staff_sessions_staff_id", table_name="staff_sessions")
    op.drop_table("staff_sessions")
    op.drop_index("ix_staff_groups_group_id", table_name="staff_groups")
    op.drop_index("ix_staff_groups_staff_id", table_name="staff_groups")
    op.drop_table("staff_groups")
    op.drop_table("staff_users")
