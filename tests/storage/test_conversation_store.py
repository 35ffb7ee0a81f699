"""ConversationStore: ordering, upserts, deletes, persistence, concurrency, exact JSON."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from realtalk.storage.store import ConversationStore


def msg(item_id: str, text: str = "") -> dict[str, Any]:
    return {
        "id": item_id,
        "type": "message",
        "role": "user",
        "content": [{"type": "input_text", "text": text or item_id}],
    }


def ids(store: ConversationStore, conversation_id: str = "c") -> list[str]:
    return [item["id"] for item in store.load_items(conversation_id)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ConversationStore]:
    with ConversationStore(f"sqlite:///{tmp_path / 'store.db'}") as s:
        yield s


def test_append_root_and_after(store: ConversationStore) -> None:
    store.ensure_conversation("c")
    store.save_item("c", msg("a"))
    store.save_item("c", msg("b"))
    store.save_item("c", msg("first"), previous_item_id="root")
    store.save_item("c", msg("a2"), previous_item_id="a")
    store.save_item("c", msg("end"), previous_item_id="b")
    store.save_item("c", msg("zero"), previous_item_id="root")
    store.save_item("c", msg("lost"), previous_item_id="no-such-item")
    assert ids(store) == ["zero", "first", "a", "a2", "b", "end", "lost"]


def test_root_and_after_on_an_empty_conversation(store: ConversationStore) -> None:
    store.save_item("c", msg("a"), previous_item_id="root")
    store.save_item("d", msg("b"), previous_item_id="missing")
    assert ids(store, "c") == ["a"]
    assert ids(store, "d") == ["b"]


def test_many_inserts_at_one_spot_stay_ordered(store: ConversationStore) -> None:
    # Each insert right after "a" halves the gap to the item after it; away from 0.0 a float
    # has ~52 halvings in it, so this runs out of room and must renumber (more than once).
    for item_id in ("start", "a", "z"):
        store.save_item("c", msg(item_id))
    for n in range(120):
        store.save_item("c", msg(f"n{n}"), previous_item_id="a")
    assert ids(store) == ["start", "a", *(f"n{n}" for n in reversed(range(120))), "z"]


def test_upsert_replaces_in_place(store: ConversationStore) -> None:
    for item_id in ("a", "b", "c"):
        store.save_item("c", msg(item_id))
    store.save_item("c", msg("b", "edited"), previous_item_id="root")
    items = store.load_items("c")
    assert [i["id"] for i in items] == ["a", "b", "c"]
    assert items[1]["content"][0]["text"] == "edited"


def test_delete(store: ConversationStore) -> None:
    for item_id in ("a", "b", "c"):
        store.save_item("c", msg(item_id))
    assert store.delete_item("c", "b") is True
    assert store.delete_item("c", "b") is False
    assert store.delete_item("other", "a") is False
    assert ids(store) == ["a", "c"]
    store.save_item("c", msg("b"), previous_item_id="a")
    assert ids(store) == ["a", "b", "c"]


def test_same_item_id_in_two_conversations(store: ConversationStore) -> None:
    store.save_item("c", msg("a", "in c"))
    store.save_item("d", msg("a", "in d"))
    assert store.load_items("c")[0]["content"][0]["text"] == "in c"
    assert store.load_items("d")[0]["content"][0]["text"] == "in d"


def test_conversations(store: ConversationStore) -> None:
    assert not store.has_conversation("c")
    assert store.load_items("c") == []
    assert store.load_session_config("c") is None
    store.ensure_conversation("c", {"instructions": "be brief", "audio": {"output": {"voice": "joe"}}})
    store.ensure_conversation("c")  # idempotent; keeps the config
    assert store.has_conversation("c")
    assert store.load_session_config("c") == {
        "instructions": "be brief",
        "audio": {"output": {"voice": "joe"}},
    }
    store.ensure_conversation("c", {"instructions": "be verbose"})
    assert store.load_session_config("c") == {"instructions": "be verbose"}

    store.save_item("d", msg("x"))  # creates "d"
    store.save_item("d", msg("y"))
    store.ensure_conversation("e")
    summaries = store.list_conversations()
    assert [(s.id, s.item_count) for s in summaries] == [("e", 0), ("d", 2), ("c", 0)]
    assert all(s.created_at.tzinfo is not None and s.updated_at >= s.created_at for s in summaries)
    assert [s.id for s in store.list_conversations(limit=1)] == ["e"]

    store.save_item("c", msg("z"))  # activity moves "c" to the front
    assert store.list_conversations()[0].id == "c"


def test_metadata_is_merged_and_listed(store: ConversationStore) -> None:
    store.ensure_conversation("call", metadata={"channel": "twilio", "caller": "+15550001111"})
    store.ensure_conversation("call", metadata={"call_sid": "CA1"})
    store.ensure_conversation("call")  # keeps it
    [summary] = store.list_conversations()
    assert summary.metadata == {"channel": "twilio", "caller": "+15550001111", "call_sid": "CA1"}


def test_a_database_from_before_metadata_gains_the_column(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:  # the schema as it was before conversation metadata
        db.execute(
            "CREATE TABLE conversation (id VARCHAR PRIMARY KEY, created_at DATETIME NOT NULL, "
            "updated_at DATETIME NOT NULL, session_config JSON)"
        )
        db.execute("INSERT INTO conversation VALUES ('old', '2026-01-01', '2026-01-01', NULL)")
    with ConversationStore(f"sqlite:///{path}") as store:
        assert store.list_conversations()[0].metadata == {}
        store.ensure_conversation("old", metadata={"caller": "+1"})
        assert store.list_conversations()[0].metadata == {"caller": "+1"}
    with ConversationStore(f"sqlite:///{path}") as again:  # opening twice adds nothing twice
        assert again.list_conversations()[0].metadata == {"caller": "+1"}


def test_item_without_id_is_rejected(store: ConversationStore) -> None:
    with pytest.raises(ValueError, match="non-empty string 'id'"):
        store.save_item("c", {"type": "message"})
    with pytest.raises(ValueError, match="non-empty string 'id'"):
        store.save_item("c", {"id": 7})
    assert store.load_items("c") == []


def test_persists_across_reopening(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'dirs' / 'realtalk.db'}"
    with ConversationStore(url) as first:
        first.ensure_conversation("c", {"voice": "joe"})
        first.save_item("c", msg("a"))
        first.save_item("c", msg("b"), previous_item_id="root")
    with ConversationStore(url) as second:
        assert second.has_conversation("c")
        assert ids(second) == ["b", "a"]
        assert second.load_session_config("c") == {"voice": "joe"}
        second.save_item("c", msg("c"))
        assert ids(second) == ["b", "a", "c"]


def test_sqlite_file_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    with ConversationStore(f"sqlite:///{path}") as store:
        store.save_item("c", msg("a"))
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_in_memory_database_works_across_threads() -> None:
    with ConversationStore("sqlite://") as store:
        thread = threading.Thread(target=store.save_item, args=("c", msg("from-thread")))
        thread.start()
        thread.join()
        store.save_item("c", msg("from-main"))
        assert ids(store) == ["from-thread", "from-main"]


def test_concurrent_saves_lose_nothing(store: ConversationStore) -> None:
    threads, per_thread = 8, 25
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def work(t: int) -> None:
        try:
            barrier.wait()
            for n in range(per_thread):
                store.save_item("shared", msg(f"t{t}-{n}"))
                store.save_item(f"own-{t}", msg(f"{n}"), previous_item_id="root")
                store.load_items("shared")
        except BaseException as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []

    shared = ids(store, "shared")
    assert len(shared) == len(set(shared)) == threads * per_thread
    for t in range(threads):
        # Each thread appended after its own previous commit, so its items keep their order.
        assert [i for i in shared if i.startswith(f"t{t}-")] == [f"t{t}-{n}" for n in range(per_thread)]
        assert ids(store, f"own-{t}") == [str(n) for n in reversed(range(per_thread))]


def test_payload_round_trips_exactly(store: ConversationStore) -> None:
    items: list[dict[str, Any]] = [
        {
            "id": "item_user",
            "object": "realtime.item",
            "type": "message",
            "status": "completed",
            "role": "user",
            "content": [
                {"type": "input_audio", "transcript": "Héllo — can you hear me? 你好 🎙️", "audio": None},
                {"type": "input_text", "text": 'quotes " and \\ backslashes\nand newlines'},
            ],
        },
        {
            "id": "item_call",
            "object": "realtime.item",
            "type": "function_call",
            "status": "completed",
            "call_id": "call_123",
            "name": "get_weather",
            "arguments": '{"city": "Paris", "units": ["C", "F"]}',
        },
        {
            "id": "item_output",
            "type": "function_call_output",
            "call_id": "call_123",
            "output": '{"temp": 21.5}',
        },
        {
            "id": "item_assistant",
            "type": "message",
            "role": "assistant",
            "status": "incomplete",
            "content": [{"type": "output_audio", "transcript": "It's 21.5 degrees."}],
            "metadata": {"float": 0.1, "big": 2**53 + 1, "neg": -0.0, "empty": {}, "list": [], "flag": False},
        },
    ]
    for item in items:
        store.save_item("c", item)
    assert store.load_items("c") == items
    loaded = store.load_items("c")[3]["metadata"]
    assert type(loaded["big"]) is int and loaded["big"] == 2**53 + 1
    assert type(loaded["float"]) is float
