"""Alembic environment of the task table.

RealTalk runs it through `realtalk.apps.tasks.migrate.upgrade`, which hands it an open connection.
To write a new revision, point `sqlalchemy.url` of `migrate.alembic_config()` at a database at head
and call `alembic.command.revision(config, message, autogenerate=True)`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from realtalk.apps.tasks.migrate import TABLE, VERSION_TABLE
from realtalk.apps.tasks.models import Task


def _ours(name: str | None, type_: str, parent_names: object) -> bool:
    """Only the task table: other tables in the same database are not ours to migrate."""
    return type_ != "table" or name == TABLE


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=Task.metadata,
        version_table=VERSION_TABLE,
        include_name=_ours,
        render_as_batch=True,  # SQLite alters tables by copying them
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with create_engine(context.config.get_main_option("sqlalchemy.url") or "").begin() as opened:
        _run(opened)
