"""The input audio buffer under a hostile client: 300 appends of 1 MiB, then a manual commit.

Prints the time per append (early vs late: flat means O(chunk)) and the peak memory the buffer
took (tracemalloc), with the default cap (10 minutes) and with the cap lifted.
Run from the repository root: `python bench/input_buffer.py`.
"""

from __future__ import annotations

import base64
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from realtalk.session.input_audio import MAX_BUFFER_MS
from realtalk.session.session import RealtimeSession

APPENDS = 300
CHUNK = base64.b64encode(b"\x01\x00" * (512 * 1024)).decode()  # 1 MiB of PCM16 24 kHz: 21.8 s


class QuietVad:
    def speech_probability(self, frame: object) -> float:
        return 0.0

    def reset(self) -> None:
        pass


def run(cap_ms: int) -> None:
    session = RealtimeSession(model="bench", vad=QuietVad(), max_input_buffer_ms=cap_ms)
    session.handle_event(
        {
            "type": "session.update",
            "session": {"type": "realtime", "audio": {"input": {"turn_detection": None}}},
        }
    )
    times, refused = [], 0
    tracemalloc.start()
    for _ in range(APPENDS):
        start = time.perf_counter()
        out = session.handle_event({"type": "input_audio_buffer.append", "audio": CHUNK})
        times.append((time.perf_counter() - start) * 1000)
        refused += sum(1 for e in out if getattr(e, "event", {}).get("type") == "error")
    session.handle_event({"type": "input_audio_buffer.commit"})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    accepted = times[: APPENDS - refused]
    early, late = accepted[:10], accepted[-10:]
    print(
        f"cap {cap_ms / 60000:.0f} min: accepted {APPENDS - refused}, refused {refused}; "
        f"append ms median first 10 {statistics.median(early):.1f}, last 10 {statistics.median(late):.1f}, "
        f"p95 all accepted {statistics.quantiles(accepted, n=20)[-1]:.1f}; "
        f"peak traced memory {peak / 2**20:.0f} MiB"
    )


if __name__ == "__main__":
    run(MAX_BUFFER_MS)
    run(10 * 60 * 60 * 1000)  # cap lifted (10 h): the appends themselves must stay O(chunk)
