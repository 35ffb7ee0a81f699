"""Voice-to-voice latency, barge-in time, STT accuracy and memory per session, measured end to end.

Streams real recorded speech (Debian's pocketsphinx-testdata) at real-time pace over the Realtime
WebSocket, exactly as a client would, and prints p50/p95 of:

- voice-to-voice: end of the user's speech (found offline in the clip: the last 20 ms window within
  30 dB of the clip's loudest) -> first reply audio received;
- endpoint -> first audio: `input_audio_buffer.speech_stopped` received -> first reply audio received;
- barge-in: onset of speech streamed over a reply -> that reply's `response.done` (cancelled),
  after which no more of its audio arrives;
- STT word error rate over the LibriVox clips;
- resident memory added per extra connected session.

Run from the repo root: `python bench/voice_latency.py` (starts its own server) or pass
`--url http://host:port --key KEY` to measure a running one.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.live_server import API_KEY, LiveServer, start_server
from tests.realtime_client import pcm24k
from tests.speech_data import cards_clips, librivox_clips, load_wav_16k, word_error_rate

CHUNK_MS = 20
LEAD_IN_MS = 300


def speech_bounds_ms(samples: np.ndarray, rate: int = 16000) -> tuple[float, float]:
    """Acoustic onset and end of speech: first and last 20 ms window within 30 dB of the loudest."""
    window = rate // 50
    frames = samples[: len(samples) // window * window].reshape(-1, window)
    energy = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    loud = np.flatnonzero(energy > energy.max() - 30)
    return float(loud[0] * 20), float((loud[-1] + 1) * 20)


class Client:
    """A raw WebSocket Realtime client that timestamps every event on arrival."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.events: list[tuple[float, dict[str, Any]]] = []
        self._new = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            self.events.append((time.perf_counter(), json.loads(raw)))
            self._new.set()

    async def send(self, event: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(event))

    async def wait_for(
        self, kind: str, after: int = 0, timeout: float = 60.0, **match: Any
    ) -> tuple[float, dict[str, Any]]:
        deadline = time.perf_counter() + timeout
        while True:
            for at, event in self.events[after:]:
                if event["type"] == kind and all(event.get(k) == v for k, v in match.items()):
                    return at, event
            self._new.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(kind)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), remaining)

    async def stream(self, pcm: bytes) -> float:
        """Send 24 kHz PCM16 at real-time pace; returns the wall time of its first sample."""
        step = 48 * CHUNK_MS
        start = time.perf_counter()
        for index, offset in enumerate(range(0, len(pcm), step)):
            delay = start + index * CHUNK_MS / 1000 - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await self.send(
                {
                    "type": "input_audio_buffer.append",
                    "audio": base64.b64encode(pcm[offset : offset + step]).decode(),
                }
            )
        return start


def silence(ms: float) -> bytes:
    return b"\0\0" * int(24 * ms)


async def one_turn(
    url: str, key: str, speech16k: np.ndarray, interruption16k: np.ndarray | None
) -> dict[str, Any]:
    _, speech_end = speech_bounds_ms(speech16k)
    async with websockets.connect(
        url, additional_headers={"Authorization": f"Bearer {key}"}, max_size=None
    ) as ws:
        client = Client(ws)
        await client.wait_for("session.created")
        await client.send(
            {
                "type": "session.update",
                "session": {
                    "type": "realtime",
                    "audio": {"input": {"transcription": {"model": "whisper-1"}}},
                },
            }
        )
        await client.wait_for("session.updated")
        audio = silence(LEAD_IN_MS) + pcm24k(speech16k)
        sender = asyncio.create_task(client.stream(audio + silence(3000)))
        await asyncio.sleep(0)
        t0 = time.perf_counter()
        t_stop, _ = await client.wait_for("input_audio_buffer.speech_stopped")
        t_audio, first = await client.wait_for("response.output_audio.delta")
        _, transcript = await client.wait_for("conversation.item.input_audio_transcription.completed")
        result: dict[str, Any] = {
            "voice_to_voice_ms": (t_audio - (t0 + (LEAD_IN_MS + speech_end) / 1000)) * 1000,
            "endpoint_to_audio_ms": (t_audio - t_stop) * 1000,
            "transcript": transcript["transcript"],
        }
        sender.cancel()
        if interruption16k is not None:
            onset, _ = speech_bounds_ms(interruption16k)
            mark = len(client.events)
            t1 = time.perf_counter()
            barge = asyncio.create_task(client.stream(pcm24k(interruption16k) + silence(1000)))
            t_done, done = await _done_of(client, first["response_id"])
            if done["response"]["status"] == "cancelled":
                result["barge_in_ms"] = (t_done - (t1 + onset / 1000)) * 1000
                late = [
                    e
                    for at, e in client.events[mark:]
                    if at > t_done
                    and e["type"] == "response.output_audio.delta"
                    and e["response_id"] == first["response_id"]
                ]
                result["late_audio_chunks"] = len(late)
            barge.cancel()
        client._reader.cancel()
        return result


