"""The Escape Room as a browser voice agent with a sideband backend (OpenAI's workshop pattern).

The browser talks to the Realtime API directly over WebRTC; this backend never touches its audio.
It holds the master key and the secret, and does three things:

1. `POST /session` mints a short-lived client secret for the browser. Its session has Enigma's
   instructions and two client-defined tools, `get_hint` and `unlock_door(code)`. The door's code
   is not in it: nothing the browser is given, or can read on its data channel, holds the code.
2. `POST /watch {"call_id": ...}`: the browser says which call it started (the id is the last
   part of the `Location` header of `POST /v1/realtime/calls`). The backend joins that call with
   its master key (`client.realtime.connect(call_id=...)`), answers every tool call with a
   `function_call_output` and asks for the next reply with `response.create`: a hint reveals one
   digit by position, and a guess is checked here.
3. It leaves when the call ends (the server closes the sideband socket).

It works unchanged against RealTalk and OpenAI; only the base URL and key differ:

    realtalk serve --port 8080                    # with REALTALK_CORS_ORIGINS=http://127.0.0.1:8000
    python examples/escape_room_sideband.py --realtime-url http://127.0.0.1:8080/v1 --api-key KEY
    python examples/escape_room_sideband.py       # OpenAI, with OPENAI_API_KEY set

and open http://127.0.0.1:8000/ (the page in escape_room_sideband.html). A real app would sign its
users in before minting secrets or watching calls for them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
from pathlib import Path
from typing import Any, cast

import uvicorn
from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse
from openai import AsyncOpenAI
from openai.resources.realtime.realtime import AsyncRealtimeConnection
from openai.types.realtime import (
    RealtimeResponse,
    RealtimeSessionCreateRequestParam,
    RealtimeToolsConfigUnionParam,
)
from pydantic import BaseModel
from websockets.exceptions import InvalidStatus

from realtalk.apps.escape_room import INSTRUCTIONS, Room, Rooms, function_tools

log = logging.getLogger("escape_room_sideband")

PAGE = Path(__file__).with_name("escape_room_sideband.html")


class EscapeRoomBackend:
    """Mints the browser's keys and runs the room of every call it is asked to watch."""

    def __init__(self, client: AsyncOpenAI, *, model: str = "gpt-realtime", voice: str = "marin") -> None:
        self.client = client
        self.model = model
        self.voice = voice
        self.rooms = Rooms()
        """One room (and code) per call id."""
        self.watching: dict[str, asyncio.Task[None]] = {}
        """The sideband task of each call in progress."""
        self._joining = asyncio.Lock()

    async def client_secret(self) -> str:
        """An `ek_…` key for one browser session: Enigma and the two tools, never the code."""
        session: RealtimeSessionCreateRequestParam = {
            "type": "realtime",
            "model": self.model,
            "instructions": INSTRUCTIONS,
            "audio": {"output": {"voice": self.voice}},
            "tools": cast("list[RealtimeToolsConfigUnionParam]", function_tools()),
        }
        secret = await self.client.realtime.client_secrets.create(
            session=session, expires_after={"anchor": "created_at", "seconds": 600}
        )
        return secret.value

    async def watch(self, call_id: str) -> None:
        """Join the call (raises if it cannot), then run its room in the background until it ends.

        Returns once joined, so the browser can start playing as soon as its `/watch` returns.
        """
        async with self._joining:  # one sideband per call, however often we are told
            if call_id in self.watching:
                return
            connection = await self.client.realtime.connect(call_id=call_id).enter()
            task = asyncio.create_task(self._run(call_id, connection))
            self.watching[call_id] = task
            task.add_done_callback(lambda done: self._left(call_id, done))

    async def _run(self, call_id: str, connection: AsyncRealtimeConnection) -> None:
        room = self.rooms.get(call_id)
        log.info("joined call %s", call_id)
        try:
            async for event in connection:  # ends when the call ends and the server closes the socket
                # Answer once the response that called the tools is done: a new response.create
                # while one is still running would be refused.
                if event.type == "response.done":
                    await self._answer_tool_calls(connection, room, event.response)
        finally:
            await connection.close()

    def _left(self, call_id: str, task: asyncio.Task[None]) -> None:
        self.watching.pop(call_id, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("call %s: sideband failed: %r", call_id, task.exception())
        else:
            log.info("call %s ended", call_id)

    async def _answer_tool_calls(
        self, connection: AsyncRealtimeConnection, room: Room, response: RealtimeResponse
    ) -> None:
        calls = [item for item in response.output or [] if item.type == "function_call"]
        for call in calls:
            result = run_tool(room, call.name, call.arguments)
            await connection.conversation.item.create(
                item={
                    "type": "function_call_output",
                    "call_id": call.call_id or "",
                    "output": json.dumps(result),
                }
            )
        if calls:
            await connection.response.create()


def run_tool(room: Room, name: str, arguments: str) -> dict[str, Any]:
    """One tool call, decided here on the backend, where the code is."""
    if name == "get_hint":
        return room.hint()
    if name == "unlock_door":
        try:
            code = json.loads(arguments or "{}").get("code", "")
        except (ValueError, AttributeError):
            return {"error": "unlock_door needs a JSON object with the code"}
        return room.try_code(str(code))
    return {"error": f"there is no tool called {name}"}


class Watch(BaseModel):
    call_id: str


def web_app(backend: EscapeRoomBackend, realtime_url: str) -> FastAPI:
    """The browser's side of the backend: the page, its key, and which call to watch."""
    app = FastAPI(title="Escape Room (sideband)")

    @app.get("/")
    async def page() -> FileResponse:
        return FileResponse(PAGE)

    @app.post("/session")
    async def session() -> dict[str, str]:
        """A client secret, and where the browser sends its SDP offer with it."""
        return {"value": await backend.client_secret(), "realtime_url": realtime_url}

    @app.post("/watch", status_code=202)
    async def watch(body: Watch) -> dict[str, str]:
        """Join the browser's call by sideband."""
        try:
            await backend.watch(body.call_id)
        except InvalidStatus as exc:
            status = exc.response.status_code
            raise HTTPException(404 if status == 404 else 502, f"could not join the call ({status})") from exc
        return {"call_id": body.call_id, "status": "watching"}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--realtime-url", default="https://api.openai.com/v1", help="the API's base URL")
    parser.add_argument("--api-key", default=os.environ.get("OPENAI_API_KEY"), help="the master key")
    parser.add_argument("--model", default="gpt-realtime")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    if not args.api_key:
        parser.error("give --api-key or set OPENAI_API_KEY")
    logging.basicConfig(level=logging.INFO)
    backend = EscapeRoomBackend(
        AsyncOpenAI(base_url=args.realtime_url, api_key=args.api_key), model=args.model
    )
    uvicorn.run(web_app(backend, args.realtime_url), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
