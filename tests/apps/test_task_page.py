"""The live task page: its static files, and the Server-Sent Events that keep it current whether the
list changes through the REST API or by voice."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from realtalk.apps.tasks.app import STATIC
from tests.live_server import API_KEY, LiveServer
from tests.realtime_client import realtime

pytestmark = pytest.mark.slow
AUTH = {"Authorization": f"Bearer {API_KEY}"}


def test_the_page_and_the_files_it_references_are_served(task_server: LiveServer) -> None:
    with httpx.Client(base_url=task_server.http_url) as client:  # the shell needs no key
        assert client.get("/apps/tasks/api/tasks").status_code == 401, "its data does"
        page = client.get("/apps/tasks/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        referenced = re.findall(r'(?:href|src)="([^"]+)"', page.text)
        assert sorted(referenced) == ["static/app.js", "static/style.css"]
        for path in referenced:
            served = client.get(f"/apps/tasks/{path}")
            assert served.status_code == 200
            assert served.text == (STATIC / Path(path).name).read_text()
        assert served.headers["content-type"].startswith("text/javascript")
        script = (STATIC / "app.js").read_text()
        assert 'new URL("api/", document.baseURI)' in script and 'addEventListener("tasks"' in script
        assert client.get("/apps/tasks/static/missing.js").status_code == 404


async def _events(client: httpx.AsyncClient, into: asyncio.Queue[list[dict[str, Any]]]) -> None:
    async with client.stream("GET", "/apps/tasks/api/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event = ""
        async for line in response.aiter_lines():
            if line.startswith("event:"):
                event = line.removeprefix("event:").strip()
            elif line.startswith("data:") and event == "tasks":
                await into.put(json.loads(line.removeprefix("data:").strip()))


async def _next_with(updates: asyncio.Queue[list[dict[str, Any]]], title: str) -> list[dict[str, Any]]:
    """The next update; it must hold `title` (no update is allowed to be missed or late)."""
    tasks = await asyncio.wait_for(updates.get(), 30)
    assert any(t["title"] == title for t in tasks), tasks
    return tasks


@pytest.fixture
async def updates(task_server: LiveServer) -> AsyncIterator[asyncio.Queue[list[dict[str, Any]]]]:
    queue: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue()
    async with httpx.AsyncClient(base_url=task_server.http_url, headers=AUTH, timeout=None) as client:
        reader = asyncio.create_task(_events(client, queue))
        yield queue
        reader.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reader


async def test_events_follow_rest_and_voice_changes(
    task_server: LiveServer, updates: asyncio.Queue[list[dict[str, Any]]]
) -> None:
    first = await asyncio.wait_for(updates.get(), 30)  # the list as it is on connecting
    assert isinstance(first, list)
    async with httpx.AsyncClient(base_url=f"{task_server.http_url}/apps/tasks/api", headers=AUTH) as api:
        created = (await api.post("/tasks", json={"title": "renew passport", "tags": ["admin"]})).json()
        tasks = await _next_with(updates, "renew passport")
        assert next(t for t in tasks if t["id"] == created["id"])["tags"] == ["admin"]
        async with realtime(task_server) as conn:
            await conn.update(output_modalities=["text"])
            assert "water the plants" in await conn.turn("add a task to water the plants")
            await _next_with(updates, "water the plants")
            assert "done" in await conn.turn("mark renew passport as done")
            tasks = await asyncio.wait_for(updates.get(), 30)
            done = next(t for t in tasks if t["id"] == created["id"])
            assert done["status"] == "done" and done["completed_at"]
        await api.delete(f"/tasks/{created['id']}")
        tasks = await asyncio.wait_for(updates.get(), 30)
        assert all(t["id"] != created["id"] for t in tasks)
    assert updates.empty()


async def test_events_need_the_key(task_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=task_server.http_url) as client:
        assert (await client.get("/apps/tasks/api/events")).status_code == 401
