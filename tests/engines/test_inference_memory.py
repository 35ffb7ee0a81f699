"""Speech synthesis under concurrency returns its memory (issue: a high-water mark that stayed)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from realtalk.engines.piper_tts import PiperTts
from realtalk.engines.scheduler import IDLE_TRIM_S, InferenceScheduler, Priority

pytestmark = pytest.mark.slow
LONG = "This sentence keeps going and going, with many words in it, so synthesis takes a while. " * 2


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


async def test_concurrent_replies_leave_no_high_water_mark(tts: PiperTts) -> None:
    scheduler = InferenceScheduler(2)
    await scheduler.run(Priority.URGENT, tts.synthesize, LONG)  # first-call allocations
    before = resident_mb()
    for _ in range(2):  # ten replies at once, twice: nothing may accumulate either
        await asyncio.gather(*(scheduler.run(Priority.PLAYBACK, tts.synthesize, LONG) for _ in range(10)))
    await asyncio.sleep(IDLE_TRIM_S + 0.5)  # the scheduler returns freed heap once idle
    # With ONNX Runtime's arena on, this grew by ~400 MB.
    grown = resident_mb() - before
    assert grown < 150, f"{grown:.0f} MB"
