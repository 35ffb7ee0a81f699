"""`TaskStore`: tasks in any SQLAlchemy database (SQLite by default)."""

from __future__ import annotations

import builtins
import difflib
import re
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
        """The task whose title best matches `words` (ties: the oldest); see `matches`."""
        found = self.matches(words, status=status)
        return found[0] if found else None

    def matches(self, words: str, *, status: Status | None = None) -> builtins.list[Task]:
        """The tasks whose titles share meaningful words with `words`, best first (ties: oldest).

        Small words ("the", "to") don't count, so "fly to the moon" matches nothing rather than the
        first task with "the" in it. Words match fuzzily, as speech recognition hears them: "right
        cleaning" finds "Pick up dry cleaning", "picked" finds "pick", "bite" finds "bike".
        """
        wanted = _content_words(words)
        scored = []
        for task in self.list(status=status):
            title = _content_words(task.title)
            score = sum(max((_similarity(w, t) for t in title), default=0.0) for w in wanted)
            if score >= 0.85:  # one exact word, or one word form ("renewal" for "renew")
                scored.append((-score, task.id or 0, task))
        return [task for *_, task in sorted(scored, key=lambda s: (s[0], s[1]))]


_SMALL_WORDS = frozenset(
    """a an the to of for on in at my me i it is be and or with by from up this that task tasks thing one
    already""".split()  # noqa: SIM905
)


def _content_words(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'s ", " "))
    return {w for w in words if w not in _SMALL_WORDS}


def _similarity(heard: str, word: str) -> float:
    """1 for the same word; less for a word form ("picked"/"pick") or a near miss ("bite"/"bike")."""
    if heard == word:
        return 1.0
    shorter, longer = sorted((heard, word), key=len)
    if len(shorter) >= 4 and longer.startswith(shorter):
        return 0.9
    ratio = difflib.SequenceMatcher(None, heard, word).ratio()
    return ratio * 0.8 if ratio >= 0.75 and min(len(heard), len(word)) >= 4 else 0.0
