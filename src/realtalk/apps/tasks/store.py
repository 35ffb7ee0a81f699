"""`TaskStore`: tasks in any SQLAlchemy database (SQLite by default)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlmodel import Session, col, select

from . import migrate
from .changes import Changes
from .models import Status, Task, TaskCreate, TaskUpdate, utc_now


class TaskStore:
    """CRUD and the filters the voice tools need. Each call is its own transaction.

    Every write is announced on `changes`, whoever made it (the REST API or a voice tool).
    """

    def __init__(self, url: str) -> None:
        self.changes = Changes()
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"check_same_thread": False} if url.startswith("sqlite") else {}
        self.engine = create_engine(url, connect_args=connect_args)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", lambda conn, _: conn.execute("PRAGMA journal_mode=WAL"))
        migrate.upgrade(self.engine)

    def create(self, fields: TaskCreate) -> Task:
        with Session(self.engine) as session:
            task = Task.model_validate(fields)
            task.completed_at = utc_now() if task.status == Status.done else None
            session.add(task)
            session.commit()
            session.refresh(task)
        self.changes.publish()
        return task

    def get(self, task_id: int) -> Task | None:
        with Session(self.engine) as session:
            return session.get(Task, task_id)

    def update(self, task_id: int, changes: TaskUpdate) -> Task | None:
        with Session(self.engine) as session:
            task = session.get(Task, task_id)
            if task is None:
                return None
            was_done = task.status == Status.done
            for key, value in changes.model_dump(exclude_unset=True).items():
                setattr(task, key, value)
            task.updated_at = utc_now()
            if task.status == Status.done and not was_done:
                task.completed_at = task.updated_at
            elif task.status != Status.done:
                task.completed_at = None
            session.add(task)
            session.commit()
            session.refresh(task)
        self.changes.publish()
        return task

    def delete(self, task_id: int) -> bool:
        with Session(self.engine) as session:
            task = session.get(Task, task_id)
            if task is None:
                return False
            session.delete(task)
            session.commit()
        self.changes.publish()
        return True

    def list(
        self,
        *,
        status: Status | None = None,
        due_from: datetime | None = None,
        due_before: datetime | None = None,
        tag: str | None = None,
    ) -> list[Task]:
        with Session(self.engine) as session:
            query = select(Task)
            if status is not None:
                query = query.where(Task.status == status)
            if due_from is not None:
                query = query.where(col(Task.due) >= due_from)
            if due_before is not None:
                query = query.where(col(Task.due) < due_before)
            tasks = list(session.exec(query.order_by(col(Task.due).is_(None), col(Task.due), col(Task.id))))
        return [t for t in tasks if tag is None or tag in t.tags]

    def find(self, words: str, *, status: Status | None = None) -> Task | None:
        """The task whose title shares the most meaningful words with `words` (ties: the oldest).

        Small words ("the", "to") don't count, so "fly to the moon" matches nothing rather than
        the first task with "the" in it.
        """
        wanted = _content_words(words)
        best, best_score = None, 0
        for task in self.list(status=status):
            score = len(wanted & _content_words(task.title))
            if score > best_score:
                best, best_score = task, score
        return best


_SMALL_WORDS = frozenset(
    "a an the to of for on in at my me i it is be and or with by from up this that task tasks".split()  # noqa: SIM905
)


def _content_words(text: str) -> set[str]:
    return {w for w in text.lower().replace(",", " ").replace(".", " ").split() if w not in _SMALL_WORDS}
