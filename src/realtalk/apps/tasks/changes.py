"""`Changes`: in-process notification that the task list changed, for live views (SSE).

Writers may run in any thread (REST handlers in the thread pool, voice tools), so a change is
handed to each subscriber's event loop with `call_soon_threadsafe`. A subscriber that falls
behind only keeps the newest version: it re-reads the whole list anyway. `relays` carry each
change to other server processes (Redis pub/sub, `server.cluster`), which `notify` their views.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


class Changes:
    """A change counter that subscribers can wait on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[int]]] = set()
        self.version = 0
        self.relays: list[Callable[[], None]] = []
        """Called after each change made here (from the writer's thread)."""

    def publish(self) -> None:
        """Say that the tasks changed (from any thread), here and through the relays."""
        self.notify()
        for relay in self.relays:
            relay()

    def notify(self) -> None:
        """Tell this process's subscribers that the tasks changed (from any thread)."""
        with self._lock:
            self.version += 1
            version, subscribers = self.version, list(self._subscribers)
        for loop, queue in subscribers:
            try:
                loop.call_soon_threadsafe(_put_newest, queue, version)
            except RuntimeError:  # that subscriber's loop has closed
                continue

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[int]]:
        """A queue that receives the version number after each change, while the block runs."""
        subscriber = (asyncio.get_running_loop(), asyncio.Queue[int](maxsize=1))
        with self._lock:
            self._subscribers.add(subscriber)
        try:
            yield subscriber[1]
        finally:
            with self._lock:
                self._subscribers.discard(subscriber)


def _put_newest(queue: asyncio.Queue[int], version: int) -> None:
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(version)
