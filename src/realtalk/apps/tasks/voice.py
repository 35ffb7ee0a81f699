"""Voice tools over the task list: what the agent calls when people talk about their tasks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

import dateparser
from pydantic import Field

from ...tools.registry import ToolError, ToolRegistry
from .models import Priority, Status, Task, TaskCreate, TaskUpdate
from .store import TaskStore

tools = ToolRegistry()
_stores: list[TaskStore] = []


def attach_store(store: TaskStore) -> None:
    """Point the voice tools at the server's task store (done once at start-up)."""
    _stores[:] = [store]


def _store() -> TaskStore:
    if not _stores:
        raise ToolError("the task list is not available")
    return _stores[0]


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    parsed: datetime | None = dateparser.parse(
        text, languages=["en"], settings={"PREFER_DATES_FROM": "future"}
    )
    if parsed is None:
        raise ToolError(f"I couldn't understand the date '{text}'")
    return parsed


def _say_day(day: date) -> str:
    today = datetime.now().date()
    return {today: "today", today + timedelta(days=1): "tomorrow"}.get(day, f"{day:%A %B} {day.day}")


def _say_time(due: datetime) -> str:
    return f" at {due.strftime('%-I:%M %p').replace(':00', '')}" if (due.hour, due.minute) != (0, 0) else ""


def _say_when(due: datetime | None) -> str:
    return f" {_say_day(due.date())}{_say_time(due)}" if due else ""


def _named(title: str, status: Status | None = None) -> Task:
    task = _store().find(title, status=status)
    if task is None:
        raise ToolError(f"I couldn't find a task like '{title}'")
    return task


def _listing(tasks: list[Task], day_known: bool = False) -> str:
    """The tasks grouped by day, as said aloud: "today: send invoice at 4 PM; tomorrow: walk the dog"."""
    groups: list[tuple[str, list[str]]] = []
    for task in tasks:
        label = "" if day_known else (_say_day(task.due.date()) if task.due else "with no date")
        said = task.title + (_say_time(task.due) if task.due else "")
        if groups and groups[-1][0] == label:
            groups[-1][1].append(said)
        else:
            groups.append((label, [said]))
    return "; ".join(
        f"{label}: {', '.join(titles)}" if label else ", ".join(titles) for label, titles in groups
    )


READ_ALL = 10
"""Lists up to this long are read whole; longer ones a few at a time, offering the rest."""
READ_FIRST = 5


def _count(n: int) -> str:
    return f"{n} task{'s' if n != 1 else ''}"


@tools.register
def add_task(
    title: Annotated[str, Field(description="what to do, e.g. buy milk")],
    due: Annotated[
        str | None,
        Field(description="when it is due, e.g. tomorrow at 3pm", json_schema_extra={"format": "date-time"}),
    ] = None,
    priority: Priority = Priority.medium,
    tags: list[str] | None = None,
) -> dict[str, object]:
    """Add a new task (a to-do or reminder) to the task list."""
    task = _store().create(TaskCreate(title=title, due=_when(due), priority=priority, tags=tags or []))
    extra = f", {task.priority} priority" if task.priority != Priority.medium else ""
    return {"message": f"Added {task.title}{_say_when(task.due)}{extra}.", "task_id": task.id}


@tools.register
def list_due_tasks(
    day: Annotated[str | None, Field(description="the day to list, e.g. today, tomorrow, friday")] = None,
    start: Annotated[int, Field(ge=0, description="how many tasks were already read, to read the rest")] = 0,
) -> dict[str, object]:
    """List the open tasks on the task list, or those due on a given day (a long list a few at a time).

    When tasks are left unread, the result's `more` holds the arguments that read the rest.
    """
    first = _when(day)
    if first is not None:
        first = first.replace(hour=0, minute=0, second=0, microsecond=0)
        tasks = _store().list(status=Status.open, due_from=first, due_before=first + timedelta(days=1))
        when = f" due {_say_day(first.date())}"
    else:
        tasks = _store().list(status=Status.open)
        when = ""
    if not tasks:
        return {"message": f"You have nothing{when}." if when else "Your task list is empty."}
    if start >= len(tasks):
        return {"message": f"That's all: you have {_count(len(tasks))}{when}."}
    left = len(tasks) - start
    # Once the user asked for more, they get more at a time.
    page = tasks[start:] if left <= READ_ALL else tasks[start : start + (READ_ALL if start else READ_FIRST)]
    listing = _listing(page, day_known=first is not None)
    if start == 0 and len(page) == len(tasks):
        message = f"You have {_count(len(tasks))}{when}: {listing}."
    elif start == 0:
        message = f"You have {_count(len(tasks))}{when}. The first {len(page)}: {listing}."
    else:
        message = f"{'The last' if len(page) == left else 'The next'} {len(page)}: {listing}."
    if len(page) < left:
        rest = left - len(page)
        more = {"day": day, "start": start + len(page)} if day else {"start": start + len(page)}
        return {"message": f"{message} Shall I read the other {rest}?", "more": more}
    return {"message": message}


@tools.register
def complete_task(title: Annotated[str, Field(description="which task, by its words")]) -> dict[str, object]:
    """Mark a task as done (complete, finished)."""
    task = _named(title, Status.open)
    _store().update(task.id or 0, TaskUpdate(status=Status.done))
    return {"message": f"Marked {task.title} as done."}


@tools.register
def reschedule_task(
    title: Annotated[str, Field(description="which task, by its words")],
    due: Annotated[
        str,
        Field(description="the new time, e.g. next friday at 3pm", json_schema_extra={"format": "date-time"}),
    ],
) -> dict[str, object]:
    """Move (reschedule) a task to a new due date and time."""
    task = _named(title)
    updated = _store().update(task.id or 0, TaskUpdate(due=_when(due)))
    return {"message": f"Moved {task.title} to{_say_when(updated.due if updated else None)}."}


@tools.register
def delete_task(
    title: Annotated[str, Field(description="which task, by its words")],
    confirm: Annotated[bool, Field(description="true once the user has said yes")] = False,
) -> dict[str, object]:
    """Delete (remove) a task from the list; asks the user to confirm first."""
    task = _named(title)
    if not confirm:
        return {"message": f"Do you really want to delete {task.title}? Say: yes, delete {task.title}."}
    _store().delete(task.id or 0)
    return {"message": f"Deleted {task.title}."}


@tools.register
def summarize_day(
    day: Annotated[str, Field(description="the day to summarise, e.g. today")] = "today",
) -> dict[str, object]:
    """Summarise the day's agenda: what is due and what is overdue."""
    start = (_when(day) or datetime.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    due = _store().list(status=Status.open, due_from=start, due_before=start + timedelta(days=1))
    overdue = _store().list(status=Status.open, due_before=start)
    parts = [f"{len(due)} due" + (f": {_briefly(due, day_known=True)}" if due else "")]
    if overdue:
        parts.append(f"{len(overdue)} overdue: {_briefly(overdue)}")
    return {"message": f"For {_say_day(start.date())}, you have " + "; and ".join(parts) + "."}


def _briefly(tasks: list[Task], day_known: bool = False) -> str:
    """The first few tasks, and how many more: a summary is not the whole list."""
    shown = tasks if len(tasks) <= READ_ALL else tasks[:READ_FIRST]
    more = f", and {len(tasks) - len(shown)} more" if len(shown) < len(tasks) else ""
    return _listing(shown, day_known) + more
