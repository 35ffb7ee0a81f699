"""Voice tools over the task list: what the agent calls when people talk about their tasks."""

from __future__ import annotations

from datetime import datetime, timedelta
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


def _say_when(due: datetime | None) -> str:
    if due is None:
        return ""
    today = datetime.now().date()
    day = {today: "today", today + timedelta(days=1): "tomorrow"}.get(due.date(), due.strftime("%A %B %-d"))
    return f" {day}" + (
        f" at {due.strftime('%-I:%M %p').replace(':00', '')}" if (due.hour, due.minute) != (0, 0) else ""
    )


def _named(title: str, status: Status | None = None) -> Task:
    task = _store().find(title, status=status)
    if task is None:
        raise ToolError(f"I couldn't find a task like '{title}'")
    return task


def _listing(tasks: list[Task]) -> str:
    return ", ".join(f"{t.title}{_say_when(t.due)}" for t in tasks[:6]) + (
        f", and {len(tasks) - 6} more" if len(tasks) > 6 else ""
    )


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
) -> dict[str, object]:
    """List the open tasks on the task list, or those due on a given day."""
    start = _when(day)
    if start is not None:
        start = start.replace(hour=0, minute=0, second=0, microsecond=0)
        tasks = _store().list(status=Status.open, due_from=start, due_before=start + timedelta(days=1))
        when = _say_when(start).strip() or "then"
    else:
        tasks = _store().list(status=Status.open)
        when = ""
    if not tasks:
        return {"message": f"You have nothing due {when}." if when else "Your task list is empty."}
    count = f"{len(tasks)} task{'s' if len(tasks) != 1 else ''}"
    return {"message": f"You have {count}{' due ' + when if when else ''}: {_listing(tasks)}."}


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
    parts = [f"{len(due)} due" + (f": {_listing(due)}" if due else "")]
    if overdue:
        parts.append(f"{len(overdue)} overdue: {_listing(overdue)}")
    return {"message": f"For {_say_when(start).strip() or day}, you have " + "; and ".join(parts) + "."}
