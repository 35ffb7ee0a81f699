"""Example apps that ship with RealTalk: a persona, server-side tools, and session defaults.

Run one with `realtalk serve --app NAME`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..brain.base import ToolSpec
from ..session.session import Handoff
from ..tools.registry import ToolRegistry

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..config import Settings


@dataclass(frozen=True)
class Agent:
    """One of an app's agents. The conversation can be handed to it (and back) at any time."""

    name: str
    description: str
    """What it is for, told to the other agents' brains ("billing questions")."""
    instructions: str
    greeting: str
    voice: str | None = None

    def handoff(self) -> Handoff:
        update: dict[str, Any] = {"instructions": self.instructions}
        if self.voice:
            update["audio"] = {"output": {"voice": self.voice}}
        tool = ToolSpec(
            f"transfer_to_{self.name.lower()}",
            f"Hand the conversation to {self.name}, who handles {self.description}.",
            {"type": "object", "properties": {}},
        )
        return Handoff(self.name, tool, update, self.greeting)


@dataclass(frozen=True)
class App:
    """What an app adds to the server: tools, and the session every client starts with."""

    name: str
    tools: ToolRegistry
    title: str = "RealTalk"
    """Shown by the web app."""
    session: dict[str, Any] = field(default_factory=dict)
    """A GA `session` object (partial) applied before the client's own `session.update`s."""
    agents: tuple[Agent, ...] = ()
    """Agents the conversation can be handed to; the session starts with the app's own persona."""
    attach: Callable[[FastAPI, Settings], None] | None = None
    """Adds the app's own routes and state to the server (e.g. a REST API)."""


def builtin_apps() -> dict[str, App]:
    from .escape_room import app as escape_room
    from .tasks.app import app as task_manager

    return {app.name: app for app in (escape_room, task_manager)}
