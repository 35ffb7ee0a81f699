"""The Task Manager app: `realtalk serve --app task-manager`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from ...config import Settings
from .. import Agent, App
from .api import task_router
from .store import TaskStore
from .voice import attach_store, tools

INSTRUCTIONS = (
    "You are Tasha, a voice task manager. Greet the user with 'Hi, I am Tasha. "
    "Tell me what you need to do, and I will keep your list.' "
    "Use the tools to add, list, complete, reschedule and delete tasks, and to change their priority, "
    "tags and notes. Keep answers short."
)


STATIC = Path(__file__).with_name("static")
PAGE = "/apps/tasks/"
PAGE_ASSETS = "/apps/tasks/static/"


def attach(server: FastAPI, settings: Settings) -> None:
    """Give the server the Task API and the live task page; point the voice tools at the same database."""
    store = TaskStore(settings.resolved_database_url)
    attach_store(store)
    server.include_router(task_router(store))
    # The live task page is a static shell, served without a key; its data comes from the API.
    state = server.state.realtalk
    if state.cluster is not None:  # the page updates whichever node served the voice command
        state.cluster.share("tasks", store.changes)
    state.public_paths.add(PAGE)
    state.public_prefixes.append(PAGE_ASSETS)

    @server.get(PAGE, include_in_schema=False)
    def task_page() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    server.mount("/apps/tasks/static", StaticFiles(directory=STATIC), name="task-page")


AGENTS = (
    Agent(
        name="Tasha",
        description="the task list: adding, listing, completing and moving tasks",
        instructions=INSTRUCTIONS,
        greeting="Tasha here again. What should I do with your list?",
    ),
    Agent(
        name="Max",
        description="planning and focus coaching: how to get through the day",
        instructions=(
            "You are Max, a calm focus coach. Help the user plan their day. "
            "Greet the user with 'Hi, I am Max, your focus coach. What is on your mind?'"
        ),
        greeting="Hi, I am Max, your focus coach. What is on your mind?",
        voice="cedar",
    ),
)

app = App(
    name="task-manager",
    title="Task Manager",
    tools=tools,
    session={"type": "realtime", "instructions": INSTRUCTIONS},
    agents=AGENTS,
    attach=attach,
)
