"""Graceful drain on SIGTERM: stop taking sessions, let live calls finish, then end the rest cleanly.

A voice call lives on one node for its whole life, so a node that is asked to stop (a deploy, a
scale-in) must not cut its callers off mid-sentence. On the first SIGTERM (or Ctrl-C) the node
drains: `/readyz` answers 503 so the load balancer sends nobody new, new sessions are refused with
503 + `Retry-After`, and live calls carry on until they end or `drain_timeout_s` passes. Calls
still live then get a final `error` event (code `server_shutting_down`), their saves finish, and
their connections close (WebSocket 1001 "going away"); only then does uvicorn shut down. A second
signal cuts the wait short (the calls still get the final event).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from types import FrameType
from typing import TYPE_CHECKING, Any

import uvicorn
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from ..protocol.errors import ProtocolError
from ..protocol.ids import new_id
from .capacity import Refusal

if TYPE_CHECKING:
    from .calls import Call

log = logging.getLogger(__name__)

SHUTTING_DOWN = "server_shutting_down"
"""The `error` event code a call gets when the node ends it at the end of a drain."""
GOING_AWAY = 1001
RETRY_AFTER_S = 1
"""Another node can take the session at once: the balancer has stopped routing here."""

NEW_SESSION_PATHS = frozenset({"/v1/realtime", "/v1/realtime/calls", "/v1/realtalk/chat"})
"""What starts a session. Sideband joins (`?call_id=`) and hang-ups reach calls already live."""


class Drain:
    """This node's live calls, and whether it is draining."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.live: set[Call] = set()
        self.draining = False
        self._cut_short = False

    def request(self) -> None:
        """Start draining, or cut a drain short. Only sets flags: it runs in a signal handler."""
        if self.draining:
            self._cut_short = True
        self.draining = True

    async def run(self) -> None:
        """Wait for the live calls to end (up to the timeout), then end the rest with a final event."""
        log.warning("draining: %d live calls, waiting up to %g s", len(self.live), self.timeout_s)
        deadline = time.monotonic() + self.timeout_s
        # Polled: calls end on their own, and `_cut_short` is set by a signal handler.
        while self.live and time.monotonic() < deadline and not self._cut_short:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        remaining = list(self.live)
        if remaining:
            log.warning("drain over: ending %d live calls", len(remaining))
        await asyncio.gather(*(self._end(call) for call in remaining))

    @staticmethod
    async def _end(call: Call) -> None:
        error = ProtocolError(
            "This server is shutting down; reconnect (with your conversation_id to continue).",
            code=SHUTTING_DOWN,
            type="server_error",
        )
        event = {"type": "error", "event_id": new_id("event"), "error": error.to_error(None)}
        for listener in list(call.listeners):
            try:
                await listener.deliver(event)
            except Exception as exc:  # a dead connection must not keep the others from their event
                log.debug("call %s: final event not delivered: %s", call.id, exc)
        call.close_code = GOING_AWAY
        await call.end()

    def refusal(self) -> JSONResponse:
        message = "This server is shutting down and takes no new sessions. Retry: another node will take it."
        return Refusal(503, SHUTTING_DOWN, message, retry_after_s=RETRY_AFTER_S).response()


class DrainGate:
    """ASGI middleware: while draining, requests that would start a session get 503 + Retry-After."""

    def __init__(self, app: ASGIApp, drain: Drain) -> None:
        self.app = app
        self.drain = drain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.drain.draining and _starts_session(scope):
            if scope["type"] == "websocket":
                await WebSocket(scope, receive, send).send_denial_response(self.drain.refusal())
            else:
                await self.drain.refusal()(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _starts_session(scope: Scope) -> bool:
    if scope["type"] not in ("http", "websocket") or scope["path"] not in NEW_SESSION_PATHS:
        return False
    if scope["type"] == "http":
        return bool(scope["method"] == "POST")
    return b"call_id=" not in scope.get("query_string", b"")


class DrainingServer(uvicorn.Server):
    """uvicorn, but the first SIGTERM/SIGINT drains (see the module docstring) before it shuts down."""

    def __init__(self, config: uvicorn.Config, drain: Drain) -> None:
        super().__init__(config)
        self.drain = drain
        self._drain_task: asyncio.Task[None] | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._drain_task is not None and self._drain_task.done():
            super().handle_exit(sig, frame)  # drained and still asked: uvicorn's own way
            return
        if sig in (signal.SIGTERM, signal.SIGINT):
            self._captured_signals.append(sig)
        self.drain.request()

    async def on_tick(self, counter: int) -> bool:
        if self.drain.draining and self._drain_task is None:
            self._drain_task = asyncio.create_task(self.drain.run())
        if self._drain_task is not None and self._drain_task.done():
            self.should_exit = True
        result: Any = await super().on_tick(counter)
        return bool(result)
