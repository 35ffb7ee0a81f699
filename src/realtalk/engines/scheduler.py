"""One queue for the inference of every session: who runs next, on how many threads.

STT and TTS are blocking and CPU-bound; with plain `asyncio.to_thread` every session's work
joins one first-come queue, so a transcript that a caller is waiting for sits behind seconds of
other sessions' speech synthesis. The scheduler runs jobs on a fixed set of worker threads (one
per core by default: each engine's own thread pool is sized for that, see `engines/loader.py`)
and always takes the most pressing job first:

1. `URGENT`: the transcript of a finished turn, the first audio of a reply;
2. `PLAYBACK`: audio just ahead of a listener's playback, earliest deadline first;
3. `SPECULATIVE`: work that may turn out useless (a transcript or reply prepared during a pause).
   It is refused when a backlog has built up, and dropped when it could not start within
   `SPECULATIVE_WAIT_S`: by then the pause it was meant to use is over. A caller whose guess
   turns out right can `promote` it while it is still queued.

Work that batches well across sessions can go in with `run_batched`: when a worker takes such a
job it takes every queued job of the same batch with it and runs them in one call (Whisper
transcribes several finished turns in one CTranslate2 call for ~60 % of their CPU one by one;
the runtime does so only with `REALTALK_STT_BATCH`, since each waits for the whole batch).

The queue is bounded; a job whose caller stopped waiting (a cancelled reply) is skipped without
running. Bounding the workers also bounds memory: each concurrent synthesis holds its own large
intermediate tensors, kept on the heap for the next job while the machine is busy (mapping them
fresh each time cost 9 % of a synthesis in page faults), and once it has been idle for
`IDLE_TRIM_S` the freed heap goes back to the OS.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import heapq
import itertools
import os
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, TypeVar

T = TypeVar("T")
ItemT = TypeVar("ItemT")

DEFAULT_MAX_PENDING = 256
MAX_BATCH = 8
"""Jobs run together by one batched call at most (a Whisper batch of 8 ten-second windows holds
~60 MB of encoder activations)."""
IDLE_TRIM_S = 30.0
"""Freed heap goes back to the OS once the machine has been idle this long. Trimming right after
each job stalled every thread's allocations under load (longer gaps inside replies in
bench/load_voice.py); trimming after 1 s of idleness still trimmed between a reply's pieces
(synthesised up to 4 s ahead of playback) and between a caller's turns, and every synthesis then
page-faulted its activations in afresh: 70,000-110,000 faults, 0.07-0.09 CPU-s, per turn of
bench/live_cpu.py. A caller's turn comes back within seconds; a quiet server gives memory back."""
SPECULATIVE_WAIT_S = 0.3
"""Speculation runs in the end-of-turn pause (500 ms by default, the first 160 ms spent before it
starts); work that cannot start within this is not ready before the turn is confirmed anyway."""


class Priority(IntEnum):
    URGENT = 0
    PLAYBACK = 1
    SPECULATIVE = 2


class SchedulerBusy(RuntimeError):
    """The job was refused: speculative work on a busy machine, or the queue is full."""


@dataclass(order=True)
class _Job:
    priority: int
    deadline: float
    seq: int
    fn: Callable[[], Any] = field(compare=False)
    loop: asyncio.AbstractEventLoop = field(compare=False)
    future: asyncio.Future[Any] = field(compare=False)
    key: Hashable = field(default=None, compare=False)
    exclusive: object = field(default=None, compare=False)
    batch: Callable[[list[Any]], list[Any]] | None = field(default=None, compare=False)
    """For `run_batched` jobs: the call that takes their items (and `fn` returns this job's)."""
    queued: float = field(default_factory=time.monotonic, compare=False)


@dataclass
class SchedulerStats:
    """Counters for diagnostics and benchmarks (updated under the scheduler's lock)."""

    ran: int = 0
    skipped: int = 0
    """Jobs whose caller had stopped waiting before a worker got to them."""
    refused: int = 0
    """Speculative jobs refused or dropped, and any job refused by a full queue."""
    batched: int = 0
    """Jobs that ran in another job's batched call."""
    waited_s: dict[str, float] = field(default_factory=dict)
    """Total queueing time per priority class."""
    trims: int = 0
    """Times freed heap went back to the OS (after `idle_trim_s` with nothing running)."""


