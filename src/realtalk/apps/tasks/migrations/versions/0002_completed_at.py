"""When a task was done (`completed_at`), and an index for the agenda queries (open tasks by due date).

Tasks already done get their last update time as the best known completion time.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.add_column(sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE task SET completed_at = updated_at WHERE status = 'done'")
    op.create_index("ix_task_status_due", "task", ["status", "due"])


def downgrade() -> None:
    op.drop_index("ix_task_status_due", table_name="task")
    with op.batch_alter_table("task") as batch:
        batch.drop_column("completed_at")
