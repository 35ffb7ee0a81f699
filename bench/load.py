"""Load: offer a node twice its capacity as real spoken sessions; accepted calls must stay fast.

Starts a server with `REALTALK_MAX_SESSIONS=capacity`, measures voice-to-voice of single spoken
turns one at a time (unloaded), then offers `2 x capacity` sessions at once, each streaming a
recorded utterance at real-time pace (bench/voice_latency.py's `one_turn`). Prints how many were
accepted, refused (503 + Retry-After, before the session started) and failed, and the accepted
sessions' voice-to-voice p50/p95 next to the unloaded run.

Run from the repo root: `python bench/load.py [--capacity 2] [--waves 2]`.
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


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--capacity", type=int, default=2, help="REALTALK_MAX_SESSIONS for the node")
    parser.add_argument("--waves", type=int, default=2, help="rounds of 2 x capacity offered sessions")
    args = parser.parse_args()
    server = start_server(
        Path(tempfile.mkdtemp(prefix="realtalk-load-")), REALTALK_MAX_SESSIONS=str(args.capacity)
    )
    url = server.http_url.replace("http", "ws", 1) + "/v1/realtime?model=bench"
    clips = [load_wav_16k(path) for path, _ in librivox_clips()]
    try:
        unloaded: list[float] = []
        for speech in clips[: max(4, args.capacity)]:
            outcome, v2v = await offered(url, speech)
            if v2v is not None:
                unloaded.append(v2v)
        counts = {"accepted": 0, "refused": 0, "failed": 0}
        loaded: list[float] = []
        for wave in range(args.waves):
            offers = [clips[(wave + i) % len(clips)] for i in range(2 * args.capacity)]
            for outcome, v2v in await asyncio.gather(*(offered(url, s) for s in offers)):
                counts[outcome] += 1
                if v2v is not None:
                    loaded.append(v2v)
            await asyncio.sleep(1)  # let the wave's sessions end before the next
        print(f"capacity {args.capacity} sessions; offered {sum(counts.values())} in {args.waves} waves "
              f"of {2 * args.capacity} (shared 2-core machine)")  # fmt: skip
        print(f"accepted {counts['accepted']}  refused {counts['refused']}  failed {counts['failed']}")
        print(f"unloaded voice-to-voice  p50 {pct(unloaded, 50):6.0f} ms  p95 {pct(unloaded, 95):6.0f} ms  "
              f"({len(unloaded)} turns)")  # fmt: skip
        print(f"loaded   voice-to-voice  p50 {pct(loaded, 50):6.0f} ms  p95 {pct(loaded, 95):6.0f} ms  "
              f"({len(loaded)} turns)")  # fmt: skip
        print(f"p95 loaded / unloaded    {pct(loaded, 95) / pct(unloaded, 95):.2f}x")
    finally:
        server.stop()


if __name__ == "__main__":
    asyncio.run(main())
