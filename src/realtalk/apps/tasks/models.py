"""The task table and the API's request shapes."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel


def utc_now() -> datetime:
    return datetime.now(UTC)


class Priority(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class Status(StrEnum):
    open = "open"
    done = "done"


class TaskFields(SQLModel):
    """What a client may set on a task."""

    title: str = Field(min_length=1, max_length=200)
    notes: str = ""
    due: NaiveDatetime | None = None
    """Local wall-clock time, as people say it ("tomorrow at 3pm"); no time zone."""
    priority: Priority = Priority.medium
    status: Status = Status.open
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Task(TaskFields, table=True):
    """A task as stored. Its schema changes only through a migration (see `migrate`)."""

    # AUTOINCREMENT: SQLite would otherwise give a deleted task's id to the next one (migration 0003).
    __table_args__ = (Index("ix_task_status_due", "status", "due"), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    completed_at: datetime | None = None
    """When it was marked done; None while open."""


class TaskCreate(TaskFields):
    pass


class TaskUpdate(SQLModel):
    """A partial update: only the fields sent change."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    notes: str | None = None
    due: NaiveDatetime | None = None
    priority: Priority | None = None
    status: Status | None = None
    tags: list[str] | None = None