class InferenceScheduler:
    """Runs blocking inference calls on `workers` threads, most pressing first (module docstring)."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        max_pending: int = DEFAULT_MAX_PENDING,
        idle_trim_s: float = IDLE_TRIM_S,
    ) -> None:
        self.workers = max(1, workers if workers is not None else len(os.sched_getaffinity(0)))
        self.max_pending = max_pending
        self.stats = SchedulerStats()
        self._heap: list[_Job] = []
        self._running = 0
        self._seq = itertools.count()
        self._lock = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._ran_since_trim = False
        self._last_done = 0.0
        """When a job last finished (`time.monotonic()`): the machine is idle `idle_trim_s` after."""
        self.idle_trim_s = idle_trim_s
        self._exclusive: set[object] = set()
        """Resources a running job holds (an engine that serves one call at a time)."""

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._heap)

    @property
    def busy(self) -> bool:
        """Whether a new job would have to wait."""
        with self._lock:
            return bool(self._heap) or self._running >= self.workers

    async def run(
        self,
        priority: Priority,
        fn: Callable[..., T],
        *args: Any,
        deadline: float | None = None,
        key: Hashable = None,
        exclusive: object = None,
        **kwargs: Any,
    ) -> T:
        """Run `fn(*args, **kwargs)` on a worker thread and return its result.

        `deadline` (a `time.monotonic()` value) orders jobs within a class; for speculative work
        it is the latest start that is still useful (default: now + `SPECULATIVE_WAIT_S`). `key`
        names the job for `promote`. Jobs with the same `exclusive` run one at a time (an engine
        that serialises its calls): a worker takes other work meanwhile instead of waiting on the
        engine's lock. Raises `SchedulerBusy` when refused or dropped. Cancelling the caller skips
        the job if it has not started yet.
        """
        result: T = await self._submit(priority, lambda: fn(*args, **kwargs), None, deadline, key, exclusive)
        return result

    async def run_batched(
        self,
        priority: Priority,
        fn: Callable[[list[ItemT]], list[T]],
        make_item: Callable[[], ItemT],
        *,
        deadline: float | None = None,
        key: Hashable = None,
        exclusive: object = None,
    ) -> T:
        """Like `run`, for work that batches: `fn(items)` returns one result per item, in order.

        A worker that takes this job also takes every queued job with an equal `fn` (up to
        `MAX_BATCH`, most pressing first) and runs them in one call. `make_item()` runs on the
        worker just before (it may block); its error reaches only its own caller, `fn`'s all.
        """
        result: T = await self._submit(priority, make_item, fn, deadline, key, exclusive)
        return result

    async def _submit(
        self,
        priority: Priority,
        fn: Callable[[], Any],
        batch: Callable[[list[Any]], list[Any]] | None,
        deadline: float | None,
        key: Hashable,
        exclusive: object,
    ) -> Any:
        now = time.monotonic()
        if deadline is None:
            deadline = now + SPECULATIVE_WAIT_S if priority is Priority.SPECULATIVE else now
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        job = _Job(int(priority), deadline, next(self._seq), fn, future.get_loop(), future, key, exclusive,
                   batch)  # fmt: skip
        with self._lock:
            full = len(self._heap) >= self.max_pending
            if full or (priority is Priority.SPECULATIVE and len(self._heap) >= self.workers):
                self.stats.refused += 1
                raise SchedulerBusy("the queue is full" if full else "busy: speculative work refused")
            heapq.heappush(self._heap, job)
            self._start_workers()
            self._lock.notify()
        return await future

    def promote(self, key: Hashable, priority: Priority = Priority.URGENT) -> bool:
        """Raise a still-queued job named `key` to `priority`; whether there was one."""
        with self._lock:
            for job in self._heap:
                if job.key == key and job.priority > priority:
                    job.priority, job.deadline = int(priority), time.monotonic()
                    heapq.heapify(self._heap)  # at most `max_pending` entries
                    return True
        return False

    def _has_runnable(self) -> bool:
        return any(job.exclusive is None or job.exclusive not in self._exclusive for job in self._heap)

    def _pop_runnable(self) -> _Job:
        """The most pressing job whose resource is free (call with the lock held, when one is)."""
        held: list[_Job] = []
        while True:
            job = heapq.heappop(self._heap)
            if job.exclusive is None or job.exclusive not in self._exclusive:
                break
            held.append(job)
        for waiting in held:
            heapq.heappush(self._heap, waiting)
        return job

    def _batch_with(self, first: _Job) -> list[_Job]:
        """`first` and the queued jobs of its batch, most pressing first (call with the lock held)."""
        if first.batch is None:
            return [first]
        mates = sorted(j for j in self._heap if j.batch == first.batch and not j.future.cancelled())
        mates = mates[: MAX_BATCH - 1]
        if mates:
            taken = {id(j) for j in mates}
            self._heap = [j for j in self._heap if id(j) not in taken]
            heapq.heapify(self._heap)
        return [first, *mates]

    def _start_workers(self) -> None:
        while len(self._threads) < self.workers:
            thread = threading.Thread(target=self._serve, name=f"inference-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self) -> None:
        trim = False
        while True:
            if trim:  # outside the lock: a session submitting work must not wait for it
                trim = False
                _release_free_memory()
            with self._lock:
                if not self._lock.wait_for(self._has_runnable, timeout=self.idle_trim_s):
                    # Idle: no job finished on any worker for `idle_trim_s` (this worker's own wait
                    # may have run out while another ran a long job).
                    idle = time.monotonic() - self._last_done >= self.idle_trim_s
                    trim = self._ran_since_trim and idle and not self._running and not self._heap
                    if trim:
                        self._ran_since_trim = False
                        self.stats.trims += 1
                    continue
                job = self._pop_runnable()
                if job.future.cancelled():  # the caller stopped waiting
                    self.stats.skipped += 1
                    continue
                if job.priority == Priority.SPECULATIVE and time.monotonic() > job.deadline:
                    self.stats.refused += 1
                    busy = SchedulerBusy("busy: speculative work could not start in time")
                    with contextlib.suppress(RuntimeError):  # the caller's loop has closed
                        job.loop.call_soon_threadsafe(_settle, job.future, None, busy)
                    continue
                jobs = self._batch_with(job)
                self._running += 1
                if job.exclusive is not None:
                    self._exclusive.add(job.exclusive)
                started = time.monotonic()
                for each in jobs:
                    name = Priority(each.priority).name.lower()
                    self.stats.waited_s[name] = self.stats.waited_s.get(name, 0.0) + started - each.queued
            outcomes = self._execute(job, jobs)
            with self._lock:  # before settling, so the caller sees a free worker
                self._running -= 1
                if job.exclusive is not None:
                    self._exclusive.discard(job.exclusive)
                    self._lock.notify_all()  # work that waited for the resource may go now
                self.stats.ran += len(jobs)
                self.stats.batched += len(jobs) - 1
                self._ran_since_trim = True
                self._last_done = time.monotonic()
            for each, (result, error) in zip(jobs, outcomes, strict=True):
                with contextlib.suppress(RuntimeError):  # the caller's loop has closed: nobody waits
                    each.loop.call_soon_threadsafe(_settle, each.future, result, error)

    @staticmethod
    def _execute(job: _Job, jobs: list[_Job]) -> list[tuple[Any, BaseException | None]]:
        """Run `job` (and its batch mates): (result, error) for each of `jobs`."""
        outcomes: list[tuple[Any, BaseException | None]] = []
        for each in jobs:  # a plain job's call, or a batched job's item
            try:
                outcomes.append((each.fn(), None))
            except BaseException as exc:  # handed to the waiting coroutine
                outcomes.append((None, exc))
        if job.batch is None:
            return outcomes
        ready = [i for i, (_, error) in enumerate(outcomes) if error is None]
        if not ready:
            return outcomes
        try:
            results = job.batch([outcomes[i][0] for i in ready])
            if len(results) != len(ready):
                raise RuntimeError(f"a batch of {len(ready)} gave {len(results)} results")
        except BaseException as exc:  # handed to every waiting coroutine of the batch
            return [(None, error or exc) for _, error in outcomes]
        for i, result in zip(ready, results, strict=True):
            outcomes[i] = (result, None)
        return outcomes


def _load_glibc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    glibc = libc is not None and hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt")
    return libc if glibc else None


_glibc = _load_glibc()
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
KEEP_ON_HEAP_BYTES = 256 << 20
"""Freed blocks up to this size stay on the heap until the machine is idle. glibc otherwise maps
every large block fresh and unmaps it when freed, so each synthesis page-faulted its activations
in again: ~6,000 minor faults per second of speech, ~9 % of Piper's CPU (a long sentence 0.45-0.51
vs 0.41-0.43 CPU-s, bench/live_cpu.py's answer 0.78-0.82 vs 0.73-0.75 CPU-s). Held memory is
bounded by what the workers run at once, and returned after `IDLE_TRIM_S` of idleness
(`_release_free_memory`)."""


def keep_freed_memory_until_idle() -> None:
    """Serve large blocks from the heap and keep freed ones there (see `KEEP_ON_HEAP_BYTES`).

    Process-wide, and only whole before other threads allocate: it also puts every thread on the
    main heap, since a thread's own arena holds at most 64 MB and a long sentence's activations
    are more (mapped fresh again). Without glibc, nothing changes."""
    if _glibc is not None:
        _glibc.mallopt(_M_ARENA_MAX, 1)
        _glibc.mallopt(_M_MMAP_THRESHOLD, KEEP_ON_HEAP_BYTES)
        _glibc.mallopt(_M_TRIM_THRESHOLD, 2 * KEEP_ON_HEAP_BYTES)  # no trimming on each free either


def _release_free_memory() -> None:
    """Give freed heap back to the OS (glibc keeps it per thread arena otherwise).

    Measured: after ten long syntheses on two workers, +260 MB stayed resident without this and
    none with it; it takes ~20 ms when there is much to return and ~0.1 ms when there is not.
    """
    if _glibc is not None:
        _glibc.malloc_trim(0)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


_shared: InferenceScheduler | None = None
_shared_lock = threading.Lock()


def shared_scheduler() -> InferenceScheduler:
    """The process-wide scheduler every session's runtime uses unless given another."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = InferenceScheduler()
        return _shared
