"""Speech synthesis under concurrency returns its memory (issue: a high-water mark that stayed)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from realtalk.engines.piper_tts import PiperTts
from realtalk.engines.scheduler import InferenceScheduler, Priority

pytestmark = pytest.mark.slow
LONG = "This sentence keeps going and going, with many words in it, so synthesis takes a while. " * 2


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


async def test_concurrent_replies_leave_no_high_water_mark(tts: PiperTts) -> None:
    scheduler = InferenceScheduler(2, idle_trim_s=1.0)
    await scheduler.run(Priority.URGENT, tts.synthesize, LONG)  # first-call allocations
    before = resident_mb()
    for _ in range(2):  # ten replies at once, twice: nothing may accumulate either
        await asyncio.gather(*(scheduler.run(Priority.PLAYBACK, tts.synthesize, LONG) for _ in range(10)))
    await asyncio.sleep(scheduler.idle_trim_s + 0.5)  # the scheduler returns freed heap once idle
    # With ONNX Runtime's arena on, this grew by ~400 MB.
    grown = resident_mb() - before
    assert grown < 150, f"{grown:.0f} MB"


SYNTHESISE_TWICE = """
import asyncio, json, resource, sys
from realtalk.engines.scheduler import InferenceScheduler, Priority, keep_freed_memory_until_idle
if sys.argv[1] == "keep":
    keep_freed_memory_until_idle()
from piper import PiperConfig, PiperVoice, SynthesisConfig
from realtalk.engines.onnx_session import cpu_session
from realtalk.engines.piper_tts import bundled_voice_path
# PiperTts's voice, without the noise that varies a sentence's length from run to run: a longer
# second synthesis would rightly fault in its extra, and the test would measure chance.
path = bundled_voice_path()
config = PiperConfig.from_dict(json.loads(path.with_name(path.name + ".json").read_text()))
voice = PiperVoice(session=cpu_session(path, threads=1, mem_arena=False), config=config)
steady = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
def speak():
    return [chunk.audio_int16_array for chunk in voice.synthesize(sys.argv[2], syn_config=steady)]
async def main():
    scheduler = InferenceScheduler(1)
    await scheduler.run(Priority.URGENT, speak)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    await scheduler.run(Priority.URGENT, speak)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
asyncio.run(main())
"""


def test_a_busy_worker_reuses_the_last_synthesis_memory() -> None:
    """`realtalk serve` keeps freed blocks on the heap while busy: the second synthesis of a long
    sentence does not page-fault its activations in again (as it does with glibc's defaults)."""

    def page_faults(mode: str) -> int:
        done = subprocess.run(
            [sys.executable, "-c", SYNTHESISE_TWICE, mode, LONG], capture_output=True, text=True, check=True
        )
        return int(done.stdout.split()[-1])

    kept, default = page_faults("keep"), page_faults("default")
    assert default > 10_000, default
    assert kept < default / 5, (kept, default)
