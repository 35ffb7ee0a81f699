"""The node's overload signals: inference queue wait and event-loop lag, on real components."""

from __future__ import annotations

import asyncio
import time

import pytest

from realtalk.engines.scheduler import InferenceScheduler, Priority
from realtalk.server.capacity import Capacity, LoopLag, QueueWait, Refusal


async def test_queue_wait_refuses_new_sessions_while_jobs_wait() -> None:
    scheduler = InferenceScheduler(workers=1)
    queue = QueueWait(scheduler)
    capacity = Capacity(max_sessions=0, max_loop_lag_ms=0, max_queue_wait_ms=100, queue=queue)
    queue.sample()
    await asyncio.gather(*(scheduler.run(Priority.URGENT, time.sleep, 0.15) for _ in range(4)))
    queue.sample()
    # One worker, four 150 ms jobs at once: they waited 0 + 150 + 300 + 450 ms, 225 ms on average.
    assert 180 < queue.ms < 1000, queue.ms  # threads wake late on a busy machine: no tight ceiling
    with pytest.raises(Refusal) as refused:
        capacity.check()
    assert (refused.value.status, refused.value.code) == (503, "server_overloaded")
    assert "queue" in refused.value.message and refused.value.retry_after_s > 0
    for _ in range(60):  # quiet again: the window slides past the busy moment
        await scheduler.run(Priority.URGENT, time.sleep, 0)
        queue.sample()
    assert queue.ms < 100
    capacity.check()


async def test_loop_lag_refuses_new_sessions_while_the_loop_is_late() -> None:
    lag = LoopLag()
    capacity = Capacity(max_sessions=0, max_loop_lag_ms=200, lag=lag)
    probe = asyncio.create_task(lag.run())
    try:
        await asyncio.sleep(0.25)
        capacity.check()
        time.sleep(0.4)  # noqa: ASYNC251 - blocking the loop is the point
        await asyncio.sleep(0.15)
        assert lag.ms > 250
        with pytest.raises(Refusal, match="event loop"):
            capacity.check()
    finally:
        probe.cancel()


def test_the_session_cap_and_its_release() -> None:
    capacity = Capacity(max_sessions=2, max_loop_lag_ms=0)
    first = capacity.hold("websocket")
    capacity.hold("webrtc")
    with pytest.raises(Refusal, match="capacity"):
        capacity.check()
    first()
    first()  # releasing twice counts once
    assert capacity.live == {"websocket": 0, "webrtc": 1}
    capacity.check()
