"""The task table's Alembic migrations: a fresh database, one made before migrations, and upgrades."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from realtalk.apps.tasks import migrate
from realtalk.apps.tasks.models import Status, Task, TaskCreate, TaskUpdate
from realtalk.apps.tasks.store import TaskStore

# What SQLModel's create_all made for the task table before there were migrations (SQLite).
LEGACY_DDL = """
CREATE TABLE task (
    title VARCHAR(200) NOT NULL, notes VARCHAR NOT NULL, due DATETIME, priority VARCHAR(6) NOT NULL,
    status VARCHAR(4) NOT NULL, tags JSON NOT NULL, id INTEGER NOT NULL, created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL, PRIMARY KEY (id)
)"""
ROWS = """
INSERT INTO task (id, title, notes, due, priority, status, tags, created_at, updated_at) VALUES
    (1, 'file taxes', '', '2030-04-15 09:00:00.000000', 'high', 'open', '["home"]',
     '2026-01-01 10:00:00.000000', '2026-01-01 10:00:00.000000'),
    (2, 'buy milk', 'oat', NULL, 'medium', 'done', '[]',
     '2026-01-02 10:00:00.000000', '2026-01-03 08:30:00.000000')"""


HEAD = "0003"


def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tasks.db'}"


def version(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(
            connection, opts={"version_table": migrate.VERSION_TABLE}
        ).get_current_revision()


def assert_schema_is_the_models(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            # Other models (the conversation store's) share SQLModel's metadata: compare the task table only.
            connection,
            opts={"include_object": lambda _o, name, kind, _r, _c: kind != "table" or name == "task"},
        )
        assert compare_metadata(context, Task.metadata) == []


def assert_rows_kept(store: TaskStore) -> None:
    taxes, milk = store.get(1), store.get(2)
    assert taxes is not None and milk is not None
    assert (taxes.title, taxes.priority, taxes.tags) == ("file taxes", "high", ["home"])
    assert taxes.due is not None and taxes.due.isoformat() == "2030-04-15T09:00:00"
    assert taxes.completed_at is None
    assert (milk.notes, milk.status) == ("oat", Status.done)
    assert milk.completed_at is not None and milk.completed_at.isoformat().startswith("2026-01-03T08:30")
    assert_ids_not_reused(store)


def assert_ids_not_reused(store: TaskStore) -> None:
    """Deleting the newest task must not hand its id to the next one (AUTOINCREMENT)."""
    newest = store.create(TaskCreate(title="newest"))
    assert newest.id is not None and store.delete(newest.id)
    after = store.create(TaskCreate(title="after"))
    assert after.id is not None and after.id > newest.id


def test_a_fresh_database_is_migrated_to_head(tmp_path: Path) -> None:
    store = TaskStore(url(tmp_path))
    assert version(store.engine) == HEAD
    assert_schema_is_the_models(store.engine)
    with store.engine.connect() as connection:
        assert "ix_task_status_due" in {i["name"] for i in sa.inspect(connection).get_indexes("task")}
    TaskStore(url(tmp_path))  # starting again is a no-op
    assert version(store.engine) == HEAD
    assert_ids_not_reused(store)


def test_a_database_made_before_migrations_is_adopted_with_its_rows(tmp_path: Path) -> None:
    engine = sa.create_engine(url(tmp_path))
    with engine.begin() as connection:
        connection.exec_driver_sql(LEGACY_DDL)
        connection.exec_driver_sql(ROWS)
    store = TaskStore(url(tmp_path))
    assert version(store.engine) == HEAD
    assert_rows_kept(store)
    assert_schema_is_the_models(store.engine)
    reopened = store.update(2, TaskUpdate(status=Status.open))
    assert reopened is not None and reopened.completed_at is None


def test_upgrading_from_the_baseline_keeps_the_rows(tmp_path: Path) -> None:
    engine = sa.create_engine(url(tmp_path))
    migrate.upgrade(engine, migrate.BASELINE)
    assert version(engine) == "0001"
    with engine.begin() as connection:
        assert "completed_at" not in {c["name"] for c in sa.inspect(connection).get_columns("task")}
        connection.exec_driver_sql(ROWS)
    store = TaskStore(url(tmp_path))
    assert version(store.engine) == HEAD
    assert_rows_kept(store)


def test_an_unknown_task_table_is_left_alone(tmp_path: Path) -> None:
    engine = sa.create_engine(url(tmp_path))
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE task (id INTEGER PRIMARY KEY, what TEXT)")
        connection.exec_driver_sql("INSERT INTO task VALUES (1, 'keep me')")
    with pytest.raises(RuntimeError, match="match no migration"):
        TaskStore(url(tmp_path))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT what FROM task").scalar_one() == "keep me"
        assert not sa.inspect(connection).has_table(migrate.VERSION_TABLE)
