"""How many sessions this node holds, and whether it can take one more.

A node refuses a new session *before* it starts — so the sessions it already runs keep their
latency — when it holds `max_sessions` live sessions, or when it is already falling behind: the
inference scheduler's jobs that someone waits for (transcripts, reply audio) sit in its queue too
long, or the event loop is late waking up (blocking work on the loop, a saturated CPU).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi.responses import JSONResponse

from ..engines.scheduler import InferenceScheduler, shared_scheduler

LAG_PROBE_S = 0.1
"""How often the loop-lag probe wakes; its lateness is the lag."""
LAG_WINDOW = 20
"""Samples kept: the signal is the worst lateness over the last ~2 s."""
QUEUE_WINDOW = 50
"""Queue-wait samples kept (one per lag probe): the average over the last ~5 s."""


@dataclass
class Refusal(Exception):
    """A session that may not start now: the HTTP status, an OpenAI-shaped error, and when to retry."""

    status: int
    code: str
    message: str
    retry_after_s: int
    type: str = "server_error"

    def response(self) -> JSONResponse:
        body = {"error": {"type": self.type, "code": self.code, "message": self.message, "param": None}}
        return JSONResponse(body, status_code=self.status, headers={"Retry-After": str(self.retry_after_s)})


class LoopLag:
    """Measures how late the event loop runs a timer: the live overload signal."""

    def __init__(self) -> None:
        self._samples: deque[float] = deque(maxlen=LAG_WINDOW)

    @property
    def ms(self) -> float:
        return max(self._samples, default=0.0) * 1000

    async def run(self, on_probe: Callable[[], None] = lambda: None) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(LAG_PROBE_S)
            self._samples.append(max(0.0, time.perf_counter() - started - LAG_PROBE_S))
            on_probe()


class QueueWait:
    """The average time the scheduler's non-speculative jobs waited in its queue, last few seconds."""

    def __init__(self, scheduler: InferenceScheduler) -> None:
        self._scheduler = scheduler
        self._samples: deque[tuple[float, int]] = deque(maxlen=QUEUE_WINDOW)
        """(total seconds waited, jobs run) as the scheduler counted them, once per probe."""

    @property
    def ms(self) -> float:
        if len(self._samples) < 2:
            return 0.0
        (waited_0, ran_0), (waited_1, ran_1) = self._samples[0], self._samples[-1]
        return 1000 * (waited_1 - waited_0) / (ran_1 - ran_0) if ran_1 > ran_0 else 0.0

    def sample(self) -> None:
        stats = self._scheduler.stats
        waited = stats.waited_s.get("urgent", 0.0) + stats.waited_s.get("playback", 0.0)
        self._samples.append((waited, stats.ran))


@dataclass
class Capacity:
    """Live sessions per transport, and the admission decision."""

    max_sessions: int
    """0: no fixed limit (only the overload signal refuses)."""
    max_loop_lag_ms: float
    """0: ignore loop lag."""
    max_queue_wait_ms: float = 0.0
    """0: ignore the inference queue."""
    lag: LoopLag = field(default_factory=LoopLag)
    queue: QueueWait = field(default_factory=lambda: QueueWait(shared_scheduler()))
    live: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.live.values())

    def check(self) -> None:
        """Raise `Refusal` (503) when this node should not start another session."""
        if self.max_sessions and self.total >= self.max_sessions:
            raise Refusal(
                503,
                "server_at_capacity",
                f"This server is at capacity ({self.max_sessions} live sessions). Retry shortly "
                "or connect to another node.",
                retry_after_s=5,
            )
        if self.max_queue_wait_ms and self.queue.ms > self.max_queue_wait_ms:
            raise Refusal(
                503,
                "server_overloaded",
                f"This server is overloaded (inference jobs wait {self.queue.ms:.0f} ms in its queue). "
                "Retry shortly.",
                retry_after_s=2,
            )
        if self.max_loop_lag_ms and self.lag.ms > self.max_loop_lag_ms:
            raise Refusal(
                503,
                "server_overloaded",
                f"This server is overloaded (event loop {self.lag.ms:.0f} ms behind). Retry shortly.",
                retry_after_s=2,
            )

    def hold(self, transport: str) -> Callable[[], None]:
        """Count a session that starts now; call the returned function (once) when it ends."""
        self.live[transport] += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self.live[transport] -= 1

        return release

    async def run(self) -> None:
        """Keep the overload signals fresh (a task for the app's lifetime)."""
        with contextlib.suppress(asyncio.CancelledError):
            await self.lag.run(on_probe=self.queue.sample)
