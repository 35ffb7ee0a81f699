"""Task ids are never reused: SQLite's AUTOINCREMENT on `task.id`.

Without it SQLite hands out max(id) + 1, so deleting the newest task gives its id to the next one,
and a client (or the agent) still holding the old id edits the wrong task. The table is copied into
one declared AUTOINCREMENT, rows, ids and index included; the copy's highest id seeds the counter.
Other databases already never reuse ids (PostgreSQL's identity sequences): nothing to do there.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _recreate(autoincrement=True)


def downgrade() -> None:
    _recreate(autoincrement=False)


def _recreate(*, autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    table_kwargs = {"sqlite_autoincrement": autoincrement}
    with op.batch_alter_table("task", recreate="always", table_kwargs=table_kwargs):
        pass
