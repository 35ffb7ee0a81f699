"""The runtime's effect queue is bounded by backpressure: client input waits while the worker is behind."""

from __future__ import annotations

import asyncio
from typing import Any

from realtalk.brain.builtin import BuiltinBrain
from realtalk.session.effects import Send
from realtalk.session.runtime import MAX_QUEUED_BATCHES, SessionRuntime
from realtalk.session.session import RealtimeSession
from tests.session.test_session_core import QuietVad


async def test_input_waits_while_the_worker_is_behind() -> None:
    unblocked = asyncio.Event()
    sent: list[dict[str, Any]] = []

    async def slow_send(event: dict[str, Any]) -> None:
        await unblocked.wait()  # a client connection that is not taking anything
        sent.append(event)

    session = RealtimeSession(model="realtalk", vad=QuietVad())
    runtime = SessionRuntime(session, stt=None, tts=None, brain=BuiltinBrain(), store=None, send=slow_send)  # type: ignore[arg-type]
    await runtime.start([])
    await asyncio.wait_for(runtime.room(), 1)
    for index in range(MAX_QUEUED_BATCHES + 10):
        runtime.submit([Send({"type": "test", "n": index})])
    waiting = asyncio.create_task(runtime.room())
    await asyncio.sleep(0.1)
    assert not waiting.done(), "a long queue holds client input back"
    unblocked.set()
    await asyncio.wait_for(waiting, 5)
    await runtime.drain()
    assert [e["n"] for e in sent if e["type"] == "test"] == list(range(MAX_QUEUED_BATCHES + 10))
    await runtime.close()
