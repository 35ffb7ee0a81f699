"""Example apps that ship with RealTalk: a persona, server-side tools, and session defaults.

Run one with `realtalk serve --app NAME`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..tools.registry import ToolRegistry


@dataclass(frozen=True)
class App:
    """What an app adds to the server: tools, and the session every client starts with."""

    name: str
    tools: ToolRegistry
    session: dict[str, Any] = field(default_factory=dict)
    """A GA `session` object (partial) applied before the client's own `session.update`s."""


def builtin_apps() -> dict[str, App]:
    from .escape_room import app as escape_room

    return {escape_room.name: escape_room}
