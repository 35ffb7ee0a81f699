"""The Escape Room's server-side rules, then the whole room solved over the Realtime protocol."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from realtalk.apps.escape_room import rooms
from realtalk.apps.escape_room import tools as room_tools
from realtalk.tools import ToolContext
from tests.live_server import LiveServer, serving
from tests.realtime_client import realtime

DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


async def test_hints_reveal_the_code_one_digit_at_a_time() -> None:
    alice, bob = ToolContext("sess_alice", "conv_a"), ToolContext("sess_bob", "conv_b")
    assert "context" not in room_tools.tools["get_hint"].parameters["properties"], "injected, not asked for"
    digits = []
    for index in range(4):
        message = json.loads(await room_tools.call("get_hint", "{}", alice))["message"]
        digits.append(re.search(r"digit is (\d)", message).group(1))  # type: ignore[union-attr]
        assert ("last one" in message) == (index == 3)
    code = "".join(digits)
    assert code == rooms.get("sess_alice").code
    wrong = "".join(str((int(d) + 1) % 10) for d in code)
    result = json.loads(await room_tools.call("unlock_door", json.dumps({"code": wrong}), alice))
    assert result["unlocked"] is False and code not in result["message"]
    result = json.loads(await room_tools.call("unlock_door", json.dumps({"code": " ".join(code)}), alice))
    assert result["unlocked"] is True and rooms.get("sess_alice").unlocked
    assert not rooms.get("sess_bob").unlocked, "every session has its own room"
    assert rooms.get(bob.session_id).hints_given == 0


@pytest.fixture(scope="module")
def room_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serving(tmp_path_factory.mktemp("room"), "--app", "escape-room") as live:
        yield live


@pytest.mark.slow
async def test_escape_room_solved_end_to_end(room_server: LiveServer) -> None:
    async with realtime(room_server) as conn:
        await conn.send(
            {"type": "session.update", "session": {"type": "realtime", "output_modalities": ["text"]}}
        )
        created = conn.events[0]
        assert "Enigma" in created["session"]["instructions"]
        await conn.until("session.updated")
        assert "I am Enigma" in await conn.turn("hello")
        digits = []
        for _ in range(4):
            hint = await conn.turn("can i have a hint please")
            digits.append(re.search(r"digit is (\d)", hint).group(1))  # type: ignore[union-attr]
        wrong = [str((int(d) + 1) % 10) for d in digits]
        assert "not the code" in await conn.turn(
            "try the code " + " ".join(DIGIT_WORDS[int(d)] for d in wrong)
        )
        assert "You escaped" in await conn.turn(
            "try the code " + " ".join(DIGIT_WORDS[int(d)] for d in digits)
        )
        outputs = [
            e["item"]["output"]
            for e in conn.events
            if e["type"] == "conversation.item.added" and e["item"]["type"] == "function_call_output"
        ]
        assert len(outputs) == 6
        assert not any("".join(digits) in o for o in outputs[:4]), "hints never hand over the whole code"
