"""The task table as the first release made it (with create_all).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task",
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("due", sa.DateTime(), nullable=True),
        sa.Column("priority", sa.Enum("low", "medium", "high", name="priority"), nullable=False),
        sa.Column("status", sa.Enum("open", "done", name="status"), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("task")
    sa.Enum(name="status").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="priority").drop(op.get_bind(), checkfirst=True)
