"""Example apps that ship with RealTalk: a persona, server-side tools, and session defaults.

Run one with `realtalk serve --app NAME`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..tools.registry import ToolRegistry

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..config import Settings


@dataclass(frozen=True)
class App:
    """What an app adds to the server: tools, and the session every client starts with."""

    name: str
    tools: ToolRegistry
    session: dict[str, Any] = field(default_factory=dict)
    """A GA `session` object (partial) applied before the client's own `session.update`s."""
    attach: Callable[[FastAPI, Settings], None] | None = None
    """Adds the app's own routes and state to the server (e.g. a REST API)."""


def builtin_apps() -> dict[str, App]:
    from .escape_room import app as escape_room
    from .tasks.app import app as task_manager

    return {app.name: app for app in (escape_room, task_manager)}
