"""Load: offer a node twice its capacity as real spoken sessions; accepted calls must stay fast.

Starts a server with `REALTALK_MAX_SESSIONS=capacity`, measures voice-to-voice of single spoken
turns one at a time (unloaded), then offers `2 x capacity` sessions at once, each streaming a
recorded utterance at real-time pace (bench/voice_latency.py's `one_turn`). Prints how many were
accepted, refused (503 + Retry-After, before the session started) and failed, and the accepted
sessions' voice-to-voice p50/p95 next to the unloaded run.

With `--sweep MOST` it instead offers 1, 2, … MOST sessions at once (none refused) and reports the
largest number whose voice-to-voice p95 stays under `--goal-ms` (1500).

Run from the repo root: `python bench/load.py [--capacity 2] [--waves 2]` or `--sweep 6`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from websockets.exceptions import InvalidStatus

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.voice_latency import one_turn, pct
from tests.live_server import API_KEY, start_server
from tests.speech_data import librivox_clips, load_wav_16k


async def offered(url: str, speech: Any) -> tuple[str, float | None]:
    """One offered session: ('accepted', v2v ms), ('refused', None) or ('failed', None)."""
    try:
        row = await one_turn(url, API_KEY, speech, None)
    except InvalidStatus as exc:
        status = exc.response.status_code
        return ("refused" if status == 503 and exc.response.headers.get("Retry-After") else "failed"), None
    except Exception as exc:
        print(f"  failed: {type(exc).__name__}: {exc}", flush=True)
        return "failed", None
    return "accepted", float(row["voice_to_voice_ms"])


async def wave(url: str, clips: list[Any], size: int, start: int = 0) -> list[tuple[str, float | None]]:
    """`size` spoken sessions offered at once; then a pause so they end before the next wave."""
    offers = [clips[(start + i) % len(clips)] for i in range(size)]
    results = await asyncio.gather(*(offered(url, speech) for speech in offers))
    await asyncio.sleep(1)
    return list(results)


def latencies(results: list[tuple[str, float | None]]) -> list[float]:
    return [v2v for _, v2v in results if v2v is not None]


async def overload(url: str, clips: list[Any], capacity: int, waves: int) -> None:
    """Offer 2 x capacity per wave: accepted vs refused, and the accepted sessions' latency."""
    unloaded: list[float] = []
    for speech in clips[: max(4, capacity)]:
        unloaded += latencies([await offered(url, speech)])
    results = [r for w in range(waves) for r in await wave(url, clips, 2 * capacity, w)]
    counts = {
        kind: sum(1 for outcome, _ in results if outcome == kind)
        for kind in ("accepted", "refused", "failed")
    }
    loaded = latencies(results)
    print(f"capacity {capacity} sessions; offered {len(results)} in {waves} waves of {2 * capacity} "
          "(shared 2-core machine)")  # fmt: skip
    print(f"accepted {counts['accepted']}  refused {counts['refused']}  failed {counts['failed']}")
    print(f"unloaded voice-to-voice  p50 {pct(unloaded, 50):6.0f} ms  p95 {pct(unloaded, 95):6.0f} ms  "
          f"({len(unloaded)} turns)")  # fmt: skip
    print(f"loaded   voice-to-voice  p50 {pct(loaded, 50):6.0f} ms  p95 {pct(loaded, 95):6.0f} ms  "
          f"({len(loaded)} turns)")  # fmt: skip
    print(f"p95 loaded / unloaded    {pct(loaded, 95) / pct(unloaded, 95):.2f}x")


async def sweep(url: str, clips: list[Any], most: int, waves: int, goal_ms: float) -> None:
    """N = 1, 2, … simultaneous sessions (none refused: the cap is `most`): the largest N whose
    voice-to-voice p95 stays under `goal_ms`."""
    held = 0
    for size in range(1, most + 1):
        results = [r for w in range(waves) for r in await wave(url, clips, size, w)]
        v2v = latencies(results)
        failed = sum(1 for outcome, _ in results if outcome != "accepted")
        print(f"  {size} at once: p50 {pct(v2v, 50):6.0f} ms  p95 {pct(v2v, 95):6.0f} ms  "
              f"({len(v2v)} turns, {failed} not accepted)", flush=True)  # fmt: skip
        if failed or pct(v2v, 95) >= goal_ms:
            break
        held = size
    print(
        f"largest number of simultaneous spoken sessions with voice-to-voice p95 < {goal_ms:.0f} ms: {held}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--capacity", type=int, default=2, help="REALTALK_MAX_SESSIONS for the node")
    parser.add_argument("--waves", type=int, default=2, help="rounds of sessions offered at once")
    parser.add_argument(
        "--sweep", type=int, metavar="MOST", help="instead: find how many sessions hold the goal"
    )
    parser.add_argument("--goal-ms", type=float, default=1500.0, help="the sweep's voice-to-voice p95 goal")
    args = parser.parse_args()
    capacity = args.sweep or args.capacity
    server = start_server(
        Path(tempfile.mkdtemp(prefix="realtalk-load-")), REALTALK_MAX_SESSIONS=str(capacity)
    )
    url = server.http_url.replace("http", "ws", 1) + "/v1/realtime?model=bench"
    clips = [load_wav_16k(path) for path, _ in librivox_clips()]
    try:
        if args.sweep:
            await sweep(url, clips, args.sweep, args.waves, args.goal_ms)
        else:
            await overload(url, clips, capacity, args.waves)
    finally:
        server.stop()


if __name__ == "__main__":
    asyncio.run(main())