async def _done_of(client: Client, response_id: str) -> tuple[float, dict[str, Any]]:
    deadline = time.perf_counter() + 60
    seen = 0
    while time.perf_counter() < deadline:
        for at, event in client.events[seen:]:
            if event["type"] == "response.done" and event["response"]["id"] == response_id:
                return at, event
        seen = len(client.events)
        await asyncio.sleep(0.005)
    raise TimeoutError("response.done")


async def memory_per_session(url: str, key: str, server: LiveServer, extra: int = 10) -> float:
    async def open_session() -> Any:
        ws = await websockets.connect(
            url, additional_headers={"Authorization": f"Bearer {key}"}, max_size=None
        )
        await ws.recv()
        await ws.send(
            json.dumps(
                {"type": "input_audio_buffer.append", "audio": base64.b64encode(silence(500)).decode()}
            )
        )
        return ws

    first = await open_session()
    await asyncio.sleep(1)
    before = server.rss_kib()
    others = [await open_session() for _ in range(extra)]
    await asyncio.sleep(1)
    after = server.rss_kib()
    for ws in [first, *others]:
        await ws.close()
    return (after - before) / extra / 1024


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="http://host:port of a running server (default: start one)")
    parser.add_argument("--key", default=API_KEY)
    parser.add_argument("--rounds", type=int, default=2, help="passes over the clips")
    parser.add_argument(
        "--no-speculation", action="store_true", help="start the server with speculative replies off"
    )
    args = parser.parse_args()

    server = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        env = {"REALTALK_SPECULATIVE_REPLIES": "false"} if args.no_speculation else {}
        server = start_server(Path(tempfile.mkdtemp(prefix="realtalk-bench-")), **env)
        base = server.http_url
    url = base.replace("http", "ws", 1) + "/v1/realtime?model=bench"
    try:
        librivox = librivox_clips()
        cards = cards_clips()
        interruptions = [load_wav_16k(path) for path, _ in cards]
        rows: list[dict[str, Any]] = []
        hypotheses, references = [], []
        for round_index in range(args.rounds):
            for index, (path, reference) in enumerate(librivox + cards):
                speech = load_wav_16k(path)
                row = await one_turn(url, args.key, speech, interruptions[index % len(interruptions)])
                rows.append(row)
                if round_index == 0 and (path, reference) in librivox:
                    hypotheses.append(row["transcript"])
                    references.append(reference)
                print(
                    f"  {Path(path).name:48s} v2v {row['voice_to_voice_ms']:6.0f} ms  "
                    f"endpoint->audio {row['endpoint_to_audio_ms']:6.0f} ms  "
                    f"barge-in {row.get('barge_in_ms', float('nan')):6.0f} ms  heard {row['transcript']!r}",
                    flush=True,
                )
        wer = word_error_rate(references, hypotheses)
        v2v = [r["voice_to_voice_ms"] for r in rows]
        ep = [r["endpoint_to_audio_ms"] for r in rows]
        barge = [r["barge_in_ms"] for r in rows if "barge_in_ms" in r]
        late = sum(r.get("late_audio_chunks", 0) for r in rows)
        print()
        print(f"turns: {len(rows)}   (silence window 500 ms, server VAD defaults)")
        print(f"voice-to-voice      p50 {pct(v2v, 50):6.0f} ms   p95 {pct(v2v, 95):6.0f} ms")
        print(f"endpoint -> audio   p50 {pct(ep, 50):6.0f} ms   p95 {pct(ep, 95):6.0f} ms")
        print(
            f"barge-in            p50 {pct(barge, 50):6.0f} ms   p95 {pct(barge, 95):6.0f} ms   "
            f"({len(barge)} interrupted replies, {late} audio chunks after cancel)"
        )
        print(f"STT WER (LibriVox)  {wer:.3f}  over {len(references)} clips")
        if server is not None and server.process is not None:
            mb = await memory_per_session(url, args.key, server)
            print(f"memory per extra session  {mb:.1f} MiB")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    asyncio.run(main())
