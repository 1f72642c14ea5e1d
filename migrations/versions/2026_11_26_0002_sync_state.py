"""sync state

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 19:04:55.700880
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("listed_until", sa.DateTime(), nullable=True),
        sa.Column("last_started_at", sa.DateTime(), nullable=True),
        sa.Column("last_finished_at", sa.DateTime(), nullable=True),
        sa.Column("last_outcome", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("target"),
    )
    with op.batch_alter_table("remote_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state_reason", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("title_written", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("labels_written", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("pushed_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_remote_links_target_key", ["target", "remote_key"])


def downgrade() -> None:
    with op.batch_alter_table("remote_links", schema=None) as batch_op:
        batch_op.drop_constraint("uq_remote_links_target_key", type_="unique")
        batch_op.drop_column("pushed_hash")
        batch_op.drop_column("labels_written")
        batch_op.drop_column("title_written")
        batch_op.drop_column("state_reason")

    op.drop_table("sync_state")
