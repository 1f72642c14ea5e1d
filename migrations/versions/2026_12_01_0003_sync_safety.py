"""sync safety: pending creates, duplicate tickets, removed postmortems, named tickets

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:00:45.650465
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duplicate_tickets",
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("remote_key", sa.String(length=200), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("kept_key", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("remote_state", sa.String(length=50), nullable=True),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["action_items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("target", "remote_key"),
    )
    op.create_table(
        "pending_creates",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["action_items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "target"),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("remote_links", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(length=20), server_default="created", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("remote_links", schema=None) as batch_op:
        batch_op.drop_column("origin")

    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("removed_at")

    op.drop_table("pending_creates")
    op.drop_table("duplicate_tickets")
