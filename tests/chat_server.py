"""A real Chat Completions server on loopback that plays scripted replies and records requests.

Speaks the OpenAI wire format (SSE streaming: `data: {chunk}` events, then `data: [DONE]`), so
the official client and RealTalk's OpenAI-compatible brain talk to it exactly as they would to
vLLM, Ollama or OpenAI. Usage:

    with ChatServer() as chat:
        chat.replies.append(Scripted(text=["Hello", " there."]))
        ... point a client at chat.base_url ...
        assert chat.requests[0]["model"] == "llama3"
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
    """One reply.

    text: content pieces, one chunk each; tool_calls: `(name, [argument fragments])`, each call
    announced in one chunk and its arguments streamed in the following ones; status: an HTTP
    error instead of a stream; hang_s: wait before answering at all; stall_s: wait after the text
    pieces, mid-stream (a stalled model); piece_delay_s: wait before each text piece after the
    first (a model writing at its own pace).
    """

    text: list[str] = field(default_factory=list)
    tool_calls: list[tuple[str, list[str]]] = field(default_factory=list)
    status: int = 200
    hang_s: float = 0.0
    stall_s: float = 0.0
    piece_delay_s: float = 0.0


class ChatServer:
    """Serves `base_url` (…/v1) from a background thread; queue replies in `replies`.

    Records each request's JSON body in `requests` and its headers in `headers`; `outcomes`
    says, per streamed reply, "streaming", "done", or "client left" (it disconnected mid-reply).
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.replies: list[Scripted] = []
        self.default = Scripted(text=["OK."])
        """The reply when `replies` is empty."""
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.outcomes: list[str] = []
        app = Starlette(routes=[Route("/v1/chat/completions", self._completions, methods=["POST"])])
        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> ChatServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
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
        reply = self.replies.pop(0) if self.replies else self.default
        if reply.hang_s:
            await asyncio.sleep(reply.hang_s)
        if reply.status != 200:
            error = {"error": {"message": "scripted failure", "type": "server_error", "code": None}}
            return JSONResponse(error, status_code=reply.status)
        return StreamingResponse(self._events(body["model"], reply), media_type="text/event-stream")

    async def _events(self, model: str, reply: Scripted) -> AsyncIterator[str]:
        def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
            payload = {
                "id": "chatcmpl-scripted",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return f"data: {json.dumps(payload)}\n\n"

        index = len(self.outcomes)
        self.outcomes.append("streaming")
        try:
            yield chunk({"role": "assistant", "content": ""})
            for number, piece in enumerate(reply.text):
                if number and reply.piece_delay_s:
                    await asyncio.sleep(reply.piece_delay_s)
                yield chunk({"content": piece})
            if reply.stall_s:
                await asyncio.sleep(reply.stall_s)
            for number, (name, fragments) in enumerate(reply.tool_calls):
                announce = {"index": number, "id": f"call_{number}", "type": "function",
                            "function": {"name": name, "arguments": ""}}  # fmt: skip
                yield chunk({"tool_calls": [announce]})
                for fragment in fragments:
                    yield chunk({"tool_calls": [{"index": number, "function": {"arguments": fragment}}]})
            yield chunk({}, "tool_calls" if reply.tool_calls else "stop")
            yield "data: [DONE]\n\n"
            self.outcomes[index] = "done"
        except asyncio.CancelledError:  # Starlette cancels the stream when the client disconnects
            self.outcomes[index] = "client left"
            raise
