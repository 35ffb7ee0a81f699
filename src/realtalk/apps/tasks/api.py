"""The Task API: REST CRUD under `/apps/tasks/api`, documented in the server's OpenAPI, and a
Server-Sent Events stream of the list as it changes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, HTTPException, Response
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from .models import Status, Task, TaskCreate, TaskUpdate
from .store import TaskStore


def task_router(store: TaskStore) -> APIRouter:
    router = APIRouter(prefix="/apps/tasks/api", tags=["tasks"])

    @router.get("/tasks", response_model=list[Task])
    def list_tasks(status: Status | None = None, tag: str | None = None) -> list[Task]:
        """All tasks, soonest due first."""
        return store.list(status=status, tag=tag)

    @router.post("/tasks", response_model=Task, status_code=201)
    def create_task(fields: TaskCreate) -> Task:
        return store.create(fields)

    @router.get("/tasks/{task_id}", response_model=Task)
    def get_task(task_id: int) -> Task:
        task = store.get(task_id)
        if task is None:
            raise HTTPException(404, f"task {task_id} not found")
        return task

    @router.patch("/tasks/{task_id}", response_model=Task)
    def update_task(task_id: int, changes: TaskUpdate) -> Task:
        task = store.update(task_id, changes)
        if task is None:
            raise HTTPException(404, f"task {task_id} not found")
        return task

    @router.delete("/tasks/{task_id}", status_code=204)
    def delete_task(task_id: int) -> Response:
        if not store.delete(task_id):
            raise HTTPException(404, f"task {task_id} not found")
        return Response(status_code=204)

    @router.get("/events", response_class=EventSourceResponse)
    async def task_events() -> EventSourceResponse:
        """Server-Sent Events: a `tasks` event with the whole list now, and again after every change."""

        async def events() -> AsyncIterator[ServerSentEvent]:
            async with store.changes.subscribe() as changed:
                version = store.changes.version
                while True:
                    tasks = await run_in_threadpool(store.list)
                    data = json.dumps([t.model_dump(mode="json") for t in tasks])
                    yield ServerSentEvent(data=data, event="tasks", id=str(version))
                    version = await changed.get()

        return EventSourceResponse(events(), ping=15)

    return router
