"""The Escape Room: Enigma, a puzzle master who guards a door with a secret 4-digit code.

Each session gets its own random code. Enigma reveals it one digit per hint, over several turns;
`unlock_door` checks a guess on the server, so the client never sees the code itself, only the
hints the player earned. `realtalk serve --app escape-room` runs it with server-side tools; the
same rules run in a separate backend over a sideband connection in examples/escape_room_sideband.py.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ..tools.registry import ToolContext, ToolRegistry
from . import App

CODE_DIGITS = 4
MAX_ROOMS = 10_000
"""Rooms kept in memory; the oldest are forgotten first (a room is a few bytes)."""

_ORDINALS = ("first", "second", "third", "fourth")

INSTRUCTIONS = (
    "You are Enigma, the puzzle master of this escape room. "
    "Greet the player with 'Welcome to my escape room. I am Enigma. "
    "The door is locked with a four digit code. Ask me for a hint whenever you like, "
    "and say the code when you think you know it.' "
    "Reveal the code only through the get_hint tool, one digit per hint, and check guesses only with "
    "the unlock_door tool. Never say the code yourself."
)


@dataclass
class Room:
    """One player's door: its code and how far they got. The rules of both tools live here, so the
    server-side tools and a sideband backend (examples/escape_room_sideband.py) share them."""

    code: str
    hints_given: int = 0
    attempts: int = 0
    unlocked: bool = False

    def hint(self) -> dict[str, object]:
        """The next digit of the code, by position; once all are given, all of them again."""
        if self.hints_given >= CODE_DIGITS:
            return {
                "message": f"You have all {CODE_DIGITS} digits: " + " ".join(self.code) + ". Try the code!"
            }
        digit = self.code[self.hints_given]
        self.hints_given += 1
        left = CODE_DIGITS - self.hints_given
        more = f" {left} more to find." if left else " That was the last one. Now try the code!"
        return {"message": f"The {_ORDINALS[self.hints_given - 1]} digit is {digit}.{more}"}

    def try_code(self, code: str) -> dict[str, object]:
        """Check a guess (any non-digits in it are ignored); `unlocked` says whether it opened."""
        guess = "".join(ch for ch in code if ch.isdigit())
        self.attempts += 1
        if guess == self.code:
            self.unlocked = True
            return {"message": "Click. The door swings open. You escaped! Well done.", "unlocked": True}
        return {
            "message": f"The lock does not move. {guess or 'That'} is not the code. Ask me for a hint.",
            "unlocked": False,
        }


@dataclass
class Rooms:
    """A room per id (a session's, or a call's), created on first use."""

    _rooms: OrderedDict[str, Room] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, session_id: str) -> Room:
        with self._lock:
            room = self._rooms.get(session_id)
            if room is None:
                room = Room("".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS)))
                self._rooms[session_id] = room
                while len(self._rooms) > MAX_ROOMS:
                    self._rooms.popitem(last=False)
            return room


rooms = Rooms()
tools = ToolRegistry()


@tools.register
def get_hint(context: ToolContext) -> dict[str, object]:
    """Give the player a hint (a clue): reveals the next digit of the door code."""
    return rooms.get(context.session_id).hint()


@tools.register
def unlock_door(code: str, context: ToolContext) -> dict[str, object]:
    """Try a code to unlock the door.

    Args:
        code: The 4-digit code the player says, digit by digit.
    """
    return rooms.get(context.session_id).try_code(code)


def function_tools() -> list[dict[str, Any]]:
    """The same two tools as client-defined Realtime function tools (name, description, JSON
    schema), for a backend that answers them itself over a sideband connection."""
    return [
        {
            "type": "function",
            "name": spec.name,
            "description": spec.description,
            "parameters": spec.parameters,
        }
        for spec in tools.specs()
    ]


app = App(
    name="escape-room",
    title="Escape Room",
    tools=tools,
    session={"type": "realtime", "instructions": INSTRUCTIONS},
)
