"""Tools and helpers shared by the built-in brain's tests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from realtalk.brain.base import BrainEvent, BrainRequest, Message, TextDelta, ToolCall, ToolChoice, ToolSpec
from realtalk.brain.builtin import BuiltinBrain

NOW = datetime(2026, 11, 22, 12, 0)  # a Sunday, noon


def tool(
    tool_name: str, description: str, required: Sequence[str] = (), **properties: dict[str, Any]
) -> ToolSpec:
    """A function tool whose parameters are the keyword arguments' JSON schemas."""
    return ToolSpec(
        tool_name, description, {"type": "object", "properties": properties, "required": list(required)}
    )


WEATHER = tool(
    "get_weather",
    "Get the current weather for a city.",
    ["city"],
    city={"type": "string", "description": "City name"},
    unit={"type": "string", "enum": ["C", "F"]},
)
TASK = tool(
    "add_task",
    "Add a task to the to-do list",
    ["title"],
    title={"type": "string"},
    due={"type": "string", "format": "date-time"},
    priority={"type": "string", "enum": ["low", "medium", "high"]},
)
DOOR = tool(
    "unlock_door",
    "Try a code on the door",
    ["code"],
    code={"type": "string", "description": "the 4-digit code"},
)
TABLE = tool(
    "book_table",
    "Book a restaurant table",
    ["party_size", "date", "time"],
    name={"type": "string", "description": "guest name"},
    party_size={"type": "integer", "description": "number of guests"},
    date={"type": "string", "description": "date of the booking"},
    time={"type": "string"},
    outdoor={"type": "boolean"},
)
ORDER = tool("lookup_order", "Look up the status of an order", ["order_id"], order_id={"type": "string"})
LIGHTS = tool(
    "toggle_lights",
    "Turn the lights on or off in a room",
    ["room", "on"],
    room={"type": "string"},
    on={"type": "boolean"},
)
THERMOSTAT = tool(
    "set_thermostat",
    "Set the thermostat",
    ["temperature"],
    temperature={"type": "number", "description": "target temperature in degrees"},
)
EMAIL = tool(
    "send_email",
    "Send an email",
    ["to", "body"],
    to={"type": "string", "description": "recipient email address"},
    subject={"type": "string"},
    body={"type": "string"},
)
MEMORY = tool(
    "set_memory",
    "Saves important data about the user into memory.",
    ["key", "value"],
    key={"type": "string"},
    value={"type": "string"},
)
FLIGHTS = tool(
    "find_flights",
    "Find flights between two cities",
    ["origin", "destination"],
    origin={"type": "string"},
    destination={"type": "string"},
    date={"type": "string", "format": "date"},
)
STOCK = tool(
    "get_stock_price",
    "Get the current stock price for a ticker symbol.",
    ["symbol"],
    symbol={"type": "string"},
)
CONVERT = tool(
    "convert_distance",
    "Convert a distance in kilometers to miles.",
    ["kilometers"],
    kilometers={"type": "number"},
)
TOOLS = [WEATHER, TASK, DOOR, TABLE, ORDER, LIGHTS, THERMOSTAT, EMAIL, MEMORY, FLIGHTS, STOCK, CONVERT]

# Tools that share most of their words, like the Task Manager app's.
TITLE = {"type": "string", "description": "which task, by its words"}
DUE = {"type": "string", "format": "date-time"}
TASKS = [
    tool(
        "add_task", "Add a new task (a to-do or reminder) to the task list.", ["title"], title=TITLE, due=DUE
    ),
    tool("list_due_tasks", "List the open tasks, or those due on a given day.", day={"type": "string"}),
    tool("complete_task", "Mark a task as done (complete, finished).", ["title"], title=TITLE),
    tool(
        "reschedule_task",
        "Move (reschedule) a task to a new due date and time.",
        ["title", "due"],
        title=TITLE,
        due=DUE,
    ),
    tool(
        "delete_task",
        "Delete (remove) a task from the list; asks the user to confirm first.",
        ["title"],
        title=TITLE,
        confirm={"type": "boolean", "description": "true once the user has said yes"},
    ),
]


def reply(
    text: str | None,
    *,
    instructions: str = "",
    tools: Sequence[ToolSpec] = TOOLS,
    choice: ToolChoice = "auto",
    history: Sequence[Message] = (),
    known: Sequence[str] = (),
) -> list[BrainEvent]:
    """The built-in brain's reply to `text` (None: no new user message) after `history`; `known`
    are the names the tools hold."""
    messages = [*history, *([Message("user", text)] if text is not None else [])]
    request = BrainRequest(instructions, messages, tools, choice, known=known)
    return BuiltinBrain(clock=lambda: NOW).reply(request)


def said(events: Sequence[BrainEvent]) -> str:
    assert events and all(isinstance(e, TextDelta) for e in events), events
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def called(events: Sequence[BrainEvent]) -> tuple[str, dict[str, Any]]:
    assert len(events) == 1 and isinstance(events[0], ToolCall), events
    return events[0].name, json.loads(events[0].arguments)
