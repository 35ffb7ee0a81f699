"""The Escape Room: Enigma, a puzzle master who guards a door with a secret 4-digit code.

Each session gets its own random code. Enigma reveals it one digit per hint, over several turns;
`unlock_door` checks a guess on the server, so the client never sees the code itself, only the
hints the player earned.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

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
    code: str
    hints_given: int = 0
    attempts: int = 0
    unlocked: bool = False


@dataclass
class Rooms:
    """Each session's room, created on first use."""

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
    room = rooms.get(context.session_id)
    if room.hints_given >= CODE_DIGITS:
        return {"message": f"You have all {CODE_DIGITS} digits: " + " ".join(room.code) + ". Try the code!"}
    digit = room.code[room.hints_given]
    room.hints_given += 1
    left = CODE_DIGITS - room.hints_given
    more = f" {left} more to find." if left else " That was the last one. Now try the code!"
    return {"message": f"The {_ORDINALS[room.hints_given - 1]} digit is {digit}.{more}"}


@tools.register
def unlock_door(code: str, context: ToolContext) -> dict[str, object]:
    """Try a code to unlock the door.

    Args:
        code: The 4-digit code the player says, digit by digit.
    """
    room = rooms.get(context.session_id)
    guess = "".join(ch for ch in code if ch.isdigit())
    room.attempts += 1
    if guess == room.code:
        room.unlocked = True
        return {"message": "Click. The door swings open. You escaped! Well done.", "unlocked": True}
    return {
        "message": f"The lock does not move. {guess or 'That'} is not the code. Ask me for a hint.",
        "unlocked": False,
    }


app = App(
    name="escape-room",
    title="Escape Room",
    tools=tools,
    session={"type": "realtime", "instructions": INSTRUCTIONS},
)
