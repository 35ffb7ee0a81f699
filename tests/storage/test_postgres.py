"""The conversation store and the Task app's migrations on a real PostgreSQL server."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from datetime import datetime

import pytest
import sqlalchemy as sa

from realtalk.apps.tasks.models import TaskCreate
from realtalk.apps.tasks.store import TaskStore
from realtalk.storage.store import ConversationStore
from tests.postgres import postgres_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


def message(item_id: str, text: str) -> dict[str, object]:
    return {
        "id": item_id,
        "type": "message",
        "role": "user",
        "content": [{"type": "input_text", "text": text}],
    }


def test_conversation_store_round_trip(postgres_url: str) -> None:
    with ConversationStore(postgres_url) as store:
        store.ensure_conversation("conv_pg", {"instructions": "Be brief."}, {"caller": "+15550001111"})
        store.save_item("conv_pg", message("item_a", "first"), None)
        store.save_item("conv_pg", message("item_c", "third"), "item_a")
        store.save_item("conv_pg", message("item_b", "second"), "item_a")  # inserted between
        assert [i["id"] for i in store.load_items("conv_pg")] == ["item_a", "item_b", "item_c"]
        assert store.load_session_config("conv_pg") == {"instructions": "Be brief."}
        assert store.delete_item("conv_pg", "item_c")
    with ConversationStore(postgres_url) as reopened:  # what was saved is on the server
        assert [i["content"][0]["text"] for i in reopened.load_items("conv_pg")] == ["first", "second"]
        assert reopened.list_conversations()[0].metadata == {"caller": "+15550001111"}


def test_task_migrations_and_crud(postgres_url: str) -> None:
    store = TaskStore(postgres_url)
    task = store.create(TaskCreate(title="buy milk", due=datetime(2026, 11, 23, 9, 0)))
    assert [t.title for t in store.list()] == ["buy milk"]
    with store.engine.connect() as connection:
        version = connection.execute(sa.text("select version_num from tasks_alembic_version")).scalar()
        columns = {c["name"] for c in sa.inspect(connection).get_columns("task")}
    assert version is not None and "completed_at" in columns, "migrated to head"
    again = TaskStore(postgres_url)  # a restart: migrations are idempotent, rows stay
    assert again.get(task.id) is not None


def _writer(url: str, name: str, rounds: int, start: object) -> None:
    """One node: each round, create conversation `race-N` and put items right after its first one."""
    store = ConversationStore(url)
    for round_ in range(rounds):
        start.wait()  # type: ignore[attr-defined]  # a multiprocessing.Barrier
        conversation = f"race-{round_}"
        store.save_item(conversation, message(f"{name}-{round_}-first", "first"), "root")
        for n in range(10):
            store.save_item(conversation, message(f"{name}-{round_}-{n}", str(n)), f"{name}-{round_}-first")
    store.close()


def test_write_ordering_holds_across_processes(postgres_url: str) -> None:
    """Two processes (two nodes) write one conversation at once: no lost item, no tied position,
    and each writer's inserts keep the order it asked for."""
    context = multiprocessing.get_context("spawn")
    rounds = 5
    start = context.Barrier(2, timeout=30)
    writers = [context.Process(target=_writer, args=(postgres_url, name, rounds, start)) for name in "ab"]
    for process in writers:
        process.start()
    for process in writers:
        process.join(90)
        assert process.exitcode == 0
    with ConversationStore(postgres_url) as store:
        for round_ in range(rounds):
            ids = [item["id"] for item in store.load_items(f"race-{round_}")]
            assert len(ids) == 22
            for name in "ab":
                mine = [i for i in ids if i.startswith(f"{name}-")]
                # Each insert went right after the writer's first item: newest first.
                assert mine == [
                    f"{name}-{round_}-first",
                    *(f"{name}-{round_}-{n}" for n in reversed(range(10))),
                ]
        engine = sa.create_engine(postgres_url)
        with engine.connect() as connection:
            ties = connection.execute(
                sa.text("SELECT count(*) FROM item GROUP BY conversation_id, position HAVING count(*) > 1")
            ).all()
        engine.dispose()
        assert ties == []
