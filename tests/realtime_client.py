"""A Realtime client for tests: the official `openai` SDK, with every server event validated."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from openai import AsyncOpenAI

from .live_server import API_KEY, LiveServer
from .realtime_schema import validate_server_event


class EventReader:
    """Waiting for server events, whatever carries them (`next` is the transport's)."""

    events: list[dict[str, Any]]

    async def next(self, timeout: float = 30.0) -> dict[str, Any]:
        raise NotImplementedError

    async def until(self, event_type: str, timeout: float = 60.0) -> dict[str, Any]:
        """Read events until one of `event_type` arrives; return it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = await self.next(max(0.01, deadline - loop.time()))
            if event["type"] == event_type:
                return event


class Recorder(EventReader):
    """Wraps an SDK connection: reads raw frames, validates each strictly, keeps them all."""

    def __init__(self, connection: Any, *, extensions: bool = False) -> None:
        self.connection = connection
        self.extensions = extensions
        self.events: list[dict[str, Any]] = []

    async def send(self, event: dict[str, Any]) -> None:
        await self.connection.send(event)

    async def next(self, timeout: float = 30.0) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.connection.recv_bytes(), timeout)
        event = json.loads(raw)
        if self.extensions and event["type"].startswith("realtalk."):
            self.events.append(event)  # RealTalk's own events: documented in docs/protocol.md
            return event
        validate_server_event(event)
        parsed = self.connection.parse_event(raw)  # the SDK itself must accept it too
        assert parsed.type == event["type"]
        self.events.append(event)
        return event

    async def collect_response(self, timeout: float = 60.0) -> list[dict[str, Any]]:
        """Events from now through the next `response.done`."""
        start = len(self.events)
        await self.until("response.done", timeout)
        return self.events[start:]

    async def update(self, **session: Any) -> dict[str, Any]:
        """`session.update` with these fields; the `session.updated` that answers it."""
        await self.send({"type": "session.update", "session": {"type": "realtime", **session}})
        return await self.until("session.updated")

    async def ask(self, text: str) -> None:
        """Add a typed user message and ask for a response."""
        content = [{"type": "input_text", "text": text}]
        await self.send(
            {
                "type": "conversation.item.create",
                "item": {"type": "message", "role": "user", "content": content},
            }
        )
        await self.send({"type": "response.create"})

    async def turn(self, text: str) -> str:
        """One typed user turn; what the agent finally says, after any server-tool round trips."""
        await self.ask(text)
        while True:
            events = await self.collect_response()
            if not any(e["type"] == "response.function_call_arguments.done" for e in events):
                return "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")

    def types(self, since: int = 0) -> list[str]:
        return [e["type"] for e in self.events[since:]]

    async def append_audio(self, pcm24k: bytes, chunk_ms: int = 100, pace: float = 0.0) -> None:
        """Append 24 kHz PCM16 in chunks; `pace` > 0 sleeps chunk_ms * pace between chunks."""
        step = 48 * chunk_ms
        for offset in range(0, len(pcm24k), step):
            await self.send(
                {
                    "type": "input_audio_buffer.append",
                    "audio": base64.b64encode(pcm24k[offset : offset + step]).decode(),
                }
            )
            if pace:
                await asyncio.sleep(chunk_ms / 1000 * pace)


async def say(conn: Recorder, text: str) -> str:
    """Add a typed user message; return its id once the server has acknowledged (saved) it."""
    content = [{"type": "input_text", "text": text}]
    await conn.send(
        {"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": content}}
    )
    return str((await conn.until("conversation.item.done"))["item"]["id"])


@asynccontextmanager
async def realtime(
    server: LiveServer, *, api_key: str = API_KEY, extensions: bool = False, **query: str
) -> AsyncIterator[Recorder]:
    client = AsyncOpenAI(base_url=server.base_url, api_key=api_key)
    async with client.realtime.connect(model="realtalk", extra_query=query or {}) as connection:
        recorder = Recorder(connection, extensions=extensions)
        created = await recorder.next()
        assert created["type"] == "session.created", created
        yield recorder


def pcm24k(samples16k: Any) -> bytes:
    """16 kHz float speech as the Realtime default format (24 kHz PCM16)."""
    import numpy as np
    import soxr

    resampled = soxr.resample(np.asarray(samples16k, dtype=np.float32), 16000, 24000)
    return bytes((np.clip(resampled, -1, 1) * 32767).astype("<i2").tobytes())


def silence(ms: int) -> bytes:
    return b"\0\0" * (24 * ms)


def audio_bytes(events: list[dict[str, Any]]) -> bytes:
    return b"".join(
        base64.b64decode(e["delta"]) for e in events if e["type"] == "response.output_audio.delta"
    )
