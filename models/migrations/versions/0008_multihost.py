"""Several IVR hosts on one database: outbox rows carry the lease of the drainer posting them.

Revision ID: 0008_multihost
Revises: 0007_reach
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_multihost"
down_revision = "0007_reach"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(80), nullable=True))
        batch.add_column(sa.Column("claimed_until", TS, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("claimed_until")
        batch.drop_column("claimed_by")
