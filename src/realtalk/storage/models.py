"""The conversation store's tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def _timestamp() -> Any:
    # A fresh Column each time: SQLAlchemy binds a Column to exactly one table.
    return Field(default_factory=utc_now, sa_column=Column(DateTime(timezone=True), nullable=False))


class Conversation(SQLModel, table=True):
    """One conversation: a Realtime session's history, which may outlive the connection."""

    id: str = Field(primary_key=True)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    session_config: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    """The session's configuration as last saved (a Realtime `session` object), if any."""
    meta: dict[str, str] | None = Field(
        default=None, sa_column=Column("metadata", JSON(none_as_null=True), nullable=True)
    )
    """Who and what the conversation came from (a phone call's caller id, channel…)."""


class Item(SQLModel, table=True):
    """One Realtime conversation item, stored whole as JSON."""

    __table_args__ = (
        UniqueConstraint("conversation_id", "item_id"),
        Index("ix_item_conversation_position", "conversation_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(foreign_key="conversation.id", ondelete="CASCADE")
    item_id: str
    position: float
    """Sort key within the conversation. Fractional, so an insert between two items is a midpoint."""
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    """The GA conversation item (`{"id": ..., "type": "message", ...}`) exactly as given."""
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class SessionCost(SQLModel, table=True):
    """What one session of a conversation cost (see `realtalk.server.costs`), for summing per key."""

    __table_args__ = (Index("ix_sessioncost_key_ended", "key_id", "ended_at"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(foreign_key="conversation.id", ondelete="CASCADE", index=True)
    session_id: str
    key_id: str
    """The API key's id (never the key itself)."""
    ended_at: datetime = _timestamp()
    total: float
    """Its cost, in the price table's currency."""
    hosted_total: float
    """The same usage at the hosted Realtime API's list prices."""
    summary: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    """The whole cost summary: usage per stage, tokens, audio, costs, and the prices' sources."""
