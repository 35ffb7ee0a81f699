from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest

from realtalk.engines.scheduler import InferenceScheduler, Priority, SchedulerBusy


async def _eventually(condition: Callable[[], bool]) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition never met")


async def _occupy(scheduler: InferenceScheduler, gate: threading.Event) -> asyncio.Task[bool]:
    """Keep the (one) worker busy until `gate` is set."""
    task = asyncio.create_task(scheduler.run(Priority.URGENT, gate.wait, 10))
    await _eventually(lambda: scheduler.busy and not scheduler.pending)
    return task


async def test_most_pressing_first_then_earliest_deadline() -> None:
    scheduler = InferenceScheduler(1)
    gate = threading.Event()
    blocker = await _occupy(scheduler, gate)
    order: list[str] = []
    now = time.monotonic()
    jobs = [
        scheduler.run(Priority.PLAYBACK, order.append, "late audio", deadline=now + 2),
        scheduler.run(Priority.PLAYBACK, order.append, "next audio", deadline=now + 1),
        scheduler.run(Priority.URGENT, order.append, "transcript"),
    ]
    tasks = [asyncio.create_task(job) for job in jobs]
    await _eventually(lambda: scheduler.pending == 3)
    gate.set()
    await asyncio.gather(blocker, *tasks)
    assert order == ["transcript", "next audio", "late audio"]
    assert scheduler.stats.ran == 4


async def test_speculative_work_is_refused_when_busy_and_runs_when_idle() -> None:
    scheduler = InferenceScheduler(1)
    gate = threading.Event()
    blocker = await _occupy(scheduler, gate)
    with pytest.raises(SchedulerBusy):
        await scheduler.run(Priority.SPECULATIVE, sum, [1, 2])
    gate.set()
    await blocker
    assert await scheduler.run(Priority.SPECULATIVE, sum, [1, 2]) == 3
    assert scheduler.stats.refused == 1


async def test_a_cancelled_job_never_runs() -> None:
    scheduler = InferenceScheduler(1)
    gate = threading.Event()
    blocker = await _occupy(scheduler, gate)
    ran: list[int] = []
    abandoned = asyncio.create_task(scheduler.run(Priority.PLAYBACK, ran.append, 1))
    await _eventually(lambda: scheduler.pending == 1)
    abandoned.cancel()
    with pytest.raises(asyncio.CancelledError):
        await abandoned
    gate.set()
    await blocker
    await scheduler.run(Priority.URGENT, ran.append, 2)
    assert ran == [2]
    assert scheduler.stats.skipped == 1


async def test_the_queue_is_bounded_and_errors_reach_the_caller() -> None:
    scheduler = InferenceScheduler(1, max_pending=1)
    gate = threading.Event()
    blocker = await _occupy(scheduler, gate)
    queued = asyncio.create_task(scheduler.run(Priority.PLAYBACK, int, "not a number"))
    await _eventually(lambda: scheduler.pending == 1)
    with pytest.raises(SchedulerBusy, match="full"):
        await scheduler.run(Priority.URGENT, int, "1")
    gate.set()
    await blocker
    with pytest.raises(ValueError, match="not a number"):
        await queued
