"""The Voice Task Manager: its REST API, and the same list driven by talking to the agent."""

from __future__ import annotations

import httpx
import pytest

from tests.live_server import API_KEY, LiveServer
from tests.realtime_client import realtime

pytestmark = pytest.mark.slow
AUTH = {"Authorization": f"Bearer {API_KEY}"}


def api(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=f"{server.http_url}/apps/tasks/api", headers=AUTH)


def test_rest_crud(task_server: LiveServer) -> None:
    with api(task_server) as client:
        assert httpx.get(f"{task_server.http_url}/apps/tasks/api/tasks").status_code == 401
        created = client.post(
            "/tasks",
            json={"title": "file taxes", "priority": "high", "tags": ["home"], "due": "2030-04-15T09:00:00"},
        )
        assert created.status_code == 201
        task = created.json()
        assert task["status"] == "open" and task["tags"] == ["home"]
        assert client.get(f"/tasks/{task['id']}").json()["title"] == "file taxes"
        patched = client.patch(f"/tasks/{task['id']}", json={"status": "done"}).json()
        assert patched["status"] == "done" and patched["priority"] == "high"
        assert [t["id"] for t in client.get("/tasks", params={"tag": "home"}).json()] == [task["id"]]
        assert client.post("/tasks", json={"title": ""}).status_code == 422
        assert client.post("/tasks", json={"title": "x", "priority": "urgent"}).status_code == 422
        assert client.delete(f"/tasks/{task['id']}").status_code == 204
        assert client.get(f"/tasks/{task['id']}").status_code == 404
        assert client.delete(f"/tasks/{task['id']}").status_code == 404
        paths = httpx.get(f"{task_server.http_url}/openapi.json", headers=AUTH).json()["paths"]
        assert "/apps/tasks/api/tasks/{task_id}" in paths


async def test_voice_tools_share_the_list(task_server: LiveServer) -> None:
    async with realtime(task_server) as conn:
        await conn.update(output_modalities=["text"])
        assert "Tasha" in await conn.turn("hello")
        assert "buy milk" in await conn.turn("add a task to buy milk tomorrow at 3pm")
        with api(task_server) as client:
            tasks = client.get("/tasks").json()
        milk = next(t for t in tasks if t["title"] == "buy milk")
        assert milk["due"].endswith("15:00:00")
        assert "buy milk" in await conn.turn("what's due tomorrow")
        assert "done" in await conn.turn("mark buy milk as complete")
        with api(task_server) as client:
            assert client.get(f"/tasks/{milk['id']}").json()["status"] == "done"
        await conn.turn("add a task to call the bank on friday")
        answer = await conn.turn("delete the task call the bank")
        assert "really want to delete" in answer
        with api(task_server) as client:
            assert any(t["title"] == "call the bank" for t in client.get("/tasks").json())
        assert "Deleted" in await conn.turn("yes delete call the bank")
        with api(task_server) as client:
            assert not any(t["title"] == "call the bank" for t in client.get("/tasks").json())


async def test_handoff_to_the_coach_and_back(task_server: LiveServer) -> None:
    async with realtime(task_server) as conn:
        await conn.update(output_modalities=["text"])
        await conn.turn("add a task to water the plants")
        assert "I am Max" in await conn.turn("can i talk to the focus coach")
        updated = [e for e in conn.events if e["type"] == "session.updated"][-1]
        assert updated["session"]["instructions"].startswith("You are Max")
        assert updated["session"]["audio"]["output"]["voice"] == "cedar"
        assert "Tasha" in await conn.turn("transfer me back to tasha for the task list please")
        assert "water the plants" in await conn.turn("list my tasks")
