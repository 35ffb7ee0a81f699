"""A real Chat Completions server on loopback that plays scripted replies and records requests.

Speaks the OpenAI wire format (JSON and SSE streaming), so the official client and RealTalk's
OpenAI-compatible brain talk to it exactly as they would to vLLM, Ollama or OpenAI.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.live_server import free_port


@dataclass
class Scripted:
    """One reply: text pieces and/or tool calls (`(name, [argument fragments])`)."""

    text: list[str] = field(default_factory=list)
    tool_calls: list[tuple[str, list[str]]] = field(default_factory=list)
    status: int = 200
    hang_s: float = 0.0


class ChatServer:
    """`with ChatServer() as chat:` serves `chat.base_url`; queue replies with `chat.replies`."""

    def __init__(self) -> None:
        self.port = free_port()
        self.replies: list[Scripted] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        app = Starlette(routes=[Route("/v1/chat/completions", self._completions, methods=["POST"])])
        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> ChatServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("chat server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self._server.should_exit = True
        self._thread.join(5)

    async def _completions(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        reply = self.replies.pop(0) if self.replies else Scripted(text=["OK."])
        if reply.hang_s:
            await asyncio.sleep(reply.hang_s)
        if reply.status != 200:
            return JSONResponse(
                {"error": {"message": "scripted failure", "type": "server_error"}}, status_code=reply.status
            )
        return StreamingResponse(self._events(body["model"], reply), media_type="text/event-stream")

    async def _events(self, model: str, reply: Scripted) -> AsyncIterator[str]:
        def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
            payload = {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return f"data: {json.dumps(payload)}\n\n"

        yield chunk({"role": "assistant", "content": ""})
        for piece in reply.text:
            yield chunk({"content": piece})
        for index, (name, fragments) in enumerate(reply.tool_calls):
            yield chunk(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": f"call_{index}",
                            "type": "function",
                            "function": {"name": name, "arguments": ""},
                        }
                    ]
                }
            )
            for fragment in fragments:
                yield chunk({"tool_calls": [{"index": index, "function": {"arguments": fragment}}]})
        yield chunk({}, "tool_calls" if reply.tool_calls else "stop")
        yield "data: [DONE]\n\n"
