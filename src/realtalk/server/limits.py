"""Request bodies: a size limit on every route, and a limit on pauses while a body arrives.

Pure ASGI and outermost, so it holds for every route, public or not, whatever the handler does: a
declared `Content-Length` over the limit is refused before the app runs, and a body that grows
past it (a lying or absent `Content-Length`, chunked encoding) is refused the moment it does, so
the server never holds more than the limit of one body. The refusal is OpenAI's error shape with
`Connection: close`, because the rest of the body is not worth reading.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOGIN_BODY_BYTES = 4 * 1024
"""`POST /web/login` carries one token: nginx's whole default `client_max_body_size` is 1 MiB."""


class BodyRefused(Exception):
    """Raised into the handler that was reading the body; the refusal has been sent already."""


class BodyLimits:
    """Refuse bodies over `limit_for(path)` bytes (413) or that pause over `pause_timeout_s` (408)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int], pause_timeout_s: float) -> None:
        self.app = app
        self.limit_for = limit_for
        self.pause_timeout_s = pause_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, 413, _too_large(limit))
            return
        received = 0
        more_body = True
        started = refused = False

        async def limited_receive() -> Message:
            nonlocal received, more_body, refused
            if not more_body:  # the body is in; what follows is waiting for a disconnect
                return await receive()
            try:
                async with asyncio.timeout(self.pause_timeout_s):
                    message = await receive()
            except TimeoutError:
                reason = f"The request body stalled for more than {self.pause_timeout_s:g} s."
                await refuse(408, reason, "request_timeout")
                raise BodyRefused(reason) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                more_body = message.get("more_body", False)
                if received > limit:
                    await refuse(413, _too_large(limit), "request_too_large")
                    raise BodyRefused(_too_large(limit))
            return message

        async def refuse(status: int, message: str, code: str) -> None:
            nonlocal refused
            refused = True
            if not started:
                await _refuse(send, status, message, code)

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if refused:  # whatever the app makes of the aborted read, the client has its answer
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except BodyRefused:
            pass
        except Exception:
            if not refused:
                raise


def _too_large(limit: int) -> str:
    return f"The request body is larger than this route's limit of {limit} bytes."


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the HTTP parser refuses these before we see them
    return None


async def _refuse(send: Send, status: int, message: str, code: str = "request_too_large") -> None:
    body = json.dumps(
        {"error": {"type": "invalid_request_error", "code": code, "message": message, "param": None}}
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
