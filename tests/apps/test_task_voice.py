"""The task voice tools on a real store: how a long list is read, a few at a time."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from realtalk.apps.tasks import voice
from realtalk.apps.tasks.models import TaskCreate
from realtalk.apps.tasks.store import TaskStore


def _store_with(tmp_path: Path, count: int) -> None:
    store = TaskStore(f"sqlite:///{tmp_path / 'tasks.db'}")
    tomorrow = (datetime.now() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    for i in range(count):
        store.create(TaskCreate(title=f"chore {i}", due=tomorrow + timedelta(minutes=i) if i % 2 else None))
    voice.attach_store(store)


def test_up_to_ten_tasks_are_read_whole_and_grouped_by_day(tmp_path: Path) -> None:
    _store_with(tmp_path, 4)
    result = voice.list_due_tasks()
    assert result == {"message": "You have 4 tasks: tomorrow: chore 1 at 9:01 AM, chore 3 at 9:03 AM; "
                                 "with no date: chore 0, chore 2."}  # fmt: skip
    assert voice.list_due_tasks(day="tomorrow")["message"] == (
        "You have 2 tasks due tomorrow: chore 1 at 9:01 AM, chore 3 at 9:03 AM."
    )


def test_a_long_list_is_read_in_pages_offering_the_rest(tmp_path: Path) -> None:
    _store_with(tmp_path, 23)
    first = voice.list_due_tasks()
    assert str(first["message"]).startswith("You have 23 tasks. The first 5: ")
    assert str(first["message"]).endswith("Shall I read the other 18?")
    assert first["more"] == {"start": 5}
    second = voice.list_due_tasks(start=5)
    assert str(second["message"]).startswith("The next 10: ") and second["more"] == {"start": 15}
    last = voice.list_due_tasks(start=15)
    assert str(last["message"]).startswith("The last 8: ") and "more" not in last
    assert "chore 22" in str(last["message"])
    assert voice.list_due_tasks(start=23) == {"message": "That's all: you have 23 tasks."}
