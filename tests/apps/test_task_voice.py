"""The task voice tools on a real store: how a long list is read, a few at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from realtalk.apps.tasks import voice
from realtalk.apps.tasks.models import Priority, TaskCreate
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
                                 "with no date: chore 0, chore 2.",
                      "titles": ["chore 1", "chore 3", "chore 0", "chore 2"]}  # as read out  # fmt: skip
    assert voice.list_due_tasks(day="tomorrow")["message"] == (
        "You have 2 tasks due tomorrow: chore 1 at 9:01 AM, chore 3 at 9:03 AM."
    )


def test_a_long_list_is_read_in_pages_offering_the_rest(tmp_path: Path) -> None:
    _store_with(tmp_path, 23)
    first = voice.list_due_tasks()
    assert str(first["message"]).startswith("You have 23 tasks. The first 5: ")
    assert str(first["message"]).endswith("Shall I read the other 18?")
    assert first["more"] == {"start": 5}
    assert isinstance(first["titles"], list) and len(first["titles"]) == 5  # the five read out
    second = voice.list_due_tasks(start=5)
    assert str(second["message"]).startswith("The next 10: ") and second["more"] == {"start": 15}
    last = voice.list_due_tasks(start=15)
    assert str(last["message"]).startswith("The last 8: ") and "more" not in last
    assert "chore 22" in str(last["message"])
    assert voice.list_due_tasks(start=23) == {"message": "That's all: you have 23 tasks."}


def test_priority_tags_notes_and_lookups(tmp_path: Path) -> None:
    store = TaskStore(f"sqlite:///{tmp_path / 'tasks.db'}")
    voice.attach_store(store)
    now = datetime.now().replace(second=0, microsecond=0)
    store.create(TaskCreate(title="Pick up dry cleaning", due=now + timedelta(hours=5)))
    store.create(TaskCreate(title="Renew passport", due=now - timedelta(days=3), priority=Priority.high))
    store.create(TaskCreate(title="Take the bike to the shop"))

    assert voice.set_task_priority("passport renewal", Priority.low)["undo"] == {
        "title": "Renew passport",
        "priority": "high",
    }
    assert voice.tag_task("right cleaning", ["errands", "Weekend"])["title"] == "Pick up dry cleaning"
    assert (
        voice.add_task_note("the bite to the shop", "back tyre is flat")["title"]
        == "Take the bike to the shop"
    )
    tasks = {t.title: t for t in store.list()}
    assert tasks["Renew passport"].priority == Priority.low
    assert tasks["Pick up dry cleaning"].tags == ["errands", "weekend"]
    assert tasks["Take the bike to the shop"].notes == "back tyre is flat"

    assert "Renew passport" in str(voice.list_due_tasks(overdue=True)["message"])
    assert "dry cleaning" not in str(voice.list_due_tasks(overdue=True)["message"])
    assert "dry cleaning" in str(voice.list_due_tasks(tag="errands")["message"])
    assert "passport" in str(voice.list_due_tasks(priority=Priority.low)["message"])
    assert "overdue" in str(voice.find_task("when is my passport due")["message"])


def test_moving_a_task_to_another_day_keeps_its_time(tmp_path: Path) -> None:
    store = TaskStore(f"sqlite:///{tmp_path / 'tasks.db'}")
    voice.attach_store(store)
    at = (datetime.now() + timedelta(days=1)).replace(hour=14, minute=30, second=0, microsecond=0)
    store.create(TaskCreate(title="Finish quarterly report", due=at))
    voice.reschedule_task("quarterly report", "next friday")
    moved = store.list()[0].due
    assert moved is not None and (moved.hour, moved.minute) == (14, 30) and moved.weekday() == 4
    voice.reschedule_task("quarterly report", "2026-12-03")  # a day alone, as the built-in brain sends it
    assert store.list()[0].due == datetime(2026, 12, 3, 14, 30)
    voice.reschedule_task("quarterly report", "the end of the month at 9 am")
    moved = store.list()[0].due
    assert moved is not None and (moved.hour, moved.minute) == (9, 0) and (moved + timedelta(days=1)).day == 1
    # A time alone (as the built-in brain sends it, or said) keeps the day.
    voice.reschedule_task("quarterly report", "2026-12-03")
    voice.reschedule_task("quarterly report", "16:00")
    assert store.list()[0].due == datetime(2026, 12, 3, 16, 0)
    voice.reschedule_task("quarterly report", "10:30 am")
    assert store.list()[0].due == datetime(2026, 12, 3, 10, 30)


def test_a_date_time_with_an_offset_is_our_local_time(tmp_path: Path) -> None:
    # What an LLM following the schema's `format: date-time` (RFC 3339, offset required) sends.
    voice.attach_store(TaskStore(f"sqlite:///{tmp_path / 'tasks.db'}"))

    def local(*utc: int) -> datetime:
        return datetime(*utc, tzinfo=UTC).astimezone().replace(tzinfo=None)

    voice.add_task("Buy milk", "2026-12-01T17:00:00Z")
    assert voice._store().list()[0].due == local(2026, 12, 1, 17, 0)
    voice.reschedule_task("milk", "2026-12-03T09:30:00+01:00")
    assert voice._store().list()[0].due == local(2026, 12, 3, 8, 30)


def test_deleting_names_the_other_tasks_it_could_mean(tmp_path: Path) -> None:
    store = TaskStore(f"sqlite:///{tmp_path / 'tasks.db'}")
    voice.attach_store(store)
    store.create(TaskCreate(title="Call Anna about the party"))
    store.create(TaskCreate(title="Call Ben about the car"))
    asked = voice.delete_task("the call task")
    assert asked["title"] == "Call Anna about the party" and asked["alternatives"] == [
        "Call Ben about the car"
    ]
    assert len(store.list()) == 2
    voice.delete_task("Call Ben about the car", confirm=True)
    assert [t.title for t in store.list()] == ["Call Anna about the party"]


def test_speech_recognition_listens_for_the_open_tasks_titles(tmp_path: Path) -> None:
    _store_with(tmp_path, 3)
    voice.complete_task("chore 1")
    assert voice.tools.vocabulary is not None
    assert voice.tools.vocabulary() == ["chore 0", "chore 2"]


def test_the_undo_a_change_offers_reverses_it_on_the_store(tmp_path: Path) -> None:
    """The brain calls a result's `undo` as it is: it must name arguments the same tool takes and
    put the task back as it was (the brain's own tests only see hand-written results)."""
    _store_with(tmp_path, 2)
    done = voice.complete_task("chore 0")
    assert "chore 0" not in voice.list_due_tasks()["titles"]
    undone = voice.complete_task(**done["undo"])
    assert undone["message"] == "chore 0 is open again." and "undo" not in undone
    assert "chore 0" in voice.list_due_tasks()["titles"]
    renamed = voice.rename_task("chore 1", "tidy the shed")
    assert "tidy the shed" in voice.list_due_tasks()["titles"]
    voice.rename_task(**renamed["undo"])
    assert sorted(voice.list_due_tasks()["titles"]) == ["chore 0", "chore 1"]
