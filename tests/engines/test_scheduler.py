from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest

from realtalk.engines.scheduler import SPECULATIVE_WAIT_S, InferenceScheduler, Priority, SchedulerBusy


async def _eventually(condition: Callable[[], bool]) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition never met")  # pragma: no cover


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


async def test_speculative_work_is_dropped_when_it_cannot_start_in_time_unless_promoted() -> None:
    scheduler = InferenceScheduler(1)
    gate = threading.Event()
    blocker = await _occupy(scheduler, gate)
    promoted = asyncio.create_task(scheduler.run(Priority.SPECULATIVE, sum, [3, 4], key="confirmed"))
    await _eventually(lambda: scheduler.pending == 1)
    with pytest.raises(SchedulerBusy, match="refused"):  # a backlog: refused outright
        await scheduler.run(Priority.SPECULATIVE, sum, [5])
    assert scheduler.promote("confirmed")
    assert not scheduler.promote("nobody")
    await asyncio.sleep(SPECULATIVE_WAIT_S + 0.1)
    gate.set()
    await blocker
    assert await promoted == 7  # its guess came true in time: it ran, urgently, though late

    gate.clear()
    blocker = await _occupy(scheduler, gate)
    late = asyncio.create_task(scheduler.run(Priority.SPECULATIVE, sum, [1, 2]))
    await asyncio.sleep(SPECULATIVE_WAIT_S + 0.1)
    gate.set()
    await blocker
    with pytest.raises(SchedulerBusy, match="in time"):
        await late
    assert await scheduler.run(Priority.SPECULATIVE, sum, [1, 2]) == 3  # idle: runs at once
    assert scheduler.stats.refused == 2


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
    await scheduler.run(Priority.URGENT, ran.append, 2)  # urgent: it may pass the skipped job
    await _eventually(lambda: scheduler.pending == 0)
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


async def test_an_engine_that_serves_one_call_at_a_time_does_not_hold_up_other_work() -> None:
    scheduler = InferenceScheduler(2)
    gate = threading.Event()
    whisper = object()
    first = asyncio.create_task(scheduler.run(Priority.URGENT, gate.wait, 10, exclusive=whisper))
    await _eventually(lambda: scheduler.pending == 0)  # running
    second = asyncio.create_task(scheduler.run(Priority.URGENT, gate.wait, 10, exclusive=whisper))
    await _eventually(lambda: scheduler.pending == 1)  # waits for the engine, not for a worker
    # The free worker takes lower-priority work meanwhile.
    assert await asyncio.wait_for(scheduler.run(Priority.PLAYBACK, sum, [2, 3]), 5) == 5
    assert scheduler.pending == 1
    gate.set()
    assert await first and await second


async def test_queued_jobs_of_one_batch_run_in_one_call() -> None:
    scheduler = InferenceScheduler(1)
    gate = threading.Event()
    blocker = await _occupy(scheduler, gate)
    calls: list[list[int]] = []

    def double_all(items: list[int]) -> list[int]:
        calls.append(items)
        return [2 * item for item in items]

    def broken() -> int:
        raise ValueError("no item")

    tasks = [
        asyncio.create_task(scheduler.run_batched(Priority.PLAYBACK, double_all, lambda: 1)),
        asyncio.create_task(scheduler.run_batched(Priority.URGENT, double_all, lambda: 2)),
        asyncio.create_task(scheduler.run_batched(Priority.URGENT, double_all, broken)),
        asyncio.create_task(scheduler.run_batched(Priority.URGENT, sorted, lambda: 9)),  # another batch
    ]
    await _eventually(lambda: scheduler.pending == 4)
    gate.set()
    await blocker
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert results[:2] == [2, 4]
    assert isinstance(results[2], ValueError)  # a failing item fails only its own caller
    assert results[3] == 9
    assert calls == [[2, 1]]  # most pressing first, in one call
    assert scheduler.stats.batched == 2  # the broken one rode along too


async def test_a_failing_batch_reaches_every_caller() -> None:
    scheduler = InferenceScheduler(1)

    def wrong_count(items: list[int]) -> list[int]:
        return items[:1]

    gate = threading.Event()
    blocker = await _occupy(scheduler, gate)
    tasks = [
        asyncio.create_task(scheduler.run_batched(Priority.URGENT, wrong_count, lambda: 1)) for _ in range(2)
    ]
    await _eventually(lambda: scheduler.pending == 2)
    gate.set()
    await blocker
    for outcome in await asyncio.gather(*tasks, return_exceptions=True):
        assert isinstance(outcome, RuntimeError) and "gave 1 results" in str(outcome)


@pytest.mark.slow  # waits out the idle time twice (~4 s)
async def test_freed_memory_goes_back_only_once_every_worker_is_idle() -> None:
    """A worker that waited out `idle_trim_s` while the other one ran a long job does not trim the
    heap just after that job (the next piece of a reply reuses its memory): only once nothing has
    run for `idle_trim_s`, and only once."""
    scheduler = InferenceScheduler(2, idle_trim_s=1.0)
    started = time.monotonic()
    await scheduler.run(Priority.URGENT, time.sleep, 1.5)  # the other worker times out at 1 s and 2 s
    await asyncio.sleep(max(0.0, started + 2.4 - time.monotonic()))
    assert scheduler.stats.trims == 0  # 0.9 s after the job: not idle long enough
    await _eventually(lambda: scheduler.stats.trims == 1)
    assert time.monotonic() - started >= 2.5
    await asyncio.sleep(1.2)
    assert scheduler.stats.trims == 1  # nothing ran since: nothing more to return
