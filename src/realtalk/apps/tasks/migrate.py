"""Schema migrations of the task table (Alembic), run at start-up.

The scripts live in `migrations/` and keep their own version table, so the task tables can share
a database with other parts of RealTalk that migrate on their own. A database made before there
were migrations (by `create_all`) is adopted: when its table has exactly the columns of a known
revision, it is stamped with that revision and upgraded from there, its rows untouched.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from .models import Task

VERSION_TABLE = "tasks_alembic_version"
TABLE = "task"
BASELINE = "0001"
LAST_COLUMN_CHANGE = "0002"
_BASELINE_COLUMNS = frozenset({"id", "title", "notes", "due", "priority", "status", "tags", "created_at",
                               "updated_at"})  # fmt: skip


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration of the task migrations, bound to `connection` when given."""
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the task table to `revision` (the newest by default), creating or adopting it first."""
    with engine.begin() as connection:
        config = alembic_config(connection)
        adopted = _legacy_revision(connection)
        if adopted is not None:
            command.stamp(config, adopted)
        command.upgrade(config, revision)


def _legacy_revision(connection: Connection) -> str | None:
    """The revision a task table made without migrations matches; None when there is none to adopt."""
    inspector = sa.inspect(connection)
    if inspector.has_table(VERSION_TABLE) or not inspector.has_table(TABLE):
        return None
    columns = {c["name"] for c in inspector.get_columns(TABLE)}
    if columns == _BASELINE_COLUMNS:
        return BASELINE
    # A table made by create_all of a later model (e.g. by another store's create_all). Its columns
    # are 0002's; migrations after that (0003: AUTOINCREMENT) are safe to run on it again.
    if columns == {c.name for c in Task.__table__.columns}:  # type: ignore[attr-defined]
        return LAST_COLUMN_CHANGE
    raise RuntimeError(
        f"the '{TABLE}' table has columns {sorted(columns)}, which match no migration; it was left as it is"
    )
