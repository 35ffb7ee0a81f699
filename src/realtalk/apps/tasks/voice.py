"""Voice tools over the task list: what the agent calls when people talk about their tasks."""

from __future__ import annotations

import calendar
import re
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


def _open_titles() -> list[str]:
    """The open tasks' titles, for speech recognition to listen for (empty before start-up)."""
    return [t.title for t in _stores[0].list(status=Status.open)] if _stores else []


tools.vocabulary = _open_titles


def _store() -> TaskStore:
    if not _stores:
        raise ToolError("the task list is not available")
    return _stores[0]


_END_OF = re.compile(
    r"\b(?:(?:by|before|at|for)\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(month|week)\b", re.I
)
_CLOCK = re.compile(
    r"\d:\d\d|\b\d{1,2}\s*(?:am|pm|a\.m|p\.m|o'?clock)\b|\b(?:at|by)\s+\d|\b(?:noon|midnight|morning|afternoon"
    r"|evening|tonight|night|half\s+past|quarter\s+(?:past|to))\b|T\d\d:",
    re.I,
)


# Words that name a day: a text without any ("4pm", "16:00") names a time of day alone.
_DAY = re.compile(
    r"\d{4}-\d\d|\d/\d|\b(?:today|tonight|tomorrow|yesterday|mon|tue|wed|thu|fri|sat|sun|week|weekend|month"
    r"|year|days?|next|hours?|minutes?|mins?|now|ago|\d{1,2}(?:st|nd|rd|th)|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.I,
)


def _when(text: str | None, keep_time_of: datetime | None = None) -> datetime | None:
    """The moment `text` names. "End of the month" is its last day. Moving a task to another day
    keeps its time of day (`keep_time_of`) unless `text` names a time; to a time alone ("4pm",
    "16:00"), its day."""
    if not text:
        return None
    now = datetime.now()
    end = _END_OF.search(text)
    if end is not None:
        if end.group(1).lower() == "month":
            day = now.replace(day=calendar.monthrange(now.year, now.month)[1])
        else:
            day = now + timedelta(days=(6 - now.weekday()) % 7)
        rest = (text[: end.start()] + text[end.end() :]).strip()
        clock = _when(rest) if _CLOCK.search(rest) else None
        parsed: datetime | None = day.replace(
            hour=clock.hour if clock else 0, minute=clock.minute if clock else 0, second=0, microsecond=0
        )
    else:
        parsed = dateparser.parse(text, languages=["en"], settings={"PREFER_DATES_FROM": "future"})
    if parsed is None:
        raise ToolError(f"I couldn't understand the date '{text}'")
    if parsed.tzinfo is not None:  # an ISO date-time with an offset ("...T17:00:00Z"): our local time
        parsed = parsed.astimezone().replace(tzinfo=None)
    if keep_time_of is not None and not _CLOCK.search(text):
        parsed = parsed.replace(hour=keep_time_of.hour, minute=keep_time_of.minute, second=0, microsecond=0)
    elif keep_time_of is not None and not _DAY.search(text):
        parsed = datetime.combine(keep_time_of.date(), parsed.time())
    return parsed


def _say_day(day: date) -> str:
    today = datetime.now().date()
    return {today: "today", today + timedelta(days=1): "tomorrow"}.get(day, f"{day:%A %B} {day.day}")


def _say_time(due: datetime) -> str:
    return f" at {due.strftime('%-I:%M %p').replace(':00', '')}" if (due.hour, due.minute) != (0, 0) else ""


def _say_when(due: datetime | None) -> str:
    return f" {_say_day(due.date())}{_say_time(due)}" if due else ""


def _named(title: str, status: Status | None = None) -> tuple[Task, list[str]]:
    """The task `title` names, and the titles of the other tasks it could mean (for "the other one")."""
    found = _store().matches(title, status=status)
    if not found:
        raise ToolError(f"I couldn't find a task like '{title}'")
    return found[0], [t.title for t in found[1:4]]


