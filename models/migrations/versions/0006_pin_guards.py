"""PIN lockout per person and per calling number: pin_guards (one counter per membership and per phone hash).

The counter and lock move out of pin_credentials; an existing lock is carried over as the membership's guard.

Revision ID: 0006_pin_guards
Revises: 0005_staff_console
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_pin_guards"
down_revision = "0005_staff_console"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pin_guards",
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_pin_guards"),
    )
    op.execute(
        "INSERT INTO pin_guards (key, failed_attempts, locked_until, updated_at) "
        "SELECT 'member:' || member_id, failed_attempts, locked_until, updated_at FROM pin_credentials "
        "WHERE failed_attempts > 0 OR locked_until IS NOT NULL"
    )
    with op.batch_alter_table("pin_credentials") as batch:
        batch.drop_column("failed_attempts")
        batch.drop_column("locked_until")


def downgrade() -> None:
    with op.batch_alter_table("pin_credentials") as batch:
        batch.add_column(sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", TS, nullable=True))
    op.execute(
        "UPDATE pin_credentials SET failed_attempts = COALESCE((SELECT g.failed_attempts FROM pin_guards g "
        "WHERE g.key = 'member:' || pin_credentials.member_id), 0), locked_until = (SELECT g.locked_until "
        "FROM pin_guards g WHERE g.key = 'member:' || pin_credentials.member_id)"
    )
    op.drop_table("pin_guards")
