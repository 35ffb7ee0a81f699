"""A bounded outbox between a call and one connection that may read slowly.

A writer task sends queued frames in order; the call never waits for the network, so one stuck
client can't stall the session or the other listeners. What waits is bounded in bytes: a client
that stops reading (a stuck tab, a dead network) trips the bound, and the connection is closed
with `SLOW_CLIENT_CLOSE` instead of letting server memory grow.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

SLOW_CLIENT_CLOSE = 1008
"""WebSocket close code (policy violation) for a client that stopped reading."""
SLOW_CLIENT_REASON = "send buffer full: the client is not reading"


class SendBuffer:
    def __init__(
        self,
        send_text: Callable[[str], Awaitable[None]],
        limit_bytes: int,
        on_overflow: Callable[[], None],
    ) -> None:
        self._send_text = send_text
        self._limit = limit_bytes
        self._on_overflow = on_overflow
        self._frames: deque[str] = deque()
        self._pending = 0
        self._ready = asyncio.Event()
        self._empty = asyncio.Event()
        self._empty.set()
        self.overflowed = False
        self._stopped = False
        self._writer = asyncio.create_task(self._write())

    async def send(self, event: dict[str, Any]) -> None:
        """Queue one event (a `Listener`'s send); never waits on the network."""
        self.put(event)

    def put(self, event: dict[str, Any]) -> None:
        """Queue one event, from code that is not a coroutine."""
        if self._stopped:
            return
        text = json.dumps(event, separators=(",", ":"))
        if self._pending + len(text) > self._limit:
            self.overflowed = self._stopped = True
            self._frames.clear()
            self._writer.cancel()
            log.warning("closing a connection: %d bytes unsent (%s)", self._pending, SLOW_CLIENT_REASON)
            self._on_overflow()
            return
        self._frames.append(text)
        self._pending += len(text)
        self._empty.clear()
        self._ready.set()

    async def _write(self) -> None:
        try:
            while True:
                await self._ready.wait()
                self._ready.clear()
                while self._frames:
                    text = self._frames[0]
                    await self._send_text(text)
                    self._frames.popleft()
                    self._pending -= len(text)
                self._empty.set()
        except Exception as exc:  # the connection is gone: drop what is left, and what comes
            log.debug("send buffer stopped: %s", exc)
            self._stopped = True
            self._frames.clear()
            self._empty.set()

    async def flush(self, timeout_s: float) -> None:
        """Wait (at most `timeout_s`) until everything queued has been handed to the connection."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._empty.wait(), timeout_s)

    async def close(self) -> None:
        self._writer.cancel()
        await asyncio.gather(self._writer, return_exceptions=True)