def _about(task: Task, alternatives: list[str]) -> dict[str, object]:
    """What a result says about the task it touched: its exact title, and the others it may have been."""
    return {"title": task.title, **({"alternatives": alternatives} if alternatives else {})}


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
    priority: Annotated[
        Priority, Field(description="high if urgent, important or critical; low if it can wait")
    ] = Priority.medium,
    tags: Annotated[list[str] | None, Field(description="labels, e.g. work, family")] = None,
    notes: Annotated[str, Field(description="a note to keep with it")] = "",
) -> dict[str, object]:
    """Add a new task (a to-do or reminder) to the task list."""
    fields = TaskCreate(title=title, due=_when(due), priority=priority, tags=tags or [], notes=notes)
    task = _store().create(fields)
    extra = f", {task.priority} priority" if task.priority != Priority.medium else ""
    extra += f", tagged {' and '.join(task.tags)}" if task.tags else ""
    message = f"Added {task.title}{_say_when(task.due)}{extra}."
    return {"message": message, "task_id": task.id, "title": task.title}


@tools.register
def list_due_tasks(
    day: Annotated[str | None, Field(description="the day to list, e.g. today, tomorrow, friday")] = None,
    start: Annotated[int, Field(ge=0, description="how many tasks were already read, to read the rest")] = 0,
    priority: Annotated[
        Priority | None,
        Field(description="only tasks of this priority; high for urgent, important or critical"),
    ] = None,
    tag: Annotated[str | None, Field(description="only tasks tagged with this label")] = None,
    overdue: Annotated[
        bool, Field(description="only overdue tasks; true if late, behind or past due")
    ] = False,
) -> dict[str, object]:
    """List the open tasks on the task list: all, those due on a given day, the overdue (late) ones, or
    those of a priority or tag (a long list a few at a time).

    When tasks are left unread, the result's `more` holds the arguments that read the rest.
    """
    first = _when(day)
    if overdue:
        tasks = _store().list(status=Status.open, due_before=datetime.now())
        when = " overdue"
    elif first is not None:
        first = first.replace(hour=0, minute=0, second=0, microsecond=0)
        tasks = _store().list(status=Status.open, due_from=first, due_before=first + timedelta(days=1))
        when = f" due {_say_day(first.date())}"
    else:
        tasks = _store().list(status=Status.open)
        when = ""
    if priority is not None:
        tasks = [t for t in tasks if t.priority == priority]
        when = f" of {priority} priority" + when
    if tag:
        wanted = tag.strip().lower()
        tasks = [t for t in tasks if wanted in (x.lower() for x in t.tags)]
        when = f" tagged {wanted}" + when
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
    # The titles read out, in order, so that "the second one" can name one of them.
    read = {"titles": [t.title for t in page]}
    if len(page) < left:
        rest = left - len(page)
        filters = {"day": day, "priority": priority, "tag": tag, "overdue": overdue or None}
        more = {k: v for k, v in filters.items() if v} | {"start": start + len(page)}
        return {"message": f"{message} Shall I read the other {rest}?", "more": more, **read}
    return {"message": message, **read}


@tools.register
def complete_task(
    title: Annotated[str, Field(description="which task, by its words")],
    reopen: Annotated[bool, Field(description="true to reopen a task marked done by mistake")] = False,
) -> dict[str, object]:
    """Mark a task as done (complete, finished), or reopen it."""
    task, others = _named(title, Status.done if reopen else Status.open)
    _store().update(task.id or 0, TaskUpdate(status=Status.open if reopen else Status.done))
    if reopen:
        return {"message": f"{task.title} is open again.", **_about(task, others)}
    undo = {"title": task.title, "reopen": True}
    return {"message": f"Marked {task.title} as done.", **_about(task, others), "undo": undo}


@tools.register
def reschedule_task(
    title: Annotated[str, Field(description="which task, by its words")],
    due: Annotated[
        str,
        Field(description="the new time, e.g. next friday at 3pm", json_schema_extra={"format": "date-time"}),
    ],
) -> dict[str, object]:
    """Move (reschedule) a task to a new due date and time; a new day alone keeps its time of day, and
    a new time alone its day."""
    task, others = _named(title)
    updated = _store().update(task.id or 0, TaskUpdate(due=_when(due, keep_time_of=task.due)))
    undo = {"title": task.title, "due": task.due.isoformat() if task.due else ""}
    said = _say_when(updated.due if updated else None)
    return {"message": f"Moved {task.title} to{said}.", **_about(task, others), "undo": undo}


