"""Conversations survive a crash: items are on disk before the client hears of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import LiveServer, start_server
from tests.realtime_client import realtime

pytestmark = pytest.mark.slow


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[LiveServer]:
    live = start_server(tmp_path / "data")
    yield live
    live.stop()


async def test_items_survive_a_crash_and_restore(own_server: LiveServer) -> None:
    async with realtime(own_server) as conn:
        await conn.update(output_modalities=["text"])
        for text in ("my name is Grace", "I like tea"):
            await conn.send(
                {
                    "type": "conversation.item.create",
                    "item": {
                        "type": "message",
                        "role": "user",
                        "content": [{"type": "input_text", "text": text}],
                    },
                }
            )
            await conn.until("conversation.item.done")
        await conn.send({"type": "response.create"})
        done = await conn.until("response.done")
        conversation_id = done["response"]["conversation_id"]
        assert conversation_id
        before = [e["item"] for e in conn.events if e["type"] == "conversation.item.done"]
    assert len(before) == 3

    own_server.kill()  # SIGKILL: no graceful shutdown
    own_server.start()

    async with realtime(own_server, conversation_id=conversation_id) as conn:
        replayed = [(await conn.until("conversation.item.done"))["item"] for _ in before]
        assert [i["id"] for i in replayed] == [i["id"] for i in before]
        assert replayed[0]["content"][0]["text"] == "my name is Grace"
        assert replayed[2]["role"] == "assistant" and replayed[2]["content"][0]["text"]
        await conn.send({"type": "conversation.item.retrieve", "item_id": before[1]["id"]})
        assert (await conn.until("conversation.item.retrieved"))["item"]["content"][0]["text"] == "I like tea"

    async with realtime(own_server, extensions=True) as conn:
        await conn.send(
            {
                "type": "realtalk.conversation.restore",
                "conversation_id": conversation_id,
                "event_id": "restore-1",
            }
        )
        restored = await conn.until("realtalk.conversation.restored")
        assert restored["item_count"] == 3 and restored["conversation_id"] == conversation_id
        assert restored["client_event_id"] == "restore-1"
        assert sum(e["type"] == "conversation.item.added" for e in conn.events) == 3
        await conn.send({"type": "realtalk.conversation.restore", "conversation_id": conversation_id})
        assert (await conn.until("error"))["error"]["code"] == "conversation_not_empty"

    async with realtime(own_server, extensions=True) as conn:
        await conn.send({"type": "realtalk.conversation.restore", "conversation_id": "conv_nope"})
        assert (await conn.until("error"))["error"]["code"] == "conversation_not_found"
