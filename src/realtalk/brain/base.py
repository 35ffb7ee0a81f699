"""The interface between a Realtime session and whatever decides what the agent says.

The session turns its conversation into a `BrainRequest` (shaped like a Chat Completions call,
since that is what most LLM servers speak) and consumes the `BrainEvent`s a brain streams back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol


@dataclass(frozen=True)
class ToolSpec:
    """A function the agent may call (Realtime `{"type": "function", ...}` tool)."""

    name: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolCall:
    """A complete function call decided by the brain. `arguments` is a JSON object as text."""

    call_id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class Message:
    """One turn of the conversation, in Chat Completions terms.

    - user / system / assistant: `content` holds the text (or audio transcript);
    - an assistant turn that called tools has them in `tool_calls`;
    - role "tool" carries a tool result for `tool_call_id` in `content`.
    """

    role: Literal["system", "user", "assistant", "tool"]
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None


ToolChoice = str | dict[str, Any]
""""auto", "none", "required", or {"type": "function", "name": ...}."""


@dataclass(frozen=True)
class BrainRequest:
    """Everything a brain needs to produce one response."""

    instructions: str
    messages: Sequence[Message]
    tools: Sequence[ToolSpec] = ()
    tool_choice: ToolChoice = "auto"
    temperature: float | None = None
    max_output_tokens: int | None = None


@dataclass(frozen=True)
class TextDelta:
    """More of the spoken/written reply."""

    text: str


BrainEvent = TextDelta | ToolCall


class Brain(Protocol):
    """Streams a reply: text deltas, then zero or more tool calls."""

    name: str

    def stream(self, request: BrainRequest) -> AsyncIterator[BrainEvent]:
        """Yield the reply as it is produced. Raise `BrainError` when it cannot answer."""
        ...


class BrainError(RuntimeError):
    """The brain could not produce a reply (endpoint down, timeout, bad answer)."""