@tools.register
def set_task_priority(
    title: Annotated[str, Field(description="which task, by its words")],
    priority: Annotated[
        Priority, Field(description="high if urgent, important or critical; low if it can wait")
    ],
) -> dict[str, object]:
    """Change a task's priority (high, medium or low): make it urgent, important, or not."""
    task, others = _named(title)
    _store().update(task.id or 0, TaskUpdate(priority=priority))
    undo = {"title": task.title, "priority": str(task.priority)}
    return {"message": f"{task.title} is now {priority} priority.", **_about(task, others), "undo": undo}


@tools.register
def tag_task(
    title: Annotated[str, Field(description="which task, by its words")],
    tags: Annotated[list[str], Field(min_length=1, description="the tags (labels) to add, e.g. work")],
) -> dict[str, object]:
    """Tag (label) a task with one or more tags."""
    task, others = _named(title)
    added = [t.strip().lower() for t in tags if t.strip() and t.strip().lower() not in task.tags]
    _store().update(task.id or 0, TaskUpdate(tags=[*task.tags, *added]))
    return {"message": f"Tagged {task.title} {' and '.join(added or tags)}.", **_about(task, others)}


@tools.register
def add_task_note(
    title: Annotated[str, Field(description="which task, by its words")],
    note: Annotated[str, Field(min_length=1, description="the note to add")],
) -> dict[str, object]:
    """Add a note (details, a comment) to an existing task."""
    task, others = _named(title)
    notes = f"{task.notes}\n{note}".strip()
    _store().update(task.id or 0, TaskUpdate(notes=notes))
    return {"message": f"Noted on {task.title}: {note}.", **_about(task, others)}


@tools.register
def rename_task(
    title: Annotated[str, Field(description="which task, by its words")],
    new_title: Annotated[str, Field(min_length=1, max_length=200, description="its new title")],
) -> dict[str, object]:
    """Rename a task: change its title to new words."""
    task, others = _named(title)
    _store().update(task.id or 0, TaskUpdate(title=new_title))
    undo = {"title": new_title, "new_title": task.title}
    return {"message": f"Renamed {task.title} to {new_title}.", **_about(task, others), "undo": undo}


@tools.register
def find_task(title: Annotated[str, Field(description="which task, by its words")]) -> dict[str, object]:
    """Look up one task: when is it due, is it done yet, its priority, tags and notes."""
    task, others = _named(title)
    state = "is done" if task.status == Status.done else "is still open"
    due = f", due{_say_when(task.due)}" if task.due else ""
    if task.due and task.status == Status.open and task.due < datetime.now():
        due += ", overdue"
    extra = f", {task.priority} priority" if task.priority != Priority.medium else ""
    extra += f", tagged {' and '.join(task.tags)}" if task.tags else ""
    extra += f". Notes: {task.notes}" if task.notes else ""
    return {"message": f"{task.title} {state}{due}{extra}.", **_about(task, others)}


@tools.register
def delete_task(
    title: Annotated[str, Field(description="which task, by its words")],
    confirm: Annotated[bool, Field(description="true once the user has said yes")] = False,
) -> dict[str, object]:
    """Delete (remove) a task from the list; asks the user to confirm first."""
    task, others = _named(title)
    if not confirm:
        message = f"Do you really want to delete {task.title}? Say: yes, delete {task.title}."
        return {"message": message, **_about(task, others)}
    _store().delete(task.id or 0)
    return {"message": f"Deleted {task.title}.", "title": task.title}


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
    message = f"For {_say_day(start.date())}, you have " + "; and ".join(parts) + "."
    # The day's own tasks, in order, so that "move that one" or "the second one" can name one of them.
    return {"message": message, **({"titles": [t.title for t in due]} if due else {})}


def _briefly(tasks: list[Task], day_known: bool = False) -> str:
    """The first few tasks, and how many more: a summary is not the whole list."""
    shown = tasks if len(tasks) <= READ_ALL else tasks[:READ_FIRST]
    more = f", and {len(tasks) - len(shown)} more" if len(shown) < len(tasks) else ""
    return _listing(shown, day_known) + more
