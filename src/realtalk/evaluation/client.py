"""A minimal Realtime-API WebSocket client that timestamps every server event on arrival.

Deliberately not the `openai` SDK: the evaluation must see the raw events of any server (and
time them precisely), including events an SDK version does not know yet.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import websockets

from .audio import WIRE_RATE, Samples, pcm24k

CHUNK_MS = 20
_CHUNK_BYTES = WIRE_RATE * 2 * CHUNK_MS // 1000
Match = Callable[[dict[str, Any]], bool]


class EvalClient:
    """One connection: a real-time microphone (`play`) and a log of (seconds since start, event)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.t0 = time.perf_counter()
        self.events: list[tuple[float, dict[str, Any]]] = []
        self._new = asyncio.Event()
        self._clips: deque[tuple[bytes, asyncio.Future[float]]] = deque()
        self._reader = asyncio.create_task(self._read())
        self._mic: asyncio.Task[None] | None = None

    @classmethod
    async def connect(cls, url: str, key: str) -> EvalClient:
        ws = await websockets.connect(
            url, additional_headers={"Authorization": f"Bearer {key}"}, max_size=None
        )
        return cls(ws)

    def now(self) -> float:
        return time.perf_counter() - self.t0

    async def _read(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                self.events.append((self.now(), json.loads(raw)))
                self._new.set()

    async def send(self, event: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(event))

    async def wait_for(
        self, match: Match, *, after: int = 0, timeout: float = 30.0
    ) -> tuple[float, dict[str, Any]]:
        deadline = time.perf_counter() + timeout
        while True:
            for at, event in self.events[after:]:
                if match(event):
                    return at, event
            self._new.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0 or self._reader.done():
                raise TimeoutError("no matching server event")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), remaining)

    def start_microphone(self) -> None:
        """Stream audio from now on at real-time pace: queued clips, digital silence between them."""
        self._mic = asyncio.create_task(self._stream())

    def play(self, samples: Samples) -> asyncio.Future[float]:
        """Queue 16 kHz audio; the future gives the time (`now()`) its first sample was sent."""
        started: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._clips.append((pcm24k(samples), started))
        return started

    def idle(self) -> bool:
        return not self._clips

    async def _stream(self) -> None:
        start = time.perf_counter()
        silence = b"\0" * _CHUNK_BYTES
        offset = 0
        for index in range(1_000_000_000):
            delay = start + index * CHUNK_MS / 1000 - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            chunk = silence
            if self._clips:
                pcm, started = self._clips[0]
                if offset == 0 and not started.done():
                    started.set_result(self.now())
                chunk = pcm[offset : offset + _CHUNK_BYTES]
                offset += _CHUNK_BYTES
                if offset >= len(pcm):
                    self._clips.popleft()
                    offset = 0
            await self.send({"type": "input_audio_buffer.append", "audio": base64.b64encode(chunk).decode()})

    async def close(self) -> None:
        for task in (self._mic, self._reader):
            if task is not None:
                task.cancel()
        await self.ws.close()


def of_type(kind: str, **fields: Any) -> Match:
    """Matches events of `kind` whose top-level `fields` are equal."""
    return lambda e: e.get("type") == kind and all(e.get(k) == v for k, v in fields.items())
