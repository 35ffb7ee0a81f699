"""`ConversationStore`: conversations and their items in any SQLAlchemy database.

The API is synchronous; the async runtime calls it through `asyncio.to_thread`, so one store is
shared by many threads. Each call opens its own session and commits before it returns, so a saved
item is durable by the time the caller acknowledges it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, event, func, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, col, create_engine, select

from realtalk.storage.models import Conversation, Item, SessionCost, utc_now

ROOT = "root"
"""The `previous_item_id` that puts an item first, as in the Realtime API."""

_STEP = 1.0
"""Gap between the positions of items appended or prepended, and after renumbering."""


@dataclass(frozen=True)
class ConversationSummary:
    """A conversation as `list_conversations` shows it."""

    id: str
    created_at: datetime
    updated_at: datetime
    item_count: int
    metadata: dict[str, str]


class ConversationStore:
    """Conversations and their ordered items. Thread-safe; see the module docstring.

    Writes read a position and then write one, so writes to one conversation must not interleave.
    In one process a lock serialises them (SQLite allows a single writer anyway). On PostgreSQL,
    where many nodes share the database, each write transaction also takes a transaction-scoped
    advisory lock on its conversation id: writes to one conversation queue across processes,
    writes to different conversations do not, and the lock cannot outlive a crashed writer.
    """

    def __init__(self, url: str) -> None:
        self._write_lock = threading.Lock()
        self._engine, in_memory = _create_engine(url)
        # An in-memory SQLite database lives in one shared connection, so reads must queue too.
        self._read_guard: AbstractContextManager[Any] = self._write_lock if in_memory else nullcontext()
        # Only the store's own tables, one by one: `metadata.create_all` would also create the enum
        # types of every other model (an app's), which that app's migrations then collide with.
        for table in (Conversation.__table__, Item.__table__, SessionCost.__table__):  # type: ignore[attr-defined]
            table.create(self._engine, checkfirst=True)
        # Databases from before conversation metadata get the column (an additive, idempotent change).
        if "metadata" not in {column["name"] for column in inspect(self._engine).get_columns("conversation")}:
            with self._engine.begin() as connection:
                connection.execute(text("ALTER TABLE conversation ADD COLUMN metadata JSON"))

    def ensure_conversation(
        self,
        conversation_id: str,
        session_config: dict[str, Any] | None = None,
        metadata: dict[str, str] | None = None,
    ) -> None:
        """Create the conversation if it does not exist; store `session_config` and merge `metadata`
        (string keys and values, like OpenAI's metadata) when given."""
        with self._writing(conversation_id) as session:
            conversation = self._get_or_create(session, conversation_id)
            if session_config is not None:
                conversation.session_config = session_config
                conversation.updated_at = utc_now()
            if metadata:
                conversation.meta = {**(conversation.meta or {}), **metadata}
                conversation.updated_at = utc_now()
            session.add(conversation)

    def save_item(
        self, conversation_id: str, item: dict[str, Any], previous_item_id: str | None = None
    ) -> None:
        """Insert or replace the item with `item["id"]`, creating the conversation if need be.

        A new item goes after `previous_item_id`: None (or an id not in the conversation) appends
        it, "root" puts it first. An item that exists is replaced in place; `previous_item_id` is
        then ignored.
        """
        item_id = item.get("id")
        if not isinstance(item_id, str) or not item_id:
            raise ValueError(f"a conversation item needs a non-empty string 'id', got {item_id!r}")
        with self._writing(conversation_id) as session:
            conversation = self._get_or_create(session, conversation_id)
            now = utc_now()
            row = _find_item(session, conversation_id, item_id)
            if row is None:
                position = _new_position(session, conversation_id, previous_item_id)
                row = Item(conversation_id=conversation_id, item_id=item_id, position=position, payload=item)
            else:
                row.payload = item
                row.updated_at = now
            conversation.updated_at = now
            session.add(row)
            session.add(conversation)

    def delete_item(self, conversation_id: str, item_id: str) -> bool:
        """Delete one item. Returns whether it existed."""
        with self._writing(conversation_id) as session:
            row = _find_item(session, conversation_id, item_id)
            if row is None:
                return False
            session.delete(row)
            conversation = session.get(Conversation, conversation_id)
            if conversation is not None:
                conversation.updated_at = utc_now()
                session.add(conversation)
            return True

    def load_items(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation's items in order (empty if the conversation is unknown)."""
        with self._reading() as session:
            rows = session.exec(
                select(Item)
                .where(Item.conversation_id == conversation_id)
                .order_by(col(Item.position), col(Item.id))
            )
            return [row.payload for row in rows]

    def load_session_config(self, conversation_id: str) -> dict[str, Any] | None:
        """The session configuration last given to `ensure_conversation`, if any."""
        with self._reading() as session:
            conversation = session.get(Conversation, conversation_id)
            return None if conversation is None else conversation.session_config

    def has_conversation(self, conversation_id: str) -> bool:
        """Whether the conversation exists."""
        with self._reading() as session:
            return session.get(Conversation, conversation_id) is not None

    def list_conversations(self, limit: int = 50) -> list[ConversationSummary]:
        """The most recently updated conversations first, at most `limit` of them."""
        item_count = func.count(col(Item.id))
        query = (
            select(Conversation, item_count)
            .outerjoin(Item, col(Item.conversation_id) == col(Conversation.id))
            .group_by(col(Conversation.id))
            .order_by(col(Conversation.updated_at).desc(), col(Conversation.id))
            .limit(limit)
        )
        with self._reading() as session:
            return [
                ConversationSummary(
                    id=conversation.id,
                    created_at=_as_utc(conversation.created_at),
                    updated_at=_as_utc(conversation.updated_at),
                    item_count=count,
                    metadata=conversation.meta or {},
                )
                for conversation, count in session.exec(query)
            ]

    def ping(self) -> None:
        """Raise if the database cannot be reached (readiness checks)."""
        with self._reading() as session:
            session.exec(select(1)).one()

    def save_session_cost(
        self, conversation_id: str, session_id: str, key_id: str, summary: dict[str, Any]
    ) -> None:
        """Keep a session's cost summary with its conversation."""
        with self._writing(conversation_id) as session:
            self._get_or_create(session, conversation_id)
            session.add(
                SessionCost(
                    conversation_id=conversation_id,
                    session_id=session_id,
                    key_id=key_id,
                    total=summary["cost"]["total"],
                    hosted_total=summary["hosted_realtime"]["cost"],
                    summary=summary,
                )
            )

    def session_costs(self, conversation_id: str) -> list[dict[str, Any]]:
        """The cost summaries of a conversation's sessions, oldest first."""
        query = (
            select(SessionCost)
            .where(col(SessionCost.conversation_id) == conversation_id)
            .order_by(col(SessionCost.id))
        )
        with self._reading() as session:
            return [{"session_id": row.session_id, **row.summary} for row in session.exec(query)]

    def costs_by_key(self, since: datetime) -> dict[str, tuple[int, float, float]]:
        """Per key id, sessions ended since `since`: (sessions, total cost, hosted-API cost)."""
        query = (
            select(
                col(SessionCost.key_id),
                func.count(col(SessionCost.id)),
                func.sum(col(SessionCost.total)),
                func.sum(col(SessionCost.hosted_total)),
            )
            .where(col(SessionCost.ended_at) >= since)
            .group_by(col(SessionCost.key_id))
        )
        with self._reading() as session:
            return {
                key: (count, total or 0.0, hosted or 0.0) for key, count, total, hosted in session.exec(query)
            }

    def close(self) -> None:
        """Close the database connections."""
        self._engine.dispose()

    def __enter__(self) -> ConversationStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def _writing(self, conversation_id: str) -> Iterator[Session]:
        """A session that commits on success, holding the conversation's write locks throughout."""
        with self._write_lock, Session(self._engine, expire_on_commit=False) as session:
            if self._engine.dialect.name == "postgresql":
                # Released by the commit (or rollback) below; a 64-bit hash keeps collisions rare,
                # and a collision only makes two conversations' writes queue.
                session.connection().execute(
                    text("SELECT pg_advisory_xact_lock(hashtextextended(:id, 0))"), {"id": conversation_id}
                )
            yield session
            session.commit()

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self._read_guard, Session(self._engine) as session:
            yield session

    @staticmethod
    def _get_or_create(session: Session, conversation_id: str) -> Conversation:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            conversation = Conversation(id=conversation_id)
            session.add(conversation)
            # Flush so the item rows that follow satisfy their foreign key on every backend.
            session.flush()
        return conversation


def _create_engine(url: str) -> tuple[Engine, bool]:
    """The engine for `url`, and whether it is an in-memory SQLite database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True), False
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or parsed.query.get("mode") == "memory"
    if in_memory:
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
    else:
        if not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _configure_sqlite)
    return engine, in_memory


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers proceed while a save commits; the default synchronous=FULL keeps each
    # commit durable. SQLite leaves foreign keys off unless asked, per connection.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _find_item(session: Session, conversation_id: str, item_id: str) -> Item | None:
    return session.exec(
        select(Item).where(Item.conversation_id == conversation_id, Item.item_id == item_id)
    ).first()


def _new_position(session: Session, conversation_id: str, previous_item_id: str | None) -> float:
    """Where a new item goes; renumbers the conversation when floats run out of room."""
    positions = col(Item.position)
    in_conversation = col(Item.conversation_id) == conversation_id
    if previous_item_id == ROOT:
        first = session.exec(select(func.min(positions)).where(in_conversation)).one()
        return 0.0 if first is None else first - _STEP
    anchor = None if previous_item_id is None else _find_item(session, conversation_id, previous_item_id)
    if anchor is None:
        last = session.exec(select(func.max(positions)).where(in_conversation)).one()
        return 0.0 if last is None else last + _STEP
    following = session.exec(
        select(func.min(positions)).where(in_conversation, positions > anchor.position)
    ).one()
    if following is None:
        return anchor.position + _STEP
    middle = (anchor.position + following) / 2
    if anchor.position < middle < following:
        return middle
    # ~50 inserts at the same spot halve the gap down to nothing; spread everything out again.
    _renumber(session, conversation_id)
    return anchor.position + _STEP / 2


def _renumber(session: Session, conversation_id: str) -> None:
    rows = session.exec(
        select(Item).where(Item.conversation_id == conversation_id).order_by(col(Item.position), col(Item.id))
    ).all()
    for index, row in enumerate(rows):
        row.position = index * _STEP
        session.add(row)
    session.flush()


def _as_utc(moment: datetime) -> datetime:
    # SQLite drops the zone on the way in; everything stored is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
