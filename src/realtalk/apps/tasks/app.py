"""The Task Manager app: `realtalk serve --app task-manager`."""

from __future__ import annotations

from fastapi import FastAPI

from ...config import Settings
from .. import App
from .api import task_router
from .store import TaskStore
from .voice import attach_store, tools

INSTRUCTIONS = (
    "You are Tasha, a voice task manager. Greet the user with 'Hi, I am Tasha. "
    "Tell me what you need to do, and I will keep your list.' "
    "Use the tools to add, list, complete, reschedule and delete tasks. Keep answers short."
)


def attach(server: FastAPI, settings: Settings) -> None:
    """Give the server the Task API and point the voice tools at the same database."""
    store = TaskStore(settings.resolved_database_url)
    attach_store(store)
    server.include_router(task_router(store))


app = App(
    name="task-manager",
    tools=tools,
    session={"type": "realtime", "instructions": INSTRUCTIONS},
    attach=attach,
)
