"""uvicorn's connection protocols, with the guards uvicorn lacks (checked against uvicorn 0.30-0.54).

- A deadline for the request head. uvicorn times out idle keep-alive connections, but a connection
  that never sends a request, or sends its head a byte at a time (slowloris), stays open forever.
  Apache's mod_reqtimeout (`header=20-40`) and nginx's `client_header_timeout` (60 s) bound it;
  so does this, from the moment the connection opens or its previous response completes.
- A connection cap that covers WebSocket upgrades too: uvicorn's `limit_concurrency` answers 503
  to plain requests only.
- No ERROR line for a refused WebSocket upgrade: uvicorn logs "returned without completing
  handshake" after every denial response, so each wrong key became an ERROR (a log flood anyone
  could cause). The refusal is logged by the app instead (`auth.RefusalLog`).
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol


class GuardedHttpProtocol(HttpToolsProtocol):
    """HTTP/1.1 with a request-head deadline and a connection cap on upgrades (see module doc)."""

    head_timeout_s: ClassVar[float] = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def on_headers_complete(self) -> None:
        self._disarm_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            self._arm_head_timer()  # the next request's head is due in time too

    def handle_websocket_upgrade(self) -> None:
        limit = self.limit_concurrency
        if limit is not None and len(self.connections) >= limit:
            self.logger.warning("Exceeded the connection limit (%d): refused a WebSocket upgrade.", limit)
            self._close_with(503, "Service Unavailable", b"The server is at its connection limit.")
            return
        super().handle_websocket_upgrade()

    def _arm_head_timer(self) -> None:
        self._disarm_head_timer()
        self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self._close_with(408, "Request Timeout", b"The request head did not arrive in time.")

    def _close_with(self, status: int, reason: str, text: bytes) -> None:
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
            b"connection: close\r\n\r\n%s" % (status, reason.encode(), len(text), text)
        )
        self.transport.close()


def http_protocol(head_timeout_s: float) -> type[GuardedHttpProtocol]:
    """The protocol class to hand uvicorn (`http=`), with its deadline."""
    return type("GuardedHttpProtocol", (GuardedHttpProtocol,), {"head_timeout_s": head_timeout_s})


class QuietRefusalWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol, minus the ERROR line after a denial response (module doc)."""

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.http.response.body" and not message.get("more_body", False):
            self.handshake_complete = True  # it did complete: with a refusal
