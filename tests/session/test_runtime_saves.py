"""The runtime writes a turn's items before the client hears of them, and starts its reply meanwhile."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from realtalk.brain.base import BrainEvent, BrainRequest, Message, TextDelta
from realtalk.engines.piper_tts import PiperTts
from realtalk.session.effects import Generate, SaveItem, Send
from realtalk.session.runtime import SessionRuntime
from realtalk.session.session import RealtimeSession
from realtalk.storage.store import ConversationStore
from tests.session.test_session_core import QuietVad


class _NotingBrain:
    """Answers "Sure." and notes, for each request, whether `told()` held when it was asked."""

    name = "noting"

    def __init__(self, told: Callable[[], bool]) -> None:
        self.asked: list[bool] = []
        self._told = told

    async def stream(self, request: BrainRequest) -> AsyncIterator[BrainEvent]:
        self.asked.append(self._told())
        yield TextDelta("Sure.")


async def test_a_reply_starts_while_the_items_before_it_are_written(tmp_path: Path) -> None:
    """A slow write (here the database locked by another connection, as a busy disk holds a
    commit) delays what the client is told, not the brain: the reply ordered after the save is
    started at once and taken up, in order, once the save is done."""
    path = tmp_path / "store.db"
    sent: list[str] = []

    async def send(event: dict[str, Any]) -> None:
        sent.append(event["type"])

    item = {
        "id": "item_1",
        "type": "message",
        "role": "user",
        "content": [{"type": "input_text", "text": "hi"}],
    }
    with ConversationStore(f"sqlite:///{path}") as store:
        session = RealtimeSession(model="realtalk", vad=QuietVad())
        brain = _NotingBrain(told=lambda: "saved" in sent)
        runtime = SessionRuntime(session, stt=None, tts=PiperTts(), brain=brain, store=store, send=send)  # type: ignore[arg-type]
        await runtime.start([])
        await runtime.drain()
        locker = sqlite3.connect(path, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")  # every other writer waits (pysqlite's 5 s busy timeout)
        request = BrainRequest("", [Message("user", "hi")])
        runtime.submit([SaveItem(item, None), Send({"type": "saved"}), Generate("resp_1", request, None)])
        for _ in range(50):
            if brain.asked:
                break
            await asyncio.sleep(0.02)
        assert "saved" not in sent, "the client hears of nothing before the save"
        locker.execute("COMMIT")
        locker.close()
        await runtime.drain()
        assert brain.asked == [False], "the reply was started while its item was being written"
        assert sent[-1] == "saved" and [i["id"] for i in store.load_items(session.conversation_id)] == [
            "item_1"
        ]
        await runtime.close()
